from django.apps import AppConfig


class ActionsConfig(AppConfig):
    name = "supervision.actions"
    label = "actions"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Actions and progress"
