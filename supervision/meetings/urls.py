from django.urls import path

from supervision.meetings.views import requests, sessions

app_name = "meetings"

urlpatterns = [
    path("", requests.case_requests, name="list"),
    path("new/", requests.create, name="create"),
    path("<uuid:code>/", requests.detail, name="detail"),
    path("<uuid:code>/session/", sessions.schedule, name="schedule"),
    path("<uuid:code>/session/cancel/", sessions.cancel, name="cancel"),
    path("<uuid:code>/invitations/", sessions.invitee_add, name="invitee_add"),
    path(
        "<uuid:code>/invitations/<uuid:invitation>/remove/",
        sessions.invitee_remove,
        name="invitee_remove",
    ),
    path(
        "<uuid:code>/chronologies/<slug:agency>/propose/",
        requests.propose_due_date,
        name="propose_due_date",
    ),
    path(
        "<uuid:code>/chronologies/<slug:agency>/approve/",
        requests.approve_due_date,
        name="approve_due_date",
    ),
    path(
        "<uuid:code>/chronologies/<slug:agency>/review/",
        requests.review_chronology,
        name="review_chronology",
    ),
    path(
        "<uuid:code>/chronologies/<slug:agency>/submit/",
        requests.submit_chronology,
        name="submit_chronology",
    ),
]
