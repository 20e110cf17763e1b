"""Staff API (HR-1, HR-2, HR-3, HR-5, HR-9, HR-12): staff are personal data, so every handler
goes through ``workforce.access`` (audited; outside the scope: 404). Editors
(``county_health``, ``group_manager``, ``township_staff``) add certificates, trainings and
guidance visits and import rosters; others get 403 ``not_allowed``."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from accounts.models import Role, User
from jiceng.errors import DomainError
from jiceng.schemas import ERRORS, ErrorOut, ImportReportOut, import_report_out
from jiceng.spreadsheets import SpreadsheetError, xlsx_response
from workforce import access, queries, roster
from workforce.forms import MAX_ROSTER_BYTES, CertificateForm, GuidanceVisitForm, TrainingForm
from workforce.models import Certificate, GuidanceVisit, Staff, TrainingRecord
from workforce.queries import StaffFilters

router = Router(tags=["workforce"])
WRITE_ERRORS: dict[int, type[Schema]] = {**ERRORS, 403: ErrorOut}


class NotAllowedError(DomainError):
    status = 403


def _user(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    if not isinstance(user, User) or user.role == Role.RESIDENT:
        raise Http404
    return user


def _editor(request: HttpRequest) -> User:
    user = _user(request)
    if not access.is_editor(user):
        raise NotAllowedError("not_allowed", _("You may look at this record but not change it."))
    return user


class StaffQuery(Schema):
    q: str = ""
    institution_id: int | None = None
    profession: str = ""
    title_level: str = ""
    employment: str = ""
    hire_route: str = ""
    licensed: bool | None = None

    def filters(self) -> StaffFilters:
        return StaffFilters(
            query=self.q.strip(),
            institution_id=self.institution_id,
            profession=self.profession,
            title_level=self.title_level,
            employment=self.employment,
            hire_route=self.hire_route,
            licensed=self.licensed,
        )


class _StaffBase(Schema):
    id: int
    code: str | None
    name: str
    sex: str
    profession: str
    title_level: str
    department: str
    institution_id: int
    institution_name: str
    is_active: bool
    employment: str
    hire_route: str


class StaffListOut(_StaffBase):
    @staticmethod
    def resolve_institution_name(obj: Staff) -> str:
        return obj.institution.name


class CertificateOut(Schema):
    id: int
    kind: str
    number: str
    scope: str
    general_practice_added: bool
    issued_on: dt.date | None
    valid_until: dt.date | None


class PostOut(Schema):
    id: int
    institution_id: int
    institution_name: str
    kind: str
    started_on: dt.date
    ended_on: dt.date | None


class TrainingOut(Schema):
    id: int
    topic: str
    provider: str
    level: str
    started_on: dt.date
    ended_on: dt.date
    is_free: bool
    days: int


class TrainingYearOut(Schema):
    year: int
    count: int
    days: int
    meets_hr5: bool


class VisitOut(Schema):
    id: int
    host_id: int
    host_name: str
    kind: str
    started_on: dt.date
    ended_on: dt.date
    is_retired_expert: bool
    as_deputy_head: bool
    note: str


class ObligationOut(Schema):
    ends_on: dt.date
    days_remaining: int
    ended: bool


class ServiceOut(Schema):
    """HR-12: years at township health centres."""

    longest_run_years: float
    cumulative_years: float
    consecutive_met: bool
    cumulative_met: bool
    flagged: bool


class StaffOut(_StaffBase):
    birth_date: dt.date
    obligation_ends_on: dt.date | None
    pension_category: str
    liability_insured: bool
    monthly_salary: Decimal | None
    certificates: list[CertificateOut]
    posts: list[PostOut]
    trainings: list[TrainingOut]
    training_years: list[TrainingYearOut]
    guidance_visits: list[VisitOut]
    obligation: ObligationOut | None
    township_service: ServiceOut


def _staff_out(record: queries.StaffRecord) -> StaffOut:
    staff = record.staff
    service = record.service
    return StaffOut(
        id=staff.pk,
        code=staff.code,
        name=staff.name,
        sex=staff.sex,
        profession=staff.profession,
        title_level=staff.title_level,
        department=staff.department,
        institution_id=staff.institution_id,
        institution_name=staff.institution.name,
        is_active=staff.is_active,
        employment=staff.employment,
        hire_route=staff.hire_route,
        birth_date=staff.birth_date,
        obligation_ends_on=staff.obligation_ends_on,
        pension_category=staff.pension_category,
        liability_insured=staff.liability_insured,
        monthly_salary=staff.monthly_salary,
        certificates=[CertificateOut.from_orm(c) for c in record.certificates],
        posts=[
            PostOut(
                id=p.pk,
                institution_id=p.institution_id,
                institution_name=p.institution.name,
                kind=p.kind,
                started_on=p.started_on,
                ended_on=p.ended_on,
            )
            for p in record.posts
        ],
        trainings=[TrainingOut.from_orm(t) for t in record.trainings],
        training_years=[
            TrainingYearOut(year=y.year, count=y.count, days=y.days, meets_hr5=y.meets_hr5)
            for y in record.training_years
        ],
        guidance_visits=[
            VisitOut(
                id=v.pk,
                host_id=v.host_id,
                host_name=v.host.name,
                kind=v.kind,
                started_on=v.started_on,
                ended_on=v.ended_on,
                is_retired_expert=v.is_retired_expert,
                as_deputy_head=v.as_deputy_head,
                note=v.note,
            )
            for v in record.visits
        ],
        obligation=ObligationOut(
            ends_on=record.obligation.ends_on,
            days_remaining=record.obligation.days_remaining,
            ended=record.obligation.ended,
        )
        if record.obligation
        else None,
        township_service=ServiceOut(
            longest_run_years=service.longest_run_years,
            cumulative_years=service.cumulative_years,
            consecutive_met=service.consecutive_met,
            cumulative_met=service.cumulative_met,
            flagged=service.flagged,
        ),
    )


@router.get(
    "/staff",
    response={200: list[StaffListOut], **ERRORS},
    summary="Staff in your scope (HR-1), filtered",
)
@paginate
def list_staff(request: HttpRequest, filters: Query[StaffQuery]) -> object:
    user = _user(request)
    wanted = filters.filters()
    return queries.filter_staff(
        access.list_staff(user, request=request, purpose="api list", detail=wanted.as_detail()),
        wanted,
    )


@router.get(
    "/staff/export.xlsx",
    response={200: None, **ERRORS},
    summary="Staff in your scope as an Excel roster (audited as an export)",
    openapi_extra={
        "responses": {
            200: {
                "description": "An .xlsx workbook",
                "content": {
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}
                },
            }
        }
    },
)
def export_staff(request: HttpRequest, filters: Query[StaffQuery]) -> HttpResponse:
    user = _user(request)
    wanted = filters.filters()
    staff = queries.filter_staff(
        access.export_staff(user, request=request, purpose="api export", detail=wanted.as_detail()),
        wanted,
    ).prefetch_related(Prefetch("certificates", queryset=Certificate.objects.order_by("id")))
    return xlsx_response(
        f"staff-{timezone.localdate():%Y%m%d}.xlsx",
        roster.headers(),
        roster.roster_rows(staff),
        title=_("Staff"),
    )


@router.get(
    "/staff/{staff_id}",
    response={200: StaffOut, **ERRORS},
    summary="One staff member with certificates, posts, trainings and guidance visits",
)
def get_staff(request: HttpRequest, staff_id: int) -> StaffOut:
    staff = access.get_staff(_user(request), staff_id, request=request, purpose="api read")
    return _staff_out(queries.staff_record(staff, timezone.localdate()))


class CertificateIn(Schema):
    kind: str
    number: str = ""
    scope: str = ""
    general_practice_added: bool = False
    issued_on: dt.date | None = None
    valid_until: dt.date | None = None


class TrainingIn(Schema):
    topic: str
    provider: str = ""
    level: str
    started_on: dt.date
    ended_on: dt.date
    is_free: bool = True


class VisitIn(Schema):
    host_id: int
    kind: str
    started_on: dt.date
    ended_on: dt.date
    is_retired_expert: bool = False
    as_deputy_head: bool = False
    note: str = ""


def _save(
    request: HttpRequest,
    staff_id: int,
    form_class: "type[forms.ModelForm[Any]]",
    data: dict[str, Any],
    what: str,
) -> Any:
    """Validate with the page's form, save for the staff member, audit the change."""
    user = _user(request)
    staff = access.get_staff(user, staff_id, request=request, purpose=f"api add {what}")  # or 404
    _editor(request)  # 403 for those who may only look
    form = form_class(data={key: "" if value is None else value for key, value in data.items()})
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        raise DomainError("invalid_input", str(errors[0]), None if field == "__all__" else field)
    row = form.save(commit=False)
    row.staff = staff
    row.save()
    access.record_change(
        user,
        staff,
        request=request,
        purpose=f"api add {what}",
        detail={"added": what, "id": row.pk},
    )
    return row


@router.post(
    "/staff/{staff_id}/certificates",
    response={201: CertificateOut, **WRITE_ERRORS},
    summary="Add a certificate (HR-1; editors)",
)
def add_certificate(
    request: HttpRequest, staff_id: int, payload: CertificateIn
) -> Status[Certificate]:
    return Status(201, _save(request, staff_id, CertificateForm, payload.dict(), "certificate"))


@router.post(
    "/staff/{staff_id}/trainings",
    response={201: TrainingOut, **WRITE_ERRORS},
    summary="Add a training record (HR-5; editors)",
)
def add_training(
    request: HttpRequest, staff_id: int, payload: TrainingIn
) -> Status[TrainingRecord]:
    return Status(201, _save(request, staff_id, TrainingForm, payload.dict(), "training"))


@router.post(
    "/staff/{staff_id}/visits",
    response={201: VisitOut, **WRITE_ERRORS},
    summary="Add a guidance visit given (HR-3; editors)",
)
def add_visit(request: HttpRequest, staff_id: int, payload: VisitIn) -> Status[VisitOut]:
    data = payload.dict()
    data["host"] = data.pop("host_id")
    visit: GuidanceVisit = _save(request, staff_id, GuidanceVisitForm, data, "guidance visit")
    return Status(
        201,
        VisitOut(
            id=visit.pk,
            host_id=visit.host_id,
            host_name=visit.host.name,
            kind=visit.kind,
            started_on=visit.started_on,
            ended_on=visit.ended_on,
            is_retired_expert=visit.is_retired_expert,
            as_deputy_head=visit.as_deputy_head,
            note=visit.note,
        ),
    )


class RatesOut(Schema):
    public_health_per_person_year: Decimal
    essential_drug_per_person_year: Decimal
    post_per_month: Decimal
    consultation_fee_per_visit: Decimal
    population_floor: int
    graduate_post_allowance_per_month: Decimal
    integrated_clinic_operating_per_year: Decimal


class LineOut(Schema):
    key: str
    rate: Decimal
    basis: Decimal
    amount: Decimal | None
    recorded: bool
    citation: list[str]


class DoctorSubsidyOut(Schema):
    staff_id: int
    name: str
    clinic_id: int
    clinic_name: str
    service_population: Decimal
    subsidised_population: Decimal
    floor_applied: bool
    lines: list[LineOut]
    total: Decimal


class ClinicFundsOut(Schema):
    clinic_id: int
    name: str
    population: int
    integrated: bool
    doctors: int
    operating_funds: Decimal
    citation: list[str]


class SubsidiesOut(Schema):
    rates: RatesOut
    doctors: list[DoctorSubsidyOut]
    clinics: list[ClinicFundsOut]
    totals: dict[str, Decimal]
    doctor_total: Decimal
    clinic_total: Decimal
    grand_total: Decimal


@router.get(
    "/subsidies",
    response={200: SubsidiesOut, **ERRORS},
    summary="Village doctor subsidies in your scope (HR-9: SXI-24, SXM-36, WD-8, WD-10)",
)
def subsidies(request: HttpRequest) -> SubsidiesOut:
    user = _user(request)
    try:
        rates = queries.county_subsidy_rates()
    except queries.SubsidyParametersError as error:
        raise DomainError("parameters_unavailable", str(error)) from error
    result = queries.subsidy_breakdown(
        user, rates, request=request, purpose="api village doctor subsidies"
    )
    return SubsidiesOut(
        rates=RatesOut(**vars(rates)),
        doctors=[
            DoctorSubsidyOut(
                staff_id=d.doctor.staff_id,
                name=d.doctor.name,
                clinic_id=d.clinic.clinic_id,
                clinic_name=d.clinic.name,
                service_population=d.service_population,
                subsidised_population=d.subsidised_population,
                floor_applied=d.floor_applied,
                lines=[
                    LineOut(
                        key=line.key,
                        rate=line.rate,
                        basis=line.basis,
                        amount=line.amount,
                        recorded=line.amount is not None,
                        citation=list(line.citation),
                    )
                    for line in d.lines
                ],
                total=d.total,
            )
            for d in result.doctors
        ],
        clinics=[
            ClinicFundsOut(
                clinic_id=c.clinic.clinic_id,
                name=c.clinic.name,
                population=c.clinic.population,
                integrated=c.clinic.integrated,
                doctors=c.doctors,
                operating_funds=c.operating_funds,
                citation=list(c.citation),
            )
            for c in result.clinics
        ],
        totals=result.totals,
        doctor_total=result.doctor_total,
        clinic_total=result.clinic_total,
        grand_total=result.grand_total,
    )


@router.post(
    "/roster",
    response={200: ImportReportOut, **WRITE_ERRORS},
    summary="Import a staff roster (.xlsx or .csv; HR-1; editors)",
)
def import_roster(request: HttpRequest, file: File[UploadedFile]) -> ImportReportOut:
    user = _editor(request)
    if file.size is not None and file.size > MAX_ROSTER_BYTES:
        raise DomainError("file_too_large", _("The file is larger than 5 MB."), "file")
    try:
        report = roster.import_file(file.read(), file.name or "", user=user, request=request)
    except SpreadsheetError as error:
        raise DomainError("unreadable_file", str(error), "file") from error
    return import_report_out(report)
