from django.apps import AppConfig


class CasefileConfig(AppConfig):
    name = "supervision.casefile"
    label = "casefile"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Case file and conference"
