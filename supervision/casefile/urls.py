from django.urls import path

from supervision.casefile import views

app_name = "casefile"

urlpatterns = [
    path("", views.detail, name="detail"),
    path("children/<str:key>/synopsis/", views.synopsis_save, name="synopsis_save"),
    path("children/<str:key>/recorded/", views.synopsis_recorded, name="synopsis_recorded"),
    path("conference/alerts/", views.conference_alert, name="conference_alert"),
    path("close/", views.close, name="close"),
]
