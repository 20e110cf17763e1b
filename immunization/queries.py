"""Read-side questions of the vaccination clinic: which slots to offer, whom to remind (PH-4)."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import F, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from accounts import scope
from accounts.models import User
from immunization.actions import forecast_for, stocked_vaccines, valid_doses
from immunization.forecasts import DoseStatus
from immunization.models import Appointment, TimeSlot, Vaccination, VaccinationClinic
from immunization.rules import ReceivedDose
from jiceng.dates import years_before
from residents.models import Resident


@dataclass(frozen=True)
class OfferableSlot:
    slot: TimeSlot
    doses: list[str]  # the doses valid on the slot's date with stock at the clinic


def offerable_slots(
    user: User, resident: Resident, clinic: VaccinationClinic, from_date: date, to_date: date
) -> list[OfferableSlot]:
    """Free slots of ``clinic`` on days when at least one due dose is valid and in stock, in
    sessions where the child is not booked yet.
    ``resident`` comes from ``accounts.scope``; ``user`` is who asks."""
    if not clinic.is_active:
        return []
    from_date = max(from_date, timezone.localdate())
    slots = (
        TimeSlot.objects.filter(session__clinic=clinic, session__date__range=(from_date, to_date))
        .filter(booked__lt=F("capacity"))
        .exclude(
            session__in=Appointment.objects.filter(
                resident=resident, status=Appointment.Status.BOOKED
            ).values("session")
        )
        .select_related("session")
        .order_by("session__date", "starts_at", "id")
    )
    by_day: dict[date, list[str]] = {}
    offered: list[OfferableSlot] = []
    for slot in slots:
        day = slot.session.date
        if day not in by_day:
            valid = valid_doses(resident, day)
            stocked = stocked_vaccines(clinic.pk, day, set(valid.values()))
            by_day[day] = [name for name, code in valid.items() if code in stocked]
        if by_day[day]:
            offered.append(OfferableSlot(slot, by_day[day]))
    return offered


@dataclass(frozen=True)
class Reminder:
    resident: Resident
    appointments: list[Appointment]
    overdue: list[str]


def reminder_list(
    user: User, on_date: date, *, request: HttpRequest | None = None
) -> list[Reminder]:
    """Whom to call on ``on_date``: children in scope booked that day, or with an overdue dose.

    The appointments are one query; the overdue doses need the engine per child (Python), with
    the histories loaded in one query: fine for a village or a township.
    """
    children = (
        scope.on_work_lists(
            scope.list_residents(
                user,
                request=request,
                purpose="vaccination reminders",
                detail={"date": str(on_date)},
            ),
            on_date,
        )
        .filter(birth_date__gt=years_before(on_date, 18), birth_date__lte=on_date)
        .select_related("village")
        .order_by("village_id", "birth_date", "id")
    )
    booked: dict[int, list[Appointment]] = defaultdict(list)
    for appointment in Appointment.objects.filter(
        resident__in=children.values("pk"),
        session__date=on_date,
        status=Appointment.Status.BOOKED,
    ).select_related("slot__session__clinic"):
        booked[appointment.resident_id].append(appointment)
    histories: dict[int, list[ReceivedDose]] = defaultdict(list)
    for resident_id, vaccine, given_on in Vaccination.objects.filter(
        resident__in=children.values("pk"), given_on__lte=on_date
    ).values_list("resident_id", "vaccine", "given_on"):
        histories[resident_id].append(ReceivedDose(vaccine, given_on))
    reminders: list[Reminder] = []
    for child in children:
        result = forecast_for(child, on_date, histories[child.pk])
        overdue = (
            [dose.dose for dose in result.doses if dose.status == DoseStatus.OVERDUE]
            if result is not None
            else []
        )
        if booked[child.pk] or overdue:
            reminders.append(Reminder(child, booked[child.pk], overdue))
    return reminders


def clinics_for(user: User) -> QuerySet[VaccinationClinic]:
    """Active clinics a staff user works at: their own institution's line of management (a village
    doctor books into the THC's clinic above them, a centre sees its own) or, with only a division
    scope, every clinic they oversee."""
    clinics = VaccinationClinic.objects.filter(is_active=True).select_related("institution")
    if user.institution is not None:
        own = scope.institutions_under(user.institution.pk)
        managing = [int(part) for part in user.institution.path.strip("/").split("/") if part]
        return clinics.filter(Q(institution__in=own) | Q(institution_id__in=managing))
    if user.division_id is not None:
        return clinics
    return clinics.none()
