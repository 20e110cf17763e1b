"""The institution registry API (ORG-1, ORG-3, ORG-6, MED-8).

Institutions are a public registry: any signed-in user or token may read them. Changes (the
capabilities, village service exceptions, roster import) are for registry editors only
(``actions.can_edit``); others get 403 ``not_an_editor``. Every change is audited.
"""

import datetime as dt
from typing import Any

from django.db.models import Count, Prefetch, QuerySet, TextChoices
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, FilterSchema, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import Field

from accounts.models import User
from divisions.models import Division
from institutions import actions, roster
from institutions.models import (
    Capabilities,
    FeverClinic,
    GroupMembership,
    HospitalLevel,
    Institution,
    MedicalGroup,
    PracticeSubject,
    VillageServiceException,
)
from institutions.queries import CAPABILITY_FILTERS, Filters, filter_institutions
from jiceng.errors import DomainError
from jiceng.schemas import ERRORS, ErrorOut, ImportReportOut, import_report_out
from jiceng.spreadsheets import SpreadsheetError, xlsx_response

router = Router(tags=["institutions"])
EDIT_ERRORS: dict[int, type[Schema]] = {**ERRORS, 403: ErrorOut}
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
SMALL = 32767
API_PURPOSE = "registry API"


def _user(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    if not isinstance(user, User):
        raise Http404
    return user


def _editor(request: HttpRequest) -> User:
    user = _user(request)
    actions.require_api_editor(user)
    return user


# --- schemas ----------------------------------------------------------------------------------


def _one_of(choices: type[TextChoices]) -> str:
    return "One of: " + ", ".join(choices.values)


class CapabilitiesOut(Schema):
    hospital_level: str
    approved_scope: list[str]
    has_tcm_hall: bool
    stocks_chinese_patent_medicines: bool
    fever_clinic: str
    negative_pressure_ambulances: int
    has_infectious_disease_department: bool
    has_vaccination_clinic: bool
    is_emergency_point: bool
    emergency_teams: int
    offers_iv: bool
    iv_authorised: bool
    beds_general: int
    beds_rehabilitation: int
    beds_nursing: int
    beds_hospice: int
    beds_elderly_care: int
    specialty_departments: list[str]
    characteristic_specialty: str
    staffing_quota: int | None
    professional_quota: int | None
    quota_reviewed_on: dt.date | None


class DesignationOut(Schema):
    id: int
    kind: str
    since: dt.date


class InstitutionOut(Schema):
    id: int
    code: str
    name: str
    type: str
    is_central: bool
    ownership: str
    is_legal_entity: bool
    parent_id: int | None
    division_id: int
    served_division_ids: list[int]
    capabilities: CapabilitiesOut | None
    designations: list[DesignationOut]

    @staticmethod
    def resolve_served_division_ids(obj: Institution) -> list[int]:
        return [division.pk for division in obj.served_divisions.all()]

    @staticmethod
    def resolve_capabilities(obj: Institution) -> Capabilities | None:
        try:
            return obj.capabilities
        except Capabilities.DoesNotExist:
            return None

    @staticmethod
    def resolve_designations(obj: Institution) -> list[Any]:
        return list(obj.designations.all())


class CapabilitiesIn(Schema):
    """Every capability (PUT). Counts are whole numbers ≥ 0."""

    hospital_level: str = Field(HospitalLevel.NONE.value, description=_one_of(HospitalLevel))
    approved_scope: list[str] = []
    has_tcm_hall: bool = False
    stocks_chinese_patent_medicines: bool = False
    fever_clinic: str = Field(FeverClinic.NONE.value, description=_one_of(FeverClinic))
    negative_pressure_ambulances: int = Field(0, ge=0, le=SMALL)
    has_infectious_disease_department: bool = False
    has_vaccination_clinic: bool = False
    is_emergency_point: bool = False
    emergency_teams: int = Field(0, ge=0, le=SMALL)
    offers_iv: bool = False
    iv_authorised: bool = False
    beds_general: int = Field(0, ge=0, le=SMALL)
    beds_rehabilitation: int = Field(0, ge=0, le=SMALL)
    beds_nursing: int = Field(0, ge=0, le=SMALL)
    beds_hospice: int = Field(0, ge=0, le=SMALL)
    beds_elderly_care: int = Field(0, ge=0, le=SMALL)
    specialty_departments: list[str] = []
    characteristic_specialty: str = Field("", max_length=50)
    staffing_quota: int | None = Field(None, ge=0)
    professional_quota: int | None = Field(None, ge=0)
    quota_reviewed_on: dt.date | None = None


class CapabilitiesPatch(Schema):
    """Only the capabilities to change (PATCH)."""

    hospital_level: str | None = Field(None, description=_one_of(HospitalLevel))
    approved_scope: list[str] | None = None
    has_tcm_hall: bool | None = None
    stocks_chinese_patent_medicines: bool | None = None
    fever_clinic: str | None = Field(None, description=_one_of(FeverClinic))
    negative_pressure_ambulances: int | None = Field(None, ge=0, le=SMALL)
    has_infectious_disease_department: bool | None = None
    has_vaccination_clinic: bool | None = None
    is_emergency_point: bool | None = None
    emergency_teams: int | None = Field(None, ge=0, le=SMALL)
    offers_iv: bool | None = None
    iv_authorised: bool | None = None
    beds_general: int | None = Field(None, ge=0, le=SMALL)
    beds_rehabilitation: int | None = Field(None, ge=0, le=SMALL)
    beds_nursing: int | None = Field(None, ge=0, le=SMALL)
    beds_hospice: int | None = Field(None, ge=0, le=SMALL)
    beds_elderly_care: int | None = Field(None, ge=0, le=SMALL)
    specialty_departments: list[str] | None = None
    characteristic_specialty: str | None = Field(None, max_length=50)
    staffing_quota: int | None = Field(None, ge=0)
    professional_quota: int | None = Field(None, ge=0)
    quota_reviewed_on: dt.date | None = None


class MemberOut(Schema):
    institution_id: int
    institution_name: str
    role: str
    joined_on: dt.date | None
    keeps_legal_status: bool


class GroupOut(Schema):
    id: int
    name: str
    county_id: int
    lead_id: int
    lead_name: str
    trustee: str
    founded_on: dt.date | None
    member_count: int


class GroupDetailOut(GroupOut):
    members: list[MemberOut]


class ExceptionOut(Schema):
    id: int
    village_id: int
    village_name: str
    kind: str
    served_by_id: int | None
    reason: str
    recorded_on: dt.date


class ExceptionIn(Schema):
    village_id: int
    kind: str
    served_by_id: int | None = None
    reason: str = ""
    recorded_on: dt.date | None = None


class InstitutionFilter(FilterSchema):
    type: str | None = None
    parent_id: int | None = None
    division_id: int | None = None


class RegistryQuery(Schema):
    ownership: str | None = None
    designation: str | None = None
    capability: str | None = Field(None, description="One of: " + ", ".join(CAPABILITY_FILTERS))


# --- institutions -----------------------------------------------------------------------------


def _institutions() -> QuerySet[Institution]:
    return Institution.objects.select_related("capabilities").prefetch_related(
        "served_divisions", "designations"
    )


@router.get(
    "/",
    response={200: list[InstitutionOut], **ERRORS},
    summary="Institutions, filtered by type, parent, division, ownership, designation, capability",
)
@paginate
def list_institutions(
    request: HttpRequest, filters: Query[InstitutionFilter], registry: Query[RegistryQuery]
) -> object:
    extra = Filters.from_query(registry.dict(exclude_none=True))
    return filters.filter(extra.apply(_institutions())).order_by("path")


@router.get(
    "/export",
    response=ERRORS,
    summary="The filtered institutions as an Excel roster (xlsx), in the import's columns",
    openapi_extra={
        "responses": {
            200: {
                "description": "xlsx workbook",
                "content": {
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}
                },
            }
        }
    },
)
def export_institutions(
    request: HttpRequest, filters: Query[InstitutionFilter], registry: Query[RegistryQuery]
) -> HttpResponse:
    _user(request)
    params = {**filters.dict(exclude_none=True), **registry.dict(exclude_none=True)}
    chosen = Filters.from_query(params)
    institutions = filter_institutions(chosen)
    if filters.parent_id is not None:
        institutions = institutions.filter(parent_id=filters.parent_id)
    if filters.division_id is not None:
        institutions = institutions.filter(division_id=filters.division_id)
    filename = f"{_('Institutions')}-{timezone.localdate():%Y-%m-%d}.xlsx"
    return xlsx_response(
        filename,
        roster.export_headers(),
        roster.export_rows(institutions),
        title=_("Institutions"),
    )


@router.post(
    "/roster",
    response={200: ImportReportOut, **EDIT_ERRORS},
    summary="Import an institution roster (.xlsx or .csv); every bad row is reported",
)
def import_roster(
    request: HttpRequest, file: File[UploadedFile], dry_run: bool = False
) -> ImportReportOut:
    user = _editor(request)
    if file.size is not None and file.size > MAX_UPLOAD_BYTES:
        raise DomainError("file_too_large", _("The file is larger than 5 MB."), "file")
    try:
        report = roster.import_roster(
            file.read(), file.name or "", user=user, request=request, dry_run=dry_run
        )
    except (SpreadsheetError, roster.MissingColumnsError) as error:
        raise DomainError("unreadable_file", str(error), "file") from error
    return import_report_out(report)


# --- medical groups (ORG-3) -------------------------------------------------------------------


def _group_out(group: MedicalGroup, member_count: int) -> dict[str, Any]:
    return {
        "id": group.pk,
        "name": group.name,
        "county_id": group.county_id,
        "lead_id": group.lead_id,
        "lead_name": group.lead.name,
        "trustee": group.trustee,
        "founded_on": group.founded_on,
        "member_count": member_count,
    }


@router.get("/groups", response={200: list[GroupOut], **ERRORS}, summary="County medical groups")
def list_groups(request: HttpRequest) -> list[GroupOut]:
    _user(request)
    groups = (
        MedicalGroup.objects.select_related("lead")
        .annotate(member_count=Count("memberships"))
        .order_by("name")
    )
    return [GroupOut(**_group_out(group, group.member_count)) for group in groups]


@router.get(
    "/groups/{group_id}",
    response={200: GroupDetailOut, **ERRORS},
    summary="A medical group with its members and their roles",
)
def get_group(request: HttpRequest, group_id: int) -> GroupDetailOut:
    _user(request)
    group = get_object_or_404(
        MedicalGroup.objects.select_related("lead").prefetch_related(
            Prefetch(
                "memberships",
                queryset=GroupMembership.objects.select_related("institution").order_by(
                    "institution__path"
                ),
            )
        ),
        pk=group_id,
    )
    members = [
        MemberOut(
            institution_id=membership.institution_id,
            institution_name=membership.institution.name,
            role=membership.role,
            joined_on=membership.joined_on,
            keeps_legal_status=membership.keeps_legal_status,
        )
        for membership in group.memberships.all()
    ]
    return GroupDetailOut(**_group_out(group, len(members)), members=members)


# --- village service exceptions (ORG-6) -------------------------------------------------------


def _exception_out(exception: VillageServiceException) -> ExceptionOut:
    return ExceptionOut(
        id=exception.pk,
        village_id=exception.village_id,
        village_name=exception.village.name,
        kind=exception.kind,
        served_by_id=exception.served_by_id,
        reason=exception.reason,
        recorded_on=exception.recorded_on,
    )


@router.get(
    "/village-exceptions",
    response={200: list[ExceptionOut], **ERRORS},
    summary="Villages without a clinic of their own, and why (ORG-6)",
)
def list_exceptions(request: HttpRequest) -> list[ExceptionOut]:
    _user(request)
    return [
        _exception_out(exception)
        for exception in VillageServiceException.objects.select_related("village").order_by(
            "village__code"
        )
    ]


@router.post(
    "/village-exceptions",
    response={200: ExceptionOut, **EDIT_ERRORS},
    summary="Record why a village has no clinic (ORG-6); the condition is checked",
)
def create_exception(request: HttpRequest, payload: ExceptionIn) -> ExceptionOut:
    user = _editor(request)
    village = Division.objects.filter(pk=payload.village_id).first()
    if village is None:
        raise DomainError("unknown_village", _("No division has this id."), "village_id")
    served_by = None
    if payload.served_by_id is not None:
        served_by = Institution.objects.filter(pk=payload.served_by_id).first()
        if served_by is None:
            raise DomainError(
                "unknown_institution", _("No institution has this id."), "served_by_id"
            )
    exception = VillageServiceException(
        village=village,
        kind=payload.kind,
        served_by=served_by,
        reason=payload.reason,
        recorded_on=payload.recorded_on or timezone.localdate(),
    )
    try:
        actions.save_exception(user, exception, request=request)
    except DomainError as error:
        error.field = {"village": "village_id", "served_by": "served_by_id"}.get(
            error.field or "", error.field
        )
        raise
    return _exception_out(exception)


@router.delete(
    "/village-exceptions/{exception_id}",
    response={204: None, **EDIT_ERRORS},
    summary="Delete a village service exception",
)
def delete_exception(request: HttpRequest, exception_id: int) -> Status[None]:
    user = _editor(request)
    exception = get_object_or_404(VillageServiceException, pk=exception_id)
    actions.delete_exception(user, exception, request=request)
    return Status(204, None)


# --- one institution --------------------------------------------------------------------------


@router.get(
    "/{institution_id}", response={200: InstitutionOut, **ERRORS}, summary="One institution"
)
def get_institution(request: HttpRequest, institution_id: int) -> Institution:
    return get_object_or_404(_institutions(), pk=institution_id)


def _check_values(values: dict[str, Any]) -> None:
    for name, choices in (("hospital_level", HospitalLevel), ("fever_clinic", FeverClinic)):
        if name in values and values[name] not in choices.values:
            raise DomainError(
                "invalid_choice",
                _("Unknown value; allowed: %(allowed)s") % {"allowed": ", ".join(choices.values)},
                name,
            )
    _check_subjects(values.get("approved_scope"))


def _check_subjects(codes: list[str] | None) -> None:
    unknown = [code for code in codes or [] if code not in PracticeSubject.values]
    if unknown:
        raise DomainError(
            "unknown_practice_subject",
            _("Unknown practice subject code %(code)s.") % {"code": ", ".join(unknown)},
            "approved_scope",
        )


def _set_capabilities(
    request: HttpRequest, institution_id: int, values: dict[str, Any]
) -> Institution:
    user = _editor(request)
    institution = get_object_or_404(Institution, pk=institution_id)
    _check_values(values)
    if "approved_scope" in values:
        values["approved_scope"] = sorted(set(values["approved_scope"]))
    actions.save_capabilities(user, institution, values, purpose=API_PURPOSE, request=request)
    return get_object_or_404(_institutions(), pk=institution_id)


@router.put(
    "/{institution_id}/capabilities",
    response={200: InstitutionOut, **EDIT_ERRORS},
    summary="Set every capability of an institution (MED-8); registry editors only",
)
def put_capabilities(
    request: HttpRequest, institution_id: int, payload: CapabilitiesIn
) -> Institution:
    return _set_capabilities(request, institution_id, payload.dict())


@router.patch(
    "/{institution_id}/capabilities",
    response={200: InstitutionOut, **EDIT_ERRORS},
    summary="Change some capabilities of an institution (MED-8); registry editors only",
)
def patch_capabilities(
    request: HttpRequest, institution_id: int, payload: CapabilitiesPatch
) -> Institution:
    values = payload.dict(exclude_unset=True)
    nullable = {"staffing_quota", "professional_quota", "quota_reviewed_on"}
    values = {k: v for k, v in values.items() if v is not None or k in nullable}
    return _set_capabilities(request, institution_id, values)
