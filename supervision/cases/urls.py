from django.urls import path

from supervision.cases import views

app_name = "cases"

urlpatterns = [
    path("", views.my_cases, name="my_cases"),
    path("<str:reference>/", views.detail, name="detail"),
    path("<str:reference>/viewed-by/", views.views_log, name="views_log"),
]
