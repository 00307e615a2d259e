from django.urls import path

from supervision.cases import views

app_name = "cases"

# The break-glass pages come before "<str:reference>/": they are not under a case (the
# user cannot see the case yet), and no case reference can be "break-glass".
urlpatterns = [
    path("", views.my_cases, name="my_cases"),
    path("break-glass/", views.break_glass, name="break_glass"),
    path("break-glass/reviews/", views.break_glass_reviews, name="break_glass_reviews"),
    path("break-glass/reviews/<int:pk>/", views.break_glass_review, name="break_glass_review"),
    path("<str:reference>/", views.detail, name="detail"),
    path("<str:reference>/viewed-by/", views.views_log, name="views_log"),
]
