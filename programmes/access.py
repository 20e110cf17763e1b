"""Scoped, audited access to programme data (IT-4; PH-2).

Enrolments, visits and chronic-path events are a person's health data: views, API handlers and
commands obtain them through these helpers, never through the models' managers
(``tools/check_scope.py`` fails lint on that). The scope is the resident's: a user sees the
enrolments of the residents ``accounts.scope`` lets them see, and one join does it. A record out
of scope is answered like one that does not exist (``Http404``).

Education activities are not personal data; they are scoped to the institutions a user works for.
"""

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest

from accounts import audit, scope
from accounts.models import Role, User
from institutions.models import Institution
from programmes.models import EducationActivity, Enrolment, PathEvent, Visit

ENROLMENT = "programmes.enrolment"
VISIT = "programmes.visit"
PATH_EVENT = "programmes.pathevent"


def enrolments_in_scope(user: User) -> QuerySet[Enrolment]:
    """Every enrolment of a resident ``user`` may see, unaudited: counts and a base for lists."""
    condition = scope.resident_condition(user, "resident__")
    if condition is None:
        return Enrolment.objects.none()
    return Enrolment.objects.filter(condition)


def visits_in_scope(user: User) -> QuerySet[Visit]:
    condition = scope.resident_condition(user, "resident__")
    if condition is None:
        return Visit.objects.none()
    return Visit.objects.filter(condition)


def path_events_in_scope(user: User) -> QuerySet[PathEvent]:
    condition = scope.resident_condition(user, "resident__")
    if condition is None:
        return PathEvent.objects.none()
    return PathEvent.objects.filter(condition)


def list_enrolments(
    user: User,
    *,
    request: HttpRequest | None,
    purpose: str,
    detail: dict[str, Any] | None = None,
) -> QuerySet[Enrolment]:
    """Enrolments in scope for a list, work list or export; the access is audited first."""
    audit.record(user, "list", ENROLMENT, purpose=purpose, request=request, detail=detail)
    return enrolments_in_scope(user)


def get_enrolment(
    user: User, enrolment_id: object, *, request: HttpRequest | None, purpose: str
) -> Enrolment:
    """One enrolment in scope, with its resident, or ``Http404``; the read is audited."""
    try:
        pk = int(str(enrolment_id))
    except ValueError:
        raise Http404 from None
    enrolment = (
        enrolments_in_scope(user)
        .select_related("resident__village__parent", "doctor", "team", "institution")
        .filter(pk=pk)
        .first()
    )
    if enrolment is None:
        raise Http404
    audit.record(user, "read", ENROLMENT, enrolment.pk, purpose=purpose, request=request)
    return enrolment


def resident_programmes(
    user: User, resident_id: int, *, request: HttpRequest | None, purpose: str
) -> tuple[QuerySet[Enrolment], QuerySet[Visit], QuerySet[PathEvent]]:
    """A resident's enrolments, visits and path events (the resident was read through
    ``accounts.scope`` by the caller); audited as one read of the programme record."""
    audit.record(user, "read", ENROLMENT, resident_id, purpose=purpose, request=request)
    return (
        enrolments_in_scope(user).filter(resident_id=resident_id),
        visits_in_scope(user).filter(resident_id=resident_id),
        path_events_in_scope(user).filter(resident_id=resident_id),
    )


STAFF_ROLES_WITHOUT_RESIDENTS = frozenset({Role.RESIDENT, Role.SPECIALIST})


def education_institutions(user: User) -> QuerySet[Institution]:
    """Institutions whose education activities ``user`` may see and record: their own
    institution's line (a township centre and its village clinics), or every institution serving
    a division in their scope."""
    if not user.is_authenticated or user.role in STAFF_ROLES_WITHOUT_RESIDENTS:
        return Institution.objects.none()
    condition = Q(pk__in=[])
    if user.institution_id is not None:
        condition |= Q(pk__in=scope.institutions_under(user.institution_id))
    if user.division_id is not None:
        villages = scope.villages_in_scope(user)
        condition |= Q(served_divisions__in=villages) | Q(division__in=villages)
        condition |= Q(division__in=villages.values("parent"))
    return Institution.objects.filter(condition).distinct()


def education_in_scope(user: User) -> QuerySet[EducationActivity]:
    return EducationActivity.objects.filter(institution__in=education_institutions(user))
