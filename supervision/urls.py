from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from supervision.accounts.views import admin_login
from supervision.dataprotection import views as dataprotection_views
from supervision.meetings.views import requests as meetings_requests
from supervision.meetings.views import sessions as meetings_sessions
from supervision.web import views as web_views

# The administration site signs people in through the same two-factor login as everyone.
admin.site.login = admin_login  # type: ignore[method-assign]
admin.site.site_header = _("Multi-agency supervision")
admin.site.site_title = _("Multi-agency supervision")
admin.site.index_title = _("Administration")

urlpatterns: list[URLPattern | URLResolver] = [
    path("healthz", web_views.healthz, name="healthz"),
]

urlpatterns += i18n_patterns(
    path("", RedirectView.as_view(pattern_name="cases:my_cases"), name="home"),
    path("accounts/", include("supervision.accounts.urls")),
    path("cases/", include("supervision.cases.urls")),
    path("cases/<str:reference>/chronology/", include("supervision.chronology.urls")),
    path("cases/<str:reference>/documents/", include("supervision.documents.urls")),
    path("cases/<str:reference>/requests/", include("supervision.meetings.urls")),
    path("cases/<str:reference>/requests/<uuid:code>/record/", include("supervision.records.urls")),
    path(
        "cases/<str:reference>/requests/<uuid:code>/record/safety-plan/",
        include("supervision.safety.urls"),
    ),
    path(
        "cases/<str:reference>/requests/<uuid:code>/record/next-steps/",
        include("supervision.actions.urls"),
    ),
    path(
        "cases/<str:reference>/requests/<uuid:code>/documents/",
        include("supervision.artefacts.urls"),
    ),
    path(
        "cases/<str:reference>/requests/<uuid:code>/distribution/",
        include("supervision.distribution.urls"),
    ),
    path(
        "cases/<str:reference>/requests/<uuid:code>/case-file/",
        include("supervision.casefile.urls"),
    ),
    path(
        "cases/<str:reference>/requests/<uuid:code>/feedback/",
        include("supervision.feedback.urls"),
    ),
    path(
        "cases/<str:reference>/requests/<uuid:code>/review/",
        include("supervision.followup.urls"),
    ),
    path("dashboard/", include("supervision.dashboards.urls")),
    path("data-protection/", include("supervision.dataprotection.urls")),
    path("privacy/", dataprotection_views.privacy, name="privacy"),
    path("requests/", meetings_requests.queue, name="requests_queue"),
    path("requests/<uuid:code>/", meetings_requests.decide, name="request_decide"),
    path("invitations/<uuid:code>/", meetings_sessions.respond, name="invitation_respond"),
    path("admin/", admin.site.urls),
    prefix_default_language=False,
)

handler404 = "supervision.web.views.not_found"
handler403 = "supervision.web.views.forbidden"
handler500 = "supervision.web.views.server_error"
