from django.apps import AppConfig


class ArtefactsConfig(AppConfig):
    name = "supervision.artefacts"
    label = "artefacts"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Session documents"
