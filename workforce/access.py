"""Scoped, audited access to staff records (IT-4; HR-1).

Staff are people, so their records are personal data: views, API handlers and commands obtain
them through these helpers, never through ``Staff.objects`` (``tools/check_scope.py`` fails lint
on that in a view or API module). A staff member outside the user's scope is answered exactly
like one that does not exist (``Http404``, never 403). Every list, search, read, export and
change is written to the audit log (object type ``workforce.staff``) before data is returned.

Scopes (docs/security.md): the county offices (``sysadmin``, ``county_health``, ``cdc``,
``insurance``) see every staff member of the county; a ``group_manager`` the institution subtree
of their institution, or the whole county with a county division scope; ``township_staff`` their
own institution subtree; a ``village_doctor`` their own clinic; a ``specialist`` their own
institution; a resident nobody.
"""

from typing import Any, TypedDict

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest

from accounts import audit
from accounts.models import AuditEntry, Role, User
from accounts.scope import institutions_under
from divisions.models import Division
from institutions.models import Institution
from workforce.models import Staff

STAFF = "workforce.staff"

COUNTY_WIDE_ROLES = frozenset({Role.SYSADMIN, Role.COUNTY_HEALTH, Role.CDC, Role.INSURANCE})
EDITOR_ROLES = frozenset({Role.COUNTY_HEALTH, Role.GROUP_MANAGER, Role.TOWNSHIP_STAFF})
"""Who may change staff records in their scope (county office, medical group, township centre)."""


def _has_county_division_scope(user: User) -> bool:
    if user.division_id is None:
        return False
    return Division.objects.filter(pk=user.division_id, level=Division.Level.COUNTY).exists()


def institutions_in_scope(user: User) -> QuerySet[Institution] | None:
    """Institutions whose staff ``user`` may see; ``None`` means every institution."""
    if not user.is_authenticated or not user.is_active:
        return Institution.objects.none()
    role = user.role
    if role in COUNTY_WIDE_ROLES:
        return None
    if role == Role.GROUP_MANAGER:
        if _has_county_division_scope(user):
            return None
        if user.institution_id is None:
            return Institution.objects.none()
        return institutions_under(user.institution_id)
    if role == Role.TOWNSHIP_STAFF and user.institution_id is not None:
        return institutions_under(user.institution_id)
    if role in (Role.VILLAGE_DOCTOR, Role.SPECIALIST) and user.institution_id is not None:
        return Institution.objects.filter(pk=user.institution_id)
    return Institution.objects.none()


def staff_in_scope(user: User) -> QuerySet[Staff]:
    """Every staff member ``user`` may see, unaudited: for counts and as a base for the helpers."""
    institutions = institutions_in_scope(user)
    if institutions is None:
        return Staff.objects.all()
    return Staff.objects.filter(institution__in=institutions.values("pk"))


def list_staff(
    user: User,
    *,
    request: HttpRequest | None,
    purpose: str,
    detail: dict[str, Any] | None = None,
) -> QuerySet[Staff]:
    """Staff in scope, for a list or search; the access is audited first."""
    action = "search" if detail and detail.get("query") else "list"
    audit.record(user, action, STAFF, purpose=purpose, request=request, detail=detail)
    return staff_in_scope(user)


def export_staff(
    user: User,
    *,
    request: HttpRequest | None,
    purpose: str,
    detail: dict[str, Any] | None = None,
) -> QuerySet[Staff]:
    """Staff in scope for a file that leaves the platform; audited as an export."""
    audit.record(user, "export", STAFF, purpose=purpose, request=request, detail=detail)
    return staff_in_scope(user)


def get_staff(user: User, staff_id: object, *, request: HttpRequest | None, purpose: str) -> Staff:
    """One staff member in scope, or ``Http404``; the read is audited before it is returned."""
    try:
        pk = int(str(staff_id))
    except ValueError:
        raise Http404 from None
    staff = (
        staff_in_scope(user)
        .select_related("institution__division", "institution__parent")
        .filter(pk=pk)
        .first()
    )
    if staff is None:
        raise Http404
    audit.record(user, "read", STAFF, staff.pk, purpose=purpose, request=request)
    return staff


def staff_by_codes(codes: set[str]) -> QuerySet[Staff]:
    """Staff with these staff numbers, in or out of any scope: only for the roster importer, which
    must know whether a number is taken (it never shows those outside the importing user's
    scope)."""
    return Staff.objects.filter(code__in=codes)


def is_editor(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.role in EDITOR_ROLES


def editable_institutions(user: User) -> QuerySet[Institution]:
    """Institutions an editor may place staff in (the home institution of a record)."""
    if not is_editor(user):
        return Institution.objects.none()
    institutions = institutions_in_scope(user)
    return Institution.objects.all() if institutions is None else institutions


def get_staff_for_change(
    user: User, staff_id: object, *, request: HttpRequest | None, purpose: str
) -> Staff:
    """A staff member ``user`` may change: 404 outside the scope, 403 if only allowed to look.

    Editors (HR-1): ``county_health`` and ``group_manager`` for anyone in their scope,
    ``township_staff`` for the staff of their own institution subtree (which is their scope).
    """
    staff = get_staff(user, staff_id, request=request, purpose=purpose)
    if not is_editor(user):
        raise PermissionDenied
    return staff


def record_change(
    user: User | None,
    staff: Staff,
    *,
    request: HttpRequest | None,
    purpose: str,
    detail: dict[str, Any],
    created: bool = False,
) -> None:
    """Audit a change of a staff record: ``create`` for a new person, ``update`` for a change to
    an existing one (adding a certificate, post, training or visit included; ``detail`` says
    what). These are the audit log's own action names (``AuditEntry.Action``)."""
    action = AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE
    audit.record(user, action, STAFF, staff.pk, purpose=purpose, request=request, detail=detail)


class StaffCounts(TypedDict):
    total: int
    in_post: int


def staff_counts(institution: Institution) -> StaffCounts:
    """How many staff an institution has on its books and in post: counts only, no persons
    (public registry figures, so not audited)."""
    counts = Staff.objects.filter(institution=institution).aggregate(
        total=Count("id"), in_post=Count("id", filter=Q(is_active=True))
    )
    return {"total": counts["total"], "in_post": counts["in_post"]}
