from django.urls import path

from supervision.artefacts import views

app_name = "artefacts"

urlpatterns = [
    path("", views.documents, name="list"),
    path("prepare/", views.prepare, name="prepare"),
    path("minutes/approve/", views.approve_minutes, name="approve_minutes"),
    path("files/<uuid:file>/download/", views.download, name="download"),
]
