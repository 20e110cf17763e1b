"""Residents: personal data, so every handler goes through ``accounts.scope``."""

from datetime import date

from django.db.models import Q
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from accounts import scope
from jiceng.masking import mask_citizen_id, mask_phone
from jiceng.schemas import ERRORS
from residents.models import Resident

router = Router(tags=["residents"])


class ResidentListOut(Schema):
    id: int
    name: str
    sex: str
    birth_date: date
    citizen_id_masked: str
    phone_masked: str
    village_id: int

    @staticmethod
    def resolve_citizen_id_masked(obj: Resident) -> str:
        return mask_citizen_id(obj.citizen_id)

    @staticmethod
    def resolve_phone_masked(obj: Resident) -> str:
        return mask_phone(obj.phone)


class ResidentOut(ResidentListOut):
    household_number: str | None
    relation_to_head: str
    village_name: str
    township_name: str

    @staticmethod
    def resolve_household_number(obj: Resident) -> str | None:
        return obj.household.number if obj.household else None

    @staticmethod
    def resolve_village_name(obj: Resident) -> str:
        return obj.village.name

    @staticmethod
    def resolve_township_name(obj: Resident) -> str:
        return obj.village.parent.name if obj.village.parent else ""


class RevealIn(Schema):
    purpose: str


class RevealOut(Schema):
    citizen_id: str
    phone: str


@router.get(
    "/", response={200: list[ResidentListOut], **ERRORS}, summary="Residents in your scope (masked)"
)
@paginate
def list_residents(request: HttpRequest, q: str = "", village_id: int | None = None) -> object:
    residents = scope.list_residents(
        request.auth,  # type: ignore[attr-defined]
        request=request,
        purpose="api list",
        detail={"query": q, "village_id": village_id},
    )
    if q:
        residents = residents.filter(Q(name__startswith=q) | Q(citizen_id=q) | Q(phone=q))
    if village_id is not None:
        residents = residents.filter(village_id=village_id)
    return residents.order_by("id")


@router.get(
    "/{resident_id}", response={200: ResidentOut, **ERRORS}, summary="One resident (masked)"
)
def get_resident(request: HttpRequest, resident_id: int) -> Resident:
    return scope.get_resident(
        request.auth,  # type: ignore[attr-defined]
        resident_id,
        request=request,
        purpose="api read",
    )


@router.post(
    "/{resident_id}/reveal",
    response={200: RevealOut, **ERRORS},
    summary="Full ID and phone number, for a stated purpose (audited)",
)
def reveal_resident(request: HttpRequest, resident_id: int, payload: RevealIn) -> RevealOut:
    resident = scope.reveal_resident(
        request.auth,  # type: ignore[attr-defined]
        resident_id,
        request=request,
        purpose=payload.purpose,
    )
    return RevealOut(citizen_id=resident.citizen_id, phone=resident.phone)
