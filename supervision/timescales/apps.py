from django.apps import AppConfig


class TimescalesConfig(AppConfig):
    name = "supervision.timescales"
    default_auto_field = "django.db.models.BigAutoField"
