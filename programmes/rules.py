"""Pure rules of the key-population programmes (PH-2, PH-8; public-health-services.md §1–§4).

Plain values in, a decision out: no database, no clock. The numbers come from the versioned
schedule data (``programmes.schedules``); every function takes the schedule version by name.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from collections.abc import Sequence as Seq
from dataclasses import dataclass
from datetime import date
from statistics import fmean
from typing import Literal

from programmes.schedules import (
    DEFAULT_SCHEDULE,
    PROGRAMMES,
    Contact,
    Dates,
    Eligibility,
    FollowUpSchedule,
    Schedule,
    VisitRows,
    Window,
    add_months,
    get_schedule,
)

BpGradeName = Literal["normal", "high_normal", "grade_1", "grade_2", "grade_3"]
Classification = Literal["controlled", "uncontrolled", "adverse_reaction", "complication"]
SmdCategoryName = Literal["stable", "basically_stable", "unstable"]
ScreeningResult = Literal["normal", "recheck", "suspected"]

HYPERTENSION_SYMPTOMS: tuple[str, ...] = tuple(get_schedule().hypertension.emergency.symptoms)
"""§4.1 emergency symptom codes (Chinese names in the schedule data)."""
DIABETES_SYMPTOMS: tuple[str, ...] = tuple(get_schedule().diabetes.emergency.symptoms)
"""§4.2 emergency symptom codes (Chinese names in the schedule data)."""
BP_GRADES: tuple[BpGradeName, ...] = ("normal", "high_normal", "grade_1", "grade_2", "grade_3")
PSYCHOTIC_SYMPTOMS = ("none", "mostly_resolved", "obvious")
INSIGHT = ("recovered", "mostly_recovered", "absent")
SOCIAL_FUNCTION = ("good", "fair", "poor")
TB_PHASES = ("intensive", "continuation")
TB_SUPERVISORS = ("medical_staff", "family_member")

ELIGIBILITY: dict[str, Eligibility] = get_schedule().eligibility
"""§1: who each programme enrols, for set-based enrolment proposals."""


# ---------------------------------------------------------------- §4.1 BP grade [HTN18]
@dataclass(frozen=True)
class BpGrade:
    grade: BpGradeName
    isolated_systolic: bool


def _band(value: float, lower_bounds: Iterable[float]) -> int:
    return max(index for index, bound in enumerate(lower_bounds) if value >= bound)


def bp_grade(sbp: int, dbp: int, *, schedule: str = DEFAULT_SCHEDULE) -> BpGrade:
    """HTN18 §4.1, for diagnosis only: the higher of the SBP and DBP grades wins."""
    grades = get_schedule(schedule).bp_grades
    index = max(_band(sbp, grades.sbp_from), _band(dbp, grades.dbp_from))
    isolated = (
        sbp >= grades.isolated_systolic_sbp_at_least and dbp < grades.isolated_systolic_dbp_below
    )
    return BpGrade(BP_GRADES[index], isolated)


# ---------------------------------------------------------------- §4.1, §4.2 HTN and T2DM visits
@dataclass(frozen=True, kw_only=True)
class ChronicVisit:
    """What a HTN or T2DM follow-up records. ``previous_visit_uncontrolled``: the previous
    visit was off target (BP, or FPG for T2DM), whatever its classification."""

    age: int
    sbp: int
    dbp: int
    pregnant_or_lactating: bool = False
    symptoms: tuple[str, ...] = ()
    previous_visit_uncontrolled: bool = False
    adverse_reaction: bool = False
    adverse_reaction_uncontrollable: bool = False
    new_or_worse_complication: bool = False


@dataclass(frozen=True, kw_only=True)
class HypertensionVisit(ChronicVisit):
    pass


@dataclass(frozen=True, kw_only=True)
class DiabetesVisit(ChronicVisit):
    """``heart_rate`` and ``temperature_c`` are None when not measured."""

    fpg_mmol_l: float
    heart_rate: int | None = None
    temperature_c: float | None = None


@dataclass(frozen=True)
class VisitAssessment:
    classification: Classification
    urgent_referral: bool
    referral: bool
    followup_within_weeks: int | None
    """None: the next routine visit (≤ 3 months)."""
    citations: tuple[str, ...]


def _check_symptoms(symptoms: Iterable[str], known: Iterable[str]) -> None:
    unknown = sorted(set(symptoms) - set(known))
    if unknown:
        raise ValueError(f"unknown symptom codes: {', '.join(unknown)}")


def _class_of(visit: ChronicVisit) -> Classification:
    if visit.new_or_worse_complication:
        return "complication"
    if visit.adverse_reaction or visit.adverse_reaction_uncontrollable:
        return "adverse_reaction"
    return "uncontrolled"


def _assess(
    visit: ChronicVisit, emergency: list[str], on_target: bool, rows: VisitRows, target: str
) -> VisitAssessment:
    """The §4.1/§4.2 rows top-down, shared by HTN and T2DM.

    1. Emergency (``emergency`` holds the citations of what triggered it): urgent referral
       (which is also a referral), follow-up in 2 weeks; class "complication" with a new or worse
       complication, else "uncontrolled".
    2. Off target for the 2nd consecutive visit, an uncontrollable adverse reaction, or a new or
       worse complication: referral, 2 weeks.
    3. Off target (1st time) or an adverse reaction: re-visit in 2 weeks, no referral.
    4. Else "controlled": the next routine visit (``followup_within_weeks`` None).

    In rows 2 and 3 the class is "complication", else "adverse_reaction", else "uncontrolled".
    """
    weeks = rows.followup_within_weeks
    if emergency:
        classification: Classification = (
            "complication" if visit.new_or_worse_complication else "uncontrolled"
        )
        citations = dict.fromkeys((rows.emergency.citation, *emergency))
        return VisitAssessment(classification, True, True, weeks, tuple(citations))
    if (
        visit.new_or_worse_complication
        or visit.adverse_reaction_uncontrollable
        or (visit.previous_visit_uncontrolled and not on_target)
    ):
        return VisitAssessment(
            _class_of(visit), False, True, weeks, (rows.referral.citation, target)
        )
    if not on_target or visit.adverse_reaction:
        return VisitAssessment(
            _class_of(visit), False, False, weeks, (rows.uncontrolled.citation, target)
        )
    return VisitAssessment("controlled", False, False, None, (rows.controlled.citation, target))


def assess_hypertension(
    visit: HypertensionVisit, *, schedule: str = DEFAULT_SCHEDULE
) -> VisitAssessment:
    """BPHS3 §4.1, evaluated top-down against the age-dependent target (see ``_assess``)."""
    rules = get_schedule(schedule).hypertension
    limits = rules.emergency
    _check_symptoms(visit.symptoms, limits.symptoms)
    emergency = []
    if visit.sbp >= limits.sbp_at_least or visit.dbp >= limits.dbp_at_least or visit.symptoms:
        emergency.append(rules.rows.emergency.citation)
    if visit.pregnant_or_lactating and (
        visit.sbp >= limits.pregnancy_sbp_at_least or visit.dbp >= limits.pregnancy_dbp_at_least
    ):
        emergency.append(limits.pregnancy_cited.citation)
    target = [row for row in rules.targets if row.from_age <= visit.age][-1]
    on_target = visit.sbp < target.sbp_below and visit.dbp < target.dbp_below
    return _assess(visit, emergency, on_target, rules.rows, target.cited.citation)


def assess_diabetes(visit: DiabetesVisit, *, schedule: str = DEFAULT_SCHEDULE) -> VisitAssessment:
    """BPHS3 §4.2, evaluated top-down; on target is FPG < 7.0 (see ``_assess``). A heart rate
    above 100 counts as the table's "sustained" tachycardia."""
    rules = get_schedule(schedule).diabetes
    limits = rules.emergency
    _check_symptoms(visit.symptoms, limits.symptoms)
    emergency = []
    if (
        visit.fpg_mmol_l >= limits.glucose_at_least
        or visit.fpg_mmol_l <= limits.glucose_at_most
        or visit.sbp >= limits.sbp_at_least
        or visit.dbp >= limits.dbp_at_least
        or (visit.heart_rate is not None and visit.heart_rate > limits.heart_rate_above)
        or (visit.temperature_c is not None and visit.temperature_c > limits.temperature_above)
        or visit.symptoms
    ):
        emergency.append(rules.rows.emergency.citation)
    if visit.pregnant_or_lactating and visit.fpg_mmol_l >= limits.pregnancy_glucose_at_least:
        emergency.append(limits.pregnancy_cited.citation)
    on_target = visit.fpg_mmol_l < rules.fpg_below
    return _assess(visit, emergency, on_target, rules.rows, rules.target_cited.citation)


# ---------------------------------------------------------------- §4.3 severe mental disorders
@dataclass(frozen=True, kw_only=True)
class SmdVisit:
    risk_level: int
    psychotic_symptoms: str
    """none, mostly_resolved or obvious."""
    insight: str
    """recovered, mostly_recovered or absent."""
    social_function: str
    """good, fair or poor."""
    physical_disease_stable: bool
    """False: a serious physical illness."""
    serious_adverse_reaction: bool = False


@dataclass(frozen=True)
class SmdAssessment:
    category: SmdCategoryName
    refer_immediately: bool
    next_visit_within_weeks: int
    citation: str


def _check_smd(visit: SmdVisit) -> None:
    if not 0 <= visit.risk_level <= 5:
        raise ValueError(f"risk level {visit.risk_level} is not 0–5")
    for value, known in (
        (visit.psychotic_symptoms, PSYCHOTIC_SYMPTOMS),
        (visit.insight, INSIGHT),
        (visit.social_function, SOCIAL_FUNCTION),
    ):
        if value not in known:
            raise ValueError(f"{value!r} is not one of {', '.join(known)}")


def assess_smd(visit: SmdVisit, *, schedule: str = DEFAULT_SCHEDULE) -> SmdAssessment:
    """BPHS3 §4.3. With these answer scales symptoms and insight are poor only at the unstable
    level (obvious, absent), so "basically stable" comes from risk 1–2 or poor social function."""
    _check_smd(visit)
    rules = get_schedule(schedule).smd
    category: SmdCategoryName
    if (
        visit.risk_level >= rules.unstable_from_risk
        or visit.psychotic_symptoms == "obvious"
        or visit.insight == "absent"
        or visit.serious_adverse_reaction
        or not visit.physical_disease_stable
    ):
        category = "unstable"
    elif visit.risk_level >= rules.basically_stable_from_risk or visit.social_function == "poor":
        category = "basically_stable"
    else:
        category = "stable"
    row = rules.categories[category]
    return SmdAssessment(category, row.refer_immediately, row.next_visit_weeks, row.cited.citation)


# ---------------------------------------------------------------- §4.4 pulmonary TB
def tb_visit_interval(phase: str, supervisor: str, *, schedule: str = DEFAULT_SCHEDULE) -> int:
    """BPHS3 §4.4: days between visits (family: 10 intensive, 30 continuation; staff: 30)."""
    if phase not in TB_PHASES or supervisor not in TB_SUPERVISORS:
        raise ValueError(
            f"no TB visit interval for phase {phase!r}, supervisor {supervisor!r}; phases: "
            f"{', '.join(TB_PHASES)}; supervisors: {', '.join(TB_SUPERVISORS)}"
        )
    return get_schedule(schedule).tb.intervals[(supervisor, phase)].days


# ---------------------------------------------------------------- §2.1 children, §2.2 pregnancy
def _anchored(contact: Contact, base: date, discharge_date: date | None) -> Dates:
    """A contact's dates from its anchor: discharge falls back to ``base`` (birth, delivery)."""
    anchor = discharge_date if contact.anchor == "discharge" and discharge_date else base
    return contact.dates(anchor)


@dataclass(frozen=True)
class ChildContact:
    name: str
    """The contact code: newborn, m1, m3 … y6."""
    display_name: str
    age_months: int
    due_date: date
    window_start: date
    window_end: date
    citation: str


def child_visits(
    birth_date: date, discharge_date: date | None = None, *, schedule: str = DEFAULT_SCHEDULE
) -> list[ChildContact]:
    """BPHS3 §2.1: the 13 contacts from the newborn home visit to 6 years. Windows are design
    choices kept in the schedule data; the newborn visit counts from discharge (or birth)."""
    if discharge_date is not None and discharge_date < birth_date:
        raise ValueError(f"discharge {discharge_date} is before birth {birth_date}")
    contacts = []
    for contact in get_schedule(schedule).child.contacts:
        dates = _anchored(contact, birth_date, discharge_date)
        contacts.append(
            ChildContact(
                contact.code,
                contact.name,
                contact.age_months,
                dates.due_on,
                dates.window_start,
                dates.window_end,
                contact.cited.citation,
            )
        )
    return contacts


@dataclass(frozen=True)
class AntenatalWindow:
    number: int
    code: str
    name: str
    window_weeks: tuple[int, int]
    window_start: date
    window_end: date
    """The last day of the ``window_weeks[1]``-th completed week."""
    citation: str


@dataclass(frozen=True)
class PregnancyVisits:
    gestational_age: str
    """Completed weeks and days, "12w3d"."""
    gestational_days: int
    current_visit: int | None
    next_visit: int | None
    visits: tuple[AntenatalWindow, ...]


def gestational_age(lmp_date: date, as_of: date) -> str:
    weeks, days = divmod((as_of - lmp_date).days, 7)
    return f"{weeks}w{days}d"


def pregnancy_visits(
    lmp_date: date, as_of: date, *, schedule: str = DEFAULT_SCHEDULE
) -> PregnancyVisits:
    """BPHS3 §2.2: the 5 antenatal windows; the current visit's window holds ``as_of``, the
    next visit's window starts after it."""
    if as_of < lmp_date:
        raise ValueError(f"as_of {as_of} is before the last menstrual period {lmp_date}")
    visits = []
    for visit in get_schedule(schedule).maternal.antenatal:
        dates = visit.dates(lmp_date)
        visits.append(
            AntenatalWindow(
                visit.number,
                visit.code,
                visit.name,
                (visit.from_week, visit.to_week),
                dates.window_start,
                dates.window_end,
                visit.cited.citation,
            )
        )
    return PregnancyVisits(
        gestational_age(lmp_date, as_of),
        (as_of - lmp_date).days,
        next((v.number for v in visits if v.window_start <= as_of <= v.window_end), None),
        next((v.number for v in visits if v.window_start > as_of), None),
        tuple(visits),
    )


@dataclass(frozen=True)
class PostpartumVisits:
    postpartum_visit_by: date
    day42_check_on: date


def postpartum(
    delivery_date: date, discharge_date: date | None = None, *, schedule: str = DEFAULT_SCHEDULE
) -> PostpartumVisits:
    """BPHS3 §2.2: the home visit within 7 days of discharge (delivery without a discharge),
    the check 42 days after delivery."""
    if discharge_date is not None and discharge_date < delivery_date:
        raise ValueError(f"discharge {discharge_date} is before delivery {delivery_date}")
    contacts = {c.code: c for c in get_schedule(schedule).maternal.postnatal}
    return PostpartumVisits(
        _anchored(contacts["postpartum"], delivery_date, discharge_date).due_on,
        _anchored(contacts["day42"], delivery_date, discharge_date).due_on,
    )


# ---------------------------------------------------------------- §1 screening (PH-8)
def screen_blood_pressure(
    readings: Seq[tuple[date, int, int]], *, schedule: str = DEFAULT_SCHEDULE
) -> ScreeningResult:
    """BPHS3 §1: a day is high when the mean of its readings is ≥ 140 and/or ≥ 90; high on 3
    different days is suspected (provisional) HTN, to refer; fewer high days, a re-check."""
    if not readings:
        raise ValueError("no blood pressure readings")
    rules = get_schedule(schedule).screening
    by_day: dict[date, list[tuple[int, int]]] = defaultdict(list)
    for day, sbp, dbp in readings:
        by_day[day].append((sbp, dbp))
    high_days = sum(
        1
        for day_readings in by_day.values()
        if fmean(sbp for sbp, _ in day_readings) >= rules.sbp_at_least
        or fmean(dbp for _, dbp in day_readings) >= rules.dbp_at_least
    )
    if high_days >= rules.high_days_for_suspected:
        return "suspected"
    return "recheck" if high_days else "normal"


def screen_glucose(
    fpg_mmol_l: float, *, schedule: str = DEFAULT_SCHEDULE
) -> Literal["normal", "suspected"]:
    """DM20 (§4.2): FPG ≥ 7.0 mmol/L meets the diagnostic threshold, to confirm."""
    return "suspected" if fpg_mmol_l >= get_schedule(schedule).screening.fpg_at_least else "normal"


# ---------------------------------------------------------------- the scheduler
@dataclass(frozen=True)
class VisitFact:
    contact: str
    """The contact code of the visit done (``CONTACTS``)."""
    on: date
    classification: str = ""
    """HTN/DM: controlled|uncontrolled|adverse_reaction|complication; SMD:
    stable|basically_stable|unstable; else ""."""


@dataclass(frozen=True)
class EnrolmentFacts:
    programme: str
    """child, maternal, elderly, hypertension, diabetes, smd or tb."""
    enrolled_on: date
    birth_date: date
    lmp_date: date | None = None
    delivery_date: date | None = None
    discharge_date: date | None = None
    tb_phase: str = ""
    """intensive or continuation; "" counts as intensive."""
    tb_supervisor: str = ""
    """medical_staff or family_member; "" counts as family_member."""
    schedule: str = DEFAULT_SCHEDULE


@dataclass(frozen=True)
class Due:
    """``due_on`` is the age for child contacts, the first day of the window for antenatal
    visits, the anniversary for the yearly check, else the deadline (``window_end``)."""

    contact: str
    due_on: date
    window_start: date
    window_end: date
    """The last day it is on time; after it the person is overdue."""
    citation: str


def _contacts(schedule: Schedule) -> dict[str, tuple[str, ...]]:
    return {
        "child": tuple(c.code for c in schedule.child.contacts),
        "maternal": tuple(v.code for v in schedule.maternal.antenatal)
        + tuple(c.code for c in schedule.maternal.postnatal),
        "elderly": schedule.elderly.contacts,
        "hypertension": schedule.hypertension.contacts,
        "diabetes": schedule.diabetes.contacts,
        "smd": schedule.smd.contacts,
        "tb": schedule.tb.contacts,
    }


CONTACTS: dict[str, tuple[str, ...]] = _contacts(get_schedule())
"""Programme → the contact codes a visit of it may record."""


def lost_after_days(programme: str, schedule: str = DEFAULT_SCHEDULE) -> int:
    """Days after a ``Due.window_end`` from which the person counts as lost to follow-up (design)."""
    return get_schedule(schedule).lost_after_days(programme)


def _due(code: str, dates: Dates, citation: str) -> Due:
    return Due(code, dates.due_on, dates.window_start, dates.window_end, citation)


Step = tuple[str, Dates, str]
"""A contact of a sequence: code, dates, citation."""


def _next_step(steps: Seq[Step], visits: Seq[VisitFact], reference: date) -> Due | None:
    """The first contact after the last one done; a missed one is skipped once the next one's
    window has started on ``reference``. The last contact is never skipped."""
    done = {visit.contact for visit in visits}
    position = max((i for i, (code, _, _) in enumerate(steps) if code in done), default=-1)
    for index in range(position + 1, len(steps)):
        if index + 1 < len(steps) and steps[index + 1][1].window_start <= reference:
            continue
        return _due(*steps[index])
    return None


def _child(
    schedule: Schedule, facts: EnrolmentFacts, visits: Seq[VisitFact], on: date
) -> Due | None:
    rules = schedule.child
    if on >= add_months(facts.birth_date, rules.ends_at_age_months):
        return None
    steps = [
        (c.code, _anchored(c, facts.birth_date, facts.discharge_date), c.cited.citation)
        for c in rules.contacts
    ]
    return _next_step(steps, visits, on)


def _maternal(
    schedule: Schedule, facts: EnrolmentFacts, visits: Seq[VisitFact], on: date
) -> Due | None:
    rules = schedule.maternal
    steps: list[Step]
    if facts.delivery_date is not None:
        delivery = facts.delivery_date
        steps = [
            (c.code, _anchored(c, delivery, facts.discharge_date), c.cited.citation)
            for c in rules.postnatal
        ]
    elif facts.lmp_date is not None:
        lmp = facts.lmp_date
        steps = [(v.code, v.dates(lmp), v.cited.citation) for v in rules.antenatal]
    else:
        raise ValueError("a maternal enrolment needs lmp_date or delivery_date")
    return _next_step(steps, visits, on)


def _follow_up(schedule: Schedule, facts: EnrolmentFacts, visits: Seq[VisitFact], on: date) -> Due:
    rules: FollowUpSchedule = getattr(schedule, facts.programme)
    counted = [visit for visit in visits if visit.contact in rules.followup_contacts]
    if not counted:
        return _due(
            "followup", rules.first.window.after(facts.enrolled_on), rules.first.cited.citation
        )
    classified = [visit.classification for visit in counted if visit.classification]
    classification = classified[-1] if classified else rules.routine
    if classification not in rules.after:
        raise ValueError(f"unknown classification {classification!r}")
    interval = rules.after[classification]
    return _due("followup", interval.window.after(counted[-1].on), interval.cited.citation)


def _elderly(schedule: Schedule, facts: EnrolmentFacts, visits: Seq[VisitFact], on: date) -> Due:
    rules = schedule.elderly
    if not visits:
        return _due(
            "annual_check", rules.first.window.after(facts.enrolled_on), rules.first.cited.citation
        )
    due_on = add_months(visits[-1].on, rules.yearly_months)
    return _due("annual_check", rules.yearly.window.around(due_on), rules.yearly.cited.citation)


def _tb(schedule: Schedule, facts: EnrolmentFacts, visits: Seq[VisitFact], on: date) -> Due:
    rules = schedule.tb
    if not visits:
        return _due(
            "first_home",
            rules.first_home.window.after(facts.enrolled_on),
            rules.first_home.cited.citation,
        )
    phase = facts.tb_phase or "intensive"
    supervisor = facts.tb_supervisor or "family_member"
    days = tb_visit_interval(phase, supervisor, schedule=facts.schedule)
    citation = rules.intervals[(supervisor, phase)].cited.citation
    return _due("tb_visit", Window(1, days).after(visits[-1].on), citation)


Planner = Callable[[Schedule, EnrolmentFacts, Seq[VisitFact], date], Due | None]
"""Schedule, facts, the programme's visits since enrolment in date order, "now" (see next_due)."""

_PLANNERS: dict[str, Planner] = {
    "child": _child,
    "maternal": _maternal,
    "elderly": _elderly,
    "hypertension": _follow_up,
    "diabetes": _follow_up,
    "smd": _follow_up,
    "tb": _tb,
}


def next_due(
    facts: EnrolmentFacts, visits: Seq[VisitFact], *, as_of: date | None = None
) -> Due | None:
    """The next contact still owed (PH-2), or None when the programme has nothing more to offer.

    ``visits`` may come in any order; visits before enrolment and codes the programme does not
    use are ignored. Children and pregnancies follow their sequence (``_next_step``): "now" is the
    latest of the enrolment, the last visit and ``as_of`` (optional: without it the answer does
    not depend on the day asked). HTN, T2DM and SMD: the first follow-up within 14 days of
    enrolment, then by the latest classification (``routine`` while none); elderly: yearly; TB:
    the first home visit within 3 days (72 h), then every ``tb_visit_interval`` days.
    """
    if facts.programme not in PROGRAMMES:
        raise ValueError(f"unknown programme {facts.programme!r}")
    schedule = get_schedule(facts.schedule)
    codes = _contacts(schedule)[facts.programme]
    relevant = sorted(
        (v for v in visits if v.on >= facts.enrolled_on and v.contact in codes),
        key=lambda visit: visit.on,
    )
    on = max(
        facts.enrolled_on,
        relevant[-1].on if relevant else facts.enrolled_on,
        as_of or facts.enrolled_on,
    )
    return _PLANNERS[facts.programme](schedule, facts, relevant, on)
