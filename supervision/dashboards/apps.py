from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "supervision.dashboards"
    label = "dashboards"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Dashboards"
