from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "supervision.feedback"
    label = "feedback"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Feedback"
