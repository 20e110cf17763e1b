"""Work list API (PH-3): the same buckets as the pages, for clients and village apps.

Enrolments come only through ``programmes.access`` (scoped, audited); identifiers are masked.
"""

import datetime as dt

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field

from accounts.models import User
from jiceng.masking import mask_citizen_id, mask_phone
from jiceng.schemas import ERRORS
from programmes import access, worklists
from programmes.models import Enrolment, Programme
from programmes.views.worklists import SUPERVISOR_ROLES, WORKLIST_ROLES

router = Router(tags=["work lists"])
BucketCode = str


def _user(request: HttpRequest, roles: frozenset[str]) -> User:
    user = request.auth  # type: ignore[attr-defined]
    if not isinstance(user, User) or user.role not in roles:
        raise Http404
    return user


class WorklistQuery(Schema):
    date: dt.date | None = Field(default=None, description="the day; today if omitted")
    bucket: str = Field(default="", json_schema_extra={"enum": ["", *worklists.BUCKET_LABELS]})
    programme: str = Field(default="", json_schema_extra={"enum": ["", *Programme.values]})
    village: int | None = None
    doctor: int | None = Field(default=None, description="responsible doctor (staff id)")
    sort: str = Field(
        default=worklists.DEFAULT_SORT, json_schema_extra={"enum": list(worklists.SORTS)}
    )
    limit: int = Field(default=100, ge=1, le=1000)
    offset: int = Field(default=0, ge=0)


class WorkItemOut(Schema):
    enrolment_id: int
    resident_id: int
    name: str
    sex: str
    birth_date: dt.date
    citizen_id: str = Field(description="masked")
    phone: str = Field(description="masked")
    village_id: int
    village: str
    programme: str
    bucket: str
    next_contact: str
    next_due_on: dt.date | None
    window_start: dt.date | None
    window_end: dt.date | None
    days_overdue: int | None
    proposed_on: dt.date
    doctor_id: int | None


class WorklistOut(Schema):
    date: dt.date
    counts: dict[str, int]
    total: int
    items: list[WorkItemOut]


def _item(enrolment: Enrolment, today: dt.date) -> WorkItemOut:
    resident = enrolment.resident
    return WorkItemOut(
        enrolment_id=enrolment.pk,
        resident_id=resident.pk,
        name=resident.name,
        sex=resident.sex,
        birth_date=resident.birth_date,
        citizen_id=mask_citizen_id(resident.citizen_id),
        phone=mask_phone(resident.phone),
        village_id=resident.village_id,
        village=resident.village.name,
        programme=enrolment.programme,
        bucket=worklists.bucket_of(enrolment),
        next_contact=enrolment.next_contact,
        next_due_on=enrolment.next_due_on,
        window_start=enrolment.window_start,
        window_end=enrolment.window_end,
        days_overdue=worklists.days_overdue(enrolment, today),
        proposed_on=enrolment.proposed_on,
        doctor_id=enrolment.doctor_id,
    )


@router.get("", response={200: WorklistOut, **ERRORS}, summary="A work list for the day")
def worklist(request: HttpRequest, query: Query[WorklistQuery]) -> WorklistOut:
    user = _user(request, WORKLIST_ROLES)
    today = query.date or timezone.localdate()
    filters = worklists.Filters(
        bucket=query.bucket if query.bucket in worklists.BUCKET_LABELS else "",
        programme=query.programme if query.programme in Programme.values else "",
        village_id=query.village,
        doctor_id=query.doctor,
        sort=query.sort if query.sort in worklists.SORTS else worklists.DEFAULT_SORT,
    )
    enrolments = access.list_enrolments(
        user, request=request, purpose="work list (API)", detail={"date": str(today)}
    )
    counts = worklists.counts(worklists.narrowed(enrolments, filters), today)
    rows = worklists.items(enrolments, today, filters)[query.offset : query.offset + query.limit]
    return WorklistOut(
        date=today,
        counts=counts,
        total=sum(counts.values()) if not filters.bucket else counts[filters.bucket],
        items=[_item(row, today) for row in rows],
    )


class CountRowOut(Schema):
    key: int | None
    label: str
    parent: str
    counts: dict[str, int]
    total: int


class OverviewQuery(Schema):
    date: dt.date | None = None
    by: str = Field(default="village", json_schema_extra={"enum": ["village", "doctor"]})
    programme: str = Field(default="", json_schema_extra={"enum": ["", *Programme.values]})


@router.get(
    "/overview", response={200: list[CountRowOut], **ERRORS}, summary="Counts per village or doctor"
)
def overview(request: HttpRequest, query: Query[OverviewQuery]) -> list[CountRowOut]:
    user = _user(request, SUPERVISOR_ROLES)
    today = query.date or timezone.localdate()
    enrolments = access.enrolments_in_scope(user)
    if query.programme in Programme.values:
        enrolments = enrolments.filter(programme=query.programme)
    by = query.by if query.by in ("village", "doctor") else "village"
    return [
        CountRowOut(
            key=row.key, label=row.label, parent=row.parent, counts=row.counts, total=row.total
        )
        for row in worklists.counts_by(enrolments, today, by)
    ]
