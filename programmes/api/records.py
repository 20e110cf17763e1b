"""Programme records API (PH-2, PH-6): enrolments with their schedule, enrolling, confirming,
declining and closing, visits, and health education activities.

Enrolments and visits come only through ``programmes.access``, residents through
``accounts.scope`` (scoped, audited; out of scope: 404); identifiers in lists are masked. Input
is checked by the same Django forms as the pages, so the ranges, messages and the server-side
classification are the pages'; a form's first error is the ``{"code", "message", "field"}``
error. Residents and specialists get 404; staff who may only read get 403 ``not_allowed`` on
changes.
"""

import datetime as dt
from typing import Any, NoReturn

from django import forms
from django.http import Http404, HttpRequest, QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from accounts import scope
from accounts.models import User
from jiceng.errors import DomainError
from jiceng.masking import mask_citizen_id
from jiceng.schemas import ERRORS, ErrorOut
from programmes import access, services
from programmes.assessment import classification_label
from programmes.contacts import contact_label
from programmes.forms import (
    ConfirmForm,
    DeclineForm,
    EducationForm,
    EnrolForm,
    ExitForm,
    default_contact,
)
from programmes.models import EducationActivity, Enrolment, Programme, Visit
from programmes.rules import Due
from programmes.views import education as education_views
from programmes.views import records as pages
from workforce import access as staff_access

router = Router(tags=["programme records"])
WRITE_ERRORS: dict[int, type[Schema]] = {**ERRORS, 403: ErrorOut}

API_FIELDS = {
    "performed_by": "performed_by_id",
    "doctor": "doctor_id",
    "team": "team_id",
    "institution": "institution_id",
    "held_by": "held_by_id",
}
"""Form field → API field, where the names differ."""
EXIT_FIELDS = {"exit_reason": "reason", "exited_on": "on_date"}


class NotAllowedError(DomainError):
    status = 403


def _user(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    if not isinstance(user, User) or user.role in pages.NO_PROGRAMME_PAGES:
        raise Http404
    return user


def _recorder(request: HttpRequest) -> User:
    user = _user(request)
    if not pages.may_record(user):
        raise NotAllowedError("not_allowed", _("You may read these records but not change them."))
    return user


def refuse(form: forms.BaseForm, names: dict[str, str] = API_FIELDS) -> NoReturn:
    """Raise the form's first error in the API's error format, on the API's field name."""
    for name, errors in form.errors.as_data().items():
        error = errors[0]
        field = None if name == "__all__" else names.get(name, name)
        raise DomainError(error.code or "invalid_input", next(iter(error.messages), ""), field)
    raise DomainError("invalid_input", "")


def form_data(
    payload: Schema, *, exclude: set[str] | None = None, names: dict[str, str] = API_FIELDS
) -> QueryDict:
    """A JSON body as a form's data: API names back to the form's, lists kept as lists."""
    form_names = {api: form for form, api in names.items()}
    data = QueryDict(mutable=True)
    for name, value in payload.model_dump(exclude_none=True, exclude=exclude).items():
        key = form_names.get(name, name)
        if isinstance(value, list):
            data.setlist(key, [str(item) for item in value])
        elif isinstance(value, bool):
            if value:
                data[key] = "on"
        elif isinstance(value, dt.date):
            data[key] = value.isoformat()
        else:
            data[key] = str(value)
    return data


# Schemas ----------------------------------------------------------------------------------


class DueOut(Schema):
    contact: str
    contact_label: str
    due_on: dt.date
    window_start: dt.date
    window_end: dt.date
    citation: str


def due_out(due: Due | None) -> DueOut | None:
    if due is None:
        return None
    return DueOut(
        contact=due.contact,
        contact_label=contact_label(due.contact),
        due_on=due.due_on,
        window_start=due.window_start,
        window_end=due.window_end,
        citation=due.citation,
    )


class VisitOut(Schema):
    id: int
    enrolment_id: int
    contact: str
    contact_label: str
    date: dt.date
    way: str
    performed_by_id: int | None
    sbp: int | None
    dbp: int | None
    heart_rate: int | None
    weight_kg: float | None
    height_cm: float | None
    fpg_mmol_l: float | None
    risk_level: int | None
    doses_missed: int | None
    classification: str
    classification_label: str
    referral: bool
    urgent_referral: bool
    next_due_on: dt.date | None
    data: dict[str, Any] = Field(description="the rest of the form, under spec §3 field names")


def visit_out(visit: Visit) -> VisitOut:
    return VisitOut(
        id=visit.pk,
        enrolment_id=visit.enrolment_id,
        contact=visit.contact,
        contact_label=contact_label(visit.contact),
        date=visit.date,
        way=visit.way,
        performed_by_id=visit.performed_by_id,
        sbp=visit.sbp,
        dbp=visit.dbp,
        heart_rate=visit.heart_rate,
        weight_kg=visit.weight_kg,
        height_cm=visit.height_cm,
        fpg_mmol_l=visit.fpg_mmol_l,
        risk_level=visit.risk_level,
        doses_missed=visit.doses_missed,
        classification=visit.classification,
        classification_label=classification_label(visit.classification),
        referral=visit.referral,
        urgent_referral=visit.urgent_referral,
        next_due_on=visit.next_due_on,
        data=visit.data,
    )


class EnrolmentOut(Schema):
    id: int
    resident_id: int
    name: str
    citizen_id: str = Field(description="masked")
    programme: str
    status: str
    reason: str
    proposed_on: dt.date
    enrolled_on: dt.date | None
    exited_on: dt.date | None
    exit_reason: str
    exit_note: str
    institution_id: int | None
    team_id: int | None
    doctor_id: int | None
    diagnosis_icd10: str
    diagnosed_on: dt.date | None
    lmp_date: dt.date | None
    delivery_date: dt.date | None
    discharge_date: dt.date | None
    high_risk: bool
    tb_phase: str
    tb_supervisor: str
    tb_doses_taken: int | None
    next_contact: str
    next_contact_label: str
    next_due_on: dt.date | None
    window_start: dt.date | None
    window_end: dt.date | None
    last_visit_on: dt.date | None
    last_classification: str


class ScheduleRowOut(Schema):
    contact: str
    contact_label: str
    due_on: dt.date | None
    window_start: dt.date | None
    window_end: dt.date | None
    status: str = Field(json_schema_extra={"enum": ["done", "owed", "missed", "next"]})
    visit_id: int | None


class EnrolmentDetailOut(EnrolmentOut):
    schedule: list[ScheduleRowOut]
    visits: list[VisitOut] = Field(description="newest first")


def enrolment_out(enrolment: Enrolment) -> dict[str, Any]:
    resident = enrolment.resident
    fields = set(EnrolmentOut.model_fields) - {"name", "citizen_id", "next_contact_label"}
    values = {name: getattr(enrolment, name) for name in fields}
    return {
        **values,
        "name": resident.name,
        "citizen_id": mask_citizen_id(resident.citizen_id or ""),
        "next_contact_label": contact_label(enrolment.next_contact),
    }


def _detail(user: User, enrolment: Enrolment) -> EnrolmentDetailOut:
    visits = pages.visits_of(user, enrolment)
    rows = pages.schedule_rows(
        enrolment, enrolment.resident.birth_date, visits, timezone.localdate()
    )
    return EnrolmentDetailOut(
        **enrolment_out(enrolment),
        schedule=[
            ScheduleRowOut(
                contact=row.contact,
                contact_label=row.label,
                due_on=row.due_on,
                window_start=row.window_start,
                window_end=row.window_end,
                status=row.status,
                visit_id=row.visit.pk if row.visit else None,
            )
            for row in rows
        ],
        visits=[visit_out(visit) for visit in reversed(visits)],
    )


class EnrolIn(Schema):
    programme: str = Field(json_schema_extra={"enum": [*Programme.values]})
    on_date: dt.date = Field(description="enrolment date; for TB the notification date")
    lmp_date: dt.date | None = Field(default=None, description="maternal: required")
    discharge_date: dt.date | None = None
    high_risk: bool = False
    diagnosis_icd10: str | None = Field(default=None, description="HTN, T2DM, SMD: required")
    diagnosed_on: dt.date | None = None
    tb_phase: str | None = Field(default=None, description="TB: required")
    tb_supervisor: str | None = Field(default=None, description="TB: required")
    doctor_id: int | None = None
    team_id: int | None = None


class ConfirmIn(Schema):
    on_date: dt.date | None = Field(default=None, description="today if omitted")
    doctor_id: int | None = None
    team_id: int | None = None
    lmp_date: dt.date | None = None
    tb_phase: str | None = None
    tb_supervisor: str | None = None


class DeclineIn(Schema):
    note: str = Field(max_length=200)


class ExitIn(Schema):
    reason: str = Field(json_schema_extra={"enum": [*Enrolment.ExitReason.values]})
    on_date: dt.date | None = Field(default=None, description="today if omitted")
    note: str = ""


class VisitIn(Schema):
    """One visit; which fields count depends on the programme (spec §3, the page's form)."""

    contact: str | None = Field(default=None, description="the enrolment's next contact if omitted")
    date: dt.date | None = Field(default=None, description="today if omitted")
    way: str = Field(default="clinic", json_schema_extra={"enum": [*Visit.Way.values]})
    performed_by_id: int | None = None
    sbp: int | None = None
    dbp: int | None = None
    heart_rate: int | None = None
    weight_kg: float | None = None
    height_cm: float | None = None
    waist_cm: float | None = None
    fpg_mmol_l: float | None = None
    hba1c_percent: float | None = None
    temperature_c: float | None = None
    hb_g_l: int | None = None
    child_weight_kg: float | None = None
    child_length_cm: float | None = None
    head_cm: float | None = None
    gestational_weeks: int | None = None
    gestational_days: int | None = None
    delivery_date: dt.date | None = None
    discharge_date: dt.date | None = None
    risk_level: int | None = None
    psychotic_symptoms: str | None = None
    insight: str | None = None
    social_function: str | None = None
    serious_adverse_reaction: bool = False
    serious_physical_illness: bool = False
    tb_phase: str | None = None
    tb_supervisor: str | None = None
    doses_missed: int | None = None
    symptoms: list[str] = Field(default_factory=list)
    pregnant_or_lactating: bool = False
    adverse_reaction: bool = False
    adverse_reaction_uncontrollable: bool = False
    new_or_worse_complication: bool = False
    hypoglycaemia: bool = False
    abnormal: bool = False
    smoking_per_day: int | None = None
    drinking_liang_per_day: float | None = None
    exercise_times_per_week: int | None = None
    exercise_minutes: int | None = None
    salt: str | None = None
    staple_food_g: int | None = None
    adherence: str | None = None
    medication: str | None = None
    foot_pulse_left: str | None = None
    foot_pulse_right: str | None = None
    self_care: str | None = None
    development: str | None = None
    note: str | None = None


class VisitResultOut(Schema):
    visit: VisitOut
    classification: str
    classification_label: str
    referral: bool
    urgent_referral: bool
    advice: list[str]
    findings: list[str]
    bmi: float | None
    next_due: DueOut | None


class EducationIn(Schema):
    institution_id: int
    kind: str = Field(json_schema_extra={"enum": [*EducationActivity.Kind.values]})
    topic: str = Field(max_length=100)
    audience: str = Field(default="", json_schema_extra={"enum": ["", *Programme.values]})
    place: str = Field(max_length=100)
    date: dt.date
    attendance: int = Field(default=0, ge=0)
    materials: str = ""
    materials_count: int = Field(default=0, ge=0)
    held_by_id: int | None = None
    notes: str = ""


class EducationOut(Schema):
    id: int
    institution_id: int
    institution: str
    kind: str
    topic: str
    audience: str
    place: str
    date: dt.date
    attendance: int
    materials: str
    materials_count: int
    held_by_id: int | None
    held_by: str
    notes: str


def education_out(activity: EducationActivity) -> EducationOut:
    return EducationOut(
        id=activity.pk,
        institution_id=activity.institution_id,
        institution=activity.institution.name,
        kind=activity.kind,
        topic=activity.topic,
        audience=activity.audience,
        place=activity.place,
        date=activity.date,
        attendance=activity.attendance,
        materials=activity.materials,
        materials_count=activity.materials_count,
        held_by_id=activity.held_by_id,
        held_by=activity.held_by.name if activity.held_by else "",
        notes=activity.notes,
    )


class EducationQuery(Schema):
    year: int | None = None
    kind: str = Field(default="", json_schema_extra={"enum": ["", *EducationActivity.Kind.values]})
    institution_id: int | None = None


# Enrolments -------------------------------------------------------------------------------


@router.get(
    "/enrolments/{enrolment_id}",
    response={200: EnrolmentDetailOut, **ERRORS},
    summary="An enrolment with its whole schedule and its visits",
)
def get_enrolment(request: HttpRequest, enrolment_id: int) -> EnrolmentDetailOut:
    user = _user(request)
    enrolment = access.get_enrolment(user, enrolment_id, request=request, purpose="api enrolment")
    return _detail(user, enrolment)


@router.get(
    "/residents/{resident_id}/enrolments",
    response={200: list[EnrolmentOut], **ERRORS},
    summary="A resident's enrolments, open and closed (identifiers masked)",
)
def list_resident_enrolments(request: HttpRequest, resident_id: int) -> list[EnrolmentOut]:
    user = _user(request)
    resident = scope.get_resident(user, resident_id, request=request, purpose="api programmes")
    enrolments, _visits, _events = access.resident_programmes(
        user, resident.pk, request=request, purpose="api programmes"
    )
    rows = enrolments.select_related("resident").order_by("programme", "-proposed_on", "-id")
    return [EnrolmentOut(**enrolment_out(row)) for row in rows]


@router.post(
    "/residents/{resident_id}/enrolments",
    response={200: EnrolmentDetailOut, **WRITE_ERRORS},
    summary="Enrol a resident in a programme (eligibility by age and sex)",
)
def enrol(request: HttpRequest, resident_id: int, payload: EnrolIn) -> EnrolmentDetailOut:
    user = _recorder(request)
    resident = scope.get_resident(user, resident_id, request=request, purpose="api enrolment")
    if payload.programme not in Programme.values:
        raise DomainError("invalid_input", _("Unknown programme."), "programme")
    form = EnrolForm(
        form_data(payload, exclude={"programme"}),
        programme=payload.programme,
        resident=resident,
        doctors=staff_access.staff_in_scope(user),
        teams=pages.teams_for(user, resident),
        today=timezone.localdate(),
    )
    if not form.is_valid():
        refuse(form)
    enrolment = services.enrol(
        resident,
        payload.programme,
        user,
        on_date=form.cleaned_data["on_date"],
        reason=pages.ENROL_REASONS.get(Programme(payload.programme), Enrolment.Reason.MANUAL),
        institution_id=user.institution_id,
        **form.facts(),
    )
    return _detail(user, enrolment)


def _changing(request: HttpRequest, enrolment_id: int, purpose: str) -> tuple[User, Enrolment]:
    user = _recorder(request)
    return user, access.get_enrolment(user, enrolment_id, request=request, purpose=purpose)


@router.post(
    "/enrolments/{enrolment_id}/confirm",
    response={200: EnrolmentDetailOut, **WRITE_ERRORS},
    summary="Confirm a proposed enrolment (doctor, team, missing facts)",
)
def confirm(request: HttpRequest, enrolment_id: int, payload: ConfirmIn) -> EnrolmentDetailOut:
    user, enrolment = _changing(request, enrolment_id, "api confirm enrolment")
    today = timezone.localdate()
    data = form_data(payload)
    data.setdefault("on_date", today.isoformat())
    form = ConfirmForm(
        data,
        enrolment=enrolment,
        doctors=staff_access.staff_in_scope(user),
        teams=pages.teams_for(user, enrolment.resident),
        today=today,
    )
    if not form.is_valid():
        refuse(form)
    services.confirm(enrolment, user, on_date=form.cleaned_data["on_date"], **form.changes())
    return _detail(user, enrolment)


@router.post(
    "/enrolments/{enrolment_id}/decline",
    response={200: EnrolmentDetailOut, **WRITE_ERRORS},
    summary="Close a proposal without enrolling (with a note)",
)
def decline(request: HttpRequest, enrolment_id: int, payload: DeclineIn) -> EnrolmentDetailOut:
    user, enrolment = _changing(request, enrolment_id, "api decline enrolment")
    form = DeclineForm(form_data(payload))
    if not form.is_valid():
        refuse(form)
    services.decline(enrolment, user, on_date=timezone.localdate(), note=form.cleaned_data["note"])
    return _detail(user, enrolment)


@router.post(
    "/enrolments/{enrolment_id}/exit",
    response={200: EnrolmentDetailOut, **WRITE_ERRORS},
    summary="Close an enrolment under management (reason, date, note)",
)
def exit_enrolment(request: HttpRequest, enrolment_id: int, payload: ExitIn) -> EnrolmentDetailOut:
    user, enrolment = _changing(request, enrolment_id, "api exit enrolment")
    today = timezone.localdate()
    data = form_data(payload, names=EXIT_FIELDS)
    data.setdefault("exited_on", today.isoformat())
    form = ExitForm(data, today=today)
    if not form.is_valid():
        refuse(form, EXIT_FIELDS)
    cleaned = form.cleaned_data
    services.exit_enrolment(
        enrolment,
        user,
        on_date=cleaned["exited_on"],
        reason=cleaned["exit_reason"],
        note=cleaned["note"],
    )
    return _detail(user, enrolment)


@router.post(
    "/enrolments/{enrolment_id}/visits",
    response={200: VisitResultOut, **WRITE_ERRORS},
    summary="Record a visit: the page's checks and classification; returns the next contact",
)
def record_visit(request: HttpRequest, enrolment_id: int, payload: VisitIn) -> VisitResultOut:
    user, enrolment = _changing(request, enrolment_id, "api programme visit")
    if enrolment.status != Enrolment.Status.ACTIVE:
        raise DomainError(
            "not_active", _("Visits are recorded only for enrolments under management."), "status"
        )
    data = form_data(payload)
    data.setdefault("date", timezone.localdate().isoformat())
    data.setdefault("contact", default_contact(enrolment))
    if payload.performed_by_id is None and user.staff_id is not None:
        data["performed_by"] = str(user.staff_id)
    visits = pages.visits_of(user, enrolment)
    form = pages.visit_form(user, enrolment, data, staff=staff_access.staff_in_scope(user))
    if not form.is_valid():
        refuse(form)
    visit, outcome = form.save(user, visits)
    return VisitResultOut(
        visit=visit_out(visit),
        classification=outcome.classification,
        classification_label=outcome.classification_label,
        referral=outcome.referral,
        urgent_referral=outcome.urgent_referral,
        advice=list(outcome.advice),
        findings=list(outcome.findings),
        bmi=outcome.bmi,
        next_due=due_out(outcome.next_due),
    )


# Health education ------------------------------------------------------------------------


@router.get(
    "/education",
    response={200: list[EducationOut], **ERRORS},
    summary="Health education activities of the user's institutions (PH-6)",
)
def list_education(request: HttpRequest, filters: Query[EducationQuery]) -> list[EducationOut]:
    user = _user(request)
    chosen = education_views.Filters(filters.year, filters.kind, filters.institution_id)
    rows = education_views.filtered(user, chosen).select_related("institution", "held_by")
    return [education_out(row) for row in rows]


def _education_form(
    request: HttpRequest, user: User, payload: EducationIn, activity: EducationActivity | None
) -> EducationActivity:
    if not education_views.may_record(user):
        raise NotAllowedError("not_allowed", _("You may not record health education activities."))
    form = EducationForm(
        form_data(payload),
        instance=activity,
        institutions=access.education_institutions(user),
        staff=staff_access.staff_in_scope(user),
        today=timezone.localdate(),
    )
    if not form.is_valid():
        refuse(form)
    saved = form.save(commit=False)
    if activity is None:
        saved.recorded_by = user
    saved.save()
    return saved


@router.post(
    "/education",
    response={200: EducationOut, **WRITE_ERRORS},
    summary="Record a health education activity",
)
def create_education(request: HttpRequest, payload: EducationIn) -> EducationOut:
    user = _user(request)
    return education_out(_education_form(request, user, payload, None))


@router.post(
    "/education/{activity_id}",
    response={200: EducationOut, **WRITE_ERRORS},
    summary="Change a health education activity (all fields)",
)
def update_education(request: HttpRequest, activity_id: int, payload: EducationIn) -> EducationOut:
    user = _user(request)
    activity = access.education_in_scope(user).filter(pk=activity_id).first()
    if activity is None:
        raise Http404
    return education_out(_education_form(request, user, payload, activity))
