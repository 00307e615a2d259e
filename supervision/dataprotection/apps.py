from django.apps import AppConfig


class DataprotectionConfig(AppConfig):
    name = "supervision.dataprotection"
    label = "dataprotection"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Data protection"
