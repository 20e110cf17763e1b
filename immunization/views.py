"""Vaccination clinic pages: the clinic, booking a child, reminders, recording doses and adverse
events, emergency campaigns (staff), and the parents' phone page (role resident). Residents come
only from ``accounts.scope`` (audited)."""

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django_htmx.middleware import HtmxDetails

from accounts import scope
from accounts.models import Role, User
from accounts.scope import current_user
from immunization import actions
from immunization.forecasts import DoseStatus, Forecast
from immunization.forms import AdverseEventForm, CampaignForm, RecordVaccinationForm
from immunization.models import Appointment, TimeSlot, Vaccination, VaccinationClinic
from immunization.queries import OfferableSlot, clinics_for, offerable_slots, reminder_list
from jiceng.errors import DomainError
from residents.models import Resident

BOOKING_WINDOW = timedelta(days=28)
SHOWN_STATUSES = (DoseStatus.OVERDUE, DoseStatus.DUE, DoseStatus.NOT_YET_DUE, DoseStatus.GIVEN)
# Booked appointments of the last days stay on the clinic page until their dose is recorded.
RECORDING_WINDOW = timedelta(days=14)
CAMPAIGN_ROLES = (Role.TOWNSHIP_STAFF, Role.COUNTY_HEALTH, Role.CDC)


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def _staff(request: HttpRequest) -> User:
    user = current_user(request)
    if user.role == Role.RESIDENT:
        raise Http404
    return user


def _clinics_serving(resident: Resident) -> QuerySet[VaccinationClinic]:
    divisions = [resident.village_id]
    if resident.village.parent_id is not None:
        divisions.append(resident.village.parent_id)
    return (
        VaccinationClinic.objects.filter(
            is_active=True, institution__served_divisions__in=divisions
        )
        .select_related("institution")
        .distinct()
    )


def _schedule(result: Forecast | None) -> list[object]:
    if result is None:
        return []
    return [dose for dose in result.doses if dose.status in SHOWN_STATUSES]


def _book(request: HttpRequest, user: User, resident: Resident) -> bool:
    """Book from a posted form (slot, doses); say what happened in a message."""
    slot = get_object_or_404(TimeSlot, pk=request.POST.get("slot") or 0)
    try:
        actions.book_slot(user, resident, slot, request.POST.getlist("doses"), request=request)
    except DomainError as error:
        messages.error(request, error.message)
        return False
    messages.success(request, _("Booked."))
    return True


def _cancel(request: HttpRequest, user: User, purpose: str) -> None:
    appointment = get_object_or_404(Appointment, pk=request.POST.get("appointment") or 0)
    scope.get_resident(user, appointment.resident_id, request=request, purpose=purpose)
    try:
        actions.cancel_appointment(user, appointment, request=request)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Appointment cancelled."))


@never_cache
@login_required
def clinic_list(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    context = {"clinics": clinics_for(user), "can_plan_campaign": user.role in CAMPAIGN_ROLES}
    return render(request, "immunization/clinic_list.html", context)


@never_cache
@login_required
def clinic_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff(request)
    clinic = get_object_or_404(clinics_for(user), pk=pk)
    today = timezone.localdate()
    sessions = clinic.sessions.filter(date__gte=today).prefetch_related("slots")[:20]
    batches = clinic.batches.order_by("vaccine", "expires_on")
    children = scope.list_residents(
        user, request=request, purpose="vaccination clinic", detail={"clinic_id": clinic.pk}
    )
    appointments = (
        Appointment.objects.filter(
            session__clinic=clinic,
            status=Appointment.Status.BOOKED,
            session__date__gte=today - RECORDING_WINDOW,
            resident__in=children.values("pk"),
        )
        .select_related("slot__session", "resident")
        .order_by("session__date", "slot__starts_at", "id")[:200]
    )
    context = {
        "clinic": clinic,
        "sessions": sessions,
        "batches": batches,
        "appointments": appointments,
        "today": today,
    }
    return render(request, "immunization/clinic_detail.html", context)


@never_cache
@login_required
def book_child(request: HttpRequest, resident_pk: int) -> HttpResponse:
    """The child's forecast, then the slots offerable at a clinic; the book button posts here."""
    user = _staff(request)
    resident = scope.get_resident(user, resident_pk, request=request, purpose="vaccination booking")
    if request.method == "POST":
        if request.POST.get("action") == "cancel":
            _cancel(request, user, "vaccination booking")
        else:
            _book(request, user, resident)
        return redirect("immunization:book", resident_pk=resident.pk)
    today = timezone.localdate()
    clinics = list(clinics_for(user))
    clinic = next((c for c in clinics if str(c.pk) == request.GET.get("clinic")), None)
    clinic = clinic or (clinics[0] if clinics else None)
    offers: list[OfferableSlot] = []
    if clinic is not None:
        offers = offerable_slots(user, resident, clinic, today, today + BOOKING_WINDOW)
    context = {
        "resident": resident,
        "schedule": _schedule(actions.forecast_for(resident, today)),
        "clinics": clinics,
        "clinic": clinic,
        "offers": offers,
        "appointments": _upcoming(resident),
        "vaccinations": Vaccination.objects.filter(resident=resident)
        .select_related("batch")
        .prefetch_related("adverse_events"),
    }
    return render(request, "immunization/book.html", context)


def _upcoming(resident: Resident) -> QuerySet[Appointment]:
    return Appointment.objects.filter(
        resident=resident,
        status=Appointment.Status.BOOKED,
        session__date__gte=timezone.localdate(),
    ).select_related("slot__session__clinic")


@never_cache
@login_required
def reminders(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    on_date: date = parse_date(request.GET.get("date", "")) or timezone.localdate()
    context = {"on_date": on_date, "reminders": reminder_list(user, on_date, request=request)}
    return render(request, "immunization/reminders.html", context)


@never_cache
@login_required
def family(request: HtmxHttpRequest) -> HttpResponse:
    """Parents' phone page: each child's schedule and bookings. ``?child=&clinic=`` under htmx
    renders the child's free slots alone; POST books or cancels."""
    user = current_user(request)
    if user.role != Role.RESIDENT:
        raise Http404
    if request.method == "POST":
        child = scope.get_resident(
            user, request.POST.get("child"), request=request, purpose="family vaccination"
        )
        if request.POST.get("action") == "cancel":
            _cancel(request, user, "family vaccination")
        else:
            _book(request, user, child)
        return redirect("immunization:family")
    today = timezone.localdate()
    if request.htmx and request.GET.get("child"):
        child = scope.get_resident(
            user, request.GET.get("child"), request=request, purpose="family vaccination"
        )
        return render(request, "immunization/partials/_slots.html", _slots_context(user, child))
    children = (
        scope.list_residents(user, request=request, purpose="family vaccination")
        .filter(relation_to_head=Resident.Relation.CHILD)
        .select_related("village")
        .order_by("birth_date")
    )
    cards = []
    for child in children:
        clinics = list(_clinics_serving(child))
        cards.append(
            {
                "child": child,
                "schedule": _schedule(actions.forecast_for(child, today)),
                "appointments": _upcoming(child),
                "clinics": clinics,
                **(
                    _slots_context(user, child) if request.GET.get("child") == str(child.pk) else {}
                ),
            }
        )
    return render(request, "immunization/family.html", {"cards": cards})


def _slots_context(user: User, child: Resident) -> dict[str, object]:
    today = timezone.localdate()
    clinics = list(_clinics_serving(child))
    offers: list[OfferableSlot] = []
    for clinic in clinics:
        offers += offerable_slots(user, child, clinic, today, today + BOOKING_WINDOW)
    return {"child": child, "offers": offers, "slots_loaded": True}


def _dose_vaccines(resident: Resident, day: date, names: list[str] | None) -> dict[str, str]:
    """Dose name → vaccine: the appointment's doses, or the doses valid on ``day``."""
    if names is None:
        return actions.valid_doses(resident, day)
    result = actions.forecast_for(resident, day)
    known = {dose.dose: dose.vaccine for dose in result.doses} if result is not None else {}
    return {name: known.get(name, name.rsplit("-", 1)[0]) for name in names}


def _record(
    request: HttpRequest,
    user: User,
    resident: Resident,
    clinic: VaccinationClinic,
    appointment: Appointment | None,
    clinics: list[VaccinationClinic],
) -> HttpResponse:
    today = timezone.localdate()
    doses = _dose_vaccines(resident, today, list(appointment.doses) if appointment else None)
    form = RecordVaccinationForm(
        request.POST if request.method == "POST" else None,
        doses=doses,
        batches=clinic.batches.all(),
        today=today,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            recorded = actions.record_vaccination(
                user,
                appointment if appointment is not None else resident,
                data["batch"],
                data["site"],
                data["route"],
                data["given_on"],
                request=request,
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request,
                _("Recorded %(dose)s for %(name)s.")
                % {"dose": recorded.vaccination.dose, "name": resident.name},
            )
            for warning in recorded.warnings:
                messages.warning(request, warning)
            return redirect("immunization:clinic", pk=clinic.pk)
    context = {
        "resident": resident,
        "clinic": clinic,
        "clinics": clinics,
        "appointment": appointment,
        "form": form,
    }
    return render(request, "immunization/record.html", context)


@never_cache
@login_required
def record_appointment(request: HttpRequest, appointment_pk: int) -> HttpResponse:
    """Record a dose of a booked appointment, at the appointment's clinic."""
    user = _staff(request)
    appointment = get_object_or_404(
        Appointment.objects.select_related("slot__session", "session__clinic"),
        pk=appointment_pk,
        status=Appointment.Status.BOOKED,
    )
    resident = scope.get_resident(
        user, appointment.resident_id, request=request, purpose="record vaccination"
    )
    clinic = get_object_or_404(clinics_for(user), pk=appointment.session.clinic_id)
    appointment.resident = resident
    return _record(request, user, resident, clinic, appointment, [clinic])


@never_cache
@login_required
def record_for_resident(request: HttpRequest, resident_pk: int) -> HttpResponse:
    """Record a dose given without an appointment; ``?clinic=`` chooses whose batches are used."""
    user = _staff(request)
    resident = scope.get_resident(user, resident_pk, request=request, purpose="record vaccination")
    clinics = list(clinics_for(user))
    wanted = request.GET.get("clinic")
    clinic = next((c for c in clinics if str(c.pk) == wanted), clinics[0] if clinics else None)
    if clinic is None:
        raise Http404
    return _record(request, user, resident, clinic, None, clinics)


@never_cache
@login_required
def adverse_event(request: HttpRequest, vaccination_pk: int) -> HttpResponse:
    """Report an adverse event following a recorded dose."""
    user = _staff(request)
    vaccination = get_object_or_404(Vaccination, pk=vaccination_pk)
    resident = scope.get_resident(
        user, vaccination.resident_id, request=request, purpose="report adverse event"
    )
    form = AdverseEventForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.record_adverse_event(
                user,
                vaccination,
                data["onset_on"],
                data["description"],
                data["severity"],
                request=request,
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Adverse event reported."))
            return redirect("immunization:book", resident_pk=resident.pk)
    context = {"resident": resident, "vaccination": vaccination, "form": form}
    return render(request, "immunization/adverse_event.html", context)


@never_cache
@login_required
def campaign(request: HttpRequest) -> HttpResponse:
    """Emergency campaign (JC-32): book the children in scope born in a range into free slots."""
    user = _staff(request)
    if user.role not in CAMPAIGN_ROLES:
        raise Http404
    form = CampaignForm(
        request.POST if request.method == "POST" else None, clinics=clinics_for(user)
    )
    result = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        result = actions.plan_campaign(
            user,
            data["clinic"],
            data["birth_from"],
            data["birth_to"],
            data["vaccine"],
            data["dates"],
            request=request,
        )
    return render(request, "immunization/campaign.html", {"form": form, "result": result})
