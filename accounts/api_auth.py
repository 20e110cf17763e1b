"""API authentication: the browser's session for pages, bearer tokens for machine clients."""

import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import APIKeyCookie, HttpBearer

from accounts.models import ApiToken, User

TOKEN_PREFIX_LENGTH = 8


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_token(user: User, name: str) -> str:
    """Create a token and return its secret; only its digest is kept, so show it once."""
    prefix = secrets.token_hex(TOKEN_PREFIX_LENGTH // 2)
    secret = f"jc_{prefix}_{secrets.token_urlsafe(32)}"
    ApiToken.objects.create(user=user, name=name, prefix=prefix, digest=_digest(secret))
    return secret


def user_for_token(secret: str) -> User | None:
    parts = secret.split("_", 2)
    if len(parts) != 3 or parts[0] != "jc":
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(prefix=parts[1], revoked_at__isnull=True)
        .first()
    )
    if token is None or not secrets.compare_digest(token.digest, _digest(secret)):
        return None
    if not token.user.is_active:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user


class SessionAuth(APIKeyCookie):
    """The signed-in browser session; a role that needs two factors must have passed them."""

    param_name = settings.SESSION_COOKIE_NAME

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        if not user.is_authenticated:
            return None
        owes_second_factor = user.needs_two_factor and not user.is_verified()
        if owes_second_factor and not (settings.DEMO_MODE and user.is_demo):
            return None
        return user


class TokenAuth(HttpBearer):
    """``Authorization: Bearer jc_…`` for machine clients."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user
