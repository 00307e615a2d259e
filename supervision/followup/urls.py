from django.urls import path

from supervision.followup import views

app_name = "followup"

# Included at cases/<reference>/requests/<code>/review/. `compare` and `progress` are on
# the review's own request; `start` is on the request of the session being reviewed.
urlpatterns = [
    path("", views.compare, name="compare"),
    path("progress/<int:months>/", views.progress, name="progress"),
    path("start/", views.start, name="start"),
]
