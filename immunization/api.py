"""Vaccination clinic API: slots, bookings, doses given, adverse events, emergency campaigns and
a child's forecast (PH-4, JC-32).

Residents come only through ``accounts.scope`` (audited; outside the scope: 404). An appointment
is reached through its resident, so it is as visible as the child it belongs to.
"""

import datetime as dt

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from accounts import scope
from accounts.models import Role, User
from immunization import actions
from immunization.models import (
    VACCINE_CHOICES,
    Appointment,
    TimeSlot,
    Vaccination,
    VaccinationClinic,
    VaccineBatch,
)
from immunization.queries import clinics_for, offerable_slots
from immunization.schemas import (
    AdverseEventIn,
    AdverseEventOut,
    AppointmentIn,
    AppointmentOut,
    CampaignIn,
    CampaignOut,
    ClinicOut,
    ImmunizationForecastOut,
    SlotOut,
    VaccinationIn,
    VaccinationOut,
    forecast_out,
)
from jiceng.errors import DomainError
from jiceng.schemas import ERRORS

router = Router(tags=["immunization"])
CAMPAIGN_ROLES = (Role.TOWNSHIP_STAFF, Role.COUNTY_HEALTH, Role.CDC)


def _user(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    if not isinstance(user, User):
        raise Http404
    return user


def _appointment_out(appointment: Appointment) -> AppointmentOut:
    return AppointmentOut(
        id=appointment.pk,
        resident_id=appointment.resident_id,
        slot_id=appointment.slot_id,
        date=appointment.slot.session.date,
        starts_at=appointment.slot.starts_at,
        doses=list(appointment.doses),
        status=appointment.status,
    )


def _appointment(user: User, appointment_id: int, request: HttpRequest) -> Appointment:
    """An appointment whose child is in the user's scope, or ``Http404``."""
    appointment = get_object_or_404(
        Appointment.objects.select_related("slot__session"), pk=appointment_id
    )
    appointment.resident = scope.get_resident(
        user, appointment.resident_id, request=request, purpose="vaccination appointment"
    )
    return appointment


class SlotQuery(Schema):
    resident_id: int
    clinic_id: int
    from_date: dt.date | None = Field(default=None, alias="from")
    to_date: dt.date | None = Field(default=None, alias="to")


@router.get("/clinics", response={200: list[ClinicOut], **ERRORS}, summary="Active clinics")
def list_clinics(request: HttpRequest) -> list[ClinicOut]:
    _user(request)
    return [
        ClinicOut(
            id=clinic.pk,
            name=clinic.name,
            institution_id=clinic.institution_id,
            institution_name=clinic.institution.name,
        )
        for clinic in VaccinationClinic.objects.filter(is_active=True).select_related("institution")
    ]


@router.get(
    "/slots",
    response={200: list[SlotOut], **ERRORS},
    summary="Free slots where a due dose of the child is valid and in stock",
)
def list_slots(request: HttpRequest, filters: Query[SlotQuery]) -> list[SlotOut]:
    user = _user(request)
    resident = scope.get_resident(
        user, filters.resident_id, request=request, purpose="vaccination booking"
    )
    clinic = get_object_or_404(VaccinationClinic, pk=filters.clinic_id, is_active=True)
    start = filters.from_date or timezone.localdate()
    end = filters.to_date or start + dt.timedelta(days=28)
    return [
        SlotOut(
            id=offer.slot.pk,
            clinic_id=clinic.pk,
            date=offer.slot.session.date,
            starts_at=offer.slot.starts_at,
            ends_at=offer.slot.ends_at,
            capacity=offer.slot.capacity,
            booked=offer.slot.booked,
            doses=offer.doses,
        )
        for offer in offerable_slots(user, resident, clinic, start, end)
    ]


@router.post(
    "/appointments", response={200: AppointmentOut, **ERRORS}, summary="Book a slot for a child"
)
def book(request: HttpRequest, payload: AppointmentIn) -> AppointmentOut:
    user = _user(request)
    resident = scope.get_resident(
        user, payload.resident_id, request=request, purpose="vaccination booking"
    )
    slot = get_object_or_404(TimeSlot, pk=payload.slot_id)
    appointment = actions.book_slot(user, resident, slot, payload.doses, request=request)
    return _appointment_out(
        Appointment.objects.select_related("slot__session").get(pk=appointment.pk)
    )


@router.post(
    "/appointments/{appointment_id}/cancel",
    response={200: AppointmentOut, **ERRORS},
    summary="Cancel a booking; its place is freed",
)
def cancel(request: HttpRequest, appointment_id: int) -> AppointmentOut:
    user = _user(request)
    appointment = _appointment(user, appointment_id, request)
    return _appointment_out(actions.cancel_appointment(user, appointment, request=request))


@router.post(
    "/vaccinations",
    response={200: VaccinationOut, **ERRORS},
    summary="Record a dose given (staff); warns when the engine says it does not count",
)
def record(request: HttpRequest, payload: VaccinationIn) -> VaccinationOut:
    user = _user(request)
    if user.role == Role.RESIDENT:
        raise Http404
    subject: Appointment | None = None
    if payload.appointment_id is not None:
        subject = _appointment(user, payload.appointment_id, request)
        resident = subject.resident
    elif payload.resident_id is not None:
        resident = scope.get_resident(
            user, payload.resident_id, request=request, purpose="record vaccination"
        )
    else:
        raise DomainError(
            "resident_required", _("Give resident_id or appointment_id."), "resident_id"
        )
    batch = get_object_or_404(VaccineBatch, pk=payload.batch_id)
    recorded = actions.record_vaccination(
        user,
        subject if subject is not None else resident,
        batch,
        payload.site,
        payload.route,
        payload.given_on,
        request=request,
    )
    vaccination = recorded.vaccination
    return VaccinationOut(
        id=vaccination.pk,
        resident_id=resident.pk,
        vaccine=vaccination.vaccine,
        dose=vaccination.dose,
        given_on=vaccination.given_on,
        batch_number=batch.batch_number,
        warnings=recorded.warnings,
    )


@router.post(
    "/adverse-events",
    response={200: AdverseEventOut, **ERRORS},
    summary="Report an adverse event following a recorded dose (staff)",
)
def report_adverse_event(request: HttpRequest, payload: AdverseEventIn) -> AdverseEventOut:
    user = _user(request)
    if user.role == Role.RESIDENT:
        raise Http404
    vaccination = get_object_or_404(Vaccination, pk=payload.vaccination_id)
    resident = scope.get_resident(
        user, vaccination.resident_id, request=request, purpose="report adverse event"
    )
    event = actions.record_adverse_event(
        user,
        vaccination,
        payload.onset_on,
        payload.description,
        payload.severity,
        request=request,
    )
    return AdverseEventOut(
        id=event.pk,
        vaccination_id=vaccination.pk,
        resident_id=resident.pk,
        onset_on=event.onset_on,
        severity=event.severity,
        description=event.description,
        reported_at=event.reported_at,
    )


@router.post(
    "/campaigns",
    response={200: CampaignOut, **ERRORS},
    summary="Emergency campaign: book the children in scope born in a range who are due a dose",
)
def plan_campaign(request: HttpRequest, payload: CampaignIn) -> CampaignOut:
    user = _user(request)
    if user.role not in CAMPAIGN_ROLES:
        raise Http404
    clinic = get_object_or_404(clinics_for(user), pk=payload.clinic_id)
    if payload.vaccine not in dict(VACCINE_CHOICES):
        raise DomainError("unknown_vaccine", _("Unknown vaccine."), "vaccine")
    if payload.birth_from > payload.birth_to:
        raise DomainError(
            "invalid_birth_range",
            _("The end of the birth date range is before its start."),
            "birth_to",
        )
    today = timezone.localdate()
    if any(day < today for day in payload.dates):
        raise DomainError("date_in_past", _("A campaign date is in the past."), "dates")
    result = actions.plan_campaign(
        user,
        clinic,
        payload.birth_from,
        payload.birth_to,
        payload.vaccine,
        list(dict.fromkeys(payload.dates)),
        request=request,
    )
    return CampaignOut(booked=result.booked, not_placed=result.not_placed)


@router.get(
    "/residents/{resident_id}/forecast",
    response={200: ImmunizationForecastOut, **ERRORS},
    summary="The child's schedule today, from the doses recorded",
)
def resident_forecast(request: HttpRequest, resident_id: int) -> ImmunizationForecastOut:
    user = _user(request)
    resident = scope.get_resident(
        user, resident_id, request=request, purpose="vaccination forecast"
    )
    result = actions.forecast_for(resident, timezone.localdate())
    if result is None:
        raise DomainError("not_born", _("The birth date is in the future."), "resident_id")
    return forecast_out(result)
