"""Residents: personal data, so every handler goes through ``accounts.scope`` (IT-4).

Lists and reads are masked; ``reveal`` shows the full numbers for a stated purpose. The list
takes the same one-box search as the pages (``residents.search``). Village doctors, township
staff and the county health commission may change the health record (``PATCH``, PH-1), validated
by the same form as the edit page; others get 403 ``not_an_editor``.
"""

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.pagination import paginate

from accounts import scope
from accounts.models import User
from jiceng.errors import DomainError
from jiceng.masking import mask_citizen_id, mask_phone
from jiceng.schemas import ERRORS, ErrorOut
from residents.completeness import missing_items
from residents.forms import ResidentRecordForm, can_edit, clean_patch, first_error, save_record
from residents.models import Resident
from residents.search import search_residents
from residents.views import record_changes

router = Router(tags=["residents"])
EDIT_ERRORS: dict[int, type[Schema]] = {**ERRORS, 403: ErrorOut}


class ForbiddenError(DomainError):
    """The user may read the record but not change it."""

    status = 403


class ResidentListOut(Schema):
    id: int
    name: str
    sex: str
    birth_date: date
    citizen_id_masked: str
    phone_masked: str
    village_id: int
    record_status: str
    completeness: int

    @staticmethod
    def resolve_citizen_id_masked(obj: Resident) -> str:
        return mask_citizen_id(obj.citizen_id)

    @staticmethod
    def resolve_phone_masked(obj: Resident) -> str:
        return mask_phone(obj.phone)


class HistoryItemOut(Schema):
    id: int
    kind: str
    icd10: str
    name: str
    date: date | None


class FamilyHistoryOut(Schema):
    id: int
    relative: str
    condition: str
    icd10: str


class ResidentOut(ResidentListOut):
    household_number: str | None
    relation_to_head: str
    village_name: str
    township_name: str
    id_status: str
    id_problems: list[str]
    ethnicity: str
    residence_status: str
    insurance_type: str
    blood_group: str
    rh_negative: bool | None
    marital_status: str
    education: str
    occupation: str
    contact_name: str
    contact_phone_masked: str
    allergies: list[str]
    allergies_other: str
    disabilities: list[str]
    kitchen_ventilation: str
    fuel: str
    water: str
    toilet: str
    livestock_pen: str
    status_date: date | None
    missing_items: list[str]
    past_history: list[HistoryItemOut]
    family_history: list[FamilyHistoryOut]

    @staticmethod
    def resolve_household_number(obj: Resident) -> str | None:
        return obj.household.number if obj.household else None

    @staticmethod
    def resolve_village_name(obj: Resident) -> str:
        return obj.village.name

    @staticmethod
    def resolve_township_name(obj: Resident) -> str:
        return obj.village.parent.name if obj.village.parent else ""

    @staticmethod
    def resolve_contact_phone_masked(obj: Resident) -> str:
        return mask_phone(obj.contact_phone)

    @staticmethod
    def resolve_missing_items(obj: Resident) -> list[str]:
        values = {field.attname: getattr(obj, field.attname) for field in Resident._meta.fields}
        return missing_items(values, today=timezone.localdate())

    @staticmethod
    def resolve_past_history(obj: Resident) -> list[Any]:
        return list(obj.past_history.order_by("date", "pk"))

    @staticmethod
    def resolve_family_history(obj: Resident) -> list[Any]:
        return list(obj.family_history.order_by("relative", "pk"))


class ResidentPatchIn(Schema):
    """Only the fields sent are changed; the rest keep their values."""

    name: str | None = None
    sex: str | None = None
    birth_date: date | None = None
    citizen_id: str | None = None
    keep_flagged_id: bool | None = None
    phone: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    relation_to_head: str | None = None
    ethnicity: str | None = None
    residence_status: str | None = None
    insurance_type: str | None = None
    blood_group: str | None = None
    rh_negative: bool | None = None
    marital_status: str | None = None
    education: str | None = None
    occupation: str | None = None
    allergies: list[str] | None = None
    allergies_other: str | None = None
    disabilities: list[str] | None = None
    kitchen_ventilation: str | None = None
    fuel: str | None = None
    water: str | None = None
    toilet: str | None = None
    livestock_pen: str | None = None
    record_status: str | None = None
    status_date: date | None = None


class FieldChangeOut(Schema):
    field: str
    label: str
    old: str
    new: str


class VersionOut(Schema):
    at: datetime
    user: str
    kind: str
    changes: list[FieldChangeOut]


class RevealIn(Schema):
    purpose: str


class RevealOut(Schema):
    citizen_id: str
    phone: str
    contact_phone: str


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined, no-any-return]


@router.get(
    "/",
    response={200: list[ResidentListOut], **ERRORS},
    summary="Residents in your scope (masked); q searches name, pinyin, initials, ID, phone, "
    "household",
)
@paginate
def list_residents(
    request: HttpRequest,
    q: str = "",
    village_id: int | None = None,
    include_inactive: bool = False,
) -> object:
    return search_residents(
        _user(request),
        request=request,
        purpose="api list",
        query=q,
        village_id=village_id,
        include_inactive=include_inactive,
    )


@router.get(
    "/{resident_id}",
    response={200: ResidentOut, **ERRORS},
    summary="One resident's health record (ID and phone masked)",
)
def get_resident(request: HttpRequest, resident_id: int) -> Resident:
    return scope.get_resident(_user(request), resident_id, request=request, purpose="api read")


@router.patch(
    "/{resident_id}",
    response={200: ResidentOut, **EDIT_ERRORS},
    summary="Change fields of the health record (record editors only; validated, audited)",
)
def patch_resident(request: HttpRequest, resident_id: int, payload: ResidentPatchIn) -> Resident:
    user = _user(request)
    resident = scope.get_resident(user, resident_id, request=request, purpose="api edit")
    if not can_edit(user):
        raise ForbiddenError(
            "not_an_editor", _("Only the resident's doctors and the county may change a record.")
        )
    changes = payload.dict(exclude_unset=True)
    form = ResidentRecordForm(clean_patch(resident, changes), instance=resident)
    if not form.is_valid():
        raise DomainError(*first_error(form))
    save_record(form, user, request=request, purpose="api record edit")
    return resident


@router.get(
    "/{resident_id}/changes",
    response={200: list[VersionOut], **ERRORS},
    summary="History of changes of the record, newest first (ID and phone masked)",
)
def list_changes(request: HttpRequest, resident_id: int) -> list[VersionOut]:
    resident = scope.get_resident(
        _user(request), resident_id, request=request, purpose="api history of changes"
    )
    return [
        VersionOut(
            at=version.when,
            user=version.who,
            kind=version.kind,
            changes=[FieldChangeOut(**vars(change)) for change in version.changes],
        )
        for version in record_changes(resident, revealed=False)
    ]


@router.post(
    "/{resident_id}/reveal",
    response={200: RevealOut, **ERRORS},
    summary="Full ID and phone numbers, for a stated purpose (audited)",
)
def reveal_resident(request: HttpRequest, resident_id: int, payload: RevealIn) -> RevealOut:
    resident = scope.reveal_resident(
        _user(request), resident_id, request=request, purpose=payload.purpose
    )
    return RevealOut(
        citizen_id=resident.citizen_id, phone=resident.phone, contact_phone=resident.contact_phone
    )
