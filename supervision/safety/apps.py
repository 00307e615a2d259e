from django.apps import AppConfig


class SafetyConfig(AppConfig):
    name = "supervision.safety"
    label = "safety"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Safety plans"
