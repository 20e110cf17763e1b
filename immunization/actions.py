"""State changes of the vaccination clinic: booking, cancelling, recording doses (PH-4, JC-32).

Each action is one transaction and writes an audit entry. No overbooking: a booking takes its
place with ONE conditional UPDATE (``booked < capacity``) and checks the row count, which is
atomic on SQLite and on PostgreSQL alike; the CheckConstraint ``booked <= capacity`` is the
second line of defence.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import audit, scope
from accounts.models import User
from immunization.forecasts import DoseStatus, Forecast
from immunization.models import (
    AdverseEvent,
    Appointment,
    TimeSlot,
    Vaccination,
    VaccinationClinic,
    VaccineBatch,
)
from immunization.rules import ReceivedDose, forecast
from immunization.schedule_types import Schedule
from immunization.schedules import SCHEDULES
from jiceng.errors import DomainError
from residents.models import Resident

APPOINTMENT = "immunization.appointment"
VACCINATION = "immunization.vaccination"
ADVERSE_EVENT = "immunization.adverse_event"
# The DTaP/DT change of the 2025 notice applies from 2025-01-01 (spec §5, confidence C).
SCHEDULE_2025_FROM = date(2025, 1, 1)


def schedule_for(birth_date: date) -> Schedule:
    """The schedule a child follows, by birth cohort: children born from 2025-01-01 on NIP-2025;
    older children keep NIP-2021, so the doses they had on time (DTaP at 3, 4, 5 months) stay
    valid. The notice's transition rules were not retrieved (spec §5); this is our reading."""
    return SCHEDULES["NIP-2025" if birth_date >= SCHEDULE_2025_FROM else "NIP-2021"]


def history(resident: Resident, until: date) -> list[ReceivedDose]:
    """The doses recorded for ``resident`` up to and including ``until``."""
    return [
        ReceivedDose(vaccine, given_on)
        for vaccine, given_on in Vaccination.objects.filter(
            resident=resident, given_on__lte=until
        ).values_list("vaccine", "given_on")
    ]


def forecast_for(
    resident: Resident, as_of: date, doses: Sequence[ReceivedDose] | None = None
) -> Forecast | None:
    """The engine on the stored history; ``None`` before the child's birth."""
    if as_of < resident.birth_date:
        return None
    received = history(resident, as_of) if doses is None else doses
    return forecast(schedule_for(resident.birth_date), resident.birth_date, as_of, received)


def valid_doses(resident: Resident, day: date) -> dict[str, str]:
    """Dose name → vaccine code of every dose that may validly be given on ``day``."""
    result = forecast_for(resident, day)
    if result is None:
        return {}
    return {
        dose.dose: dose.vaccine
        for dose in result.doses
        if dose.status in (DoseStatus.DUE, DoseStatus.OVERDUE)
    }


def stocked_vaccines(clinic_id: int, day: date, vaccines: Iterable[str]) -> set[str]:
    """The vaccines among ``vaccines`` with an unexpired batch in stock at the clinic on ``day``."""
    return set(
        VaccineBatch.objects.filter(
            clinic_id=clinic_id,
            vaccine__in=list(vaccines),
            expires_on__gte=day,
            doses_in_stock__gt=0,
        ).values_list("vaccine", flat=True)
    )


def _check_doses(resident: Resident, slot: TimeSlot, doses: Sequence[str]) -> None:
    session = slot.session
    if not doses:
        raise DomainError("no_doses", _("Choose at least one dose."), "doses")
    valid = valid_doses(resident, session.date)
    invalid = [dose for dose in doses if dose not in valid]
    if invalid:
        raise DomainError(
            "dose_not_valid_on_date",
            _("Not valid on %(date)s: %(doses)s.")
            % {"date": session.date.isoformat(), "doses": ", ".join(invalid)},
            "doses",
        )
    wanted = {valid[dose] for dose in doses}
    missing = sorted(wanted - stocked_vaccines(session.clinic_id, session.date, wanted))
    if missing:
        raise DomainError(
            "no_stock",
            _("No unexpired vaccine in stock at this clinic on %(date)s: %(vaccines)s.")
            % {"date": session.date.isoformat(), "vaccines": ", ".join(missing)},
            "doses",
        )


def book_slot(
    user: User,
    resident: Resident,
    slot: TimeSlot,
    doses: Sequence[str],
    *,
    request: HttpRequest | None = None,
) -> Appointment:
    """Book ``resident`` into ``slot`` for ``doses``. ``resident`` comes from ``accounts.scope``."""
    doses = list(dict.fromkeys(doses))
    slot = TimeSlot.objects.select_related("session__clinic").get(pk=slot.pk)
    session = slot.session
    if not session.clinic.is_active:
        raise DomainError("clinic_closed", _("This clinic does not take bookings."), "slot")
    if session.date < timezone.localdate():
        raise DomainError("slot_in_past", _("This time slot is in the past."), "slot")
    _check_doses(resident, slot, doses)
    try:
        with transaction.atomic():
            if Appointment.objects.filter(
                resident=resident, session=session, status=Appointment.Status.BOOKED
            ).exists():
                raise DomainError(
                    "already_booked",
                    _("This child already has an appointment in this session."),
                    "slot",
                )
            taken = TimeSlot.objects.filter(pk=slot.pk, booked__lt=F("capacity")).update(
                booked=F("booked") + 1
            )
            if taken != 1:
                raise DomainError("slot_full", _("This time slot is full."), "slot")
            appointment = Appointment.objects.create(
                slot=slot, session=session, resident=resident, doses=doses, booked_by=user
            )
            audit.record(
                user,
                "create",
                APPOINTMENT,
                appointment.pk,
                purpose="book vaccination",
                request=request,
                detail={"resident_id": resident.pk, "slot_id": slot.pk, "doses": doses},
            )
    except IntegrityError:
        # Two bookings of the same child raced: the unique constraint kept one.
        raise DomainError(
            "already_booked", _("This child already has an appointment in this session."), "slot"
        ) from None
    return appointment


def cancel_appointment(
    user: User, appointment: Appointment, *, request: HttpRequest | None = None
) -> Appointment:
    """Cancel a booked appointment and give its place back, once."""
    with transaction.atomic():
        changed = Appointment.objects.filter(
            pk=appointment.pk, status=Appointment.Status.BOOKED
        ).update(status=Appointment.Status.CANCELLED)
        if changed != 1:
            raise DomainError("not_booked", _("This appointment is not booked."), "appointment")
        TimeSlot.objects.filter(pk=appointment.slot_id, booked__gt=0).update(booked=F("booked") - 1)
        audit.record(
            user,
            "update",
            APPOINTMENT,
            appointment.pk,
            purpose="cancel vaccination appointment",
            request=request,
            detail={"resident_id": appointment.resident_id, "status": "cancelled"},
        )
    appointment.refresh_from_db()
    return appointment


@dataclass(frozen=True)
class RecordedVaccination:
    vaccination: Vaccination
    warnings: list[str] = field(default_factory=list)


def _dose_name(resident: Resident, vaccine: str, given_on: date, planned: Sequence[str]) -> str:
    result = forecast_for(resident, given_on)
    if result is None:
        raise DomainError("before_birth", _("The date is before the birth date."), "given_on")
    for name in planned:
        if any(dose.dose == name and dose.vaccine == vaccine for dose in result.doses):
            return name
    for dose in result.doses:
        if dose.vaccine == vaccine and dose.status != DoseStatus.GIVEN:
            return dose.dose
    return f"{vaccine}-extra"


def record_vaccination(
    user: User,
    subject: Appointment | Resident,
    batch: VaccineBatch,
    site: str,
    route: str,
    given_on: date,
    *,
    request: HttpRequest | None = None,
) -> RecordedVaccination:
    """Record one dose from ``batch``; warns (does not refuse) when the engine says it does not
    count. Refuses an expired batch, an empty one, and a batch of another clinic."""
    appointment = subject if isinstance(subject, Appointment) else None
    resident = subject.resident if isinstance(subject, Appointment) else subject
    batch = VaccineBatch.objects.get(pk=batch.pk)
    if batch.expires_on < given_on:
        raise DomainError(
            "batch_expired",
            _("Batch %(batch)s of %(vaccine)s expired on %(date)s; do not use it.")
            % {
                "batch": batch.batch_number,
                "vaccine": batch.vaccine,
                "date": batch.expires_on.isoformat(),
            },
            "batch",
        )
    if given_on > timezone.localdate():
        raise DomainError("future_date", _("A dose cannot be recorded in advance."), "given_on")
    if appointment is not None and appointment.session.clinic_id != batch.clinic_id:
        raise DomainError("batch_wrong_clinic", _("This batch belongs to another clinic."), "batch")
    planned = appointment.doses if appointment is not None else []
    dose = _dose_name(resident, batch.vaccine, given_on, planned)
    with transaction.atomic():
        taken = VaccineBatch.objects.filter(pk=batch.pk, doses_in_stock__gt=0).update(
            doses_in_stock=F("doses_in_stock") - 1
        )
        if taken != 1:
            raise DomainError(
                "no_stock",
                _("Batch %(batch)s has no doses left.") % {"batch": batch.batch_number},
                "batch",
            )
        vaccination = Vaccination.objects.create(
            resident=resident,
            vaccine=batch.vaccine,
            dose=dose,
            given_on=given_on,
            batch=batch,
            site=site,
            route=route,
            staff=user,
            appointment=appointment,
        )
        if appointment is not None and appointment.status == Appointment.Status.BOOKED:
            Appointment.objects.filter(pk=appointment.pk).update(status=Appointment.Status.ATTENDED)
        audit.record(
            user,
            "create",
            VACCINATION,
            vaccination.pk,
            purpose="record vaccination",
            request=request,
            detail={"resident_id": resident.pk, "dose": dose, "batch_id": batch.pk},
        )
    after = forecast_for(resident, given_on)
    warnings = [
        invalid.reason
        for invalid in (after.invalid_doses if after is not None else ())
        if invalid.vaccine == batch.vaccine and invalid.given_on == given_on
    ]
    return RecordedVaccination(vaccination, warnings)


def record_adverse_event(
    user: User,
    vaccination: Vaccination,
    onset_on: date,
    description: str,
    severity: str,
    *,
    request: HttpRequest | None = None,
) -> AdverseEvent:
    if onset_on < vaccination.given_on:
        raise DomainError(
            "onset_before_vaccination",
            _("The onset cannot be before the vaccination."),
            "onset_on",
        )
    if severity not in AdverseEvent.Severity.values:
        raise DomainError("invalid_severity", _("Unknown severity."), "severity")
    if not description.strip():
        raise DomainError("description_required", _("Describe the event."), "description")
    with transaction.atomic():
        event = AdverseEvent.objects.create(
            vaccination=vaccination,
            onset_on=onset_on,
            description=description.strip(),
            severity=severity,
        )
        audit.record(
            user,
            "create",
            ADVERSE_EVENT,
            event.pk,
            purpose="report adverse event",
            request=request,
            detail={"vaccination_id": vaccination.pk, "severity": severity},
        )
    return event


@dataclass(frozen=True)
class CampaignResult:
    booked: int
    not_placed: int


def plan_campaign(
    user: User,
    clinic: VaccinationClinic,
    birth_from: date,
    birth_to: date,
    vaccine: str,
    dates: Sequence[date],
    *,
    request: HttpRequest | None = None,
) -> CampaignResult:
    """Emergency campaign (JC-32): children in scope born in the range who are due a dose of
    ``vaccine`` are booked, oldest first, into the clinic's free slots on ``dates`` in order."""
    children = (
        scope.on_work_lists(
            scope.list_residents(
                user,
                request=request,
                purpose="vaccination campaign",
                detail={
                    "vaccine": vaccine,
                    "birth_from": str(birth_from),
                    "birth_to": str(birth_to),
                },
            ),
            min(dates, default=birth_to),
        )
        .filter(birth_date__range=(birth_from, birth_to))
        .order_by("birth_date", "id")
    )
    slots = list(
        TimeSlot.objects.filter(session__clinic=clinic, session__date__in=list(dates))
        .select_related("session")
        .order_by("session__date", "starts_at", "id")
    )
    order = {day: index for index, day in enumerate(dates)}
    slots.sort(key=lambda slot: order[slot.session.date])
    free = {slot.pk: slot.free for slot in slots}
    booked = not_placed = 0
    for child in children:
        due_on = {
            day: [name for name, code in valid_doses(child, day).items() if code == vaccine]
            for day in dates
        }
        if not any(due_on.values()):
            continue
        placed = False
        for slot in slots:
            doses = due_on[slot.session.date]
            if free[slot.pk] <= 0 or not doses:
                continue
            try:
                book_slot(user, child, slot, doses[:1], request=request)
            except DomainError as error:
                if error.code == "slot_full":
                    free[slot.pk] = 0
                    continue
                if error.code == "already_booked":
                    continue
                break
            free[slot.pk] -= 1
            placed = True
            break
        if placed:
            booked += 1
        else:
            not_placed += 1
    return CampaignResult(booked, not_placed)
