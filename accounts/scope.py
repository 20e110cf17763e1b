"""Jurisdiction scopes: the only door to personal data (IT-4).

Views, API handlers and commands obtain residents through these helpers, never through
``Resident.objects`` directly (``tools/check_scope.py`` fails lint on that). A record outside the
user's scope is indistinguishable from one that does not exist: ``Http404``, never 403.
Every read, list and search is written to the audit log before the data is handed back.
"""

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone

from accounts import audit
from accounts.models import Role, User
from divisions.models import Division
from institutions.models import Institution
from jiceng.dates import years_before
from jiceng.errors import DomainError
from residents.models import RecordStatus, Resident

RESIDENT = "residents.resident"


def _collapse(ranges: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Drop ranges that lie inside another one, so a scope is a few disjoint code ranges."""
    kept: list[tuple[str, str]] = []
    for low, high in sorted(ranges, key=lambda r: (r[0], -int(r[1]))):
        if kept and low >= kept[-1][0] and high <= kept[-1][1]:
            continue
        kept.append((low, high))
    return kept


def division_ranges(user: User) -> list[tuple[str, str]]:
    """The 12-digit code ranges of every division whose residents this user may see."""
    if not user.is_authenticated or not user.is_active:
        return []
    if user.role in (Role.RESIDENT, Role.SPECIALIST):
        # Residents see themselves; specialists see patients referred to them (MED-2, later).
        return []
    ranges: list[tuple[str, str]] = []
    if user.division_id is not None:
        ranges.append(Division.objects.get(pk=user.division_id).code_range)
    if user.institution_id is not None:
        served = Division.objects.filter(
            serving_institutions__in=institutions_under(user.institution_id)
        ).distinct()
        ranges.extend(division.code_range for division in served)
    return _collapse(ranges)


def institutions_under(institution_id: int) -> QuerySet[Institution]:
    """An institution and everything it manages."""
    root = Institution.objects.get(pk=institution_id)
    return Institution.objects.filter(path__startswith=root.path)


def _own_family(user: User) -> Q:
    resident = user.resident
    if resident is None:
        return Q(pk__in=[])
    own = Q(pk=resident.pk)
    if resident.household_id is None or resident.relation_to_head not in (
        Resident.Relation.HEAD,
        Resident.Relation.SPOUSE,
    ):
        return own
    children = Q(
        household_id=resident.household_id,
        relation_to_head=Resident.Relation.CHILD,
        birth_date__gt=years_before(timezone.localdate(), 18),
    )
    return own | children


def resident_condition(user: User, prefix: str = "") -> Q | None:
    """The condition on a resident (reached through ``prefix``, e.g. ``"resident__"``) that keeps
    those ``user`` may see; ``None`` when they may see nobody. For tables that hold a person's
    data beside the resident record (programme enrolments, visits), so one join does the scoping.
    """
    if not user.is_authenticated or not user.is_active:
        return None
    # A record merged into another is the other one now: it is never listed or read (IT-1).
    live = Q(**{f"{prefix}merged_into__isnull": True})
    if user.role == Role.RESIDENT:
        family = _own_family(user)
        if not prefix:
            return live & family
        return live & Q(**{f"{prefix}in": Resident.objects.filter(family)})
    ranges = division_ranges(user)
    if not ranges:
        return None
    condition = Q()
    for low, high in ranges:
        condition |= Q(**{f"{prefix}village__code__range": (low, high)})
    return live & condition


def residents_in_scope(user: User) -> QuerySet[Resident]:
    """Every resident this user may see, unaudited: for counts and as a base for the helpers."""
    condition = resident_condition(user)
    if condition is None:
        return Resident.objects.none()
    return Resident.objects.filter(condition)


def on_work_lists(residents: QuerySet[Resident], on_date: date) -> QuerySet[Resident]:
    """Those who belong on a work list on ``on_date``: a person who moved out or died leaves every
    work list from the date recorded (PH-1)."""
    return residents.filter(Q(record_status=RecordStatus.ACTIVE) | Q(status_date__gt=on_date))


def list_residents(
    user: User,
    *,
    request: HttpRequest | None,
    purpose: str,
    detail: dict[str, Any] | None = None,
) -> QuerySet[Resident]:
    """Residents in scope, for a list, search or export; the access is audited first."""
    action = "search" if detail and detail.get("query") else "list"
    audit.record(user, action, RESIDENT, purpose=purpose, request=request, detail=detail)
    return residents_in_scope(user)


def get_resident(
    user: User, resident_id: object, *, request: HttpRequest | None, purpose: str
) -> Resident:
    """One resident in scope, or ``Http404``; the read is audited before it is returned."""
    try:
        pk = int(str(resident_id))
    except ValueError:
        raise Http404 from None
    resident = (
        residents_in_scope(user)
        .select_related("village__parent", "household")
        .filter(pk=pk)
        .first()
    )
    if resident is None:
        raise Http404
    audit.record(user, "read", RESIDENT, resident.pk, purpose=purpose, request=request)
    return resident


def reveal_resident(
    user: User, resident_id: object, *, request: HttpRequest | None, purpose: str
) -> Resident:
    """A resident whose full identifiers will be shown; needs a stated purpose, audited."""
    if not purpose.strip():
        raise DomainError("purpose_required", "State why the full number is needed.", "purpose")
    resident = get_resident(user, resident_id, request=request, purpose=purpose)
    audit.record(user, "reveal", RESIDENT, resident.pk, purpose=purpose, request=request)
    return resident


def current_user(request: HttpRequest) -> User:
    """The signed-in user of a ``login_required`` view, typed as ours."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def villages_in_scope(user: User) -> QuerySet[Division]:
    """Villages whose residents ``user`` may see (public registry rows, no personal data)."""
    ranges = division_ranges(user)
    if not ranges:
        return Division.objects.none()
    within = Q()
    for low, high in ranges:
        within |= Q(code__range=(low, high))
    return (
        Division.objects.filter(within, level=Division.Level.VILLAGE)
        .select_related("parent")
        .order_by("code")
    )
