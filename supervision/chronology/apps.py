from django.apps import AppConfig


class ChronologyConfig(AppConfig):
    name = "supervision.chronology"
    default_auto_field = "django.db.models.BigAutoField"
