"""Key-population programmes of the demo county (PH-2, PH-3, PH-6, PH-8): family doctor teams,
diagnoses on the record, every programme's enrolments with several years of visits, the chronic
disease path and health education.

Drawn from streams of their own (``seeded(seed, "programmes", …)``), so the people, their IDs and
vaccinations are the same as without this step; the same seed and day give the same rows.

Speed: a county has about 1.4 million visits. Residents are read once, ordered by id; rows are
tuples written with ``executemany``, never model instances. Each visit's "next visit by" date
follows the versioned schedule data the rules read (``programmes.schedules``: intervals by
classification, child and pregnancy windows cached per birth or LMP date); each enrolment's next
contact is materialised with ``programmes.rules.next_due`` itself, the function
``programmes.services`` uses, while its visits are still in memory.
"""

import random
import sys
from bisect import bisect_right
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from itertools import pairwise
from operator import itemgetter
from typing import Any

from django.db import connection, transaction
from django.db.models import JSONField
from tqdm import tqdm

from contracting.models import Team
from divisions.models import Division
from institutions.models import Institution
from jiceng.dates import age_on, years_before
from jiceng.generator.randomness import seeded
from jiceng.generator.source import short_name
from jiceng.generator.storage import (
    Row,
    ServedDivision,
    TeamMembers,
    TeamVillages,
    indexes_deferred,
    insert_rows,
    reset_sequences,
)
from programmes.models import DEFAULT_SCHEDULE, EducationActivity, Enrolment, PathEvent, Visit
from programmes.rules import (
    DiabetesVisit,
    EnrolmentFacts,
    HypertensionVisit,
    SmdVisit,
    VisitAssessment,
    VisitFact,
    assess_diabetes,
    assess_hypertension,
    assess_smd,
    child_visits,
    next_due,
    tb_visit_interval,
)
from programmes.schedules import Window, add_months, get_schedule
from residents.models import HistoryItem, RecordStatus, Resident
from workforce.models import Staff

Status = Enrolment.Status
Reason = Enrolment.Reason
Exit = Enrolment.ExitReason
Type = Institution.Type
Profession = Staff.Profession

HISTORY_YEARS = 3
"""Visits are generated from max(enrolment, as_of − 3 years) to as_of …"""
CHRONIC_HISTORY_YEARS = 2
"""… except hypertension and T2DM, 6–7 visits a patient-year and two thirds of all visits at
three years: two years keep a county near 1.4 million visits and its generation within the
time budget of bench/README.md."""
LATE_CHANCE = 0.10
ROUTINE_LATE_CHANCE = 0.05
REVISIT_LATE_CHANCE = (0.15, 0.45)
"""HTN and T2DM: routine visits are mostly on time; a two-week re-visit is skipped for the next
routine one by 15 % of well controlled and 45 % of poorly controlled patients."""
POORLY_CONTROLLED_HTN = 0.35
POORLY_CONTROLLED_DM = 0.40
CHRONIC_LOST_CHANCE = 0.03
"""Chronic patients whose visits stopped 4–18 months ago (overdue or lost to follow-up)."""
CHILD_MISSED_CHANCE = 0.05
_FLUSH = 50_000
_MALE = Resident.Sex.MALE.value
_FEMALE = Resident.Sex.FEMALE.value
_HEAD = Resident.Relation.HEAD.value
_SPOUSE = Resident.Relation.SPOUSE.value
_CHILD = Resident.Relation.CHILD.value
_CLINICIANS = (
    Profession.DOCTOR,
    Profession.ASSISTANT_DOCTOR,
    Profession.RURAL_GP_ASSISTANT,
    Profession.VILLAGE_DOCTOR,
)
_GENERAL_PRACTICE = "全科医疗科"
_DAY = timedelta(days=1)

# Diagnosed prevalence by age band (from age, share); T2DM about a third of hypertension.
HYPERTENSION_PREVALENCE = ((35, 0.10), (45, 0.20), (55, 0.30), (65, 0.40))
DIABETES_SHARE_OF_HYPERTENSION = 1 / 3
SMD_PREVALENCE = 0.005
"""Adults 18 and over."""
TB_YEARLY_RATE = ((15, 0.00020), (35, 0.00025), (65, 0.00040))
"""Notified pulmonary TB a year by age band, aged 15 and over."""
_SMD_DIAGNOSES = (
    ("F20", "精神分裂症", 60),
    ("F31", "双相情感障碍", 12),
    ("F25", "分裂情感性障碍", 6),
    ("F22", "偏执性精神病", 6),
    ("F06", "癫痫所致精神障碍", 6),
    ("F70", "精神发育迟滞伴发精神障碍", 5),
    ("F71", "精神发育迟滞伴发精神障碍", 5),
)
_TB_DIAGNOSES = (("A15", "肺结核（病原学阳性）", 70), ("A16", "肺结核（病原学阴性）", 30))
_HYPERTENSION = ("I10", "高血压")
_DIABETES = ("E11", "2型糖尿病")

# WHO child growth medians (boys; girls a little lighter and shorter): month, kg, cm.
_GROWTH = (
    (0, 3.3, 49.9), (1, 4.5, 54.7), (3, 6.4, 61.4), (6, 7.9, 67.6), (8, 8.6, 70.6),
    (12, 9.6, 75.7), (18, 10.9, 82.3), (24, 12.2, 87.8), (36, 14.3, 96.1), (48, 16.3, 103.3),
    (60, 18.3, 110.0), (72, 20.5, 116.0), (84, 22.9, 121.7),
)  # fmt: skip

_ENROLMENT_FIELDS = (
    "id", "resident", "programme", "status", "proposed_on", "reason", "reason_detail",
    "enrolled_on", "exited_on", "exit_reason", "exit_note", "institution", "team", "doctor",
    "schedule", "diagnosis_icd10", "diagnosed_on", "lmp_date", "delivery_date", "discharge_date",
    "high_risk", "tb_phase", "tb_supervisor", "tb_doses_planned", "tb_doses_taken",
    "next_contact", "next_due_on", "window_start", "window_end", "last_visit_on",
    "last_classification", "created_at", "updated_at",
)  # fmt: skip
_VISIT_FIELDS = (
    "id", "enrolment", "resident", "programme", "contact", "date", "way", "performed_by",
    "institution", "sbp", "dbp", "heart_rate", "weight_kg", "height_cm", "fpg_mmol_l",
    "risk_level", "classification", "referral", "urgent_referral", "doses_missed", "next_due_on",
    "data", "created_at",
)  # fmt: skip
_HISTORY_FIELDS = ("id", "resident", "kind", "icd10", "name", "date")
_PATH_FIELDS = (
    "id", "resident", "condition", "stage", "date", "institution", "staff", "sbp", "dbp",
    "fpg_mmol_l", "note", "created_at",
)  # fmt: skip
_EDUCATION_FIELDS = (
    "id", "institution", "kind", "topic", "audience", "place", "date", "attendance", "materials",
    "materials_count", "held_by", "notes", "created_at",
)  # fmt: skip


@dataclass(frozen=True)
class ProgrammeSummary:
    """What the programme step wrote."""

    teams: int
    diagnoses: dict[str, int]
    enrolments: dict[str, dict[str, int]]
    """Programme → status → count."""
    visits: dict[str, int]
    """Programme → count."""
    path_events: int
    education_activities: int

    @property
    def visit_total(self) -> int:
        return sum(self.visits.values())


# ---------------------------------------------------------------- the county's structure


@dataclass(frozen=True)
class _Care:
    """Who looks after the people of one village."""

    institution: int | None
    """The THC or CHSC managing the village (the county hospital where a street has none)."""
    team: int | None
    clinicians: tuple[int, ...]
    """The team's village doctors, or its leader; a centre doctor where there is no team."""
    leader: int | None
    clinic: int | None
    """The clinic or station serving the village, else ``institution``: where screening is."""


@dataclass
class _Structure:
    types: dict[int, str] = field(default_factory=dict)
    parents: dict[int, int | None] = field(default_factory=dict)
    seats: dict[int, int] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)
    served: dict[int, list[int]] = field(default_factory=dict)
    staff: dict[int, list[tuple[int, str, str]]] = field(default_factory=dict)
    """Institution → (id, profession, department), by id."""
    works_at: dict[int, int] = field(default_factory=dict)
    villages: dict[int, tuple[str, int, str]] = field(default_factory=dict)
    """Village or community → (kind, township id, name)."""
    cares: dict[int, _Care] = field(default_factory=dict)

    def of_type(self, *types: str) -> list[int]:
        return sorted(i for i, kind in self.types.items() if kind in types)

    def doctors(self, institution: int) -> list[int]:
        """Clinicians of ``institution``, general practice first; anyone if it has none."""
        staff = self.staff.get(institution, [])
        clinical = sorted(
            (s for s in staff if s[1] in _CLINICIANS),
            key=lambda s: (s[2] != _GENERAL_PRACTICE, s[1] != Profession.DOCTOR, s[0]),
        )
        return [s[0] for s in clinical] or [s[0] for s in staff]

    def public_health(self, institution: int) -> list[int]:
        staff = self.staff.get(institution, [])
        first = [s[0] for s in staff if s[1] == Profession.PUBLIC_HEALTH]
        return first + [s[0] for s in staff if s[1] != Profession.PUBLIC_HEALTH]


def _load_structure() -> _Structure:
    structure = _Structure()
    for pk, kind, parent, seat, name in Institution.objects.order_by("id").values_list(
        "id", "type", "parent_id", "division_id", "name"
    ):
        structure.types[pk] = kind
        structure.parents[pk] = parent
        structure.seats[pk] = seat
        structure.names[pk] = name
    for institution, division in ServedDivision.objects.order_by("id").values_list(
        "institution_id", "division_id"
    ):
        structure.served.setdefault(institution, []).append(division)
    for pk, institution, profession, department in Staff.objects.order_by("id").values_list(
        "id", "institution_id", "profession", "department"
    ):
        structure.staff.setdefault(institution, []).append((pk, profession, department))
        structure.works_at[pk] = institution
    for pk, kind, parent, name in (
        Division.objects.filter(level=Division.Level.VILLAGE)
        .order_by("id")
        .values_list("id", "kind", "parent_id", "name")
    ):
        structure.villages[pk] = (kind, parent, name)
    return structure


@dataclass
class _TeamDraft:
    name: str
    institution: int
    leader: int | None
    members: list[int]
    villages: list[int]


def _team_name(name: str) -> str:
    for suffix in ("卫生室", "社区卫生服务站", "社区卫生服务中心", "卫生院"):
        if name.endswith(suffix):
            return name.removesuffix(suffix) + "家庭医生团队"
    return name + "家庭医生团队"


def _plan_teams(structure: _Structure) -> list[_TeamDraft]:
    """One team per village clinic (its staff, led by a doctor of the centre that manages it,
    serving the villages the clinic serves), one per community health service station, and one
    per THC or CHSC for the communities and seat village no clinic or station serves."""
    teams: list[_TeamDraft] = []
    led: Counter[int] = Counter()
    covered: set[int] = set()
    for clinic in structure.of_type(Type.VILLAGE_CLINIC, Type.CHSS):
        parent = structure.parents[clinic]
        own = structure.doctors(clinic)
        if structure.types[clinic] == Type.CHSS or parent is None:
            leader = own[0] if own else None
        else:
            doctors = structure.doctors(parent)
            leader = doctors[led[parent] % len(doctors)] if doctors else None
            led[parent] += 1
        villages = [v for v in structure.served.get(clinic, []) if v in structure.villages]
        covered.update(villages)
        teams.append(
            _TeamDraft(
                _team_name(structure.names[clinic]),
                parent if structure.types[clinic] == Type.VILLAGE_CLINIC and parent else clinic,
                leader,
                [s[0] for s in structure.staff.get(clinic, [])],
                villages,
            )
        )
    for centre in structure.of_type(Type.THC, Type.CHSC):
        townships = set(structure.served.get(centre, []))
        villages = [
            village
            for village, (kind, township, _) in structure.villages.items()
            if township in townships
            and village not in covered
            and (kind == Division.Kind.COMMUNITY or village == structure.seats[centre])
        ]
        doctors = structure.doctors(centre)
        if not villages or not doctors:
            continue
        nurses = [s[0] for s in structure.staff[centre] if s[1] == Profession.NURSE][:1]
        public = [s[0] for s in structure.staff[centre] if s[1] == Profession.PUBLIC_HEALTH][:1]
        teams.append(
            _TeamDraft(
                _team_name(structure.names[centre]),
                centre,
                doctors[0],
                doctors[1:3] + nurses + public,
                sorted(villages),
            )
        )
    return teams


def _write_teams(structure: _Structure) -> int:
    """Write the teams and file every village's care in ``structure.cares``."""
    drafts = _plan_teams(structure)
    Team.objects.bulk_create(
        [
            Team(id=pk, name=d.name, institution_id=d.institution, leader_id=d.leader)
            for pk, d in enumerate(drafts, start=1)
        ]
    )
    members = [(pk, staff) for pk, d in enumerate(drafts, start=1) for staff in d.members]
    TeamMembers.objects.bulk_create(
        [
            TeamMembers(id=index, team_id=team, staff_id=staff)
            for index, (team, staff) in enumerate(members, start=1)
        ]
    )
    villages = [(pk, village) for pk, d in enumerate(drafts, start=1) for village in d.villages]
    TeamVillages.objects.bulk_create(
        [
            TeamVillages(id=index, team_id=team, division_id=village)
            for index, (team, village) in enumerate(villages, start=1)
        ]
    )

    team_of: dict[int, tuple[int, _TeamDraft]] = {}
    for pk, planned in enumerate(drafts, start=1):
        for village in planned.villages:
            team_of.setdefault(village, (pk, planned))
    centre_of: dict[int, int] = {}
    for centre in structure.of_type(Type.THC, Type.CHSC):
        for township in structure.served.get(centre, []):
            centre_of.setdefault(township, centre)
    station_of: dict[int, int] = {}
    for clinic in structure.of_type(Type.VILLAGE_CLINIC, Type.CHSS):
        for village in structure.served.get(clinic, []):
            station_of.setdefault(village, clinic)
    hospitals = structure.of_type(Type.COUNTY_HOSPITAL)
    hospital = hospitals[0] if hospitals else None
    clinician_professions = set(_CLINICIANS)
    professions = {s[0]: s[1] for staff in structure.staff.values() for s in staff}
    for village, (_, township, _) in structure.villages.items():
        station = station_of.get(village)
        institution = centre_of.get(township)
        if institution is None:
            # A street without a CHSC: the hospital managing its clinics.
            institution = structure.parents.get(station) if station else hospital
        team: int | None = None
        draft: _TeamDraft | None = None
        if village in team_of:
            team, draft = team_of[village]
        leader = draft.leader if draft else None
        if draft is not None:
            clinicians = tuple(
                s for s in draft.members if professions.get(s) in clinician_professions
            ) or ((leader,) if leader else ())
        else:
            doctors = structure.doctors(institution) if institution else []
            clinicians = tuple(doctors[:1])
            leader = doctors[0] if doctors else None
        structure.cares[village] = _Care(
            institution, team, clinicians, leader, station or institution
        )
    return len(drafts)


# ---------------------------------------------------------------- people and diagnoses

Done = tuple[str, date, str]
"""A visit as the schedule sees it: contact, day, classification."""
Person = tuple[int, str, date, int, str, int]
"""(id, sex, birth date, household, relation to head, village)."""


def _load_people() -> list[Person]:
    quote = connection.ops.quote_name
    columns = ", ".join(
        quote(name)
        for name in ("id", "sex", "birth_date", "household_id", "relation_to_head", "village_id")
    )
    sql = (
        f"SELECT {columns} FROM {quote(Resident._meta.db_table)} "  # noqa: S608 — metadata
        f"WHERE {quote('merged_into_id')} IS NULL AND {quote('record_status')} = %s "
        f"ORDER BY {quote('id')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [RecordStatus.ACTIVE.value])
        rows = cursor.fetchall()
    if rows and isinstance(rows[0][2], str):
        parse = date.fromisoformat
        return [(r[0], r[1], parse(r[2]), r[3], r[4], r[5]) for r in rows]
    return [(r[0], r[1], r[2], r[3], r[4], r[5]) for r in rows]


@dataclass(frozen=True)
class _Diagnosis:
    icd10: str
    name: str
    on: date


def _birthday(birth: date, years: int) -> date:
    return years_before(birth, -years)


def _days(rng: random.Random, start: date, end: date) -> date:
    """A day in [start, end] (``start`` when the range is empty)."""
    span = (end - start).days
    return start + timedelta(days=rng.randint(0, span)) if span > 0 else start


def _band(bands: Sequence[tuple[int, float]], age: int) -> float:
    share = 0.0
    for first, value in bands:
        if age >= first:
            share = value
    return share


def _weighted(rng: random.Random, table: Sequence[tuple[str, str, int]]) -> tuple[str, str]:
    icd10, name, _ = rng.choices(table, weights=[row[2] for row in table])[0]
    return icd10, name


@dataclass
class _Diagnoses:
    hypertension: dict[int, _Diagnosis] = field(default_factory=dict)
    diabetes: dict[int, _Diagnosis] = field(default_factory=dict)
    smd: dict[int, _Diagnosis] = field(default_factory=dict)
    tb: dict[int, _Diagnosis] = field(default_factory=dict)
    recent: set[tuple[str, int]] = field(default_factory=set)
    """(programme, resident) diagnosed in the last two months: proposed, not yet confirmed."""

    def counts(self) -> dict[str, int]:
        return {
            "hypertension": len(self.hypertension),
            "diabetes": len(self.diabetes),
            "smd": len(self.smd),
            "tb": len(self.tb),
        }


def _diagnose(seed: int, as_of: date, people: list[Person]) -> _Diagnoses:
    """Diseases on the record of adults, more often with age; about 5 % of the chronic ones were
    diagnosed in the last two months (and are only proposed for management)."""
    rng = seeded(seed, "programmes", "diagnoses")
    found = _Diagnoses()
    earliest = years_before(as_of, 20)
    settled = as_of - timedelta(days=61)
    tb_start = years_before(as_of, HISTORY_YEARS)
    for resident, _, birth, _, _, _ in people:
        age = age_on(birth, as_of)
        if age < 15:
            continue
        if age >= 35:
            share = _band(HYPERTENSION_PREVALENCE, age)
            at_35 = _birthday(birth, 35)
            for programme, chance, (icd10, name), store in (
                ("hypertension", share, _HYPERTENSION, found.hypertension),
                ("diabetes", share * DIABETES_SHARE_OF_HYPERTENSION, _DIABETES, found.diabetes),
            ):
                if rng.random() >= chance:
                    continue
                if rng.random() < 0.05 or at_35 > settled:
                    on = _days(rng, max(at_35, as_of - timedelta(days=60)), as_of)
                    found.recent.add((programme, resident))
                else:
                    on = _days(rng, max(at_35, earliest), settled)
                store[resident] = _Diagnosis(icd10, name, on)
        if age >= 18 and rng.random() < SMD_PREVALENCE:
            icd10, name = _weighted(rng, _SMD_DIAGNOSES)
            at_18 = _birthday(birth, 18)
            if rng.random() < 0.05:
                on = _days(rng, max(at_18, as_of - timedelta(days=60)), as_of)
                found.recent.add(("smd", resident))
            else:
                on = _days(rng, max(at_18, earliest), max(at_18, settled))
            found.smd[resident] = _Diagnosis(icd10, name, on)
        if rng.random() < _band(TB_YEARLY_RATE, age) * HISTORY_YEARS:
            icd10, name = _weighted(rng, _TB_DIAGNOSES)
            on = _days(rng, max(tb_start, _birthday(birth, 15)), as_of - timedelta(days=3))
            found.tb[resident] = _Diagnosis(icd10, name, on)
    return found


def _write_diagnoses(found: _Diagnoses) -> None:
    adapt = connection.ops.adapt_datefield_value
    rows: list[Row] = []
    everything = [
        (resident, diagnosis)
        for store in (found.hypertension, found.diabetes, found.smd, found.tb)
        for resident, diagnosis in store.items()
    ]
    for resident, diagnosis in sorted(everything, key=lambda item: (item[0], item[1].icd10)):
        rows.append(
            (
                len(rows) + 1,
                resident,
                HistoryItem.Kind.DISEASE.value,
                diagnosis.icd10,
                diagnosis.name,
                adapt(diagnosis.on),
            )
        )
    insert_rows(HistoryItem, _HISTORY_FIELDS, rows)


# ---------------------------------------------------------------- enrolments and visits


@dataclass(slots=True)
class _Enrolment:
    resident: int
    programme: str
    status: str
    proposed_on: date
    reason: str
    birth_date: date
    enrolled_on: date | None = None
    reason_detail: str = ""
    exited_on: date | None = None
    exit_reason: str = ""
    exit_note: str = ""
    institution: int | None = None
    team: int | None = None
    doctor: int | None = None
    diagnosis_icd10: str = ""
    diagnosed_on: date | None = None
    lmp_date: date | None = None
    delivery_date: date | None = None
    discharge_date: date | None = None
    high_risk: bool = False
    tb_phase: str = ""
    tb_supervisor: str = ""
    tb_doses_planned: int | None = None
    tb_doses_taken: int | None = None

    def facts(self) -> EnrolmentFacts:
        """As ``programmes.services.facts_of`` builds them."""
        return EnrolmentFacts(
            programme=self.programme,
            enrolled_on=self.enrolled_on or self.proposed_on,
            birth_date=self.birth_date,
            lmp_date=self.lmp_date,
            delivery_date=self.delivery_date,
            discharge_date=self.discharge_date,
            tb_phase=self.tb_phase,
            tb_supervisor=self.tb_supervisor,
            schedule=DEFAULT_SCHEDULE,
        )


class _Writer:
    """Enrolment and visit rows with consecutive ids, flushed in batches."""

    def __init__(self, as_of: date, bar: "tqdm[Any]") -> None:
        self.bar = bar
        self.adapt_date = connection.ops.adapt_datefield_value
        self.stamp = connection.ops.adapt_datetimefield_value(
            datetime.combine(as_of, time(), tzinfo=UTC)
        )
        data = Visit._meta.get_field("data")
        assert isinstance(data, JSONField)
        self.json_field: JSONField[Any] = data
        self.json_values: dict[tuple[Any, ...], object] = {}
        self.day_values: dict[date, object] = {}
        self.enrolments: list[Row] = []
        self.visits: list[Row] = []
        self.enrolment_id = 0
        self.visit_id = 0
        self.statuses: Counter[tuple[str, str]] = Counter()
        self.visit_counts: Counter[str] = Counter()
        self.empty = self.json((), {})

    def json(self, key: tuple[Any, ...], value: dict[str, Any]) -> object:
        """``value`` adapted for the database, once per ``key``."""
        adapted = self.json_values.get(key)
        if adapted is None:
            adapted = self.json_values[key] = self.json_field.get_db_prep_value(value, connection)
        return adapted

    def day(self, value: date | None) -> object:
        """``value`` adapted for the database (dates repeat: each is adapted once)."""
        if value is None:
            return None
        adapted = self.day_values.get(value)
        if adapted is None:
            adapted = self.day_values[value] = self.adapt_date(value)
        return adapted

    def open(self) -> int:
        self.enrolment_id += 1
        return self.enrolment_id

    def visit(
        self,
        enrolment: int,
        resident: int,
        programme: str,
        contact: str,
        on: date,
        way: str,
        doctor: int | None,
        institution: int | None,
        measured: tuple[Any, ...],
        assessed: tuple[str, bool, bool],
        doses_missed: int | None,
        next_due_on: date | None,
        data: object,
    ) -> None:
        """``measured``: sbp, dbp, heart rate, weight, height, FPG, risk level; ``assessed``:
        classification, referral, urgent referral."""
        self.visit_id += 1
        day = self.day
        self.visits.append(
            (
                self.visit_id,
                enrolment,
                resident,
                programme,
                contact,
                day(on),
                way,
                doctor,
                institution,
                *measured,
                *assessed,
                doses_missed,
                day(next_due_on),
                data,
                self.stamp,
            )
        )

    def close(self, pk: int, enrolment: _Enrolment, visits: Sequence[Done]) -> None:
        """Materialise the next contact as ``programmes.services.apply_schedule`` does, and
        queue the row."""
        due = None
        if enrolment.status == Status.ACTIVE:
            due = next_due(enrolment.facts(), [VisitFact(*visit) for visit in visits])
        last = max(visits, key=itemgetter(1), default=None)
        day = self.day
        e = enrolment
        self.enrolments.append(
            (
                pk, e.resident, e.programme, e.status, day(e.proposed_on), e.reason,
                e.reason_detail, day(e.enrolled_on), day(e.exited_on), e.exit_reason,
                e.exit_note, e.institution, e.team, e.doctor, DEFAULT_SCHEDULE,
                e.diagnosis_icd10, day(e.diagnosed_on), day(e.lmp_date), day(e.delivery_date),
                day(e.discharge_date), e.high_risk, e.tb_phase, e.tb_supervisor,
                e.tb_doses_planned, e.tb_doses_taken,
                due.contact if due else "",
                day(due.due_on) if due else None,
                day(due.window_start) if due else None,
                day(due.window_end) if due else None,
                day(last[1]) if last else None,
                last[2] if last else "",
                self.stamp, self.stamp,
            )
        )  # fmt: skip
        self.statuses[(e.programme, e.status)] += 1
        self.visit_counts[e.programme] += len(visits)
        self.bar.update(1)
        if len(self.visits) >= _FLUSH or len(self.enrolments) >= _FLUSH:
            self.flush()

    def flush(self) -> None:
        if self.enrolments:
            insert_rows(Enrolment, _ENROLMENT_FIELDS, self.enrolments)
        if self.visits:
            insert_rows(Visit, _VISIT_FIELDS, self.visits)
        self.enrolments = []
        self.visits = []


@dataclass(slots=True)
class _Body:
    """One adult's usual measurements, shared by the programmes they are in."""

    height: float
    weight: float
    sbp: float
    dbp: float
    fpg: float
    data: tuple[tuple[str, Any], ...]
    """Lifestyle answers of the HTN and T2DM forms."""
    poorly_controlled: bool
    """HTN or T2DM mostly off target despite treatment; such patients also skip more two-week
    re-visits (they come back at the next routine visit)."""


_NO_MEASURES: tuple[None, ...] = (None,) * 7
_NOT_ASSESSED = ("", False, False)
CLINIC = Visit.Way.CLINIC.value
HOME = Visit.Way.HOME.value
PHONE = Visit.Way.PHONE.value


def _answer(assessment: VisitAssessment) -> tuple[str, bool, bool]:
    return assessment.classification, assessment.referral, assessment.urgent_referral


def _clip(value: float, low: float, high: float) -> float:
    return low if value < low else high if value > high else value


def _growth(months: float) -> tuple[float, float]:
    """Median weight (kg) and length (cm) of a boy ``months`` old."""
    for (m0, w0, l0), (m1, w1, l1) in pairwise(_GROWTH):
        if months <= m1:
            share = max(months - m0, 0) / (m1 - m0)
            return w0 + (w1 - w0) * share, l0 + (l1 - l0) * share
    return _GROWTH[-1][1], _GROWTH[-1][2]


@dataclass(frozen=True)
class _Step:
    code: str
    due_on: date
    window_start: date
    window_end: date


def _next_step(steps: Sequence[_Step], position: int, reference: date) -> _Step | None:
    """``programmes.rules._next_step`` on a cached sequence: the first contact after
    ``position``, a missed one skipped once the next one's window has started."""
    for index in range(position + 1, len(steps)):
        if index + 1 < len(steps) and steps[index + 1].window_start <= reference:
            continue
        return steps[index]
    return None


@cache
def _child_steps(birth: date) -> tuple[_Step, ...]:
    """The 13 child contacts of a child born that day, discharged 3 days later."""
    return tuple(
        _Step(c.name, c.due_date, c.window_start, c.window_end)
        for c in child_visits(birth, birth + timedelta(days=3))
    )


def _antenatal_steps(lmp: date) -> tuple[_Step, ...]:
    steps = []
    for visit in get_schedule().maternal.antenatal:
        dates = visit.dates(lmp)
        steps.append(_Step(visit.code, dates.due_on, dates.window_start, dates.window_end))
    return tuple(steps)


def _postnatal_steps(delivery: date, discharge: date) -> tuple[_Step, ...]:
    steps = []
    for contact in get_schedule().maternal.postnatal:
        dates = contact.dates(discharge if contact.anchor == "discharge" else delivery)
        steps.append(_Step(contact.code, dates.due_on, dates.window_start, dates.window_end))
    return tuple(steps)


class _Histories:
    """Every programme's enrolments and visits."""

    def __init__(
        self,
        seed: int,
        as_of: date,
        people: list[Person],
        diagnoses: _Diagnoses,
        structure: _Structure,
        writer: _Writer,
    ) -> None:
        self.seed = seed
        self.as_of = as_of
        self.start = years_before(as_of, HISTORY_YEARS)
        self.people = people
        self.diagnoses = diagnoses
        self.structure = structure
        self.writer = writer
        self.schedule = get_schedule()
        # Visit days as ordinals: each one's date and database value, looked up by index.
        self.base = years_before(self.start, 1).toordinal()
        self.dates = [
            date.fromordinal(day) for day in range(self.base, (as_of + timedelta(800)).toordinal())
        ]
        self.days = [writer.adapt_date(day) for day in self.dates]
        self.bodies: dict[int, _Body] = {}
        self.assessed: dict[tuple[Any, ...], tuple[str, bool, bool]] = {}
        self.births_last_year = 0

    def rng(self, *parts: object) -> random.Random:
        return seeded(self.seed, "programmes", *parts)

    def care(self, village: int) -> _Care:
        return self.structure.cares.get(village) or _Care(None, None, (), None, None)

    def place(self, rng: random.Random, start: date, end: date, late: int = 30) -> date:
        """A visit day in the window, or up to ``late`` days after it (``LATE_CHANCE``)."""
        if rng.random() < LATE_CHANCE:
            return end + timedelta(days=rng.randint(1, late))
        return _days(rng, start, end)

    def staff_at(self, doctor: int | None) -> int | None:
        return self.structure.works_at.get(doctor) if doctor is not None else None

    # ------------------------------------------------------------ bodies
    def draw_bodies(self) -> None:
        """Usual height, weight, BP and FPG of every adult in an adult programme, in id order."""
        rng = self.rng("bodies")
        d = self.diagnoses
        elderly_born = years_before(self.as_of, 65)
        for resident, sex, birth, _, _, _ in self.people:
            hypertensive = resident in d.hypertension
            diabetic = resident in d.diabetes
            if not (hypertensive or diabetic or resident in d.smd or resident in d.tb) and (
                birth > elderly_born
            ):
                continue
            male = sex == _MALE
            height = rng.gauss(168 if male else 157, 6)
            bmi = rng.gauss(24.5 if hypertensive or diabetic else 23, 3)
            poorly = rng.random() < (
                POORLY_CONTROLLED_HTN if hypertensive else POORLY_CONTROLLED_DM
            )
            if hypertensive:
                sbp = rng.gauss(146, 8) if poorly else rng.gauss(124, 6)
                dbp = (88 if poorly else 78) + rng.gauss(0, 4)
            else:
                sbp = rng.gauss(126, 12)
                dbp = 76 + (sbp - 126) * 0.35 + rng.gauss(0, 5)
            if diabetic:
                fpg = rng.gauss(7.9, 0.9) if poorly else rng.gauss(5.8, 0.5)
            else:
                fpg = rng.gauss(5.2, 0.5)
            smoking = (
                rng.choice((5, 10, 10, 20, 20, 30))
                if rng.random() < (0.45 if male else 0.03)
                else 0
            )
            drinking = (
                rng.choice((0.5, 1, 1, 2, 3)) if rng.random() < (0.3 if male else 0.03) else 0
            )
            adherence = rng.choices(
                ("regular", "intermittent", "none"), weights=(50, 38, 12) if poorly else (88, 10, 2)
            )[0]
            data: tuple[tuple[str, Any], ...] = (
                ("smoking_per_day", smoking),
                ("drinking_liang_per_day", drinking),
                ("adherence", adherence),
            )
            if hypertensive:
                salt = rng.choices(("light", "moderate", "heavy"), weights=(30, 50, 20))[0]
                data += (("salt", salt),)
            if diabetic:
                data += (("staple_food_g", rng.choice((200, 250, 300, 350, 400))),)
            self.bodies[resident] = _Body(
                round(height, 1),
                round(bmi * (height / 100) ** 2, 1),
                _clip(sbp, 105, 175),
                _clip(dbp, 62, 108),
                _clip(fpg, 4.0, 11.0),
                data,
                poorly and (hypertensive or diabetic),
            )

    # ------------------------------------------------------------ shared pieces
    def _status(self, rng: random.Random, recent: bool, *, declined: float, exited: float) -> str:
        if recent:
            return Status.PROPOSED
        draw = rng.random()
        if draw < declined:
            return Status.DECLINED
        if draw < declined + exited:
            return Status.EXITED
        return Status.ACTIVE

    def _enrolment(
        self,
        person: Person,
        programme: str,
        status: str,
        proposed_on: date,
        reason: str,
        rng: random.Random,
        *,
        doctor_is_leader: bool = False,
        **facts: Any,
    ) -> _Enrolment:
        resident, _, birth, _, _, village = person
        care = self.care(village)
        if doctor_is_leader or not care.clinicians:
            doctor = care.leader
        else:
            doctor = care.clinicians[rng.randrange(len(care.clinicians))]
        enrolment = _Enrolment(
            resident,
            programme,
            status,
            proposed_on,
            reason,
            birth,
            institution=care.institution,
            team=care.team,
            doctor=doctor,
            **facts,
        )
        if status == Status.DECLINED:
            enrolment.exited_on = min(proposed_on + timedelta(days=rng.randint(1, 30)), self.as_of)
            enrolment.exit_note = "本人拒绝纳入管理"
        elif status != Status.PROPOSED:
            enrolment.enrolled_on = proposed_on
        return enrolment

    def _stop(
        self, rng: random.Random, enrolment: _Enrolment, *, lost: float, years: int = HISTORY_YEARS
    ) -> date:
        """The last day visits happen: today, an exit within the ``years`` of history, or the
        day visits stopped (lost to follow-up)."""
        enrolled = enrolment.enrolled_on or enrolment.proposed_on
        if enrolment.status == Status.EXITED:
            earliest = max(enrolled + timedelta(days=30), years_before(self.as_of, years))
            exited = _days(rng, min(earliest, self.as_of), self.as_of - timedelta(days=7))
            enrolment.exited_on = max(exited, enrolled)
            if rng.random() < 0.6:
                enrolment.exit_reason = Exit.REFUSED
                enrolment.exit_note = "本人拒绝继续随访"
            else:
                enrolment.exit_reason = Exit.OTHER
                enrolment.exit_note = "长期外出，不在本地居住"
            return enrolment.exited_on
        if rng.random() < lost:
            return self.as_of - timedelta(days=rng.randint(120, 540))
        return self.as_of

    # ------------------------------------------------------------ HTN and T2DM
    def chronic(self, programme: str, found: dict[int, _Diagnosis]) -> None:
        rng = self.rng(programme)
        writer = self.writer
        by_id = {person[0]: person for person in self.people if person[0] in found}
        for resident in sorted(found):
            person = by_id[resident]
            diagnosis = found[resident]
            recent = (programme, resident) in self.diagnoses.recent
            status = self._status(rng, recent, declined=0.07, exited=0.03)
            proposed = min(diagnosis.on + timedelta(days=rng.randint(0, 20)), self.as_of)
            enrolment = self._enrolment(
                person,
                programme,
                status,
                proposed,
                Reason.DIAGNOSIS,
                rng,
                reason_detail=f"{diagnosis.icd10} {diagnosis.name}",
                diagnosis_icd10=diagnosis.icd10,
                diagnosed_on=diagnosis.on,
            )
            pk = writer.open()
            visits: list[Done] = []
            if enrolment.enrolled_on is not None:
                stop = self._stop(
                    rng, enrolment, lost=CHRONIC_LOST_CHANCE, years=CHRONIC_HISTORY_YEARS
                )
                visits = self._follow_ups(rng, pk, person, enrolment, stop)
            writer.close(pk, enrolment, visits)

    def _follow_ups(
        self, rng: random.Random, pk: int, person: Person, enrolment: _Enrolment, stop: date
    ) -> list[Done]:
        """HTN or T2DM follow-ups over the last ``CHRONIC_HISTORY_YEARS`` up to ``stop``: in the
        window the previous visit's class sets (``after``), some late; each classified by the
        rules from its measurements. Days are ordinals here: this loop writes most visits."""
        resident, _, birth, _, _, _ = person
        programme = enrolment.programme
        diabetes = programme == "diabetes"
        rules = self.schedule.diabetes if diabetes else self.schedule.hypertension
        after = {name: (w.window.start, w.window.end) for name, w in rules.after.items()}
        targets = self.schedule.hypertension.targets
        limits = [(row.sbp_below, row.dbp_below) for row in targets]
        from_ages = [_birthday(birth, row.from_age).toordinal() for row in targets]
        fpg_below = self.schedule.diabetes.fpg_below
        body = self.bodies[resident]
        writer = self.writer
        rows = writer.visits
        days = self.days
        dates = self.dates
        base = self.base
        stamp = writer.stamp
        doctor = enrolment.doctor
        institution = self.staff_at(doctor)
        enrolled_on = enrolment.enrolled_on
        assert enrolled_on is not None
        enrolled = enrolled_on.toordinal()
        history = years_before(self.as_of, CHRONIC_HISTORY_YEARS).toordinal()
        if enrolled >= history:
            start, end = enrolled + rules.first.window.start, enrolled + rules.first.window.end
        else:  # the history starts somewhere in the patient's cycle of visits
            start, end = history, history + 80
        next_check = max(enrolled, history) + rng.randrange(365)
        last = stop.toordinal()
        datas: list[object] = [None] * 4
        assessed = self.assessed
        visits: list[Done] = []
        previous = 0
        previous_off = False
        random_ = rng.random
        usual_sbp, usual_dbp, usual_fpg, weight = body.sbp, body.dbp, body.fpg, body.weight
        skips = REVISIT_LATE_CHANCE[body.poorly_controlled]
        while True:
            width = end - start
            if width < 30:  # a two-week re-visit, or the next routine visit instead
                if random_() < skips:
                    on = end + 20 + int(random_() * 40)
                else:
                    on = start + int(random_() * (width + 1))
            elif random_() < ROUTINE_LATE_CHANCE:
                on = end + 1 + int(random_() * 20)
            else:
                on = start + int(random_() * (width + 1))
            if on <= previous:
                on = previous + 1
            if on > last:
                break
            adjust = 6.0 if previous_off else 0.0
            # Roughly normal noise (the sum of three uniforms), cheaper than gauss().
            sbp = int(usual_sbp - adjust + 18 * (random_() + random_() + random_() - 1.5) + 0.5)
            dbp = int(usual_dbp - adjust / 2 + 12 * (random_() + random_() + random_() - 1.5) + 0.5)
            if sbp < 90:
                sbp = 90
            if dbp > sbp - 20:
                dbp = sbp - 20
            adverse = random_() < 0.015
            complication = random_() < 0.005
            if diabetes:
                noise = 1.8 * (random_() + random_() + random_() - 1.5)
                fpg = round(_clip(usual_fpg - adjust / 10 + noise, 3.0, 22.0), 1)
                heart_rate = None
                result = self._assess_diabetes(
                    birth, on, sbp, dbp, fpg, previous_off, adverse, complication
                )
                off = fpg >= fpg_below
            else:
                fpg = None
                heart_rate = int(76 + 16 * (random_() + random_() + random_() - 1.5) + 0.5)
                target = bisect_right(from_ages, on) - 1
                key = (target, sbp, dbp, previous_off, adverse, complication)
                cached = assessed.get(key)
                if cached is not None:
                    result = cached
                else:
                    # The rules read the age only through its BP target: one answer per target.
                    result = assessed[key] = _answer(
                        assess_hypertension(
                            HypertensionVisit(
                                age=age_on(birth, dates[on - base]),
                                sbp=sbp,
                                dbp=dbp,
                                previous_visit_uncontrolled=previous_off,
                                adverse_reaction=adverse,
                                new_or_worse_complication=complication,
                            )
                        )
                    )
                sbp_below, dbp_below = limits[max(target, 0)]
                off = not (sbp < sbp_below and dbp < dbp_below)
            contact = "followup"
            height = None
            way = CLINIC
            if on >= next_check:
                contact = "annual_check"
                next_check = on + 330 + int(random_() * 50)
                height = body.height
            elif random_() < 0.02:
                way = PHONE
            window_start, window_end = after[result[0]]
            start, end = on + window_start, on + window_end
            flags = adverse * 2 + complication
            data = datas[flags]
            if data is None:
                data = datas[flags] = writer.json(
                    (programme, body.data, adverse, complication),
                    {
                        **dict(body.data),
                        **({"adverse_reaction": True} if adverse else {}),
                        **({"complication": True} if complication else {}),
                    },
                )
            writer.visit_id += 1
            day = days[on - base]
            rows.append(
                (
                    writer.visit_id, pk, resident, programme, contact, day, way, doctor,
                    institution, sbp, dbp, heart_rate,
                    round(weight + 1.6 * (random_() + random_() - 1), 1), height, fpg, None,
                    *result, None, days[end - base], data, stamp,
                )
            )  # fmt: skip
            visits.append((contact, dates[on - base], result[0]))
            previous = on
            previous_off = off
        return visits

    def _assess_diabetes(
        self,
        birth: date,
        on: int,
        sbp: int,
        dbp: int,
        fpg: float,
        previous_off: bool,
        adverse: bool,
        complication: bool,
    ) -> tuple[str, bool, bool]:
        key = ("diabetes", fpg, sbp, dbp, previous_off, adverse, complication)
        result = self.assessed.get(key)
        if result is None:
            # The T2DM rules do not read the age (§4.2); the heart rate is not on its form.
            result = self.assessed[key] = _answer(
                assess_diabetes(
                    DiabetesVisit(
                        age=age_on(birth, self.dates[on - self.base]),
                        sbp=sbp,
                        dbp=dbp,
                        fpg_mmol_l=fpg,
                        previous_visit_uncontrolled=previous_off,
                        adverse_reaction=adverse,
                        new_or_worse_complication=complication,
                    )
                )
            )
        return result

    # ------------------------------------------------------------ SMD
    def smd(self) -> None:
        rng = self.rng("smd")
        rules = self.schedule.smd
        after = {name: interval.window for name, interval in rules.after.items()}
        first = rules.first.window
        found = self.diagnoses.smd
        writer = self.writer
        by_id = {person[0]: person for person in self.people if person[0] in found}
        for resident in sorted(found):
            person = by_id[resident]
            diagnosis = found[resident]
            recent = ("smd", resident) in self.diagnoses.recent
            status = self._status(rng, recent, declined=0.04, exited=0.03)
            proposed = min(diagnosis.on + timedelta(days=rng.randint(0, 30)), self.as_of)
            enrolment = self._enrolment(
                person,
                "smd",
                status,
                proposed,
                Reason.DIAGNOSIS,
                rng,
                reason_detail=f"{diagnosis.icd10} {diagnosis.name}",
                diagnosis_icd10=diagnosis.icd10,
                diagnosed_on=diagnosis.on,
            )
            pk = writer.open()
            visits: list[Done] = []
            if enrolment.enrolled_on is not None:
                stop = self._stop(rng, enrolment, lost=CHRONIC_LOST_CHANCE)
                visits = self._smd_visits(rng, pk, person, enrolment, stop, first, after)
            writer.close(pk, enrolment, visits)

    def _smd_visits(
        self,
        rng: random.Random,
        pk: int,
        person: Person,
        enrolment: _Enrolment,
        stop: date,
        first: Window,
        after: dict[str, Window],
    ) -> list[Done]:
        resident = person[0]
        body = self.bodies[resident]
        writer = self.writer
        doctor = enrolment.doctor
        institution = self.staff_at(doctor)
        enrolled = enrolment.enrolled_on
        assert enrolled is not None
        if enrolled >= self.start:
            start, end = enrolled + timedelta(first.start), enrolled + timedelta(first.end)
        else:
            start, end = self.start, self.start + timedelta(days=80)
        unsettled = rng.random() < 0.25
        risks = (55, 25, 10, 6, 3, 1) if unsettled else (92, 6, 2, 0, 0, 0)
        next_check = _days(rng, max(enrolled, self.start), self.start + timedelta(days=364))
        visits: list[Done] = []
        previous: date | None = None
        while True:
            on = self.place(rng, start, end)
            if previous is not None and on <= previous:
                on = previous + _DAY
            if on > stop:
                break
            risk = rng.choices(range(6), weights=risks)[0]
            symptoms = rng.choices(
                ("none", "mostly_resolved", "obvious"),
                weights=(45, 45, 10) if unsettled else (65, 34, 1),
            )[0]
            insight = rng.choices(
                ("recovered", "mostly_recovered", "absent"),
                weights=(30, 60, 10) if unsettled else (55, 44, 1),
            )[0]
            social = rng.choices(("good", "fair", "poor"), weights=(40, 48, 12))[0]
            physical = rng.random() > 0.01
            answer = assess_smd(
                SmdVisit(
                    risk_level=risk,
                    psychotic_symptoms=symptoms,
                    insight=insight,
                    social_function=social,
                    physical_disease_stable=physical,
                )
            )
            window = after[answer.category]
            start, end = on + timedelta(window.start), on + timedelta(window.end)
            way = HOME if rng.random() < 0.4 else PHONE if rng.random() < 0.05 else CLINIC
            data = writer.json(
                ("smd", symptoms, insight, social, physical),
                {
                    "psychotic_symptoms": symptoms,
                    "insight": insight,
                    "social_function": social,
                    **({} if physical else {"physical_disease_stable": False}),
                },
            )
            urgent = answer.refer_immediately
            writer.visit(
                pk, resident, "smd", "followup", on, way, doctor, institution,
                (None, None, None, None, None, None, risk),
                (answer.category, urgent, urgent), None, end, data,
            )  # fmt: skip
            visits.append(("followup", on, answer.category))
            previous = on
            if on >= next_check and answer.category == "stable":
                # The yearly physical check, a few days after a stable follow-up.
                check = on + timedelta(days=rng.randint(2, 6))
                if check <= stop and check < start:
                    next_check = check + timedelta(days=rng.randint(330, 380))
                    sbp = round(_clip(body.sbp + rng.gauss(0, 9), 90, 200))
                    dbp = min(round(_clip(body.dbp + rng.gauss(0, 6), 50, 120)), sbp - 20)
                    writer.visit(
                        pk, resident, "smd", "annual_check", check, CLINIC, doctor, institution,
                        (sbp, dbp, round(rng.gauss(78, 8)),
                         round(body.weight + rng.gauss(0, 1), 1), body.height, None, None),
                        _NOT_ASSESSED, None, end, writer.empty,
                    )  # fmt: skip
                    visits.append(("annual_check", check, ""))
                    previous = check
        return visits

    # ------------------------------------------------------------ elderly
    def elderly(self) -> None:
        rng = self.rng("elderly")
        rules = self.schedule.elderly
        writer = self.writer
        aged = years_before(self.as_of, 65)
        newly = years_before(self.as_of - timedelta(days=90), 65)
        programme_start = years_before(self.as_of, 12)
        for person in self.people:
            birth = person[2]
            if birth > aged:
                continue
            at_65 = _birthday(birth, 65)
            status: str
            if birth > newly:  # turned 65 in the last three months: newly eligible
                status = Status.PROPOSED if rng.random() < 0.85 else Status.ACTIVE
                proposed = at_65
            else:
                status = self._status(rng, False, declined=0.19, exited=0.04)
                proposed = min(
                    max(at_65, programme_start) + timedelta(days=rng.randint(0, 120)),
                    self.as_of - timedelta(days=91),
                )
            enrolment = self._enrolment(
                person,
                "elderly",
                status,
                proposed,
                Reason.AGE,
                rng,
                reason_detail="年满65周岁",
            )
            pk = writer.open()
            visits: list[Done] = []
            if enrolment.enrolled_on is not None:
                stop = self._stop(rng, enrolment, lost=CHRONIC_LOST_CHANCE)
                visits = self._annual_checks(rng, pk, person, enrolment, stop, rules)
            writer.close(pk, enrolment, visits)

    def _annual_checks(
        self,
        rng: random.Random,
        pk: int,
        person: Person,
        enrolment: _Enrolment,
        stop: date,
        rules: Any,
    ) -> list[Done]:
        resident = person[0]
        body = self.bodies[resident]
        writer = self.writer
        doctor = enrolment.doctor
        institution = self.staff_at(doctor)
        enrolled = enrolment.enrolled_on
        assert enrolled is not None
        if enrolled >= self.start:
            dates = rules.first.window.after(enrolled)
            start, end = dates.window_start, dates.window_end
        else:
            start, end = self.start, self.start + timedelta(days=364)
        visits: list[Done] = []
        previous: date | None = None
        while True:
            on = self.place(rng, start, end, late=60)
            if previous is not None and on <= previous:
                on = previous + _DAY
            if on > stop:
                break
            dates = rules.yearly.window.around(add_months(on, rules.yearly_months))
            start, end = dates.window_start, dates.window_end
            sbp = round(_clip(body.sbp + rng.gauss(0, 10), 90, 220))
            dbp = min(round(_clip(body.dbp + rng.gauss(0, 6), 50, 130)), sbp - 20)
            writer.visit(
                pk, resident, "elderly", "annual_check", on, CLINIC, doctor, institution,
                (sbp, dbp, round(_clip(rng.gauss(76, 9), 48, 120)),
                 round(body.weight + rng.gauss(0, 1.2), 1), body.height,
                 round(_clip(body.fpg + rng.gauss(0, 0.6), 3.5, 20), 1), None),
                _NOT_ASSESSED, None, dates.due_on, writer.empty,
            )  # fmt: skip
            visits.append(("annual_check", on, ""))
            previous = on
        return visits

    # ------------------------------------------------------------ children 0–6
    def children(self) -> None:
        rng = self.rng("child")
        writer = self.writer
        youngest = years_before(self.as_of, 7)
        newborn = self.as_of - timedelta(days=45)
        year_ago = self.as_of - timedelta(days=365)
        for person in self.people:
            birth = person[2]
            if not youngest < birth <= self.as_of:
                continue
            if birth > year_ago:
                self.births_last_year += 1
            chance = 0.4 if birth > newborn else 0.015
            status = Status.PROPOSED if rng.random() < chance else Status.ACTIVE
            enrolment = self._enrolment(
                person,
                "child",
                status,
                birth,
                Reason.BIRTH,
                rng,
                doctor_is_leader=True,
                reason_detail="出生登记",
                discharge_date=birth + timedelta(days=3),
            )
            pk = writer.open()
            visits: list[Done] = []
            if enrolment.enrolled_on is not None:
                visits = self._child_visits(rng, pk, person, enrolment)
            writer.close(pk, enrolment, visits)

    def _child_visits(
        self, rng: random.Random, pk: int, person: Person, enrolment: _Enrolment
    ) -> list[Done]:
        resident, sex, birth, _, _, village = person
        steps = _child_steps(birth)
        writer = self.writer
        doctor = enrolment.doctor
        care = self.care(village)
        visiting = care.clinicians[0] if care.clinicians else doctor
        weight_z, length_z = rng.gauss(0, 1), rng.gauss(0, 1)
        weight_factor = (1.0 if sex == _MALE else 0.96) * (1 + 0.11 * weight_z)
        length_factor = (1.0 if sex == _MALE else 0.985) * (1 + 0.035 * length_z)
        visits: list[Done] = []
        previous: date | None = None
        for position, step in enumerate(steps):
            if step.due_on < self.start or step.window_start > self.as_of:
                continue
            if rng.random() < CHILD_MISSED_CHANCE:
                continue
            on = self.place(rng, step.window_start, step.window_end, late=20)
            if previous is not None and on <= previous:
                on = previous + _DAY
            if on > self.as_of:
                break
            months = (on - birth).days / 30.4375
            weight, length = _growth(months)
            home = step.code == "newborn"
            following = _next_step(steps, position, on)
            by = visiting if home else doctor
            writer.visit(
                pk, resident, "child", step.code, on, HOME if home else CLINIC, by,
                self.staff_at(by),
                (None, None, None, round(weight * weight_factor, 1),
                 round(length * length_factor, 1), None, None),
                _NOT_ASSESSED, None, following.due_on if following else None, writer.empty,
            )  # fmt: skip
            visits.append((step.code, on, ""))
            previous = on
        return visits

    # ------------------------------------------------------------ pregnancy and postpartum
    def mothers(self) -> None:
        """A completed or current episode for every mother of a child born in the last year
        (head or spouse of the child's household), then current pregnancies: about 0.6 × a
        year's births, women aged 20–40."""
        rng = self.rng("maternal")
        year_ago = self.as_of - timedelta(days=365)
        infants: dict[int, date] = {}
        for _, _, birth, household, relation, _ in self.people:
            if relation == _CHILD and year_ago < birth <= self.as_of:
                infants[household] = max(birth, infants.get(household, birth))
        deliveries: list[tuple[Person, date]] = []
        candidates: list[Person] = []
        for person in self.people:
            _, sex, birth, household, relation, _ = person
            if sex != _FEMALE or relation not in (_HEAD, _SPOUSE):
                continue
            delivery = infants.get(household)
            if delivery is not None:
                # 15–49 from the last menstrual period to the delivery.
                pregnant = delivery - timedelta(days=300)
                if age_on(birth, pregnant) >= 15 and age_on(birth, delivery) <= 49:
                    deliveries.append((person, delivery))
            elif 20 <= age_on(birth, self.as_of) <= 40:
                candidates.append(person)
        for person, delivery in deliveries:
            self._episode(rng, person, delivery)
        expecting = min(round(self.births_last_year * 0.6), len(candidates))
        for person in sorted(rng.sample(candidates, expecting), key=lambda p: p[0]):
            self._episode(rng, person, None)

    def _episode(self, rng: random.Random, person: Person, delivery: date | None) -> None:
        writer = self.writer
        if delivery is not None:
            lmp = delivery - timedelta(days=rng.randint(266, 290))
        else:
            lmp = self.as_of - timedelta(days=rng.randint(42, 279))
        pregnant_days = ((delivery or self.as_of) - lmp).days
        registered = lmp + timedelta(days=rng.randint(42, min(84, pregnant_days)))
        discharge = delivery + timedelta(days=rng.randint(2, 4)) if delivery else None
        enrolment = self._enrolment(
            person,
            "maternal",
            Status.ACTIVE,
            registered,
            Reason.PREGNANCY,
            rng,
            doctor_is_leader=True,
            reason_detail="孕早期建册",
            lmp_date=lmp,
            delivery_date=delivery,
            discharge_date=discharge,
            high_risk=rng.random() < 0.08,
        )
        pk = writer.open()
        resident = person[0]
        doctor = enrolment.doctor
        institution = self.staff_at(doctor)
        care = self.care(person[5])
        visiting = care.clinicians[0] if care.clinicians else doctor
        end = min(delivery - _DAY, self.as_of) if delivery else self.as_of
        weight = round(_clip(rng.gauss(55, 7), 40, 95), 1)
        visits: list[Done] = []
        previous: date | None = None
        antenatal = _antenatal_steps(lmp)
        for position, step in enumerate(antenatal):
            if rng.random() < (0.03 if position == 0 else 0.07):
                continue
            on = self.place(rng, max(step.window_start, registered), step.window_end, late=10)
            if previous is not None and on <= previous:
                on = previous + _DAY
            if on > end:
                break
            weeks = (on - lmp).days // 7
            following = _next_step(antenatal, position, on)
            sbp = round(_clip(rng.gauss(112, 10), 85, 160))
            dbp = min(round(_clip(rng.gauss(72, 7), 50, 105)), sbp - 25)
            writer.visit(
                pk, resident, "maternal", step.code, on, CLINIC, doctor, institution,
                (sbp, dbp, round(rng.gauss(82, 8)),
                 round(weight + max(weeks - 12, 0) * 0.45, 1), None, None, None),
                _NOT_ASSESSED, None, following.due_on if following else None,
                writer.json(("weeks", weeks), {"gestational_weeks": weeks}),
            )  # fmt: skip
            visits.append((step.code, on, ""))
            previous = on
        if delivery is not None and discharge is not None:
            postnatal = _postnatal_steps(delivery, discharge)
            for position, step in enumerate(postnatal):
                if rng.random() < 0.05:
                    continue
                on = self.place(rng, step.window_start, step.window_end, late=10)
                if on > self.as_of:
                    break
                following = _next_step(postnatal, position, on)
                home = step.code == "postpartum"
                sbp = round(_clip(rng.gauss(114, 10), 85, 160))
                dbp = min(round(_clip(rng.gauss(74, 7), 50, 105)), sbp - 25)
                by = visiting if home else doctor
                writer.visit(
                    pk, resident, "maternal", step.code, on, HOME if home else CLINIC, by,
                    self.staff_at(by),
                    (sbp, dbp, round(rng.gauss(78, 8)), round(weight + 4, 1), None, None,
                     None),
                    _NOT_ASSESSED, None, following.due_on if following else None, writer.empty,
                )  # fmt: skip
                visits.append((step.code, on, ""))
                if step.code == "day42":
                    enrolment.status = Status.EXITED
                    enrolment.exited_on = on
                    enrolment.exit_reason = Exit.EPISODE_ENDED
        writer.close(pk, enrolment, visits)

    # ------------------------------------------------------------ pulmonary TB
    def tb(self) -> None:
        rng = self.rng("tb")
        writer = self.writer
        found = self.diagnoses.tb
        first = self.schedule.tb.first_home.window
        by_id = {person[0]: person for person in self.people if person[0] in found}
        course = 180
        for resident in sorted(found):
            person = by_id[resident]
            diagnosis = found[resident]
            notified = min(diagnosis.on + timedelta(days=rng.randint(0, 5)), self.as_of)
            supervisor = (
                Enrolment.TbSupervisor.FAMILY_MEMBER
                if rng.random() < 0.7
                else Enrolment.TbSupervisor.MEDICAL_STAFF
            )
            finished = notified + timedelta(days=course) <= self.as_of
            enrolment = self._enrolment(
                person,
                "tb",
                Status.EXITED if finished else Status.ACTIVE,
                notified,
                Reason.NOTIFICATION,
                rng,
                reason_detail="县疾控中心肺结核患者报告",
                diagnosis_icd10=diagnosis.icd10,
                diagnosed_on=diagnosis.on,
                tb_supervisor=supervisor,
                tb_doses_planned=course,
            )
            pk = writer.open()
            poor = rng.random() < 0.08
            doctor = enrolment.doctor
            institution = self.staff_at(doctor)
            end = min(notified + timedelta(days=course), self.as_of)
            visits: list[Done] = []
            on = notified + timedelta(days=rng.randint(first.start, first.end))
            missed_total = 0
            contact = "first_home"
            while on <= end:
                phase = "intensive" if (on - notified).days < 60 else "continuation"
                days = tb_visit_interval(phase, supervisor)
                following = on + timedelta(days=days)
                missed = 0
                if contact != "first_home":
                    missed = (
                        rng.randint(2, 6)
                        if poor
                        else rng.choices((0, 1, 2), weights=(85, 10, 5))[0]
                    )
                missed_total += missed
                way = HOME if contact == "first_home" or rng.random() < 0.5 else CLINIC
                writer.visit(
                    pk, resident, "tb", contact, on, way, doctor, institution,
                    _NO_MEASURES, _NOT_ASSESSED, missed, following, writer.empty,
                )  # fmt: skip
                visits.append((contact, on, ""))
                contact = "tb_visit"
                late = rng.randint(1, 5) if rng.random() < LATE_CHANCE else -rng.randint(0, 2)
                step = max(days + late, 1)
                if on < end < on + timedelta(days=step) and finished:
                    on = end  # the closing assessment at the end of the course
                else:
                    on += timedelta(days=step)
            last = visits[-1][1] if visits else notified
            treated = ((last if finished else self.as_of) - notified).days
            enrolment.tb_phase = "intensive" if treated < 60 else "continuation"
            enrolment.tb_doses_taken = max((last - notified).days - missed_total, 0)
            if finished:
                enrolment.exited_on = last
                enrolment.exit_reason = (
                    Exit.CURED
                    if diagnosis.icd10 == "A15" and not poor
                    else Exit.TREATMENT_COMPLETED
                )
            writer.close(pk, enrolment, visits)


# ---------------------------------------------------------------- the chronic-disease path


def _path_events(
    seed: int, as_of: date, people: list[Person], found: _Diagnoses, structure: _Structure
) -> int:
    """Screened → suspected → referred → confirmed before the diagnosis of about a third of the
    HTN and T2DM patients, and open paths (screened → suspected, some referred) of a few hundred
    undiagnosed adults per 500,000, in the last two months."""
    rng = seeded(seed, "programmes", "path")
    adapt = connection.ops.adapt_datefield_value
    stamp = connection.ops.adapt_datetimefield_value(datetime.combine(as_of, time(), tzinfo=UTC))
    hospitals = structure.of_type(Type.COUNTY_HOSPITAL)
    hospital = hospitals[0] if hospitals else None
    specialists = (
        [s[0] for s in structure.staff.get(hospital, []) if s[2] in ("心内科", "内分泌科", "内科")]
        if hospital
        else []
    )
    rows: list[Row] = []

    def add(
        resident: int,
        condition: str,
        stage: str,
        on: date,
        institution: int | None,
        staff: int | None,
        reading: tuple[int | None, int | None, float | None],
        note: str = "",
    ) -> None:
        rows.append(
            (
                len(rows) + 1, resident, condition, stage, adapt(on), institution, staff,
                *reading, note, stamp,
            )
        )  # fmt: skip

    def reading(condition: str) -> tuple[int | None, int | None, float | None]:
        if condition == "hypertension":
            sbp = rng.randint(142, 172)
            return sbp, min(rng.randint(86, 104), sbp - 30), None
        return None, None, round(rng.uniform(7.1, 11.5), 1)

    cares = structure.cares
    villages = {person[0]: person[5] for person in people}
    for condition, store in (("hypertension", found.hypertension), ("diabetes", found.diabetes)):
        for resident in sorted(store):
            if rng.random() >= 1 / 3:
                continue
            care = cares.get(villages[resident])
            if care is None:
                continue
            diagnosed = store[resident].on
            screened = diagnosed - timedelta(days=rng.randint(21, 60))
            suspected = screened + timedelta(days=rng.randint(7, 14))
            referred = suspected + timedelta(days=rng.randint(1, 3))
            doctor = care.clinicians[0] if care.clinicians else care.leader
            add(resident, condition, "screened", screened, care.clinic, doctor, reading(condition))
            add(
                resident, condition, "suspected", suspected, care.clinic, doctor,
                reading(condition), "多次测量超过诊断切点",
            )  # fmt: skip
            add(
                resident, condition, "referred", referred, care.institution, care.leader,
                (None, None, None), "转诊至县级医院确诊",
            )  # fmt: skip
            add(
                resident, condition, "confirmed", diagnosed, hospital,
                rng.choice(specialists) if specialists else None, reading(condition),
            )  # fmt: skip
    chronic = set(found.hypertension) | set(found.diabetes)
    adults = [
        person for person in people if person[0] not in chronic and age_on(person[2], as_of) >= 35
    ]
    count = min(round(300 * len(people) / 500_000), len(adults))
    for person in sorted(rng.sample(adults, count), key=lambda p: p[0]):
        care = cares.get(person[5])
        if care is None:
            continue
        condition = "hypertension" if rng.random() < 0.7 else "diabetes"
        doctor = care.clinicians[0] if care.clinicians else care.leader
        screened = as_of - timedelta(days=rng.randint(10, 60))
        suspected = min(screened + timedelta(days=rng.randint(5, 14)), as_of)
        add(person[0], condition, "screened", screened, care.clinic, doctor, reading(condition))
        add(
            person[0], condition, "suspected", suspected, care.clinic, doctor,
            reading(condition), "待转诊确诊",
        )  # fmt: skip
        referred = suspected + timedelta(days=rng.randint(1, 3))
        if rng.random() < 0.5 and referred <= as_of:
            add(
                person[0], condition, "referred", referred, care.institution, care.leader,
                (None, None, None), "已转诊，待县级医院确诊",
            )  # fmt: skip
    insert_rows(PathEvent, _PATH_FIELDS, rows)
    return len(rows)


# ---------------------------------------------------------------- health education

_TOPICS = (
    ("高血压防治知识讲座", "hypertension"),
    ("高血压患者规范服药", "hypertension"),
    ("低盐饮食与血压控制", "hypertension"),
    ("糖尿病饮食指导", "diabetes"),
    ("糖尿病足的预防与护理", "diabetes"),
    ("血糖自我监测", "diabetes"),
    ("儿童营养与辅食添加", "child"),
    ("儿童预防接种知识", "child"),
    ("孕期保健与产前检查", "maternal"),
    ("母乳喂养与产后康复", "maternal"),
    ("老年人防跌倒", "elderly"),
    ("老年人健康体检项目解读", "elderly"),
    ("结核病防治", "tb"),
    ("心理健康与严重精神障碍防治", "smd"),
    ("戒烟限酒", ""),
    ("合理膳食与适量运动", ""),
    ("传染病防控常识", ""),
    ("中医药养生保健", ""),
)
# Per year: (kind, count at a THC or CHSC, count at a station or clinic).
_ACTIVITIES = (
    (EducationActivity.Kind.LECTURE, 12, 1),
    (EducationActivity.Kind.BULLETIN, 6, 2),
    (EducationActivity.Kind.CONSULTATION, 9, 1),
    (EducationActivity.Kind.MATERIALS, 10, 2),
    (EducationActivity.Kind.VIDEO, 4, 0),
)


def _education(seed: int, as_of: date, structure: _Structure) -> int:
    """Three years of lectures, bulletin boards, consultations, handouts and videos."""
    rng = seeded(seed, "programmes", "education")
    adapt = connection.ops.adapt_datefield_value
    stamp = connection.ops.adapt_datetimefield_value(datetime.combine(as_of, time(), tzinfo=UTC))
    start = years_before(as_of, HISTORY_YEARS)
    span = (as_of - start).days
    rows: list[Row] = []
    village_names = {pk: short_name(name) for pk, (_, _, name) in structure.villages.items()}
    centres = set(structure.of_type(Type.THC, Type.CHSC))
    for institution in structure.of_type(Type.THC, Type.CHSC, Type.CHSS, Type.VILLAGE_CLINIC):
        staff = structure.public_health(institution)
        if not staff:
            continue
        name = structure.names[institution]
        seat = village_names.get(structure.seats[institution], "")
        central = institution in centres
        for kind, at_centre, at_clinic in _ACTIVITIES:
            count = (at_centre if central else at_clinic) * HISTORY_YEARS
            for index in range(count):
                on = start + timedelta(days=int((index + rng.random()) * span / count))
                topic, audience = rng.choice(_TOPICS)
                if kind == EducationActivity.Kind.LECTURE:
                    place = rng.choice((f"{name}会议室", f"{seat}村（居）委会", f"{seat}文化广场"))
                    attendance, materials, handed = rng.randint(25, 90), "讲座课件、宣传折页", 0
                elif kind == EducationActivity.Kind.CONSULTATION:
                    place = rng.choice((f"{seat}集市", f"{seat}文化广场", f"{name}门口"))
                    attendance, materials, handed = (
                        rng.randint(40, 220),
                        "宣传折页、健康处方",
                        rng.randint(100, 400),
                    )
                elif kind == EducationActivity.Kind.BULLETIN:
                    place, attendance, materials, handed = f"{name}宣传栏", 0, "", 0
                elif kind == EducationActivity.Kind.VIDEO:
                    place = f"{name}候诊区"
                    attendance, materials, handed = rng.randint(20, 80), "健康教育视频", 0
                else:
                    place = f"{name}候诊区"
                    attendance, materials, handed = (
                        0,
                        f"《{topic}》宣传折页",
                        rng.randint(100, 500),
                    )
                rows.append(
                    (
                        len(rows) + 1, institution, kind.value, topic, audience, place[:100],
                        adapt(on), attendance, materials, handed,
                        staff[0] if rng.random() < 0.6 else rng.choice(staff), "", stamp,
                    )
                )  # fmt: skip
    insert_rows(EducationActivity, _EDUCATION_FIELDS, rows)
    return len(rows)


# ---------------------------------------------------------------- the step


def create_programme_data(seed: int, as_of: date, *, progress: bool = False) -> ProgrammeSummary:
    """Teams, diagnoses, enrolments with their visits, path events and education activities of
    the generated county; each part in its own transaction."""
    structure = _load_structure()
    with transaction.atomic():
        teams = _write_teams(structure)
    people = _load_people()
    diagnoses = _diagnose(seed, as_of, people)
    with transaction.atomic():
        _write_diagnoses(diagnoses)
    with (
        tqdm(
            total=None,
            unit=" enrolments",
            unit_scale=True,
            disable=not progress,
            file=sys.stderr,
            desc="programmes",
        ) as bar,
        transaction.atomic(),
        indexes_deferred(Enrolment, Visit, PathEvent),
    ):
        writer = _Writer(as_of, bar)
        histories = _Histories(seed, as_of, people, diagnoses, structure, writer)
        histories.draw_bodies()
        histories.children()
        histories.mothers()
        histories.elderly()
        histories.chronic("hypertension", diagnoses.hypertension)
        histories.chronic("diabetes", diagnoses.diabetes)
        histories.smd()
        histories.tb()
        writer.flush()
        path_events = _path_events(seed, as_of, people, diagnoses, structure)
    with transaction.atomic():
        activities = _education(seed, as_of, structure)
        reset_sequences()
    enrolments: dict[str, dict[str, int]] = {}
    for (programme, status), count in sorted(writer.statuses.items()):
        enrolments.setdefault(programme, {})[status] = count
    return ProgrammeSummary(
        teams=teams,
        diagnoses=diagnoses.counts(),
        enrolments=enrolments,
        visits=dict(sorted(writer.visit_counts.items())),
        path_events=path_events,
        education_activities=activities,
    )
