"""The master patient index (IT-1): one person, one record. Candidate duplicates go to a review
queue with their evidence; a merge keeps one record and moves every link from the other to it,
and can be undone exactly; merges above a configurable confidence happen on their own.

State changes only, one transaction each, audited; views and API handlers stay thin.
"""

import json
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, models, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import audit, scope
from accounts.models import Role, User
from jiceng.errors import DomainError
from residents.models import IncomingRecord, MatchCandidate, Merge, Resident

RESIDENT = "residents.resident"
# Values the kept record takes from the merged one when it has none itself.
FILLABLE = (
    "citizen_id", "phone", "household_id", "ethnicity", "insurance_type", "blood_group",
    "rh_negative", "marital_status", "education", "occupation", "contact_name",
    "contact_phone", "allergies", "allergies_other", "disabilities", "kitchen_ventilation",
    "fuel", "water", "toilet", "livestock_pen",
)  # fmt: skip
REVIEWERS = frozenset({Role.COUNTY_HEALTH, Role.GROUP_MANAGER, Role.TOWNSHIP_STAFF})
"""Who reviews possible duplicates, merges and imports rosters."""
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
_NOT_MOVED = {"match_candidates", "merges", "absorbed", "history"}


def _values(resident: Resident) -> dict[str, Any]:
    """Every column of the record as JSON keeps it (dates as ISO text, restored by the field)."""
    values = {
        f.attname: getattr(resident, f.attname)
        for f in Resident._meta.concrete_fields
        if not f.generated
    }
    restored: dict[str, Any] = json.loads(json.dumps(values, cls=DjangoJSONEncoder))
    return restored


def _links() -> list[models.ForeignObjectRel]:
    """Every table that points at a resident and follows the person when records merge."""
    return [
        relation
        for relation in Resident._meta.related_objects
        if relation.related_model is not Resident
        and relation.get_accessor_name() not in _NOT_MOVED
        and relation.related_model
        not in (MatchCandidate, Merge, IncomingRecord, Resident.history.model)
    ]


def _is_blank(value: Any) -> bool:
    return value in (None, "", [], {})


@transaction.atomic
def merge(
    survivor: Resident,
    absorbed: Resident,
    *,
    user: User | None,
    request: HttpRequest | None,
    candidate: MatchCandidate | None = None,
    automatic: bool = False,
) -> Merge:
    """Keep ``survivor``; move every link of ``absorbed`` to it; fill its blanks from
    ``absorbed``; mark ``absorbed`` merged. Refused, with the reason, if it cannot be undone."""
    survivor = Resident.objects.select_for_update().get(pk=survivor.pk)
    absorbed = Resident.objects.select_for_update().get(pk=absorbed.pk)
    if survivor.pk == absorbed.pk:
        raise DomainError("same_record", _("A record cannot be merged with itself."), "other")
    if survivor.merged_into_id or absorbed.merged_into_id:
        raise DomainError(
            "already_merged", _("One of the records is already merged into another."), "other"
        )
    before = {"survivor": _values(survivor), "absorbed": _values(absorbed)}
    moved: dict[str, list[Any]] = {}
    try:
        with transaction.atomic():
            for relation in _links():
                model = relation.related_model
                assert not isinstance(model, str)
                name = relation.field.name
                rows = model._base_manager.filter(**{name: absorbed.pk})
                if (
                    relation.one_to_one
                    and model._base_manager.filter(**{name: survivor.pk}).exists()
                ):
                    continue  # the kept record already has one (a sign-in): leave this one be
                pks = list(rows.values_list("pk", flat=True))
                if pks:
                    model._base_manager.filter(pk__in=pks).update(**{name: survivor.pk})
                    moved[model._meta.label] = [name, pks]
    except IntegrityError:
        raise DomainError(
            "merge_conflict",
            _(
                "Both records have something that may exist only once per person (for example a "
                "booking in the same vaccination session); resolve that first."
            ),
            "other",
        ) from None
    filled = []
    Resident.objects.filter(pk=absorbed.pk).update(merged_into=survivor)
    for name in FILLABLE:
        if _is_blank(getattr(survivor, name)) and not _is_blank(getattr(absorbed, name)):
            setattr(survivor, name, getattr(absorbed, name))
            filled.append(name)
    if survivor.id_status != "valid" and absorbed.id_status == "valid" and "citizen_id" in filled:
        survivor.id_status, survivor.id_problems = absorbed.id_status, absorbed.id_problems
        filled += ["id_status", "id_problems"]
    survivor.save()
    record = Merge.objects.create(
        survivor=survivor,
        absorbed=absorbed,
        candidate=candidate,
        snapshot={**before, "moved": moved, "filled": filled},
        merged_by=user,
        merged_at=timezone.now(),
    )
    if candidate is not None:
        candidate.status = (
            MatchCandidate.Status.AUTO_MERGED if automatic else MatchCandidate.Status.MERGED
        )
        candidate.decided_by = user
        candidate.decided_at = timezone.now()
        candidate.save(update_fields=["status", "decided_by", "decided_at"])
    detail = {"merge": record.pk, "absorbed": absorbed.pk, "filled": filled, "automatic": automatic}
    audit.record(
        user, "update", RESIDENT, survivor.pk, purpose="merge", request=request, detail=detail
    )
    audit.record(
        user, "update", RESIDENT, absorbed.pk, purpose="merge", request=request, detail=detail
    )
    return record


@transaction.atomic
def unmerge(record: Merge, *, user: User | None, request: HttpRequest | None) -> Resident:
    """Undo a merge exactly: the kept record gets back the values it had, every moved link goes
    back, the merged record lives again. Returns the restored record."""
    record = Merge.objects.select_for_update().get(pk=record.pk)
    if record.undone_at is not None:
        raise DomainError("already_undone", _("This merge was already undone."), None)
    snapshot = record.snapshot
    survivor = Resident.objects.select_for_update().get(pk=record.survivor_id)
    for name in snapshot["filled"]:
        field = Resident._meta.get_field(name.removesuffix("_id"))
        assert isinstance(field, models.Field)
        setattr(survivor, field.attname, field.to_python(snapshot["survivor"][field.attname]))
    survivor.save()
    Resident.objects.filter(pk=record.absorbed_id).update(merged_into=None)
    for label, (name, pks) in snapshot["moved"].items():
        model = _model(label)
        model._base_manager.filter(pk__in=pks).update(**{name: record.absorbed_id})
    if record.candidate_id is not None:
        MatchCandidate.objects.filter(pk=record.candidate_id).update(
            status=MatchCandidate.Status.PENDING, decided_by=None, decided_at=None
        )
    record.undone_by = user
    record.undone_at = timezone.now()
    record.save(update_fields=["undone_by", "undone_at"])
    detail = {"merge": record.pk, "restored": record.absorbed_id}
    for pk in (record.survivor_id, record.absorbed_id):
        audit.record(
            user, "update", RESIDENT, pk, purpose="unmerge", request=request, detail=detail
        )
    return Resident.objects.get(pk=record.absorbed_id)


def _model(label: str) -> type[models.Model]:
    from django.apps import apps

    return apps.get_model(label)


@transaction.atomic
def decide_distinct(candidate: MatchCandidate, *, user: User, request: HttpRequest | None) -> None:
    """A reviewer says these are two people; the pair is not proposed again."""
    candidate.status = MatchCandidate.Status.DISTINCT
    candidate.decided_by = user
    candidate.decided_at = timezone.now()
    candidate.save(update_fields=["status", "decided_by", "decided_at"])
    audit.record(
        user,
        "update",
        "residents.matchcandidate",
        candidate.pk,
        purpose="review duplicates",
        request=request,
        detail={"decision": "distinct"},
    )


def auto_merge_threshold() -> float:
    return float(settings.MPI_AUTO_MERGE_THRESHOLD)


def propose(
    pairs: Iterable[tuple[Resident, Resident, float, dict[str, str]]],
    *,
    user: User | None = None,
) -> tuple[int, int]:
    """Record candidate pairs (kept in id order, each once); merge on their own those at or above
    the auto-merge threshold. Returns (queued, merged automatically)."""
    queued = merged = 0
    threshold = auto_merge_threshold()
    for left, right, probability, evidence in pairs:
        first, second = sorted((left, right), key=lambda r: r.pk)
        candidate, created = MatchCandidate.objects.get_or_create(
            resident=first,
            other=second,
            defaults={"score": probability, "evidence": evidence},
        )
        if not created:
            continue
        if probability >= threshold:
            try:
                merge(first, second, user=user, request=None, candidate=candidate, automatic=True)
            except DomainError:
                queued += 1  # already merged elsewhere in this run, or a conflict: a person decides
            else:
                merged += 1
        else:
            queued += 1
    return queued, merged


@transaction.atomic
def resolve_incoming(
    candidate: MatchCandidate, *, same_person: bool, user: User, request: HttpRequest | None
) -> Resident:
    """A queued roster row: the same person as the candidate's resident (its values fill the
    record's blanks) or a different person (a new record is made from it)."""
    from residents.roster import household_for, resident_fields

    if candidate.incoming_id is None:
        raise DomainError(
            "not_an_import", _("This pair is two records, not an imported row."), None
        )
    incoming = IncomingRecord.objects.select_for_update().get(pk=candidate.incoming_id)
    if incoming.status != IncomingRecord.Status.PENDING:
        raise DomainError("already_resolved", _("This row was already dealt with."), None)
    values = resident_fields(incoming.data)
    now = timezone.now()
    if same_person:
        resident = Resident.objects.select_for_update().get(pk=candidate.resident_id)
        filled = [
            name
            for name, value in values.items()
            if name in FILLABLE and _is_blank(getattr(resident, name)) and not _is_blank(value)
        ]
        for name in filled:
            setattr(resident, name, values[name])
        resident.save()
        incoming.status = IncomingRecord.Status.MERGED
        candidate.status = MatchCandidate.Status.MERGED
        action, detail = "update", {"incoming": incoming.pk, "filled": filled}
    else:
        if (
            values["citizen_id"]
            and Resident.objects.filter(
                citizen_id=values["citizen_id"], merged_into__isnull=True
            ).exists()
        ):
            raise DomainError(
                "citizen_id_in_use",
                _("Another live record has this ID number; merge or correct it first."),
                None,
            )
        resident = Resident(**values, household=household_for(incoming.data))
        resident.save()
        incoming.status = IncomingRecord.Status.CREATED
        candidate.status = MatchCandidate.Status.DISTINCT
        action, detail = "create", {"incoming": incoming.pk}
    incoming.resident = resident
    incoming.save(update_fields=["status", "resident"])
    candidate.decided_by, candidate.decided_at = user, now
    candidate.save(update_fields=["status", "decided_by", "decided_at"])
    # The row's other candidates are settled by this decision too.
    MatchCandidate.objects.filter(incoming=incoming, status=MatchCandidate.Status.PENDING).update(
        status=MatchCandidate.Status.DISTINCT, decided_by=user, decided_at=now
    )
    audit.record(
        user,
        action,
        RESIDENT,
        resident.pk,
        purpose="review duplicates",
        request=request,
        detail=detail,
    )
    return resident


def pending_candidates(user: User) -> QuerySet[MatchCandidate]:
    """Pending pairs whose records are both in scope (an incoming row: its resident is)."""
    visible = scope.residents_in_scope(user)
    return (
        MatchCandidate.objects.filter(status=MatchCandidate.Status.PENDING)
        .filter(Exists(visible.filter(pk=OuterRef("resident_id"))))
        .filter(Q(other__isnull=True) | Exists(visible.filter(pk=OuterRef("other_id"))))
        .select_related("resident__village", "other__village", "incoming")
        .order_by("-score", "pk")
    )
