"""Today's work lists (PH-3, JC-31): who is due, overdue, lost to follow-up or newly eligible.

Each open enrolment carries its next contact and window (``programmes.services`` keeps them
current), so a work list is one indexed query with a ``CASE`` that files each enrolment into one
bucket, and the counts per village or doctor are one ``GROUP BY`` — no loop over people:

- **newly eligible**: proposed by the record (age reached, diagnosis), waiting for a person to
  confirm it;
- **lost to follow-up**: the window closed more than the programme's ``lost_after_days`` ago;
- **overdue**: the window closed before today (days overdue = today − window end);
- **due today**: the due date has come and the window is still open;
- **due this week**: the due date falls in the next six days.

A person who moved out or died leaves every list from the date recorded (``scope.on_work_lists``).
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Case, CharField, Count, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from programmes.models import Enrolment, Programme
from programmes.rules import lost_after_days
from residents.models import RecordStatus

WEEK_AHEAD = 6  # "this week": today and the next six days


class Bucket:
    NEWLY_ELIGIBLE = "newly_eligible"
    LOST = "lost"
    OVERDUE = "overdue"
    DUE_TODAY = "due_today"
    DUE_THIS_WEEK = "due_this_week"


BUCKETS = (
    (Bucket.DUE_TODAY, pgettext_lazy("work list", "Due today")),
    (Bucket.DUE_THIS_WEEK, _("Due this week")),
    (Bucket.OVERDUE, _("Overdue")),
    (Bucket.LOST, _("Lost to follow-up")),
    (Bucket.NEWLY_ELIGIBLE, _("Newly eligible")),
)
BUCKET_LABELS = dict(BUCKETS)


def bucket_conditions(today: date) -> dict[str, Q]:
    """The condition for each bucket on ``today``; they exclude one another."""
    lost = Q()
    for programme in Programme.values:
        threshold = today - timedelta(days=lost_after_days(programme))
        lost |= Q(programme=programme, window_end__lt=threshold)
    active = Q(status=Enrolment.Status.ACTIVE)
    still_open = active & Q(window_end__gte=today)
    return {
        Bucket.NEWLY_ELIGIBLE: Q(status=Enrolment.Status.PROPOSED),
        Bucket.LOST: active & lost,
        Bucket.OVERDUE: active & Q(window_end__lt=today) & ~lost,
        Bucket.DUE_TODAY: still_open & Q(next_due_on__lte=today),
        Bucket.DUE_THIS_WEEK: still_open
        & Q(next_due_on__gt=today, next_due_on__lte=today + timedelta(days=WEEK_AHEAD)),
    }


def bucket_expression(today: date) -> Case:
    """The bucket of an open enrolment on ``today``, or NULL when nothing is owed this week."""
    return Case(
        *(
            When(condition, then=Value(code))
            for code, condition in bucket_conditions(today).items()
        ),
        default=Value(None),
        output_field=CharField(),
    )


def on_list(enrolments: QuerySet[Enrolment], today: date) -> QuerySet[Enrolment]:
    """The open enrolments that are on some work list on ``today``, each with its ``bucket``.

    Everything owed by the end of the week has ``next_due_on`` before then (overdue and lost
    windows closed even earlier), so the index on (status, next_due_on) finds the active ones;
    and every row found is in exactly one bucket (a due date always comes with its window).
    """
    horizon = today + timedelta(days=WEEK_AHEAD)
    still_here = Q(resident__record_status=RecordStatus.ACTIVE) | Q(resident__status_date__gt=today)
    return (
        enrolments.filter(
            Q(status=Enrolment.Status.PROPOSED)
            | Q(status=Enrolment.Status.ACTIVE, next_due_on__lte=horizon)
        )
        .filter(still_here)
        .annotate(bucket=bucket_expression(today))
    )


SORTS = {
    "due": ("next_due_on", "resident__village__code", "resident__name", "pk"),
    "overdue": ("window_end", "resident__village__code", "resident__name", "pk"),
    "name": ("resident__name_pinyin", "pk"),
    "village": ("resident__village__code", "next_due_on", "resident__name", "pk"),
    "programme": ("programme", "next_due_on", "resident__name", "pk"),
}
DEFAULT_SORT = "due"
# What a row of the list shows: the resident record has some forty columns; load only these.
ROW_FIELDS = (
    "programme", "status", "proposed_on", "reason", "next_contact", "next_due_on",
    "window_start", "window_end", "resident_id", "doctor_id",
    "resident__name", "resident__name_pinyin", "resident__sex", "resident__birth_date",
    "resident__citizen_id", "resident__phone", "resident__village_id",
    "resident__village__name", "resident__village__code", "doctor__name",
)  # fmt: skip


@dataclass(frozen=True)
class Filters:
    bucket: str = ""
    programme: str = ""
    village_id: int | None = None
    doctor_id: int | None = None
    sort: str = DEFAULT_SORT


def narrowed(enrolments: QuerySet[Enrolment], filters: Filters) -> QuerySet[Enrolment]:
    """``enrolments`` of the filters' programme, village and doctor (any bucket)."""
    if filters.programme:
        enrolments = enrolments.filter(programme=filters.programme)
    if filters.village_id is not None:
        enrolments = enrolments.filter(resident__village_id=filters.village_id)
    if filters.doctor_id is not None:
        enrolments = enrolments.filter(doctor_id=filters.doctor_id)
    return enrolments


def items(enrolments: QuerySet[Enrolment], today: date, filters: Filters) -> QuerySet[Enrolment]:
    """The work list's rows, filtered and sorted, with what a row shows loaded in the same query."""
    rows = on_list(narrowed(enrolments, filters), today)
    if filters.bucket:
        rows = rows.filter(bucket_conditions(today)[filters.bucket])
    order = SORTS.get(filters.sort, SORTS[DEFAULT_SORT])
    return rows.select_related("resident__village", "doctor").only(*ROW_FIELDS).order_by(*order)


# A row of a whole list as plain values (Excel, the county at once): no model instances.
TABLE_COLUMNS = (
    "pk", "bucket", "programme", "resident_id", "resident__name", "resident__phone",
    "resident__village__name", "next_contact", "next_due_on", "window_end", "doctor__name",
)  # fmt: skip


def table(enrolments: QuerySet[Enrolment], today: date, filters: Filters) -> list[tuple[Any, ...]]:
    """The same rows as ``items``, in the same order, as tuples of ``TABLE_COLUMNS``: for lists
    of thousands, where building model instances would cost more than the query."""
    rows = items(enrolments, today, filters).values_list(*TABLE_COLUMNS)
    return list(rows)


def counts(enrolments: QuerySet[Enrolment], today: date) -> dict[str, int]:
    """How many are in each bucket: one ``GROUP BY``."""
    found = dict.fromkeys(BUCKET_LABELS, 0)
    grouped = (
        on_list(enrolments, today)
        .values("bucket")  # type: ignore[misc]  # the stubs miss annotations made elsewhere
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in grouped:
        found[row["bucket"]] = row["n"]
    return found


@dataclass
class CountRow:
    key: int | None
    label: str
    parent: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def counts_by(enrolments: QuerySet[Enrolment], today: date, by: str) -> list[CountRow]:
    """Bucket counts per village (``by="village"``) or per responsible doctor (``"doctor"``):
    one ``GROUP BY`` over the whole scope, for supervisors."""
    if by == "village":
        key, label, parent = (
            "resident__village_id",
            "resident__village__name",
            "resident__village__parent__name",
        )
    elif by == "doctor":
        key, label, parent = "doctor_id", "doctor__name", "doctor__institution__name"
    else:
        raise ValueError(f"unknown grouping {by!r}")
    grouped = (
        on_list(enrolments, today)
        .values(key, label, parent, "bucket")
        .annotate(n=Count("pk"))
        .order_by()
    )
    rows: dict[int | None, CountRow] = {}
    for row in grouped:
        entry = rows.get(row[key])
        if entry is None:
            entry = rows[row[key]] = CountRow(
                row[key], row[label] or "", row[parent] or "", dict.fromkeys(BUCKET_LABELS, 0)
            )
        entry.counts[row["bucket"]] = row["n"]
    return sorted(rows.values(), key=lambda entry: (entry.parent, entry.label))


def bucket_of(enrolment: Enrolment) -> str:
    """The bucket ``on_list`` filed this row in."""
    return str(enrolment.bucket)  # type: ignore[attr-defined]


def days_overdue(enrolment: Enrolment, today: date) -> int | None:
    if enrolment.window_end is None or enrolment.window_end >= today:
        return None
    return (today - enrolment.window_end).days
