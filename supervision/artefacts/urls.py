from django.urls import URLPattern

app_name = "artefacts"

urlpatterns: list[URLPattern] = []
