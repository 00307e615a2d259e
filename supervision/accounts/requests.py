"""Request type for views behind login_required."""

from django.http import HttpRequest

from supervision.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User
