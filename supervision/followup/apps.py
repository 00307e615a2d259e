from django.apps import AppConfig


class FollowupConfig(AppConfig):
    name = "supervision.followup"
    label = "followup"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Follow-up"
