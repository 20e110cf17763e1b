"""The key-population schedules as versioned data (PH-2; public-health-services.md §1–§4).

Each ``programmes/schedules/*.toml`` file is one version; every rule in it carries the spec
section it comes from (``citation``) and the spec's confidence (V, C, U). Values the spec leaves
open are marked "design" with confidence U. The rules that read this data are in
``programmes.rules``.
"""

import tomllib
from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

DEFAULT_SCHEDULE = "BPHS3-2017"
SCHEDULE_DIRECTORY = Path(__file__).with_name("schedules")
PROGRAMMES = ("child", "maternal", "elderly", "hypertension", "diabetes", "smd", "tb")


class Confidence(StrEnum):
    """How well a row was checked (spec header)."""

    VERIFIED = "V"
    SECONDARY = "C"
    UNVERIFIED = "U"


def add_months(start: date, count: int) -> date:
    """The same day ``count`` calendar months later; a missing day (31 April) becomes the last."""
    year, month_index = divmod(start.month - 1 + count, 12)
    year += start.year
    month = month_index + 1
    return date(year, month, min(start.day, monthrange(year, month)[1]))


@dataclass(frozen=True)
class Cited:
    citation: str
    confidence: Confidence


@dataclass(frozen=True)
class Dates:
    """When a contact is due and its window; ``window_end`` is the last day it is on time."""

    due_on: date
    window_start: date
    window_end: date


@dataclass(frozen=True)
class Window:
    """``[start, end]`` days relative to a date (the due date or the last visit)."""

    start: int
    end: int

    def around(self, due_on: date) -> Dates:
        return Dates(due_on, due_on + timedelta(self.start), due_on + timedelta(self.end))

    def after(self, last: date) -> Dates:
        """A deadline ``end`` days after ``last``: due on the deadline itself."""
        return Dates(
            last + timedelta(self.end), last + timedelta(self.start), last + timedelta(self.end)
        )


@dataclass(frozen=True)
class Contact:
    """A contact due a fixed time after its anchor date (birth, discharge or delivery)."""

    code: str
    name: str
    anchor: str
    due_months: int
    due_days: int
    window: Window
    age_months: int
    cited: Cited

    def dates(self, anchor_date: date) -> Dates:
        return self.window.around(
            add_months(anchor_date, self.due_months) + timedelta(self.due_days)
        )


@dataclass(frozen=True)
class AntenatalVisit:
    """An antenatal visit in completed gestational weeks ``from_week``–``to_week``."""

    number: int
    code: str
    name: str
    from_week: int
    to_week: int
    cited: Cited

    def dates(self, lmp_date: date) -> Dates:
        """From the first day of ``from_week`` to the last day of ``to_week``."""
        start = lmp_date + timedelta(weeks=self.from_week)
        return Dates(start, start, lmp_date + timedelta(weeks=self.to_week + 1, days=-1))


@dataclass(frozen=True)
class Interval:
    window: Window
    cited: Cited


@dataclass(frozen=True)
class SequenceSchedule:
    """Contacts in order (children; antenatal or postnatal visits)."""

    lost_after_days: int
    window_cited: Cited


@dataclass(frozen=True)
class ChildSchedule(SequenceSchedule):
    contacts: tuple[Contact, ...]
    ends_at_age_months: int


@dataclass(frozen=True)
class MaternalSchedule(SequenceSchedule):
    antenatal: tuple[AntenatalVisit, ...]
    postnatal: tuple[Contact, ...]


@dataclass(frozen=True)
class FollowUpSchedule:
    """Follow-up after enrolment (``first``), then after each visit by its classification."""

    lost_after_days: int
    contacts: tuple[str, ...]
    followup_contacts: tuple[str, ...]
    first: Interval
    after: dict[str, Interval]
    routine: str
    """The classification assumed while no visit has one."""


@dataclass(frozen=True)
class BpTarget:
    from_age: int
    sbp_below: int
    dbp_below: int
    cited: Cited


@dataclass(frozen=True)
class VisitRows:
    """The rows of a §4.1/§4.2 table, top-down."""

    followup_within_weeks: int
    emergency: Cited
    referral: Cited
    uncontrolled: Cited
    controlled: Cited


@dataclass(frozen=True)
class HypertensionEmergency:
    sbp_at_least: int
    dbp_at_least: int
    pregnancy_sbp_at_least: int
    pregnancy_dbp_at_least: int
    pregnancy_cited: Cited
    symptoms: dict[str, str]


@dataclass(frozen=True)
class DiabetesEmergency:
    glucose_at_least: float
    glucose_at_most: float
    sbp_at_least: int
    dbp_at_least: int
    heart_rate_above: int
    temperature_above: float
    pregnancy_glucose_at_least: float
    pregnancy_cited: Cited
    symptoms: dict[str, str]


@dataclass(frozen=True)
class HypertensionSchedule(FollowUpSchedule):
    targets: tuple[BpTarget, ...]
    rows: VisitRows
    emergency: HypertensionEmergency


@dataclass(frozen=True)
class DiabetesSchedule(FollowUpSchedule):
    fpg_below: float
    target_cited: Cited
    rows: VisitRows
    emergency: DiabetesEmergency


@dataclass(frozen=True)
class SmdCategory:
    next_visit_weeks: int
    refer_immediately: bool
    cited: Cited


@dataclass(frozen=True)
class SmdSchedule(FollowUpSchedule):
    unstable_from_risk: int
    basically_stable_from_risk: int
    categories: dict[str, SmdCategory]


@dataclass(frozen=True)
class ElderlySchedule:
    lost_after_days: int
    contacts: tuple[str, ...]
    first: Interval
    yearly_months: int
    yearly: Interval


@dataclass(frozen=True)
class TbInterval:
    days: int
    cited: Cited


@dataclass(frozen=True)
class TbSchedule:
    lost_after_days: int
    contacts: tuple[str, ...]
    first_home: Interval
    intervals: dict[tuple[str, str], TbInterval]
    """By (supervisor, phase)."""


@dataclass(frozen=True)
class BpGrades:
    """Lower bounds of the grades normal, high_normal, grade_1, grade_2, grade_3."""

    sbp_from: tuple[int, ...]
    dbp_from: tuple[int, ...]
    isolated_systolic_sbp_at_least: int
    isolated_systolic_dbp_below: int
    cited: Cited


@dataclass(frozen=True)
class Screening:
    sbp_at_least: int
    dbp_at_least: int
    high_days_for_suspected: int
    bp_cited: Cited
    fpg_at_least: float
    fpg_cited: Cited


@dataclass(frozen=True)
class Eligibility:
    """Who a programme enrols (§1). Ages in whole years, ``max_age`` exclusive; ``source`` is
    "age", "diagnosis" (ICD-10 prefixes) or "pregnancy" (a registered pregnancy)."""

    programme: str
    source: str
    min_age: int | None
    max_age: int | None
    sex: str
    icd10_prefixes: tuple[str, ...]
    note: str
    cited: Cited


@dataclass(frozen=True)
class Schedule:
    version: str
    title: str
    bp_grades: BpGrades
    screening: Screening
    child: ChildSchedule
    maternal: MaternalSchedule
    hypertension: HypertensionSchedule
    diabetes: DiabetesSchedule
    smd: SmdSchedule
    elderly: ElderlySchedule
    tb: TbSchedule
    eligibility: dict[str, Eligibility]

    def lost_after_days(self, programme: str) -> int:
        if programme not in PROGRAMMES:
            raise ValueError(f"unknown programme {programme!r}; known: {', '.join(PROGRAMMES)}")
        section: SequenceSchedule | FollowUpSchedule | ElderlySchedule | TbSchedule = getattr(
            self, programme
        )
        return section.lost_after_days


# ---------------------------------------------------------------- loading
Table = dict[str, Any]


def _cited(table: Table, prefix: str = "") -> Cited:
    return Cited(table[f"{prefix}citation"], Confidence(table[f"{prefix}confidence"]))


def _window(pair: list[int]) -> Window:
    start, end = pair
    if start > end:
        raise ValueError(f"window {pair} ends before it starts")
    return Window(start, end)


def _interval(table: Table) -> Interval:
    return Interval(_window(table["window_days"]), _cited(table))


def _contact(table: Table) -> Contact:
    return Contact(
        code=table["code"],
        name=table["name"],
        anchor=table.get("anchor", "birth"),
        due_months=table.get("due_months", 0),
        due_days=table.get("due_days", 0),
        window=_window(table["window_days"]),
        age_months=table.get("age_months", 0),
        cited=_cited(table),
    )


def _antenatal(table: Table) -> AntenatalVisit:
    from_week, to_week = table["weeks"]
    return AntenatalVisit(
        table["number"], table["code"], table["name"], from_week, to_week, _cited(table)
    )


def _follow_up(table: Table) -> dict[str, Any]:
    """The fields every ``FollowUpSchedule`` shares."""
    return {
        "lost_after_days": table["lost_after_days"],
        "contacts": tuple(table["contacts"]),
        "followup_contacts": tuple(table["followup_contacts"]),
        "first": _interval(table["first"]),
        "after": {name: _interval(row) for name, row in table["after"].items()},
        "routine": table["routine"],
    }


def _rows(table: Table) -> VisitRows:
    return VisitRows(
        table["followup_within_weeks"],
        *(_cited(table[row]) for row in ("emergency", "referral", "uncontrolled", "controlled")),
    )


def _hypertension(table: Table) -> HypertensionSchedule:
    emergency = table["emergency"]
    return HypertensionSchedule(
        **_follow_up(table),
        targets=tuple(
            BpTarget(row["from_age"], row["sbp_below"], row["dbp_below"], _cited(row))
            for row in sorted(table["targets"], key=lambda row: row["from_age"])
        ),
        rows=_rows(table["rows"]),
        emergency=HypertensionEmergency(
            emergency["sbp_at_least"],
            emergency["dbp_at_least"],
            emergency["pregnancy_sbp_at_least"],
            emergency["pregnancy_dbp_at_least"],
            _cited(emergency, "pregnancy_"),
            dict(emergency["symptoms"]),
        ),
    )


def _diabetes(table: Table) -> DiabetesSchedule:
    emergency = table["emergency"]
    return DiabetesSchedule(
        **_follow_up(table),
        fpg_below=table["target"]["fpg_below"],
        target_cited=_cited(table["target"]),
        rows=_rows(table["rows"]),
        emergency=DiabetesEmergency(
            emergency["glucose_at_least"],
            emergency["glucose_at_most"],
            emergency["sbp_at_least"],
            emergency["dbp_at_least"],
            emergency["heart_rate_above"],
            emergency["temperature_above"],
            emergency["pregnancy_glucose_at_least"],
            _cited(emergency, "pregnancy_"),
            dict(emergency["symptoms"]),
        ),
    )


def _smd(table: Table) -> SmdSchedule:
    return SmdSchedule(
        **_follow_up(table),
        unstable_from_risk=table["unstable_from_risk"],
        basically_stable_from_risk=table["basically_stable_from_risk"],
        categories={
            name: SmdCategory(row["next_visit_weeks"], row["refer_immediately"], _cited(row))
            for name, row in table["categories"].items()
        },
    )


def _child(table: Table) -> ChildSchedule:
    return ChildSchedule(
        lost_after_days=table["lost_after_days"],
        window_cited=_cited(table, "window_"),
        contacts=tuple(_contact(row) for row in table["contacts"]),
        ends_at_age_months=table["ends_at_age_months"],
    )


def _maternal(table: Table) -> MaternalSchedule:
    return MaternalSchedule(
        lost_after_days=table["lost_after_days"],
        window_cited=_cited(table, "window_"),
        antenatal=tuple(_antenatal(row) for row in table["antenatal"]),
        postnatal=tuple(_contact(row) for row in table["postnatal"]),
    )


def _elderly(table: Table) -> ElderlySchedule:
    return ElderlySchedule(
        lost_after_days=table["lost_after_days"],
        contacts=tuple(table["contacts"]),
        first=_interval(table["first"]),
        yearly_months=table["yearly"]["months"],
        yearly=_interval(table["yearly"]),
    )


def _tb(table: Table) -> TbSchedule:
    return TbSchedule(
        lost_after_days=table["lost_after_days"],
        contacts=tuple(table["contacts"]),
        first_home=_interval(table["first_home"]),
        intervals={
            (row["supervisor"], row["phase"]): TbInterval(row["days"], _cited(row))
            for row in table["intervals"]
        },
    )


def _bp_grades(table: Table) -> BpGrades:
    return BpGrades(
        tuple(table["sbp_from"]),
        tuple(table["dbp_from"]),
        table["isolated_systolic_sbp_at_least"],
        table["isolated_systolic_dbp_below"],
        _cited(table),
    )


def _screening(table: Table) -> Screening:
    return Screening(
        table["sbp_at_least"],
        table["dbp_at_least"],
        table["high_days_for_suspected"],
        _cited(table, "bp_"),
        table["fpg_at_least"],
        _cited(table, "fpg_"),
    )


def _eligibility(table: Table) -> Eligibility:
    return Eligibility(
        programme=table["programme"],
        source=table["source"],
        min_age=table.get("min_age"),
        max_age=table.get("max_age"),
        sex=table.get("sex", ""),
        icd10_prefixes=tuple(table.get("icd10_prefixes", ())),
        note=table.get("note", ""),
        cited=_cited(table),
    )


def _check(schedule: Schedule) -> Schedule:
    for section in (schedule.hypertension, schedule.diabetes, schedule.smd):
        if section.routine not in section.after:
            raise ValueError(f"{schedule.version}: routine {section.routine!r} has no interval")
    if set(schedule.smd.after) != set(schedule.smd.categories):
        raise ValueError(f"{schedule.version}: SMD intervals and categories differ")
    return schedule


def parse_schedule(data: Table) -> Schedule:
    """Build a ``Schedule`` from the TOML text's tables; a missing key raises ``KeyError``."""
    return _check(
        Schedule(
            version=data["version"],
            title=data["title"],
            bp_grades=_bp_grades(data["bp_grades"]),
            screening=_screening(data["screening"]),
            child=_child(data["child"]),
            maternal=_maternal(data["maternal"]),
            hypertension=_hypertension(data["hypertension"]),
            diabetes=_diabetes(data["diabetes"]),
            smd=_smd(data["smd"]),
            elderly=_elderly(data["elderly"]),
            tb=_tb(data["tb"]),
            eligibility={row["programme"]: _eligibility(row) for row in data["eligibility"]},
        )
    )


@cache
def load_schedules(directory: Path = SCHEDULE_DIRECTORY) -> dict[str, Schedule]:
    """Every ``*.toml`` file of ``directory``, by version; read once."""
    schedules: dict[str, Schedule] = {}
    for path in sorted(directory.glob("*.toml")):
        with path.open("rb") as file:
            schedule = parse_schedule(tomllib.load(file))
        if schedule.version in schedules:
            raise ValueError(f"schedule {schedule.version!r} is defined twice ({path.name})")
        schedules[schedule.version] = schedule
    return schedules


SCHEDULES: dict[str, Schedule] = load_schedules()


def get_schedule(version: str = DEFAULT_SCHEDULE) -> Schedule:
    """The schedule of ``version``; ``ValueError`` names the known ones."""
    try:
        return SCHEDULES[version]
    except KeyError:
        raise ValueError(
            f"unknown schedule {version!r}; known: {', '.join(sorted(SCHEDULES))}"
        ) from None
