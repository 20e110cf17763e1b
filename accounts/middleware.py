from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

# Pages a signed-in user who still owes a second factor may reach.
_OPEN_PREFIXES = ("/accounts/", "/static/", "/i18n/")


class TwoFactorRequiredMiddleware:
    """Send users whose role needs two-factor sign-in to set up or enter their TOTP code.

    Demo users skip it while demo mode is on (the login page says so).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and user.needs_two_factor
            and not user.is_verified()
            and not (settings.DEMO_MODE and user.is_demo)
            and not request.path.startswith(_OPEN_PREFIXES)
            and not request.path.startswith("/api/")
        ):
            return redirect("accounts:otp")
        return self.get_response(request)
