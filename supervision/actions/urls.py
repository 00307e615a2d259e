from django.urls import path

from supervision.actions import views

app_name = "actions"

urlpatterns = [
    path("", views.plan, name="plan"),
    path("actions/", views.action_add, name="action_add"),
    path("actions/<int:number>/done/", views.action_done, name="action_done"),
    path("progress/<int:months>/", views.progress_point, name="progress_point"),
    path("review/", views.review, name="review"),
]
