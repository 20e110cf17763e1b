"""Sign-in pages: password, the TOTP second factor, and the way into the admin site."""

import base64
from dataclasses import dataclass
from importlib import import_module
from typing import Any

import django_otp
import segno
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView, redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.forms import LoginForm, OtpForm
from accounts.models import Role, User
from accounts.scope import current_user

_ROLE_ORDER = {role: position for position, role in enumerate(Role.values)}


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role_label: str
    needs_two_factor: bool


def demo_logins() -> list[DemoLogin]:
    """The generated county's demo users, in the order of the roles."""
    users = sorted(
        User.objects.filter(is_demo=True, is_active=True).only("username", "role", "is_superuser"),
        key=lambda user: (_ROLE_ORDER.get(user.role, len(_ROLE_ORDER)), user.username),
    )
    return [
        DemoLogin(user.username, str(user.get_role_display()), user.needs_two_factor)
        for user in users
    ]


def demo_password() -> str | None:
    """The demo users' shared password, if the demo generator is installed."""
    try:
        module = import_module("jiceng.generator.demo_users")
    except ImportError:
        return None
    password = getattr(module, "DEMO_PASSWORD", None)
    return str(password) if password else None


class SignInView(LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if settings.DEMO_MODE:
            context["demo_logins"] = demo_logins()
            context["demo_password"] = demo_password()
        return context


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("home")


def _device_to_use(user: User) -> TOTPDevice:
    """The user's confirmed TOTP device, else the one being set up (created on first visit)."""
    devices = TOTPDevice.objects.filter(user=user).order_by("-confirmed", "pk")
    device = devices.first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator app", confirmed=False)
    return device


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@never_cache
@login_required
def otp(request: HttpRequest) -> HttpResponse:
    """Second factor: set up an authenticator app on the first visit, then ask for its code."""
    user = current_user(request)
    if user.is_verified():
        return redirect(_safe_next(request))
    device = _device_to_use(user)
    form = OtpForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        if not form.device.confirmed:
            form.device.confirmed = True
            form.device.save(update_fields=["confirmed"])
        django_otp.login(request, form.device)
        return redirect(_safe_next(request))
    context: dict[str, Any] = {
        "form": form,
        "setting_up": not device.confirmed,
        "may_skip": settings.DEMO_MODE and user.is_demo,
        "next": request.GET.get(REDIRECT_FIELD_NAME, ""),
    }
    if not device.confirmed:
        context["qr_data_uri"] = segno.make(device.config_url, error="m").svg_data_uri(
            scale=5, border=2
        )
        context["secret"] = _grouped(base64.b32encode(device.bin_key).decode())
    return render(request, "accounts/otp.html", context)


def admin_login(request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
    """Stands in for the admin's own login page: everyone signs in (with 2FA) on ours."""
    if request.user.is_authenticated:
        if admin.site.has_permission(request):
            return redirect("admin:index")
        messages.error(request, _("Your account has no access to the administration site."))
        return redirect("home")
    return redirect_to_login(
        request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index"), reverse("accounts:login")
    )
