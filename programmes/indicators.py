"""The programme indicators of public-health-services.md §5 (PH-2), computed set-based.

Each indicator is a numerator and a denominator counted by one aggregate query (conditional
aggregation: ``COUNT(*) FILTER (WHERE …)`` with ``EXISTS`` and correlated subqueries), grouped by
village, township, institution, team or not at all (county), over a period. No person is ever
loaded into Python: what comes back are counts per group, rolled up along the registry
(village → township, village → serving institution or team).

Counting rules shared by every indicator:

- a record merged into another (``merged_into``) never counts;
- a person who moved out or died counts only up to ``status_date``: they belong to a denominator
  if that date falls on or after the start of the period (or of the event), and their visits
  count only up to it; a non-active record without a date does not count;
- enrolments ``proposed`` or ``declined`` are not under management and never count.

Thresholds the specification marks C or U (and those that differ between sources) are
``Parameters`` with defaults, not constants in the queries.
"""

import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
    Expression,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import (
    Exact,
    GreaterThanOrEqual,
    LessThan,
    LessThanOrEqual,
)
from django.db.models.sql.compiler import SQLCompiler
from django.db.utils import NotSupportedError
from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import audit
from accounts.models import User
from accounts.scope import division_ranges
from contracting.models import Team
from divisions.models import Division
from institutions.models import Institution
from jiceng.dates import years_before
from jiceng.errors import DomainError
from programmes.models import Enrolment, Programme, Visit
from residents.models import RecordStatus, ResidenceStatus, Resident

AUDIT_OBJECT = "programmes.indicator"
ACTIVE = RecordStatus.ACTIVE
USUAL_RESIDENTS = (ResidenceStatus.PERMANENT, ResidenceStatus.MIGRANT)  # 常住
MANAGED = (Enrolment.Status.ACTIVE, Enrolment.Status.EXITED)
REQUIRED_CONTACTS = ("followup", "annual_check")  # HTN, T2DM, SMD: what counts as a visit
CHILD_AGE_LIMIT = 7  # 0–6: up to the 7th birthday (§1, V)
NARROW_BIRTH_RANGE_DAYS = 731


# --- Periods ----------------------------------------------------------------------------------


class PeriodError(DomainError):
    """The period cannot be read; reported on the ``period`` field."""

    status = 422

    def __init__(self, text: str) -> None:
        super().__init__(
            "invalid_period",
            _(
                "“%(text)s” is not a period: give a year (2025), a quarter (2025Q1), a month "
                "(2025-03) or two dates (2025-01-01..2025-06-30)."
            )
            % {"text": text},
            "period",
        )


@dataclass(frozen=True)
class Period:
    """Both days included."""

    start: date
    end: date
    label: str


_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})-?[Qq]([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_DATES = re.compile(r"^(\d{4}-\d{2}-\d{2})\s*(?:\.\.|/|~)\s*(\d{4}-\d{2}-\d{2})$")


def _month_end(year: int, month: int) -> date:
    first_of_next = date(year + month // 12, month % 12 + 1, 1)
    return first_of_next - timedelta(days=1)


def parse_period(text: str) -> Period:
    """A year ``2025``, a quarter ``2025Q1``, a month ``2025-03``, or ``2025-01-01..2025-06-30``."""
    cleaned = text.strip()
    try:
        if found := _YEAR.match(cleaned):
            year = int(found[1])
            return Period(date(year, 1, 1), date(year, 12, 31), cleaned)
        if found := _QUARTER.match(cleaned):
            year, quarter = int(found[1]), int(found[2])
            first = 3 * quarter - 2
            return Period(date(year, first, 1), _month_end(year, first + 2), f"{year}Q{quarter}")
        if found := _MONTH.match(cleaned):
            year, month = int(found[1]), int(found[2])
            return Period(date(year, month, 1), _month_end(year, month), f"{year}-{month:02d}")
        if found := _DATES.match(cleaned):
            start, end = date.fromisoformat(found[1]), date.fromisoformat(found[2])
            if start <= end:
                return Period(start, end, f"{start.isoformat()}..{end.isoformat()}")
    except ValueError:
        pass
    raise PeriodError(text)


# --- Parameters -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Parameters:
    """Thresholds that are not settled by a verified text (§5 C/U), or that sources dispute."""

    record_min_completeness: int = 60  # % of the record items filled: our design (PH-1)
    newborn_visit_days: int = 28  # the newborn home visit counts within the neonatal period
    early_registration_weeks: int = 13  # C
    postpartum_visit_days: int = 28  # C
    elderly_age: int = 65  # V
    followup_interval_months: int = 3  # V: ≥ 4 visits a year
    sbp_target: int = 140  # V
    dbp_target: int = 90  # V
    older_patient_age: int = 65  # C: the ≥ 65 clause
    older_patient_sbp_target: int = 150  # C
    fpg_target_mmol_l: float = 7.0  # V
    tb_first_visit_days: int = 3  # V: 72 h
    tb_regular_share: float = 0.9  # U

    def text_values(self) -> dict[str, Any]:
        """The values the definitions are written with."""
        return {
            **asdict(self),
            "early_registration_days": self.early_registration_weeks * 7,
            "tb_regular_percent": round(self.tb_regular_share * 100),
        }


DEFAULTS = Parameters()


# --- Database functions that differ between SQLite and PostgreSQL -----------------------------


class _DateFunction(Expression):
    """An integer or date computed from date expressions, written per database (native SQL on
    both: Django's own date functions call Python on SQLite, once per row)."""

    sqlite = ""
    postgresql = ""

    def __init__(self, *expressions: Any, output_field: Any = None) -> None:
        super().__init__(output_field=output_field or IntegerField())
        self.source_expressions = [
            e if hasattr(e, "resolve_expression") else Value(e) for e in expressions
        ]

    def get_source_expressions(self) -> list[Any]:
        return self.source_expressions

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        self.source_expressions = list(exprs)

    def as_sql(self, compiler: SQLCompiler, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        template = {"sqlite": self.sqlite, "postgresql": self.postgresql}.get(connection.vendor)
        if not template:
            raise NotSupportedError(f"{type(self).__name__} on {connection.vendor}")
        compiled = [compiler.compile(e) for e in self.source_expressions]
        # A template may use an argument twice: its parameters are repeated in the same order.
        names = re.findall(r"\{(\d)\}", template)
        params: list[Any] = []
        for name in names:
            params.extend(compiled[int(name)][1])
        return template.format(*(sql for sql, _params in compiled)), params


class MonthIndex(_DateFunction):
    """year × 12 + month: months between two dates are a difference of these."""

    sqlite = "(CAST(strftime('%%Y', {0}) AS INTEGER) * 12 + CAST(strftime('%%m', {0}) AS INTEGER))"
    postgresql = (
        "(CAST(EXTRACT(YEAR FROM {0}) AS INTEGER) * 12 + CAST(EXTRACT(MONTH FROM {0}) AS INTEGER))"
    )


class AgeYears(_DateFunction):
    """Attained age in whole years of someone born on ``{0}`` on day ``{1}`` (as ``age_on``)."""

    sqlite = (
        "(CAST(strftime('%%Y', {1}) AS INTEGER) - CAST(strftime('%%Y', {0}) AS INTEGER)"
        " - (strftime('%%m-%%d', {1}) < strftime('%%m-%%d', {0})))"
    )
    postgresql = (
        "CAST(EXTRACT(YEAR FROM age(CAST({1} AS timestamp), CAST({0} AS timestamp))) AS INTEGER)"
    )


class Unindexed(_DateFunction):
    """The column itself, written so that SQLite does not choose its index (``+column``)."""

    sqlite = "+{0}"
    postgresql = "{0}"

    def __init__(self, expression: Any) -> None:
        super().__init__(expression, output_field=DateField())


class AddDays(_DateFunction):
    """``{0}`` + a whole number of days, as a date (the number is written into the SQL)."""

    def __init__(self, expression: Any, days: int) -> None:
        super().__init__(expression, output_field=DateField())
        self.days = int(days)
        self.sqlite = f"date({{0}}, '{self.days:+d} days')"
        self.postgresql = f"({{0}} + {self.days})"


# --- Definitions ------------------------------------------------------------------------------


class Basis:
    """Who an indicator counts: people of a village, or enrolments (which carry their own
    institution and team)."""

    POPULATION = "population"
    ENROLMENT = "enrolment"


@dataclass(frozen=True)
class Counting:
    """What to count: the denominator's rows and the condition that puts a row in the
    numerator."""

    rows: QuerySet[Any]
    numerator: Any


@dataclass(frozen=True)
class Indicator:
    code: str
    name: Promise
    numerator_text: Promise
    denominator_text: Promise
    citation: str
    confidence: str
    group: str
    basis: str
    counting: Callable[[Period, Parameters], Counting] = field(repr=False)
    note: Promise | None = None

    def numerator_definition(self, parameters: Parameters = DEFAULTS) -> str:
        return str(self.numerator_text) % parameters.text_values()

    def denominator_definition(self, parameters: Parameters = DEFAULTS) -> str:
        return str(self.denominator_text) % parameters.text_values()

    def note_text(self, parameters: Parameters = DEFAULTS) -> str:
        return str(self.note) % parameters.text_values() if self.note is not None else ""


def _residents(
    period: Period, born_from: date | None = None, born_by: date | None = None
) -> QuerySet[Resident]:
    """Live records of people on the register at some time in the period, born in
    [``born_from``, ``born_by``] (``born_by`` at the latest the period's end)."""
    last = min(born_by or period.end, period.end)
    # A range of birth dates spanning years matches most people: SQLite, which keeps no range
    # statistics, would still walk the birth-date index and read the table in random order
    # (about five times slower than a scan). Only a narrow range (births of a year) uses it.
    narrow = born_from is not None and (last - born_from).days <= NARROW_BIRTH_RANGE_DAYS
    born = F("birth_date") if narrow else Unindexed(F("birth_date"))
    within = Q(LessThanOrEqual(born, last))
    if born_from is not None:
        within &= Q(GreaterThanOrEqual(born, born_from))
    return Resident.objects.filter(
        within,
        Q(record_status=ACTIVE) | Q(status_date__gte=period.start),
        merged_into__isnull=True,
    )


def _visit_while_present(prefix: str = "") -> Any:
    """A visit (the subquery's row) dated while its person was on the register (outer row)."""
    return Exact(OuterRef(f"{prefix}record_status"), ACTIVE) | LessThanOrEqual(
        F("date"), OuterRef(f"{prefix}status_date")
    )


def _visits_in(period: Period, prefix: str = "") -> QuerySet[Visit]:
    return Visit.objects.filter(
        _visit_while_present(prefix), date__gte=period.start, date__lte=period.end
    )


def _record_filing(period: Period, parameters: Parameters) -> Counting:
    return Counting(
        _residents(period).filter(residence_status__in=USUAL_RESIDENTS),
        Q(completeness__gte=parameters.record_min_completeness),
    )


def _record_use(period: Period, parameters: Parameters) -> Counting:
    return Counting(
        _residents(period), Exists(_visits_in(period).filter(resident_id=OuterRef("pk")))
    )


def _newborn_visit(period: Period, parameters: Parameters) -> Counting:
    visited = Visit.objects.filter(
        _visit_while_present(),
        resident_id=OuterRef("pk"),
        programme=Programme.CHILD,
        contact="newborn",
        date__gte=OuterRef("birth_date"),
        date__lte=AddDays(OuterRef("birth_date"), parameters.newborn_visit_days),
    )
    return Counting(
        _residents(period, born_from=period.start).filter(residence_status__in=USUAL_RESIDENTS),
        Exists(visited),
    )


def _child_health(period: Period, parameters: Parameters) -> Counting:
    visited = _visits_in(period).filter(resident_id=OuterRef("pk"), programme=Programme.CHILD)
    return Counting(
        _residents(
            period, born_from=years_before(period.start, CHILD_AGE_LIMIT) + timedelta(days=1)
        ).filter(residence_status__in=USUAL_RESIDENTS),
        Exists(visited),
    )


def _elderly_health(period: Period, parameters: Parameters) -> Counting:
    checked = _visits_in(period).filter(
        resident_id=OuterRef("pk"), programme=Programme.ELDERLY, contact="annual_check"
    )
    return Counting(
        _residents(period, born_by=years_before(period.end, parameters.elderly_age)).filter(
            residence_status__in=USUAL_RESIDENTS
        ),
        Exists(checked),
    )


def _enrolments(programme: str) -> QuerySet[Enrolment]:
    return Enrolment.objects.filter(
        programme=programme, status__in=MANAGED, resident__merged_into__isnull=True
    )


def _present_on(field_name: str) -> Q:
    """The enrolment's person was on the register on the date in ``field_name``."""
    return Q(resident__record_status=ACTIVE) | Q(resident__status_date__gte=F(field_name))


def _deliveries(period: Period) -> QuerySet[Enrolment]:
    """Deliveries in the period: maternal enrolments with a delivery date in it (live births are
    approximated by deliveries)."""
    return _enrolments(Programme.MATERNAL).filter(
        _present_on("delivery_date"),
        delivery_date__gte=period.start,
        delivery_date__lte=period.end,
    )


def _early_registration(period: Period, parameters: Parameters) -> Counting:
    early = Visit.objects.filter(
        enrolment_id=OuterRef("pk"),
        contact="antenatal_1",
        date__lt=AddDays(OuterRef("lmp_date"), parameters.early_registration_weeks * 7),
    )
    return Counting(_deliveries(period), Exists(early))


def _postpartum_visit(period: Period, parameters: Parameters) -> Counting:
    home = Coalesce(OuterRef("discharge_date"), OuterRef("delivery_date"))
    visited = Visit.objects.filter(
        enrolment_id=OuterRef("pk"),
        contact="postpartum",
        date__gte=home,
        date__lte=AddDays(home, parameters.postpartum_visit_days),
    )
    return Counting(_deliveries(period), Exists(visited))


def _managed(programme: str, period: Period) -> QuerySet[Enrolment]:
    """Enrolments under management at some time in the period, whose person was on the register
    at some time between the enrolment (or the period's start) and its end."""
    return _enrolments(programme).filter(
        Q(exited_on__isnull=True) | Q(exited_on__gte=period.start),
        Q(resident__record_status=ACTIVE)
        | (
            Q(resident__status_date__gte=period.start)
            & Q(resident__status_date__gte=F("enrolled_on"))
        ),
        enrolled_on__isnull=False,
        enrolled_on__lte=period.end,
    )


def _months_managed(period: Period) -> Expression:
    """Calendar months from the later of enrolment and period start to the earliest of period
    end, exit and moving out or death, both months included (a whole year: 12)."""
    first = Case(
        When(enrolled_on__gt=period.start, then=F("enrolled_on")), default=Value(period.start)
    )
    last = Case(
        When(
            Q(exited_on__lt=period.end)
            & (Q(resident__record_status=ACTIVE) | Q(resident__status_date__gte=F("exited_on"))),
            then=F("exited_on"),
        ),
        When(
            ~Q(resident__record_status=ACTIVE) & Q(resident__status_date__lt=period.end),
            then=F("resident__status_date"),
        ),
        default=Value(period.end),
    )
    return MonthIndex(last) - MonthIndex(first) + Value(1)


def _required_visits(programme: str) -> Callable[[Period, Parameters], Counting]:
    """Managed per specification: at least one required contact per ``followup_interval_months``
    managed in the period (rounded up: 4 for a whole year, 2 for July–December)."""

    def counting(period: Period, parameters: Parameters) -> Counting:
        visits = (
            _visits_in(period, "resident__")
            .filter(enrolment_id=OuterRef("pk"), contact__in=REQUIRED_CONTACTS)
            .order_by()
            .values("enrolment_id")
            .annotate(count=Count("pk"))
            .values("count")
        )
        done = Coalesce(Subquery(visits, output_field=IntegerField()), Value(0))
        return Counting(
            _managed(programme, period),
            GreaterThanOrEqual(
                done * Value(parameters.followup_interval_months), _months_managed(period)
            ),
        )

    return counting


def _latest_on_target(
    programme: str, recorded: Q, on_target: Callable[[Parameters], Any]
) -> Callable[[Period, Parameters], Counting]:
    """The latest required contact of the period with the measurement recorded is on target;
    no such contact (lost to follow-up) counts as not on target."""

    def counting(period: Period, parameters: Parameters) -> Counting:
        latest = (
            _visits_in(period, "resident__")
            .filter(recorded, enrolment_id=OuterRef("pk"), contact__in=REQUIRED_CONTACTS)
            .order_by("-date", "-pk")
            .annotate(
                on_target=Case(
                    When(on_target(parameters), then=Value(1)),
                    default=Value(0),
                    output_field=IntegerField(),
                )
            )
            .values("on_target")[:1]
        )
        return Counting(
            _managed(programme, period),
            Exact(Subquery(latest, output_field=IntegerField()), Value(1)),
        )

    return counting


def _bp_on_target(parameters: Parameters) -> Any:
    """SBP and DBP below target; the ≥ 65 target for people that old on the visit's day."""
    older: Any = GreaterThanOrEqual(
        AgeYears(OuterRef("resident__birth_date"), F("date")), parameters.older_patient_age
    )
    return Q(dbp__lt=parameters.dbp_target) & (
        Q(sbp__lt=parameters.sbp_target)
        | (Q(sbp__lt=parameters.older_patient_sbp_target) & Q(older))
    )


def _fpg_on_target(parameters: Parameters) -> Any:
    return LessThan(F("fpg_mmol_l"), parameters.fpg_target_mmol_l)


def _tb_management(period: Period, parameters: Parameters) -> Counting:
    visited = Visit.objects.filter(
        enrolment_id=OuterRef("pk"),
        contact="first_home",
        date__gte=OuterRef("enrolled_on"),
        date__lte=AddDays(OuterRef("enrolled_on"), parameters.tb_first_visit_days),
    )
    return Counting(
        _enrolments(Programme.TB).filter(
            _present_on("enrolled_on"),
            enrolled_on__gte=period.start,
            enrolled_on__lte=period.end,
        ),
        Exists(visited),
    )


def _tb_regular_medication(period: Period, parameters: Parameters) -> Counting:
    completed = _enrolments(Programme.TB).filter(
        _present_on("exited_on"),
        status=Enrolment.Status.EXITED,
        exit_reason__in=(Enrolment.ExitReason.TREATMENT_COMPLETED, Enrolment.ExitReason.CURED),
        exited_on__gte=period.start,
        exited_on__lte=period.end,
    )
    # In whole thousandths, so that exactly 90 % is not lost to floating point (99 of 110).
    per_mille = round(parameters.tb_regular_share * 1000)
    return Counting(
        completed,
        Q(tb_doses_planned__gt=0)
        & Q(
            GreaterThanOrEqual(
                F("tb_doses_taken") * Value(1000), F("tb_doses_planned") * Value(per_mille)
            )
        ),
    )


RECORDS, MOTHERS_AND_CHILDREN, ELDERLY, CHRONIC, SMD_AND_TB = (
    "records",
    "mothers_and_children",
    "elderly",
    "chronic",
    "smd_and_tb",
)
GROUPS: dict[str, Promise] = {
    RECORDS: gettext_lazy("Health records"),
    MOTHERS_AND_CHILDREN: gettext_lazy("Children and mothers"),
    ELDERLY: gettext_lazy("Elderly people"),
    CHRONIC: gettext_lazy("Hypertension and diabetes"),
    SMD_AND_TB: gettext_lazy("Severe mental disorders and tuberculosis"),
}

INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "record_filing",
        gettext_lazy("Health record filing rate"),
        gettext_lazy(
            "Usual residents whose health record is at least %(record_min_completeness)s %% "
            "complete (cover page and personal basic information)"
        ),
        gettext_lazy(
            "Usual residents (permanent, or migrants of 6 months or more) on the register "
            "during the period"
        ),
        "PH-1; BPHS3 §5",
        "V",
        RECORDS,
        Basis.POPULATION,
        _record_filing,
        gettext_lazy(
            "Every registered resident has a record here, so a record counts once it is "
            "complete enough; the completeness is today's."
        ),
    ),
    Indicator(
        "record_use",
        gettext_lazy("Health record use rate"),
        gettext_lazy("Records with at least one programme visit in the period"),
        gettext_lazy("Records of residents on the register during the period"),
        "PH-1; BPHS3 §5",
        "V",
        RECORDS,
        Basis.POPULATION,
        _record_use,
    ),
    Indicator(
        "newborn_visit",
        gettext_lazy("Newborn visit rate"),
        gettext_lazy(
            "Children born in the period with a newborn home visit within "
            "%(newborn_visit_days)s days of birth"
        ),
        gettext_lazy("Usual-resident children born in the period (live births)"),
        "PH-2; BPHS3 §5",
        "V",
        MOTHERS_AND_CHILDREN,
        Basis.POPULATION,
        _newborn_visit,
    ),
    Indicator(
        "child_health_management",
        gettext_lazy("Child health management rate"),
        gettext_lazy("Children aged 0–6 with at least one child health visit in the period"),
        gettext_lazy(
            "Usual-resident children aged 0–6 (before their 7th birthday) at some time in the "
            "period, alive and on the register"
        ),
        "PH-2; BPHS3 §5",
        "V",
        MOTHERS_AND_CHILDREN,
        Basis.POPULATION,
        _child_health,
    ),
    Indicator(
        "early_pregnancy_registration",
        gettext_lazy("Early pregnancy registration rate"),
        gettext_lazy(
            "Deliveries whose first antenatal check was before week %(early_registration_weeks)s "
            "(earlier than %(early_registration_days)s days after the last menstrual period)"
        ),
        gettext_lazy("Deliveries in the period (maternal enrolments with a delivery date in it)"),
        "PH-2; BPHS3 §5",
        "C",
        MOTHERS_AND_CHILDREN,
        Basis.ENROLMENT,
        _early_registration,
        gettext_lazy("Live births are approximated by deliveries: twins count once."),
    ),
    Indicator(
        "postpartum_visit",
        gettext_lazy("Postpartum visit rate"),
        gettext_lazy(
            "Deliveries with a postpartum visit within %(postpartum_visit_days)s days after "
            "discharge (after delivery if no discharge date is recorded)"
        ),
        gettext_lazy("Deliveries in the period (maternal enrolments with a delivery date in it)"),
        "PH-2; BPHS3 §5",
        "C",
        MOTHERS_AND_CHILDREN,
        Basis.ENROLMENT,
        _postpartum_visit,
        gettext_lazy("Live births are approximated by deliveries: twins count once."),
    ),
    Indicator(
        "elderly_health_management",
        gettext_lazy("Elderly health management rate"),
        gettext_lazy(
            "Residents aged %(elderly_age)s or over with an elderly annual health check in the "
            "period"
        ),
        gettext_lazy(
            "Usual residents aged %(elderly_age)s or over by the end of the period, on the "
            "register during it"
        ),
        "PH-2; BPHS3 §5",
        "V",
        ELDERLY,
        Basis.POPULATION,
        _elderly_health,
    ),
    Indicator(
        "htn_standard_management",
        gettext_lazy("Hypertension standard management rate"),
        gettext_lazy(
            "Hypertension patients managed with at least one follow-up or annual check per "
            "%(followup_interval_months)s months managed in the period (4 for a whole year)"
        ),
        gettext_lazy("Hypertension patients under management at some time in the period"),
        "PH-2; BPHS3 §5",
        "V",
        CHRONIC,
        Basis.ENROLMENT,
        _required_visits(Programme.HYPERTENSION),
    ),
    Indicator(
        "htn_bp_control",
        gettext_lazy("Blood pressure control rate of managed patients"),
        gettext_lazy(
            "Patients whose latest blood pressure of the period is on target: below "
            "%(sbp_target)s/%(dbp_target)s mmHg, or below %(older_patient_sbp_target)s/"
            "%(dbp_target)s mmHg at %(older_patient_age)s or over; no visit counts as not on "
            "target"
        ),
        gettext_lazy("Hypertension patients under management at some time in the period"),
        "PH-2; BPHS3 §5",
        "V",
        CHRONIC,
        Basis.ENROLMENT,
        _latest_on_target(
            Programme.HYPERTENSION, Q(sbp__isnull=False, dbp__isnull=False), _bp_on_target
        ),
        gettext_lazy("The target for patients aged 65 or over is C in the specification."),
    ),
    Indicator(
        "dm_standard_management",
        gettext_lazy("Type 2 diabetes standard management rate"),
        gettext_lazy(
            "Type 2 diabetes patients managed with at least one follow-up or annual check per "
            "%(followup_interval_months)s months managed in the period (4 for a whole year)"
        ),
        gettext_lazy("Type 2 diabetes patients under management at some time in the period"),
        "PH-2; BPHS3 §5",
        "V",
        CHRONIC,
        Basis.ENROLMENT,
        _required_visits(Programme.DIABETES),
    ),
    Indicator(
        "dm_glucose_control",
        gettext_lazy("Blood glucose control rate of managed patients"),
        gettext_lazy(
            "Patients whose latest fasting glucose of the period is below "
            "%(fpg_target_mmol_l)s mmol/L; no visit counts as not on target"
        ),
        gettext_lazy("Type 2 diabetes patients under management at some time in the period"),
        "PH-2; BPHS3 §5",
        "V",
        CHRONIC,
        Basis.ENROLMENT,
        _latest_on_target(Programme.DIABETES, Q(fpg_mmol_l__isnull=False), _fpg_on_target),
    ),
    Indicator(
        "smd_standard_management",
        gettext_lazy("Severe mental disorder standard management rate"),
        gettext_lazy(
            "Patients visited at least once per %(followup_interval_months)s months managed in "
            "the period (4 for a whole year)"
        ),
        gettext_lazy(
            "Registered patients with a confirmed severe mental disorder under management at "
            "some time in the period"
        ),
        "PH-2; BPHS3 §5",
        "C",
        SMD_AND_TB,
        Basis.ENROLMENT,
        _required_visits(Programme.SMD),
    ),
    Indicator(
        "tb_management",
        gettext_lazy("Pulmonary tuberculosis patient management rate"),
        gettext_lazy(
            "Patients with a first home visit within %(tb_first_visit_days)s days of enrolment"
        ),
        gettext_lazy(
            "Tuberculosis patients notified and enrolled in the period (enrolment date in it)"
        ),
        "PH-2; BPHS3 §5",
        "C",
        SMD_AND_TB,
        Basis.ENROLMENT,
        _tb_management,
    ),
    Indicator(
        "tb_regular_medication",
        gettext_lazy("Pulmonary tuberculosis regular medication rate"),
        gettext_lazy(
            "Patients who took at least %(tb_regular_percent)s %% of the prescribed doses over "
            "the course"
        ),
        gettext_lazy("Tuberculosis patients who completed treatment or were cured in the period"),
        "PH-2; BPHS3 §5",
        "U",
        SMD_AND_TB,
        Basis.ENROLMENT,
        _tb_regular_medication,
        gettext_lazy(
            "The %(tb_regular_percent)s %% threshold is unverified (U): it is a parameter."
        ),
    ),
)
BY_CODE: dict[str, Indicator] = {indicator.code: indicator for indicator in INDICATORS}


# --- Levels and results -----------------------------------------------------------------------


class Level:
    VILLAGE = "village"
    TOWNSHIP = "township"
    INSTITUTION = "institution"
    TEAM = "team"
    COUNTY = "county"


LEVELS: dict[str, Promise] = {
    Level.COUNTY: gettext_lazy("county"),
    Level.TOWNSHIP: gettext_lazy("township"),
    Level.VILLAGE: gettext_lazy("village"),
    Level.INSTITUTION: gettext_lazy("institution"),
    Level.TEAM: gettext_lazy("family doctor team"),
}


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    numerator: int
    denominator: int

    @property
    def rate(self) -> float | None:
        """Percentage, two decimals; ``None`` when there is nobody to count."""
        if not self.denominator:
            return None
        return round(100 * self.numerator / self.denominator, 2)


@dataclass(frozen=True)
class Result:
    indicator: Indicator
    rows: list[Row]

    def as_json(self, level: str, parameters: Parameters = DEFAULTS) -> dict[str, Any]:
        return {
            "code": self.indicator.code,
            "name": str(self.indicator.name),
            "group": self.indicator.group,
            "numerator_definition": self.indicator.numerator_definition(parameters),
            "denominator_definition": self.indicator.denominator_definition(parameters),
            "citation": self.indicator.citation,
            "confidence": self.indicator.confidence,
            "rows": [
                {
                    "level": level,
                    "key": row.key,
                    "label": row.label,
                    "numerator": row.numerator,
                    "denominator": row.denominator,
                    "rate": row.rate,
                }
                for row in self.rows
            ],
        }


UNASSIGNED = ""


@dataclass
class _Registry:
    """Names and the village → township / institution / team maps, read once per call."""

    villages: dict[int, Division]
    serving_institution: dict[int, int] = field(default_factory=dict)
    serving_team: dict[int, int] = field(default_factory=dict)


def _registry(level: str, villages: Collection[int] | None) -> _Registry:
    if level == Level.COUNTY:
        return _Registry({})  # one row: nothing to map
    found = Division.objects.filter(level=Division.Level.VILLAGE).select_related("parent")
    if villages is not None:
        found = found.filter(pk__in=list(villages))
    registry = _Registry({village.pk: village for village in found})
    if level == Level.INSTITUTION:
        # The most specific institution serving the village: its clinic before its township's
        # centre before the county's hospitals; the lowest id between equals.
        depth: dict[str, int] = {
            Division.Level.VILLAGE: 0,
            Division.Level.TOWNSHIP: 1,
            Division.Level.COUNTY: 2,
        }
        served = Institution.served_divisions.through.objects.values_list(
            "institution_id", "division_id", "division__level"
        ).order_by("institution_id")
        best: dict[int, tuple[int, int]] = {}
        by_division: dict[int, list[tuple[int, int]]] = {}
        for institution_id, division_id, division_level in served:
            by_division.setdefault(division_id, []).append(
                (depth.get(division_level, 3), institution_id)
            )
        for village in registry.villages.values():
            township = village.parent
            county_id = township.parent_id if township is not None else None
            candidates = [
                *by_division.get(village.pk, []),
                *by_division.get(village.parent_id or 0, []),
                *by_division.get(county_id or 0, []),
            ]
            if candidates:
                best[village.pk] = min(candidates)
        registry.serving_institution = {village: pick[1] for village, pick in best.items()}
    if level == Level.TEAM:
        for team_id, village_id in (
            Team.villages.through.objects.filter(team__is_active=True)
            .order_by("-team_id")
            .values_list("team_id", "division_id")
        ):
            registry.serving_team[village_id] = team_id  # the lowest id wins
    return registry


def _group_fields(indicator: Indicator, level: str) -> list[str]:
    village = "village_id" if indicator.basis == Basis.POPULATION else "resident__village_id"
    if indicator.basis == Basis.ENROLMENT and level == Level.INSTITUTION:
        return ["institution_id", village]
    if indicator.basis == Basis.ENROLMENT and level == Level.TEAM:
        return ["team_id", village]
    return [village]


def _level_key(level: str, registry: _Registry, values: Mapping[str, Any]) -> int | None:
    village_id = values.get("village_id", values.get("resident__village_id"))
    if level == Level.VILLAGE:
        return int(village_id)
    if level == Level.TOWNSHIP:
        village = registry.villages.get(village_id)
        return village.parent_id if village is not None else None
    if level == Level.INSTITUTION:
        return values.get("institution_id") or registry.serving_institution.get(village_id)
    return values.get("team_id") or registry.serving_team.get(village_id)


def _count(
    indicator: Indicator,
    period: Period,
    level: str,
    parameters: Parameters,
    villages: Collection[int] | None,
    registry: _Registry,
) -> dict[int | None, tuple[int, int]]:
    """Numerator and denominator per level key: one aggregate query."""
    counting = indicator.counting(period, parameters)
    rows = counting.rows.order_by()
    if villages is not None:
        village_field = (
            "village_id" if indicator.basis == Basis.POPULATION else "resident__village_id"
        )
        rows = rows.filter(**{f"{village_field}__in": list(villages)})
    totals = {
        "numerator": Count("pk", filter=counting.numerator),
        "denominator": Count("pk"),
    }
    if level == Level.COUNTY:
        found = rows.aggregate(**totals)
        return {None: (found["numerator"] or 0, found["denominator"] or 0)}
    counts: dict[int | None, tuple[int, int]] = {}
    for values in rows.values(*_group_fields(indicator, level)).annotate(**totals):
        key = _level_key(level, registry, values)
        numerator, denominator = counts.get(key, (0, 0))
        counts[key] = (numerator + values["numerator"], denominator + values["denominator"])
    return counts


Label = tuple[int | None, str, str]


def _labels(
    level: str, registry: _Registry, keys: set[int | None], villages: Collection[int] | None
) -> list[Label]:
    """(level key, stable key, label) in display order; every village or township in scope is
    listed, institutions and teams when they serve the scope or appear in the counts."""
    if level == Level.COUNTY:
        county = Division.objects.filter(level=Division.Level.COUNTY).order_by("code").first()
        code = county.code if county is not None else UNASSIGNED
        if villages is not None:
            return [(None, code, _("All divisions in your scope"))]
        return [(None, code, county.name if county is not None else _("Whole county"))]
    listed: list[Label] = []
    if level == Level.VILLAGE:
        villages_listed = sorted(registry.villages.values(), key=lambda d: d.code)
        listed = [(d.pk, d.code, d.name) for d in villages_listed]
    elif level == Level.TOWNSHIP:
        townships = {v.parent.pk: v.parent for v in registry.villages.values() if v.parent}
        listed = [(d.pk, d.code, d.name) for d in sorted(townships.values(), key=lambda d: d.code)]
    elif level == Level.INSTITUTION:
        wanted = {k for k in keys if k is not None} | set(registry.serving_institution.values())
        institutions = Institution.objects.filter(pk__in=wanted).order_by("path", "pk")
        listed = [(i.pk, i.code, i.name) for i in institutions]
    else:
        wanted = {k for k in keys if k is not None} | set(registry.serving_team.values())
        teams = Team.objects.filter(pk__in=wanted).order_by("institution__path", "name", "pk")
        listed = [(t.pk, str(t.pk), t.name) for t in teams]
    if None in keys:
        listed.append((None, UNASSIGNED, _("Not assigned")))
    return listed


def compute(
    period: Period,
    level: str = Level.COUNTY,
    *,
    villages: Collection[int] | None = None,
    parameters: Parameters = DEFAULTS,
    codes: Iterable[str] | None = None,
) -> list[Result]:
    """Every indicator (or those in ``codes``) over ``period`` at ``level``, for the residents of
    ``villages`` (ids; ``None``: everyone). Unscoped and unaudited: see ``indicators_for``."""
    if level not in LEVELS:
        raise DomainError("invalid_level", _("Unknown level."), "level")
    chosen = [BY_CODE[code] for code in codes] if codes is not None else list(INDICATORS)
    registry = _registry(level, villages)
    with transaction.atomic():  # one transaction: on SQLite, one snapshot for every count
        if connection.vendor == "postgresql":
            # These queries cost more than jit_above_cost, and compiling them took longer than
            # running them (1.1 of 2.1 s for hypertension on a county): no JIT here.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
        counts = {
            indicator.code: _count(indicator, period, level, parameters, villages, registry)
            for indicator in chosen
        }
    keys = {key for found in counts.values() for key in found}
    labels = _labels(level, registry, keys, villages)
    return [
        Result(
            indicator,
            [
                Row(stable, label, *counts[indicator.code].get(key, (0, 0)))
                for key, stable, label in labels
            ],
        )
        for indicator in chosen
    ]


def scope_villages(user: User) -> list[int] | None:
    """Ids of the villages whose residents ``user`` may see; ``None`` when that is every village
    (no restriction needed), ``[]`` when none."""
    ranges = division_ranges(user)
    if not ranges:
        return []
    within = Q()
    for low, high in ranges:
        within |= Q(code__range=(low, high))
    every = Division.objects.filter(level=Division.Level.VILLAGE)
    ids = list(every.filter(within).values_list("pk", flat=True))
    return None if len(ids) == every.count() else ids


def indicators_for(
    user: User,
    period: Period | str,
    level: str = Level.COUNTY,
    *,
    parameters: Parameters = DEFAULTS,
    codes: Iterable[str] | None = None,
    request: HttpRequest | None = None,
    action: str = "list",
) -> list[Result]:
    """``compute`` restricted to the villages ``user`` may see; the access is audited first
    (aggregates are not personal data, but who looked at what is worth keeping)."""
    if isinstance(period, str):
        period = parse_period(period)
    if level not in LEVELS:
        raise DomainError("invalid_level", _("Unknown level."), "level")
    chosen = list(codes) if codes is not None else None
    if chosen is not None and any(code not in BY_CODE for code in chosen):
        raise DomainError("invalid_indicator", _("Unknown indicator."), "codes")
    audit.record(
        user,
        action,
        AUDIT_OBJECT,
        purpose="indicators",
        request=request,
        detail={
            "period": period.label,
            "level": level,
            "indicators": chosen if chosen is not None else "all",
        },
    )
    villages = scope_villages(user)
    return compute(period, level, villages=villages, parameters=parameters, codes=chosen)
