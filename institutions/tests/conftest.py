import pytest
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.api_auth import issue_token

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def sign_in(client):
    """Sign in without the password form and, for 2FA roles, with a verified second factor."""

    def signed_in(user):
        client.force_login(user, backend=MODEL_BACKEND)
        if user.needs_two_factor:
            device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
        return client

    return signed_in


@pytest.fixture
def bearer():
    """Authorization header of a fresh API token for the user."""

    def header(user):
        return {"HTTP_AUTHORIZATION": f"Bearer {issue_token(user, 'test')}"}

    return header
