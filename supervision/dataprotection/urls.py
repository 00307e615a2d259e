from django.urls import path

from supervision.dataprotection import views

app_name = "dataprotection"

urlpatterns = [
    path("", views.subject_access, name="subject_access"),
    path("subject-access/<uuid:code>/", views.export_status, name="export"),
    path("subject-access/<uuid:code>/download/", views.export_download, name="export_download"),
    path("legal-holds/", views.legal_holds, name="legal_holds"),
    path("legal-holds/<int:pk>/lift/", views.legal_hold_lift, name="legal_hold_lift"),
]
