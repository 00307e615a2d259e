import pytest


@pytest.fixture(autouse=True)
def _empty_storage(settings):
    """A new, empty in-memory storage for each test, so "nothing was stored" can be seen."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
