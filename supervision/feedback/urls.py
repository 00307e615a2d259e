from django.urls import path

from supervision.feedback import views

app_name = "feedback"

urlpatterns = [
    path("", views.give, name="give"),
    path("results/", views.results, name="results"),
]
