"""Scoped reads of the workforce pages and API that combine several tables (HR-2, HR-3, HR-5,
HR-9, HR-12). Staff always come from ``workforce.access`` (audited)."""

import importlib
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.http import HttpRequest

from accounts.models import User
from institutions.models import Institution
from workforce import access, rules
from workforce.models import (
    LICENSED_PHYSICIAN_CERTIFICATES,
    Certificate,
    GuidanceVisit,
    Staff,
    StaffPost,
    TrainingRecord,
)
from workforce.subsidies import Breakdown, ClinicIn, DoctorIn, SubsidyRates, breakdown
from workforce.subsidies import rates_from_parameters as _rates_from_parameters

TOWNSHIP_CENTRE_TYPES = (Institution.Type.THC, Institution.Type.THC_BRANCH)
VILLAGE_CLINIC_TYPES = (Institution.Type.VILLAGE_CLINIC, Institution.Type.VILLAGE_SERVICE_POINT)
VILLAGE_DOCTOR_PROFESSIONS = (
    Staff.Profession.VILLAGE_DOCTOR,
    Staff.Profession.RURAL_GP_ASSISTANT,
    Staff.Profession.ASSISTANT_DOCTOR,
    Staff.Profession.DOCTOR,
)
"""HR-9: who is paid as a village doctor, when their home institution is a village clinic or a
THC-run village service point."""


@dataclass(frozen=True)
class StaffFilters:
    query: str = ""
    institution_id: int | None = None
    profession: str = ""
    title_level: str = ""
    employment: str = ""
    hire_route: str = ""
    licensed: bool | None = None

    def as_detail(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "institution_id": self.institution_id,
            "profession": self.profession,
            "title_level": self.title_level,
            "employment": self.employment,
            "hire_route": self.hire_route,
            "licensed": self.licensed,
        }


def filter_staff(staff: QuerySet[Staff], filters: StaffFilters) -> QuerySet[Staff]:
    """Apply the list filters; ``licensed`` means holding a (assistant) physician licence (HR-8)."""
    if filters.query:
        staff = staff.filter(Q(name__startswith=filters.query) | Q(code=filters.query))
    if filters.institution_id is not None:
        staff = staff.filter(institution_id=filters.institution_id)
    for field in ("profession", "title_level", "employment", "hire_route"):
        value = getattr(filters, field)
        if value:
            staff = staff.filter(**{field: value})
    if filters.licensed is not None:
        licensed = Certificate.objects.filter(
            kind__in=[kind.value for kind in LICENSED_PHYSICIAN_CERTIFICATES]
        ).values("staff_id")
        staff = (
            staff.filter(pk__in=licensed) if filters.licensed else staff.exclude(pk__in=licensed)
        )
    return staff.select_related("institution").order_by("institution__path", "name", "id")


def grassroots_service(staff: Staff, today: date) -> rules.GrassrootsService:
    """HR-12 from the person's posts at THCs and THC branches."""
    periods = StaffPost.objects.filter(
        staff=staff, institution__type__in=TOWNSHIP_CENTRE_TYPES
    ).values_list("started_on", "ended_on")
    return rules.township_service(list(periods), today)


@dataclass(frozen=True)
class StaffRecord:
    """Everything the detail page and the API show about one staff member."""

    staff: Staff
    certificates: list[Certificate]
    posts: list[StaffPost]
    trainings: list[TrainingRecord]
    training_years: list[rules.TrainingYear]
    visits: list[GuidanceVisit]
    visit_days: int
    obligation: rules.Obligation | None
    service: rules.GrassrootsService
    is_village_doctor: bool


def staff_record(staff: Staff, today: date) -> StaffRecord:
    """The related rows of a staff member already obtained through ``access.get_staff``."""
    trainings = list(staff.trainings.order_by("-started_on"))
    visits = list(staff.guidance_visits.select_related("host").order_by("-started_on"))
    return StaffRecord(
        staff=staff,
        certificates=list(staff.certificates.order_by("kind", "id")),
        posts=list(staff.posts.select_related("institution").order_by("-started_on", "id")),
        trainings=trainings,
        training_years=rules.training_years((t.started_on, t.ended_on) for t in trainings),
        visits=visits,
        visit_days=sum((v.ended_on - v.started_on).days + 1 for v in visits),
        obligation=rules.obligation(staff.obligation_ends_on, today),
        service=grassroots_service(staff, today),
        is_village_doctor=is_village_doctor(staff),
    )


def is_village_doctor(staff: Staff) -> bool:
    return (
        staff.profession in VILLAGE_DOCTOR_PROFESSIONS
        and staff.institution.type in VILLAGE_CLINIC_TYPES
    )


class SubsidyParametersError(Exception):
    """The county's policy pack could not be read or lacks a subsidy parameter."""


def county_subsidy_rates() -> SubsidyRates:
    """The subsidy rates of the county's policy pack (``supervision.packs``, imported lazily)."""
    try:
        packs = importlib.import_module("supervision.packs")
        parameters = packs.county_parameters()
        return _rates_from_parameters(parameters)
    except KeyError as error:
        raise SubsidyParametersError(
            f"the county's policy pack does not set {error.args[0]}"
        ) from error
    except Exception as error:
        raise SubsidyParametersError(str(error)) from error


def village_doctors(staff: QuerySet[Staff]) -> QuerySet[Staff]:
    """HR-9: staff in post whose home is a village clinic or service point, as village doctors."""
    return (
        staff.filter(
            is_active=True,
            profession__in=VILLAGE_DOCTOR_PROFESSIONS,
            institution__type__in=VILLAGE_CLINIC_TYPES,
        )
        .select_related("institution")
        .order_by("institution__path", "name", "id")
    )


def clinics_in_scope(user: User) -> QuerySet[Institution]:
    institutions = access.institutions_in_scope(user)
    base = Institution.objects.all() if institutions is None else institutions
    return base.filter(type__in=VILLAGE_CLINIC_TYPES).order_by("path")


def subsidy_breakdown(
    user: User,
    rates: SubsidyRates,
    *,
    request: HttpRequest | None,
    purpose: str,
    export: bool = False,
) -> Breakdown:
    """HR-9 for the village doctors and clinics in ``user``'s scope; the list is audited."""
    helper = access.export_staff if export else access.list_staff
    staff = village_doctors(
        helper(
            user, request=request, purpose=purpose, detail={"report": "village doctor subsidies"}
        )
    )
    clinics = clinics_in_scope(user).annotate(served_population=Sum("served_divisions__population"))
    clinic_inputs = [
        ClinicIn(
            clinic_id=clinic.pk,
            name=clinic.name,
            population=int(clinic.served_population or 0),
            integrated=clinic.parent_id is not None,
        )
        for clinic in clinics
    ]
    doctor_inputs = [
        DoctorIn(
            staff_id=person.pk,
            name=person.name,
            clinic_id=person.institution_id,
            hire_route=person.hire_route,
        )
        for person in staff
    ]
    return breakdown(doctor_inputs, clinic_inputs, rates)
