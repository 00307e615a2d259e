from django.urls import path

from supervision.distribution import views

app_name = "distribution"

urlpatterns = [
    path("", views.distribution, name="list"),
    path("<str:kind>/send/", views.send, name="send"),
    path("<str:kind>/recipients/", views.recipient_add, name="recipient_add"),
    path("<str:kind>/secure-email/", views.secure_email, name="secure_email"),
    path("recipients/<uuid:recipient>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("minutes/corrections/", views.correction_raise, name="correction_raise"),
    path(
        "minutes/corrections/<uuid:correction>/resolve/",
        views.correction_resolve,
        name="correction_resolve",
    ),
]
