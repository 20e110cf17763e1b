"""Sign-in forms: password (checked through django-axes) and the TOTP second factor."""

import re
from typing import TYPE_CHECKING, Any

import django_otp
from django import forms
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm, UsernameField
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User

_SIX_DIGITS = re.compile(r"[0-9]{6}")

if TYPE_CHECKING:
    _UserCreationForm = UserCreationForm[User]
else:  # Django's forms are not subscriptable at run time
    _UserCreationForm = UserCreationForm


class LoginForm(AuthenticationForm):
    """Django's form, which hands ``request`` to ``authenticate`` as django-axes needs."""

    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "username", "autocapitalize": "none"}
        ),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The username or password is not correct."),
        "inactive": _("This account is disabled."),
    }


class OtpForm(forms.Form):
    """A 6-digit code from the authenticator app, verified against one TOTP device."""

    code = forms.CharField(
        label=_("6-digit code"),
        max_length=7,
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9 ]{6,7}",
            }
        ),
    )

    def __init__(self, *args: Any, device: TOTPDevice, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_code(self) -> str:
        code = str(self.cleaned_data["code"]).replace(" ", "")
        if not _SIX_DIGITS.fullmatch(code):
            raise forms.ValidationError(_("Enter the 6 digits your app shows."), code="format")
        allowed, _details = self.device.verify_is_allowed()
        if not allowed:
            raise forms.ValidationError(
                _("Too many wrong codes. Wait a minute, then try again."), code="throttled"
            )
        # verify_token locks the device row, so one code cannot be used twice concurrently.
        verified = django_otp.verify_token(self.device.user, self.device.persistent_id, code)
        if verified is None:
            raise forms.ValidationError(
                _("That code is not correct. Check the time on your phone and try again."),
                code="invalid",
            )
        self.device = verified
        return code


class AdminUserCreationForm(_UserCreationForm):
    """The admin's "add user" form for our user model: a role is required from the start."""

    class Meta:
        model = User
        fields = ("username", "role")
        field_classes = {"username": UsernameField}
