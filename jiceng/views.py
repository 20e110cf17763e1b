"""The home page of each role family, and the health check.

Each role lands on a page about its own work; counts come from the scope helpers, personal data
only through ``accounts.scope`` (audited).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import Avg, Count, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from accounts import scope
from accounts.models import AuditEntry, Role, User
from accounts.scope import current_user, villages_in_scope
from divisions.models import Division
from institutions.models import Institution
from programmes import access as programmes_access
from programmes import worklists

HomeContext = tuple[str, dict[str, Any]]


def _county_of(user: User) -> Division | None:
    """The county a county-level user works for: their division's, else their institution's."""
    if user.division is not None:
        code = user.division.county_code
    elif user.institution is not None:
        code = user.institution.division.county_code
    else:
        return None
    return Division.objects.filter(code=code.ljust(12, "0"), level=Division.Level.COUNTY).first()


@dataclass(frozen=True)
class VillageRow:
    village: Division
    resident_count: int
    completeness: int | None = None
    """Average record completeness (%) of the village's active residents (PH-1)."""


def _village_rows(user: User) -> list[VillageRow]:
    """Villages whose residents ``user`` may see, with how many residents each has and their
    average record completeness (one aggregate query)."""
    villages = list(villages_in_scope(user))
    if not villages:
        return []
    rows = (
        scope.residents_in_scope(user)
        .order_by()
        .values("village_id")
        .annotate(
            count=Count("id"),
            completeness=Avg("completeness", filter=Q(record_status="active")),
        )
    )
    by_village = {row["village_id"]: row for row in rows}
    result = []
    for village in villages:
        row = by_village.get(village.pk)
        average = None if row is None or row["completeness"] is None else row["completeness"]
        result.append(
            VillageRow(
                village,
                row["count"] if row is not None else 0,
                None if average is None else round(average),
            )
        )
    return result


def _county_home(request: HttpRequest, user: User) -> HomeContext:
    county = _county_of(user)
    summary: dict[str, Any] = {}
    townships: list[Division] = []
    institutions_by_type: list[tuple[str, int]] = []
    if county is not None:
        low, high = county.code_range
        summary = Division.objects.filter(code__range=(low, high)).aggregate(
            townships=Count("id", filter=Q(level=Division.Level.TOWNSHIP)),
            villages=Count("id", filter=Q(level=Division.Level.VILLAGE)),
        )
        townships = list(
            Division.objects.filter(parent=county)
            .annotate(village_count=Count("children"))
            .order_by("code")
        )
        labels = dict(Institution.Type.choices)
        institutions_by_type = [
            (str(labels.get(row["type"], row["type"])), row["count"])
            for row in Institution.objects.filter(division__code__range=(low, high))
            .values("type")
            .annotate(count=Count("id"))
            .order_by("type")
        ]
    return "home/county.html", {
        "county": county,
        "summary": summary,
        "townships": townships,
        "institutions_by_type": institutions_by_type,
        "institution_total": sum(count for _label, count in institutions_by_type),
        "resident_count": scope.residents_in_scope(user).count(),
        "pyramid_url": reverse("residents:pyramid"),
    }


def _township_home(request: HttpRequest, user: User) -> HomeContext:
    institution = user.institution
    clinics: list[Institution] = []
    if institution is not None:
        clinics = list(
            scope.institutions_under(institution.pk)
            .exclude(pk=institution.pk)
            .select_related("division")
        )
    villages = _village_rows(user)
    return "home/township.html", {
        "institution": institution,
        "villages": villages,
        "resident_count": sum(row.resident_count for row in villages),
        "clinics": clinics,
        "worklist": _worklist_counts(user),
    }


def _village_home(request: HttpRequest, user: User) -> HomeContext:
    villages = _village_rows(user)
    return "home/village.html", {
        "institution": user.institution,
        "villages": villages,
        "resident_count": sum(row.resident_count for row in villages),
        "worklist": _worklist_counts(user),
    }


def _worklist_counts(user: User) -> list[tuple[str, str, int]]:
    """Today's work list counted per bucket (numbers only: no one's data is shown here)."""
    counts = worklists.counts(programmes_access.enrolments_in_scope(user), timezone.localdate())
    return [(code, str(label), counts[code]) for code, label in worklists.BUCKETS]


def _specialist_home(request: HttpRequest, user: User) -> HomeContext:
    staff = user.staff
    return "home/specialist.html", {
        "institution": staff.institution if staff is not None else user.institution,
        "department": staff.department if staff is not None else "",
    }


def _resident_home(request: HttpRequest, user: User) -> HomeContext:
    if user.resident_id is None:
        return "home/resident.html", {"record": None, "children": []}
    record = scope.get_resident(user, user.resident_id, request=request, purpose="own record")
    children = (
        scope.list_residents(user, request=request, purpose="own record")
        .exclude(pk=record.pk)
        .order_by("birth_date")
    )
    return "home/resident.html", {"record": record, "children": list(children)}


def _sysadmin_home(request: HttpRequest, user: User) -> HomeContext:
    return "home/sysadmin.html", {
        "user_count": User.objects.count(),
        "audit_count": AuditEntry.objects.count(),
        "demo_mode": settings.DEMO_MODE,
    }


def _no_role_home(request: HttpRequest, user: User) -> HomeContext:
    return "home/no_role.html", {}


_COUNTY_FAMILY = (Role.COUNTY_HEALTH, Role.GROUP_MANAGER, Role.CDC, Role.INSURANCE)
HOME_PAGES: dict[str, Callable[[HttpRequest, User], HomeContext]] = {
    **dict.fromkeys(_COUNTY_FAMILY, _county_home),
    Role.TOWNSHIP_STAFF: _township_home,
    Role.VILLAGE_DOCTOR: _village_home,
    Role.SPECIALIST: _specialist_home,
    Role.RESIDENT: _resident_home,
    Role.SYSADMIN: _sysadmin_home,
}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    page = HOME_PAGES.get(user.role, _sysadmin_home if user.is_superuser else _no_role_home)
    template, context = page(request, user)
    return render(request, template, context)


def healthz(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"status": "ok"})
