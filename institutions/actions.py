"""Changes to the institution registry (ORG-1, ORG-3, ORG-6, MED-8), each written to the audit log.

Registry data is not personal: every signed-in user may read it, and only the county's registry
editors (``EDITOR_ROLES``) may change it. Pages, the API, the roster import and the command all
change the registry through these functions, so each change is audited the same way.
"""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import audit
from accounts.models import AuditEntry, Role, User
from institutions import rules
from institutions.models import (
    Capabilities,
    Designation,
    GroupMembership,
    Institution,
    MedicalGroup,
    VillageServiceException,
)
from jiceng.errors import DomainError

CREATE = AuditEntry.Action.CREATE
UPDATE = AuditEntry.Action.UPDATE
DELETE = AuditEntry.Action.DELETE
EDITOR_ROLES = frozenset({Role.SYSADMIN, Role.COUNTY_HEALTH, Role.GROUP_MANAGER})


class ForbiddenError(DomainError):
    """The user may read the registry but not change it."""

    status = 403


def can_edit(user: User | Any) -> bool:
    """Whether this user may change the registry: sysadmins, the county health commission and
    the medical group's management (and Django superusers)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.is_superuser or user.role in EDITOR_ROLES)


def require_editor(user: User | Any) -> None:
    """``PermissionDenied`` (403) for pages, unless ``can_edit``."""
    if not can_edit(user):
        raise PermissionDenied


def require_api_editor(user: User | Any) -> None:
    """``ForbiddenError`` (403, ``not_an_editor``) for the API, unless ``can_edit``."""
    if not can_edit(user):
        raise ForbiddenError("not_an_editor", _("Only registry editors may change the registry."))


def object_type(instance: models.Model) -> str:
    return f"institutions.{instance._meta.model_name}"


def record_change(
    user: User | None,
    action: str,
    instance: models.Model,
    *,
    purpose: str,
    request: HttpRequest | None = None,
    changed: Iterable[str] = (),
    detail: dict[str, Any] | None = None,
    object_id: object = None,
) -> AuditEntry:
    """One audit entry for a created, updated or deleted registry row."""
    entry_detail = dict(detail or {})
    fields = sorted(changed)
    if fields:
        entry_detail["fields"] = fields
    return audit.record(
        user,
        action,
        object_type(instance),
        instance.pk if object_id is None else object_id,
        purpose=purpose,
        request=request,
        detail=entry_detail,
    )


def changed_fields(instance: models.Model, values: dict[str, Any]) -> list[str]:
    """Set ``values`` on ``instance``; the names of those that differ from what it had."""
    changed = []
    for name, value in values.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed.append(name)
    return changed


def would_loop(institution: Institution, parent: Institution | None) -> bool:
    """Whether managing ``institution`` by ``parent`` would make the management line a loop."""
    if parent is None or institution.pk is None:
        return False
    return parent.pk == institution.pk or (
        bool(institution.path) and parent.path.startswith(institution.path)
    )


def refresh_paths(institution: Institution) -> int:
    """Set ``path`` of a saved institution from its parent, and of everything it manages.

    ``path`` is the management line (``/3/17/240/``); moving an institution moves its subtree.
    Returns how many rows changed.
    """
    old_path = institution.path
    new_path = institution.build_path()
    if old_path == new_path:
        return 0
    with transaction.atomic():
        institution.path = new_path
        institution.save(update_fields=["path"])
        moved = 1
        if old_path:
            below = Institution.objects.filter(path__startswith=old_path).exclude(pk=institution.pk)
            for child in below.only("pk", "path"):
                child.path = new_path + child.path[len(old_path) :]
                child.save(update_fields=["path"])
                moved += 1
    return moved


def set_served(institution: Institution, division_ids: Iterable[int]) -> bool:
    """Set the divisions an institution serves; whether that changed anything."""
    wanted = set(division_ids)
    current = {division.pk for division in institution.served_divisions.all()}
    if wanted == current:
        return False
    institution.served_divisions.set(sorted(wanted))
    return True


def save_capabilities(
    user: User | None,
    institution: Institution,
    values: dict[str, Any],
    *,
    purpose: str,
    request: HttpRequest | None = None,
) -> tuple[Capabilities, list[str]]:
    """Set capabilities of an institution (MED-8), creating the row if there is none; the fields
    that changed (all given ones for a new row). Nothing is written when nothing changed."""
    with transaction.atomic():
        capabilities = Capabilities.objects.filter(institution=institution).first()
        if capabilities is None:
            capabilities = Capabilities.objects.create(institution=institution, **values)
            record_change(
                user,
                CREATE,
                capabilities,
                purpose=purpose,
                request=request,
                changed=values,
                detail={"institution_id": institution.pk},
            )
            return capabilities, sorted(values)
        changed = changed_fields(capabilities, values)
        if changed:
            capabilities.save(update_fields=changed)
            record_change(
                user,
                UPDATE,
                capabilities,
                purpose=purpose,
                request=request,
                changed=changed,
                detail={"institution_id": institution.pk},
            )
    return capabilities, changed


def add_designation(
    user: User,
    institution: Institution,
    kind: str,
    since: Any,
    *,
    request: HttpRequest | None = None,
) -> Designation:
    """Record a designation the institution holds (ORG-1, ORG-7, ORG-12)."""
    if Designation.objects.filter(institution=institution, kind=kind).exists():
        raise DomainError(
            "designation_exists", _("The institution holds this designation already."), "kind"
        )
    with transaction.atomic():
        designation = Designation.objects.create(institution=institution, kind=kind, since=since)
        record_change(
            user,
            CREATE,
            designation,
            purpose="registry designation",
            request=request,
            detail={"institution_id": institution.pk, "kind": kind},
        )
    return designation


def remove_designation(
    user: User, designation: Designation, *, request: HttpRequest | None = None
) -> None:
    with transaction.atomic():
        pk = designation.pk
        designation.delete()
        record_change(
            user,
            DELETE,
            designation,
            object_id=pk,
            purpose="registry designation",
            request=request,
            detail={"institution_id": designation.institution_id, "kind": designation.kind},
        )


def add_member(
    user: User,
    group: MedicalGroup,
    institution: Institution,
    role: str,
    *,
    joined_on: Any = None,
    keeps_legal_status: bool = True,
    request: HttpRequest | None = None,
) -> GroupMembership:
    """Add an institution to a county medical group (ORG-3)."""
    with transaction.atomic():
        membership = GroupMembership.objects.create(
            group=group,
            institution=institution,
            role=role,
            joined_on=joined_on,
            keeps_legal_status=keeps_legal_status,
        )
        record_change(
            user,
            CREATE,
            membership,
            purpose="medical group membership",
            request=request,
            detail={"group_id": group.pk, "institution_id": institution.pk, "role": role},
        )
    return membership


def remove_member(
    user: User, membership: GroupMembership, *, request: HttpRequest | None = None
) -> None:
    with transaction.atomic():
        pk = membership.pk
        membership.delete()
        record_change(
            user,
            DELETE,
            membership,
            object_id=pk,
            purpose="medical group membership",
            request=request,
            detail={"group_id": membership.group_id, "institution_id": membership.institution_id},
        )


def check_exception(exception: VillageServiceException) -> None:
    """``DomainError`` naming the field for the first ORG-6 problem of an exception."""
    served_by = exception.served_by
    problems = rules.exception_problems(
        exception.kind,
        exception.village.level,
        rules.Serving(served_by.type, served_by.is_central) if served_by else None,
        exception.recorded_on,
        timezone.localdate(),
    )
    if exception.kind not in VillageServiceException.Kind.values:
        problems.insert(0, ("kind", _("Unknown exception kind.")))
    if problems:
        field, message = problems[0]
        raise DomainError(f"invalid_{field}", message, field)
    duplicate = VillageServiceException.objects.filter(village=exception.village_id)
    if exception.pk is not None:
        duplicate = duplicate.exclude(pk=exception.pk)
    if duplicate.exists():
        raise DomainError(
            "exception_exists", _("An exception is on record for this village already."), "village"
        )


def save_exception(
    user: User,
    exception: VillageServiceException,
    *,
    changed: Iterable[str] = (),
    request: HttpRequest | None = None,
) -> VillageServiceException:
    """Record or change a village service exception (ORG-6), after checking it."""
    check_exception(exception)
    adding = exception._state.adding
    changed = list(changed)
    if not adding and not changed:
        return exception
    with transaction.atomic():
        exception.save()
        record_change(
            user,
            CREATE if adding else UPDATE,
            exception,
            purpose="village service exception",
            request=request,
            changed=changed,
            detail={"village_id": exception.village_id, "kind": exception.kind},
        )
    return exception


def delete_exception(
    user: User, exception: VillageServiceException, *, request: HttpRequest | None = None
) -> None:
    with transaction.atomic():
        pk = exception.pk
        exception.delete()
        record_change(
            user,
            DELETE,
            exception,
            object_id=pk,
            purpose="village service exception",
            request=request,
            detail={"village_id": exception.village_id, "kind": exception.kind},
        )
