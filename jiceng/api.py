"""The project's one NinjaAPI, mounted at ``/api/v1``; each app adds its Router.

Every error leaves here as ``{"code": str, "message": str, "field": str | null}``.
"""

import logging
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from accounts.api import router as accounts_router
from accounts.api_auth import SessionAuth, TokenAuth
from accounts.audit import AuditWriteError
from divisions.api import router as divisions_router
from immunization.api import router as immunization_router
from institutions.api import router as institutions_router
from jiceng.decisions_api import router as decisions_router
from jiceng.errors import DomainError
from programmes.api.indicators import router as indicators_router
from programmes.api.records import router as records_router
from programmes.api.worklists import router as worklists_router
from residents.api import router as residents_router
from residents.mpi_api import router as mpi_router
from supervision.api import router as supervision_router
from workforce.api import router as workforce_router

logger = logging.getLogger(__name__)


api = NinjaAPI(
    title="jiceng API",
    version="1",
    description="基层 — county primary healthcare platform. Errors are always ErrorOut.",
    auth=[SessionAuth(), TokenAuth()],
    urls_namespace="api",
    docs_url="/docs",
)


def _error(
    request: HttpRequest, status: int, code: str, message: str, field: str | None = None
) -> HttpResponse:
    return api.create_response(
        request, {"code": code, "message": message, "field": field}, status=status
    )


def _field_of(error: dict[str, Any]) -> str | None:
    location = [str(part) for part in error.get("loc", ())]
    # ninja prefixes the location with the parameter source (body, query, path) and its name.
    if location and location[0] in ("body", "query", "path", "form", "header", "cookie"):
        location = location[2:] if len(location) > 2 else location[1:]
    return ".".join(location) or None


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    first = exc.errors[0] if exc.errors else {}
    return _error(
        request, 422, "invalid_input", str(first.get("msg", _("Invalid input."))), _field_of(first)
    )


@api.exception_handler(AuthenticationError)
def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "not_authenticated", _("Sign in or send a valid API token."))


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, f"http_{exc.status_code}", str(exc))


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "not_found", _("No such object."))


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return _error(request, exc.status, exc.code, exc.message, exc.field)


@api.exception_handler(AuditWriteError)
def on_audit_failure(request: HttpRequest, exc: AuditWriteError) -> HttpResponse:
    return _error(
        request,
        503,
        "audit_unavailable",
        _("The access could not be audited; nothing was returned."),
    )


api.add_router("/accounts", accounts_router)
api.add_router("/divisions", divisions_router)
api.add_router("/institutions", institutions_router)
api.add_router("/residents", residents_router)
api.add_router("/mpi", mpi_router)
api.add_router("/decisions", decisions_router)
api.add_router("/immunization", immunization_router)
api.add_router("/programmes/indicators", indicators_router)
api.add_router("/programmes/records", records_router)
api.add_router("/programmes/worklists", worklists_router)
api.add_router("/supervision", supervision_router)
api.add_router("/workforce", workforce_router)


@api.exception_handler(Exception)
def on_unexpected_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.error("API error %s on %s", type(exc).__name__, request.path, exc_info=exc)
    return _error(request, 500, "server_error", _("An unexpected error occurred."))
