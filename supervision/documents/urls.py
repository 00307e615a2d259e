from django.urls import path

from supervision.documents import views

app_name = "documents"

urlpatterns = [
    path("", views.pack, name="pack"),
    path("upload/", views.upload, name="upload"),
    path("<uuid:code>/download/", views.download, name="download"),
]
