"""What happens to enrolments: proposing, confirming, exiting, recording visits, and keeping each
enrolment's next contact current (PH-2, PH-3).

The schedule itself is ``programmes.rules.next_due`` (pure, versioned data); this module feeds it
the enrolment's facts and visits and stores the answer on the enrolment, so that today's work
lists are one indexed query. Proposals and exits run set-based over the whole county (one
statement per programme), not person by person.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import islice
from typing import Any

from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import audit
from accounts.models import User
from jiceng.dates import years_before
from jiceng.errors import DomainError
from programmes.access import ENROLMENT, VISIT
from programmes.models import DEFAULT_SCHEDULE, Enrolment, Programme, Visit
from programmes.rules import ELIGIBILITY, EnrolmentFacts, VisitFact, next_due
from residents.models import HistoryItem, RecordStatus, Resident

Status = Enrolment.Status
SCHEDULE_FIELDS = (
    "next_contact",
    "next_due_on",
    "window_start",
    "window_end",
    "last_visit_on",
    "last_classification",
)
OPEN = (Status.PROPOSED, Status.ACTIVE)
_BATCH = 2_000


def facts_of(enrolment: Enrolment, birth_date: date) -> EnrolmentFacts:
    return EnrolmentFacts(
        programme=enrolment.programme,
        enrolled_on=enrolment.enrolled_on or enrolment.proposed_on,
        birth_date=birth_date,
        lmp_date=enrolment.lmp_date,
        delivery_date=enrolment.delivery_date,
        discharge_date=enrolment.discharge_date,
        tb_phase=enrolment.tb_phase,
        tb_supervisor=enrolment.tb_supervisor,
        schedule=enrolment.schedule,
    )


def apply_schedule(
    enrolment: Enrolment,
    birth_date: date,
    visits: Sequence[VisitFact],
    as_of: date | None = None,
) -> None:
    """Set the enrolment's next contact and last visit from its facts and visits (not saved).

    ``as_of`` lets a child or a pregnancy move past contacts whose time has gone (the daily
    refresh passes today); without it the answer depends only on the record."""
    due = (
        next_due(facts_of(enrolment, birth_date), visits, as_of=as_of)
        if enrolment.status == "active"
        else None
    )
    last = max(visits, key=lambda visit: visit.on, default=None)
    enrolment.next_contact = due.contact if due else ""
    enrolment.next_due_on = due.due_on if due else None
    enrolment.window_start = due.window_start if due else None
    enrolment.window_end = due.window_end if due else None
    enrolment.last_visit_on = last.on if last else None
    enrolment.last_classification = last.classification if last else ""


def _batches(ids: Iterable[int]) -> Iterator[list[int]]:
    iterator = iter(ids)
    while batch := list(islice(iterator, _BATCH)):
        yield batch


def refresh_schedules(enrolments: QuerySet[Enrolment], as_of: date | None = None) -> int:
    """Recompute the next contact of ``enrolments`` as on ``as_of`` in batches: one query for
    the enrolments, one for their visits, one bulk update per batch. Returns how many changed."""
    changed = 0
    ids = enrolments.order_by("pk").values_list("pk", flat=True)
    for batch in _batches(ids.iterator(chunk_size=_BATCH)):
        rows = list(
            Enrolment.objects.filter(pk__in=batch)
            .select_related(None)
            .annotate(birth=F("resident__birth_date"))
        )
        visits: dict[int, list[VisitFact]] = defaultdict(list)
        for enrolment_id, contact, on, classification in Visit.objects.filter(
            enrolment_id__in=batch
        ).values_list("enrolment_id", "contact", "date", "classification"):
            visits[enrolment_id].append(VisitFact(contact, on, classification))
        dirty: list[Enrolment] = []
        for enrolment in rows:
            before = tuple(getattr(enrolment, name) for name in SCHEDULE_FIELDS)
            apply_schedule(enrolment, enrolment.birth, visits[enrolment.pk], as_of)
            if tuple(getattr(enrolment, name) for name in SCHEDULE_FIELDS) != before:
                dirty.append(enrolment)
        Enrolment.objects.bulk_update(dirty, SCHEDULE_FIELDS)
        changed += len(dirty)
    return changed


def _refresh_one(enrolment: Enrolment) -> None:
    facts = [
        VisitFact(contact, on, classification)
        for contact, on, classification in enrolment.visits.values_list(
            "contact", "date", "classification"
        )
    ]
    apply_schedule(enrolment, enrolment.resident.birth_date, facts, timezone.localdate())
    enrolment.save(update_fields=[*SCHEDULE_FIELDS, "updated_at"])


# Proposals ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Proposals:
    """How many enrolments one run proposed, per programme."""

    by_programme: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_programme.values())


# Every NOT NULL column without a value of its own gets "" or False: a proposal has no facts yet.
_BLANK_COLUMNS = (
    "reason_detail", "exit_reason", "exit_note", "diagnosis_icd10", "tb_phase", "tb_supervisor",
    "next_contact", "last_classification",
)  # fmt: skip


def _insert_proposals(
    residents: QuerySet[Resident], programme: str, on_date: date, reason: str
) -> int:
    """``INSERT … SELECT`` one proposal per resident of ``residents``: one statement, whatever
    their number, on SQLite and PostgreSQL alike."""
    stamp = timezone.now()
    constants: dict[str, Any] = {
        "programme": Value(programme, output_field=CharField()),
        "status": Value(Status.PROPOSED.value, output_field=CharField()),
        "proposed_on": Value(on_date, output_field=DateField()),
        "reason": Value(reason, output_field=CharField()),
        "schedule": Value(DEFAULT_SCHEDULE, output_field=CharField()),
        "high_risk": Value(False, output_field=BooleanField()),
        **{name: Value("", output_field=CharField()) for name in _BLANK_COLUMNS},
        "created_at": Value(stamp, output_field=DateTimeField()),
        "updated_at": Value(stamp, output_field=DateTimeField()),
    }
    aliases = {f"_{name}": value for name, value in constants.items()}
    select = residents.order_by().annotate(**aliases).values_list("pk", *aliases)
    sql, params = select.query.sql_with_params()
    quote = connection.ops.quote_name
    columns = ", ".join(quote(name) for name in ("resident_id", *constants))
    table = quote(Enrolment._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({columns}) {sql}", params)
        return int(cursor.rowcount)


def propose_enrolments(on_date: date, residents: QuerySet[Resident] | None = None) -> Proposals:
    """Propose every person the record makes eligible on ``on_date`` and who has no enrolment in
    that programme yet (a declined or closed one is not proposed again for the same reason):
    children under 7 and people aged 65 and over by age, hypertension, type 2 diabetes and severe
    mental disorders by a diagnosis on the record. Pregnancies and TB come from registration and
    notification (``enrol``). One statement per programme."""
    base = residents if residents is not None else Resident.objects.all()
    base = base.filter(merged_into__isnull=True, record_status=RecordStatus.ACTIVE)
    counts: dict[str, int] = {}
    for programme, rule in ELIGIBILITY.items():
        eligible = base
        if rule.min_age is not None:
            eligible = eligible.filter(birth_date__lte=years_before(on_date, rule.min_age))
        if rule.max_age is not None:
            eligible = eligible.filter(birth_date__gt=years_before(on_date, rule.max_age))
        reason = Enrolment.Reason.AGE
        if rule.icd10_prefixes:
            diagnosed = Q()
            for prefix in rule.icd10_prefixes:
                diagnosed |= Q(icd10__startswith=prefix)
            eligible = eligible.filter(
                Exists(
                    HistoryItem.objects.filter(
                        diagnosed, resident=OuterRef("pk"), kind=HistoryItem.Kind.DISEASE
                    )
                )
            )
            reason = Enrolment.Reason.DIAGNOSIS
        elif rule.min_age is None and rule.max_age is None:
            continue  # registered, not derived from the record (pregnancy, TB)
        eligible = eligible.exclude(
            Exists(Enrolment.objects.filter(resident=OuterRef("pk"), programme=programme))
        )
        counts[programme] = _insert_proposals(eligible, programme, on_date, reason)
    return Proposals(counts)


def close_departed(on_date: date) -> int:
    """Exit every open enrolment whose person moved out or died on or before ``on_date`` (from
    that date), and children's enrolments at the 7th birthday. Set-based; returns the count."""
    departed = Resident.objects.filter(
        pk=OuterRef("resident_id"),
        status_date__lte=on_date,
    ).exclude(record_status=RecordStatus.ACTIVE)
    closed = 0
    for status, reason in (
        (RecordStatus.MOVED_OUT, Enrolment.ExitReason.MOVED_OUT),
        (RecordStatus.DECEASED, Enrolment.ExitReason.DECEASED),
    ):
        people = departed.filter(record_status=status)
        closed += Enrolment.objects.filter(Exists(people), status__in=OPEN).update(
            status=Status.EXITED,
            exit_reason=reason,
            exited_on=Resident.objects.filter(pk=OuterRef("resident_id")).values("status_date")[:1],
            next_contact="",
            next_due_on=None,
            window_start=None,
            window_end=None,
            updated_at=Now(),
        )
    closed += Enrolment.objects.filter(
        programme=Programme.CHILD,
        status__in=OPEN,
        resident__birth_date__lte=years_before(on_date, 7),
    ).update(
        status=Status.EXITED,
        exit_reason=Enrolment.ExitReason.AGED_OUT,
        exited_on=on_date,
        next_contact="",
        next_due_on=None,
        window_start=None,
        window_end=None,
        updated_at=Now(),
    )
    return closed


# One enrolment at a time (pages and API) -----------------------------------------------------


def _audit_change(user: User, action: str, enrolment: Enrolment, purpose: str) -> None:
    audit.record(user, action, ENROLMENT, enrolment.pk, purpose=purpose)


def enrol(
    resident: Resident,
    programme: str,
    user: User,
    *,
    on_date: date,
    reason: str = Enrolment.Reason.MANUAL,
    reason_detail: str = "",
    **facts: Any,
) -> Enrolment:
    """Enrol ``resident`` (read through ``accounts.scope``) at once, confirmed by ``user``: for a
    registered pregnancy, a TB notification or a doctor's decision."""
    if Enrolment.objects.filter(resident=resident, programme=programme, status__in=OPEN).exists():
        raise DomainError(
            "already_enrolled",
            _("This person already has an open enrolment in this programme."),
            "programme",
        )
    enrolment = Enrolment(
        resident=resident,
        programme=programme,
        status=Status.ACTIVE,
        proposed_on=on_date,
        enrolled_on=on_date,
        enrolled_by=user,
        reason=reason,
        reason_detail=reason_detail,
        **facts,
    )
    enrolment.full_clean(exclude=["resident", "enrolled_by"])
    with transaction.atomic():
        enrolment.save()
        _refresh_one(enrolment)
        _audit_change(user, "create", enrolment, "programme enrolment")
    return enrolment


def confirm(enrolment: Enrolment, user: User, *, on_date: date, **changes: Any) -> Enrolment:
    """A person confirms a proposed enrolment (with the doctor, team and facts they set)."""
    if enrolment.status != Status.PROPOSED:
        raise DomainError(
            "not_proposed", _("Only a proposed enrolment can be confirmed."), "status"
        )
    for name, value in changes.items():
        setattr(enrolment, name, value)
    enrolment.status = Status.ACTIVE
    enrolment.enrolled_on = on_date
    enrolment.enrolled_by = user
    with transaction.atomic():
        enrolment.save()
        _refresh_one(enrolment)
        _audit_change(user, "update", enrolment, "confirm enrolment")
    return enrolment


def decline(enrolment: Enrolment, user: User, *, on_date: date, note: str) -> Enrolment:
    """The proposal is not taken up (refused, not eligible after all); kept, not proposed again."""
    if enrolment.status != Status.PROPOSED:
        raise DomainError("not_proposed", _("Only a proposed enrolment can be declined."), "status")
    enrolment.status = Status.DECLINED
    enrolment.exited_on = on_date
    enrolment.exit_note = note[:200]
    with transaction.atomic():
        enrolment.save()
        _audit_change(user, "update", enrolment, "decline enrolment")
    return enrolment


def exit_enrolment(
    enrolment: Enrolment, user: User, *, on_date: date, reason: str, note: str = ""
) -> Enrolment:
    """Close an enrolment with a reason and date; it leaves every work list."""
    if enrolment.status != Status.ACTIVE:
        raise DomainError("not_active", _("Only an enrolment under management can exit."), "status")
    if reason not in Enrolment.ExitReason.values:
        raise DomainError("invalid_input", _("Choose an exit reason."), "exit_reason")
    if enrolment.enrolled_on is not None and on_date < enrolment.enrolled_on:
        raise DomainError(
            "invalid_input", _("The exit date is before the enrolment date."), "exited_on"
        )
    enrolment.status = Status.EXITED
    enrolment.exited_on = on_date
    enrolment.exit_reason = reason
    enrolment.exit_note = note[:200]
    with transaction.atomic():
        enrolment.save()
        _refresh_one(enrolment)
        _audit_change(user, "update", enrolment, "exit enrolment")
    return enrolment


EPISODE_END_CONTACTS = {Programme.MATERNAL: "day42"}


def record_visit(
    enrolment: Enrolment, visit: Visit, user: User, *, facts: dict[str, Any] | None = None
) -> Visit:
    """Save ``visit`` (validated and classified by the form or API) for ``enrolment`` and move
    the enrolment to its next contact. ``facts`` are enrolment facts the visit changes (TB phase,
    delivery date …), saved and audited with it. TB visits add to the doses taken; the 42-day
    check closes a pregnancy episode."""
    if enrolment.status != Status.ACTIVE:
        raise DomainError(
            "not_active", _("Visits are recorded only for enrolments under management."), "status"
        )
    if enrolment.enrolled_on is not None and visit.date < enrolment.enrolled_on:
        raise DomainError(
            "invalid_input", _("The visit date is before the enrolment date."), "date"
        )
    if visit.date > timezone.localdate():
        raise DomainError("invalid_input", _("The visit date is in the future."), "date")
    visit.enrolment = enrolment
    visit.resident_id = enrolment.resident_id
    visit.programme = enrolment.programme
    visit.recorded_by = user
    with transaction.atomic():
        if facts:
            for name, value in facts.items():
                setattr(enrolment, name, value)
            enrolment.save(update_fields=[*facts, "updated_at"])
            audit.record(
                user,
                "update",
                ENROLMENT,
                enrolment.pk,
                purpose="programme visit",
                detail={"fields": sorted(facts)},
            )
        visit.save()
        if enrolment.programme == Programme.TB and visit.doses_missed is not None:
            _count_tb_doses(enrolment, visit)
        _refresh_one(enrolment)
        visit.next_due_on = enrolment.next_due_on
        visit.save(update_fields=["next_due_on"])
        audit.record(user, "create", VISIT, visit.pk, purpose="programme visit")
        if EPISODE_END_CONTACTS.get(Programme(enrolment.programme)) == visit.contact:
            enrolment.status = Status.EXITED
            enrolment.exited_on = visit.date
            enrolment.exit_reason = Enrolment.ExitReason.EPISODE_ENDED
            enrolment.save()
            _refresh_one(enrolment)
    return visit


def _count_tb_doses(enrolment: Enrolment, visit: Visit) -> None:
    """Doses taken since the previous visit: the days between them less the doses missed."""
    previous = (
        enrolment.visits.filter(date__lt=visit.date)
        .order_by("-date")
        .values_list("date", flat=True)
    ).first()
    start = previous or enrolment.enrolled_on or visit.date
    due = (visit.date - start).days
    taken = max(due - (visit.doses_missed or 0), 0)
    enrolment.tb_doses_taken = (enrolment.tb_doses_taken or 0) + taken
    enrolment.save(update_fields=["tb_doses_taken", "updated_at"])
