from django.apps import AppConfig


class DistributionConfig(AppConfig):
    name = "supervision.distribution"
    label = "distribution"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Distribution"
