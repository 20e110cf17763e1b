"""The registry details of a generated county: capabilities, designations, the medical group,
recorded village exceptions, and each worker's employment, certificates, posts, training and
guidance visits — with deliberate gaps for the supervision checks to find (SUP-7).

Every gap is listed in ``RegistryPlan.gaps`` with the rule that must report it and the entity it
must name, so tests can hold the checks to exactly that list:

- ORG-9: the first ordinary (not central) THC of the gap plan has no TCM hall;
- ORG-10: the last central THC has no negative-pressure ambulance;
- HR-4: every seventh mid-level county-hospital worker gave no guidance visit in the past year;
- HR-5: the village doctors of the first two clinics under that ordinary THC had one training;
- HR-7: the first central THC's quota was last reviewed in 2019 (more than 5 years ago);
- HR-11: the last central THC pays less than the county hospitals for the same posts;
- MED-7: the central village clinic gives IV medication without authorisation.
"""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import TypedDict

from django.db import models

from institutions.models import (
    Capabilities,
    Designation,
    FeverClinic,
    GroupMembership,
    HospitalLevel,
    Institution,
    MedicalGroup,
    VillageServiceException,
)
from institutions.models import PracticeSubject as S
from jiceng.dates import years_before
from jiceng.generator.gaps import (
    SHARED_CENTRAL_CLINIC,
    SMALL_VILLAGE_SERVED_BY_NEIGHBOUR,
    THC_SEAT_WITHOUT_CLINIC,
    GapPlan,
)
from jiceng.generator.institutions import InstitutionPlan, InstitutionRow
from jiceng.generator.layout import Layout
from jiceng.generator.randomness import seeded
from workforce.models import (
    Certificate,
    Employment,
    GuidanceVisit,
    HireRoute,
    PensionCategory,
    Staff,
    StaffPost,
    TrainingRecord,
)

Type = Institution.Type
Profession = Staff.Profession
Title = Staff.TitleLevel

_COUNTY_LEVEL = (Type.COUNTY_HOSPITAL, Type.COUNTY_TCM_HOSPITAL, Type.COUNTY_MCH)
_CENTRES = (Type.THC, Type.CHSC)
_MID_LEVEL = (Title.INTERMEDIATE, Title.ASSOCIATE_SENIOR, Title.SENIOR)
_VILLAGE_CLINICIANS = (
    Profession.VILLAGE_DOCTOR,
    Profession.RURAL_GP_ASSISTANT,
    Profession.ASSISTANT_DOCTOR,
    Profession.DOCTOR,
)

_SCOPES: dict[str, list[str]] = {
    Type.COUNTY_HOSPITAL: [
        S.PREVENTIVE, S.INTERNAL, S.SURGERY, S.OBSTETRICS, S.PAEDIATRICS, S.OPHTHALMOLOGY,
        S.ENT, S.STOMATOLOGY, S.INFECTIOUS, S.EMERGENCY, S.REHABILITATION, S.ANAESTHESIA,
        S.CRITICAL_CARE, S.LABORATORY, S.PATHOLOGY, S.IMAGING, S.TCM,
    ],
    Type.COUNTY_TCM_HOSPITAL: [S.TCM, S.INTEGRATED, S.REHABILITATION, S.LABORATORY, S.IMAGING],
    Type.COUNTY_MCH: [
        S.OBSTETRICS, S.WOMENS_HEALTH, S.PAEDIATRICS, S.CHILD_HEALTH, S.LABORATORY, S.IMAGING,
    ],
    Type.COUNTY_CDC: [S.PREVENTIVE, S.TUBERCULOSIS, S.LABORATORY],
    Type.THC: [
        S.PREVENTIVE, S.GENERAL_PRACTICE, S.INTERNAL, S.OBSTETRICS, S.PAEDIATRICS, S.LABORATORY,
        S.IMAGING, S.TCM,
    ],
    Type.CHSS: [S.PREVENTIVE, S.GENERAL_PRACTICE],
    Type.VILLAGE_CLINIC: [S.PREVENTIVE, S.GENERAL_PRACTICE],
}  # fmt: skip
_SCOPES[Type.CHSC] = _SCOPES[Type.THC]

# Average monthly pay by title, yuan; grassroots centres pay 5 % above county level (JC-11).
_BASE_SALARY = {
    Title.NONE: 4200,
    Title.JUNIOR: 5200,
    Title.INTERMEDIATE: 6800,
    Title.ASSOCIATE_SENIOR: 8600,
    Title.SENIOR: 10500,
}
_GENERAL_BEDS: dict[str, int] = {
    Type.COUNTY_HOSPITAL: 500,
    Type.COUNTY_TCM_HOSPITAL: 200,
    Type.COUNTY_MCH: 120,
    Type.CHSC: 20,
}
_GRASSROOTS_PAY = Decimal("1.05")
_UNDERPAID = Decimal("0.85")
QUOTA_REVIEWED = date(2023, 6, 30)
STALE_QUOTA_REVIEW = date(2019, 6, 30)


class RegistryGap(TypedDict):
    rule: str
    entity: str
    """``institution`` or ``staff``."""
    id: int
    name: str


@dataclass
class RegistryPlan:
    capabilities: list[Capabilities] = field(default_factory=list)
    designations: list[Designation] = field(default_factory=list)
    groups: list[MedicalGroup] = field(default_factory=list)
    memberships: list[GroupMembership] = field(default_factory=list)
    exceptions: list[VillageServiceException] = field(default_factory=list)
    certificates: list[Certificate] = field(default_factory=list)
    posts: list[StaffPost] = field(default_factory=list)
    trainings: list[TrainingRecord] = field(default_factory=list)
    visits: list[GuidanceVisit] = field(default_factory=list)
    gaps: list[RegistryGap] = field(default_factory=list)

    def models(self) -> list[list[models.Model]]:
        """Parents before children: the order to insert in."""
        return [
            list(self.capabilities),
            list(self.designations),
            list(self.groups),
            list(self.memberships),
            list(self.exceptions),
            list(self.certificates),
            list(self.posts),
            list(self.trainings),
            list(self.visits),
        ]

    def gap(self, rule: str, entity: str, id_: int, name: str) -> None:
        self.gaps.append(RegistryGap(rule=rule, entity=entity, id=id_, name=name))


@dataclass(frozen=True)
class _Roles:
    """Which institutions carry the deliberate gaps."""

    ordinary_thc: InstitutionRow
    first_central_thc: InstitutionRow
    last_central_thc: InstitutionRow
    central_clinic: InstitutionRow | None


def _roles(rows: list[InstitutionRow], gap_plan: GapPlan) -> _Roles:
    thcs = [row for row in rows if row.type == Type.THC]
    central = [row for row in thcs if row.is_central]
    ordinary = [row for row in thcs if not row.is_central]
    clinic = next((r for r in rows if r.type == Type.VILLAGE_CLINIC and r.is_central), None)
    return _Roles(ordinary[0], central[0], central[-1], clinic)


def _capabilities(
    plan: RegistryPlan, rows: list[InstitutionRow], staff: list[Staff], roles: _Roles
) -> None:
    for row in rows:
        kind = row.type
        centre = kind in _CENTRES
        capabilities = Capabilities(
            id=len(plan.capabilities) + 1,
            institution_id=row.id,
            approved_scope=list(_SCOPES.get(kind, [])),
            hospital_level=(
                HospitalLevel.LEVEL_2A
                if kind in (Type.COUNTY_HOSPITAL, Type.COUNTY_TCM_HOSPITAL)
                else HospitalLevel.LEVEL_2
                if kind == Type.COUNTY_MCH
                else HospitalLevel.LEVEL_1
                if centre
                else HospitalLevel.NONE
            ),
            has_tcm_hall=centre or kind == Type.COUNTY_TCM_HOSPITAL,
            stocks_chinese_patent_medicines=kind not in (Type.COUNTY_CDC,),
            fever_clinic=(
                FeverClinic.STANDARD_CLINIC
                if kind == Type.COUNTY_HOSPITAL or (kind == Type.THC and row.is_central)
                else FeverClinic.CONSULTATION_ROOM
                if centre
                else FeverClinic.NONE
            ),
            negative_pressure_ambulances=(
                2
                if kind == Type.COUNTY_HOSPITAL
                else 1
                if kind == Type.THC and row.is_central
                else 0
            ),
            has_infectious_disease_department=kind == Type.COUNTY_HOSPITAL,
            has_vaccination_clinic=centre,
            is_emergency_point=kind in (Type.COUNTY_HOSPITAL, Type.THC),
            emergency_teams=1 if kind == Type.COUNTY_HOSPITAL else 0,
            beds_general=_GENERAL_BEDS.get(kind, 0)
            if kind != Type.THC
            else (40 if row.is_central else 20),
            beds_rehabilitation=10 if kind == Type.THC and row.is_central else 0,
            beds_elderly_care=10 if kind == Type.THC else 0,
            characteristic_specialty="中医康复" if kind == Type.THC and row.is_central else "",
            quota_reviewed_on=QUOTA_REVIEWED if kind == Type.THC else None,
        )
        plan.capabilities.append(capabilities)
    by_institution = {c.institution_id: c for c in plan.capabilities}
    headcount: dict[int, int] = {}
    for person in staff:
        headcount[person.institution_id] = headcount.get(person.institution_id, 0) + 1
    for row in rows:
        if row.type in _CENTRES:
            # Quota a little above the people in post, as counties leave room to recruit.
            quota = round(headcount.get(row.id, 0) * 1.1) + 1
            by_institution[row.id].staffing_quota = quota
            by_institution[row.id].professional_quota = quota - max(1, quota // 10)

    ordinary = by_institution[roles.ordinary_thc.id]
    ordinary.has_tcm_hall = False
    plan.gap("ORG-9", "institution", roles.ordinary_thc.id, roles.ordinary_thc.name)
    last = by_institution[roles.last_central_thc.id]
    last.negative_pressure_ambulances = 0
    plan.gap("ORG-10", "institution", roles.last_central_thc.id, roles.last_central_thc.name)
    first = by_institution[roles.first_central_thc.id]
    first.quota_reviewed_on = STALE_QUOTA_REVIEW
    plan.gap("HR-7", "institution", roles.first_central_thc.id, roles.first_central_thc.name)
    if roles.central_clinic is not None:
        clinic = by_institution[roles.central_clinic.id]
        clinic.offers_iv = True
        plan.gap("MED-7", "institution", roles.central_clinic.id, roles.central_clinic.name)


def _designations(plan: RegistryPlan, rows: list[InstitutionRow], as_of: date) -> None:
    since = date(min(as_of.year, 2024), 6, 30)

    def add(row: InstitutionRow, kind: str) -> None:
        plan.designations.append(
            Designation(
                id=len(plan.designations) + 1, institution_id=row.id, kind=kind, since=since
            )
        )

    for row in rows:
        if row.type == Type.THC:
            if row.is_central:
                add(row, Designation.Kind.SUB_CENTRE)
                add(row, Designation.Kind.QUALITY_RECOMMENDED)
            else:
                add(row, Designation.Kind.QUALITY_BASIC)
    chscs = [row for row in rows if row.type == Type.CHSC]
    if chscs:
        add(chscs[0], Designation.Kind.COMMUNITY_HOSPITAL)
        add(chscs[0], Designation.Kind.QUALITY_RECOMMENDED)


def _group(plan: RegistryPlan, rows: list[InstitutionRow], layout: Layout) -> None:
    lead = next(row for row in rows if row.type == Type.COUNTY_HOSPITAL)
    group = MedicalGroup(
        id=1,
        name=f"{layout.county.name}医疗集团",
        county_id=layout.county.id,
        lead_id=lead.id,
        founded_on=date(2020, 9, 1),
    )
    plan.groups.append(group)
    members = [lead] + [
        row
        for row in rows
        if row.type in (Type.COUNTY_TCM_HOSPITAL, Type.COUNTY_MCH, Type.THC, Type.CHSC)
    ]
    for index, row in enumerate(members, start=1):
        plan.memberships.append(
            GroupMembership(
                id=index,
                group_id=group.id,
                institution_id=row.id,
                role=GroupMembership.Role.LEAD if row is lead else GroupMembership.Role.MEMBER,
                joined_on=group.founded_on,
            )
        )


def _exceptions(
    plan: RegistryPlan, institutions: InstitutionPlan, layout: Layout, as_of: date
) -> None:
    divisions = layout.by_code()
    by_code = {row.code: row for row in institutions.rows}
    kinds = {
        THC_SEAT_WITHOUT_CLINIC: VillageServiceException.Kind.THC_SEAT,
        SMALL_VILLAGE_SERVED_BY_NEIGHBOUR: VillageServiceException.Kind.NEIGHBOUR,
        SHARED_CENTRAL_CLINIC: VillageServiceException.Kind.SHARED_CENTRAL_CLINIC,
    }
    reasons = {
        THC_SEAT_WITHOUT_CLINIC: "乡镇卫生院所在村，由卫生院提供村级服务",
        SMALL_VILLAGE_SERVED_BY_NEIGHBOUR: "服务人口不足200人，由邻村卫生室延伸服务",
        SHARED_CENTRAL_CLINIC: "与邻村共建中心村卫生室",
    }
    for gap in institutions.gaps:
        if gap["kind"] not in kinds:
            continue
        served_by = by_code[gap["served_by"]] if gap["served_by"] else None
        plan.exceptions.append(
            VillageServiceException(
                id=len(plan.exceptions) + 1,
                village_id=divisions[gap["division_code"]].id,
                kind=kinds[gap["kind"]],
                served_by_id=served_by.id if served_by else None,
                reason=reasons[gap["kind"]],
                recorded_on=years_before(as_of, 1),
            )
        )


def _certificate(plan: RegistryPlan, rng: random.Random, person: Staff) -> None:
    kinds = {
        Profession.DOCTOR: Certificate.Kind.PHYSICIAN,
        Profession.ASSISTANT_DOCTOR: Certificate.Kind.ASSISTANT_PHYSICIAN,
        Profession.RURAL_GP_ASSISTANT: Certificate.Kind.RURAL_GP_ASSISTANT,
        Profession.VILLAGE_DOCTOR: Certificate.Kind.VILLAGE_DOCTOR,
        Profession.NURSE: Certificate.Kind.NURSE,
        Profession.PHARMACIST: Certificate.Kind.PHARMACIST,
        Profession.TECHNICIAN: Certificate.Kind.TECHNICIAN,
        Profession.PUBLIC_HEALTH: Certificate.Kind.PHYSICIAN,
    }
    kind = kinds.get(Profession(person.profession))
    if kind is None:
        return
    clinical = kind in (
        Certificate.Kind.PHYSICIAN,
        Certificate.Kind.ASSISTANT_PHYSICIAN,
        Certificate.Kind.RURAL_GP_ASSISTANT,
    )
    scope = ""
    if clinical:
        scope = (
            Certificate.Scope.PUBLIC_HEALTH
            if person.profession == Profession.PUBLIC_HEALTH
            else Certificate.Scope.TCM
            if "中医" in person.department or "针灸" in person.department
            else Certificate.Scope.CLINICAL
        )
    plan.certificates.append(
        Certificate(
            id=len(plan.certificates) + 1,
            staff_id=person.id,
            kind=kind,
            number=f"{rng.randrange(10**14, 10**15)}",
            scope=scope,
            general_practice_added=clinical and person.department == "全科医疗科",
            issued_on=years_before(person.birth_date, -25),
        )
    )


def _employment(rng: random.Random, person: Staff, row: InstitutionRow, as_of: date) -> None:
    age = as_of.year - person.birth_date.year
    village = row.type in (Type.VILLAGE_CLINIC, Type.VILLAGE_SERVICE_POINT)
    if village:
        with_group = rng.random() < 0.35
        person.employment = Employment.GROUP_CONTRACT if with_group else Employment.OTHER
        person.pension_category = (
            PensionCategory.EMPLOYEE if with_group else PensionCategory.RESIDENT
        )
        person.hire_route = (
            HireRoute.GRADUATE_VILLAGE_DOCTOR
            if age < 35 and rng.random() < 0.5
            else HireRoute.TOWN_HIRE_VILLAGE_USE
            if with_group
            else HireRoute.OPEN
        )
        person.liability_insured = rng.random() < 0.8
        return
    quota = rng.random() < 0.75
    person.employment = Employment.QUOTA if quota else Employment.CONTRACT
    person.pension_category = (
        PensionCategory.PUBLIC_INSTITUTION if quota else PensionCategory.EMPLOYEE
    )
    person.liability_insured = True
    if row.type == Type.THC and age < 32 and person.profession == Profession.DOCTOR:
        person.hire_route = HireRoute.DIRECTED_TRAINING
        person.obligation_ends_on = years_before(person.birth_date, -30)  # 6 years after 24
    elif row.type == Type.THC and rng.random() < 0.2:
        person.hire_route = HireRoute.COUNTY_HIRE_TOWNSHIP_USE


def _salary(person: Staff, row: InstitutionRow, roles: _Roles) -> None:
    if row.type in (Type.VILLAGE_CLINIC, Type.VILLAGE_SERVICE_POINT, Type.COUNTY_CDC):
        return
    base = Decimal(_BASE_SALARY[Title(person.title_level)])
    if row.type in (Type.THC, Type.CHSC, Type.CHSS):
        base *= _UNDERPAID if row.id == roles.last_central_thc.id else _GRASSROOTS_PAY
    person.monthly_salary = base.quantize(Decimal("0.01"))


def _people(
    plan: RegistryPlan,
    rows: list[InstitutionRow],
    staff: list[Staff],
    roles: _Roles,
    seed: int,
    as_of: date,
) -> None:
    rng = seeded(seed, "registry")
    by_id = {row.id: row for row in rows}
    grassroots_hosts = [row for row in rows if row.type in (*_CENTRES, Type.VILLAGE_CLINIC)]
    ordinary_clinics = [
        row.id
        for row in rows
        if row.type == Type.VILLAGE_CLINIC and row.parent is roles.ordinary_thc
    ][:2]
    mid_level = 0
    numbers: dict[int, int] = {}
    for person in staff:
        row = by_id[person.institution_id]
        numbers[row.id] = numbers.get(row.id, 0) + 1
        person.code = f"{row.code}-{numbers[row.id]:03d}"  # staff number (工号)
        _employment(rng, person, row, as_of)
        _salary(person, row, roles)
        _certificate(plan, rng, person)
        started = min(years_before(person.birth_date, -23), as_of)
        plan.posts.append(
            StaffPost(
                id=len(plan.posts) + 1,
                staff_id=person.id,
                institution_id=row.id,
                kind=StaffPost.Kind.HOME,
                started_on=started,
            )
        )
        if row.type == Type.VILLAGE_CLINIC and person.profession in _VILLAGE_CLINICIANS:
            _village_doctor_training(plan, person, as_of, short=row.id in ordinary_clinics)
            if row.id in ordinary_clinics:
                plan.gap("HR-5", "staff", person.id, person.name)
        if row.type in _COUNTY_LEVEL and person.title_level in _MID_LEVEL:
            mid_level += 1
            if mid_level % 7 == 0:
                plan.gap("HR-4", "staff", person.id, person.name)
            else:
                _monthly_visits(plan, rng, person, grassroots_hosts, as_of)
    _upward_training(plan, rng, staff, by_id, as_of)
    _deputy_head_posting(plan, staff, by_id, roles, as_of)


def _deputy_head_posting(
    plan: RegistryPlan,
    staff: list[Staff],
    by_id: dict[int, InstitutionRow],
    roles: _Roles,
    as_of: date,
) -> None:
    """A county hospital doctor posted for a year as deputy head of the ordinary THC (WD-6)."""
    started = date(as_of.year, 1, 15)
    if started > as_of:
        return
    doctor = next(
        p
        for p in staff
        if by_id[p.institution_id].type == Type.COUNTY_HOSPITAL
        and p.profession == Profession.DOCTOR
        and p.title_level in _MID_LEVEL
    )
    plan.visits.append(
        GuidanceVisit(
            id=len(plan.visits) + 1,
            staff_id=doctor.id,
            host_id=roles.ordinary_thc.id,
            kind=GuidanceVisit.Kind.POSTING,
            started_on=started,
            ended_on=years_before(started, -1) - timedelta(days=1),
            as_deputy_head=True,
            note="挂职副院长一年",
        )
    )


def _village_doctor_training(
    plan: RegistryPlan, person: Staff, as_of: date, *, short: bool
) -> None:
    sessions = [(as_of - timedelta(days=120), 7)]
    if not short:
        sessions.append((as_of - timedelta(days=300), 7))
    for started, days in sessions:
        plan.trainings.append(
            TrainingRecord(
                id=len(plan.trainings) + 1,
                staff_id=person.id,
                topic="乡村医生岗位培训",
                provider="县卫生健康局",
                level=TrainingRecord.Level.COUNTY,
                started_on=started,
                ended_on=started + timedelta(days=days - 1),
                is_free=True,
            )
        )


def _monthly_visits(
    plan: RegistryPlan,
    rng: random.Random,
    person: Staff,
    hosts: list[InstitutionRow],
    as_of: date,
) -> None:
    """One guidance visit on the 10th of each of the twelve months before ``as_of``."""
    kinds = (
        GuidanceVisit.Kind.EXPERT_CLINIC,
        GuidanceVisit.Kind.ROUNDS,
        GuidanceVisit.Kind.TRAINING,
    )
    month = as_of.replace(day=1)
    for _ in range(12):
        month = (month - timedelta(days=1)).replace(day=1)
        day = month.replace(day=10)
        plan.visits.append(
            GuidanceVisit(
                id=len(plan.visits) + 1,
                staff_id=person.id,
                host_id=rng.choice(hosts).id,
                kind=rng.choice(kinds),
                started_on=day,
                ended_on=day,
            )
        )


def _upward_training(
    plan: RegistryPlan,
    rng: random.Random,
    staff: list[Staff],
    by_id: dict[int, InstitutionRow],
    as_of: date,
) -> None:
    """A few centre doctors trained up this year, at the county hospital or a tertiary one."""
    started = as_of - timedelta(days=45)
    if started.year != as_of.year:
        return
    doctors = [
        p
        for p in staff
        if by_id[p.institution_id].type in _CENTRES and p.profession == Profession.DOCTOR
    ]
    for person in rng.sample(doctors, min(len(doctors), 6)):
        level = rng.choice((TrainingRecord.Level.COUNTY, TrainingRecord.Level.TERTIARY))
        plan.trainings.append(
            TrainingRecord(
                id=len(plan.trainings) + 1,
                staff_id=person.id,
                topic="进修",
                provider="县人民医院"
                if level == TrainingRecord.Level.COUNTY
                else "山西医科大学第一医院",
                level=level,
                started_on=started,
                ended_on=started + timedelta(days=29),
                is_free=True,
            )
        )


def plan_registry(
    layout: Layout,
    institutions: InstitutionPlan,
    gap_plan: GapPlan,
    staff: list[Staff],
    seed: int,
    as_of: date,
) -> RegistryPlan:
    """Registry rows for a planned county; sets employment fields on ``staff`` in place."""
    plan = RegistryPlan()
    roles = _roles(institutions.rows, gap_plan)
    _capabilities(plan, institutions.rows, staff, roles)
    _designations(plan, institutions.rows, as_of)
    _group(plan, institutions.rows, layout)
    _exceptions(plan, institutions, layout, as_of)
    _people(plan, institutions.rows, staff, roles, seed, as_of)
    plan.gap("HR-11", "institution", roles.last_central_thc.id, roles.last_central_thc.name)
    return plan
