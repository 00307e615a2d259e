from django.urls import path

from supervision.dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("sessions/", views.sessions, name="sessions"),
    path("quality/", views.quality, name="quality"),
    path("quality.csv", views.quality_csv, name="quality_csv"),
]
