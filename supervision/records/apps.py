from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "supervision.records"
    default_auto_field = "django.db.models.BigAutoField"
