from django.urls import path

from supervision.safety import views

app_name = "safety"

urlpatterns = [
    path("", views.plan, name="plan"),
    path("items/", views.item_add, name="item_add"),
    path("items/<int:pk>/remove/", views.item_remove, name="item_remove"),
    path("details/", views.details, name="details"),
    path("out-of-hours/shares/", views.share_add, name="share_add"),
    path("out-of-hours/shares/<int:pk>/remove/", views.share_remove, name="share_remove"),
    path("out-of-hours/not-applicable/", views.not_applicable, name="not_applicable"),
    path("versions/<int:number>/", views.version, name="version"),
]
