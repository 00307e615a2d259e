from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "supervision.meetings"
    default_auto_field = "django.db.models.BigAutoField"
