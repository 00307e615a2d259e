from django.urls import path

from supervision.records import views

app_name = "records"

urlpatterns = [
    path("", views.record, name="record"),
    path("what-matters/", views.what_matters, name="what_matters"),
    path("outcomes/", views.outcome_add, name="outcome_add"),
    path("strengths/", views.strength_add, name="strength_add"),
    path("risks/", views.risk_add, name="risk_add"),
    path("risks/<int:rank>/moments/", views.moment_add, name="moment_add"),
    path("balancing/items/", views.balancing_item_add, name="balancing_item_add"),
    path("balancing/scores/", views.scaling_score_add, name="scaling_score_add"),
    path("balancing/summary/", views.balancing_summary, name="balancing_summary"),
]

urlpatterns += [
    path("summary/", views.summary, name="summary"),
    path("summary/save/", views.summary_save, name="summary_save"),
    path("summary/attendance/", views.attendance, name="attendance"),
    path("summary/sign-off/", views.sign_off, name="sign_off"),
    path("summary/reopen/", views.reopen, name="reopen"),
    path("versions/<int:number>/", views.edition, name="edition"),
    path("reflections/", views.reflections, name="reflections"),
    path("reflections/save/", views.reflection_save, name="reflection_save"),
]
