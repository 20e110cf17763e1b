"""Vaccination clinic pages: the clinic, booking a child, reminders (township staff), and the
parents' phone page (role resident). Residents come only from ``accounts.scope`` (audited)."""

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
from immunization.models import Appointment, TimeSlot, VaccinationClinic
from immunization.queries import OfferableSlot, offerable_slots, reminder_list
from jiceng.errors import DomainError
from residents.models import Resident

BOOKING_WINDOW = timedelta(days=28)
SHOWN_STATUSES = (DoseStatus.OVERDUE, DoseStatus.DUE, DoseStatus.NOT_YET_DUE, DoseStatus.GIVEN)


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def _staff(request: HttpRequest) -> User:
    user = current_user(request)
    if user.role == Role.RESIDENT:
        raise Http404
    return user


def _clinics_for(user: User) -> QuerySet[VaccinationClinic]:
    clinics = VaccinationClinic.objects.filter(is_active=True).select_related("institution")
    if user.institution_id is not None:
        return clinics.filter(institution__in=scope.institutions_under(user.institution_id))
    if user.division_id is not None:
        return clinics
    return clinics.none()


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
    return render(request, "immunization/clinic_list.html", {"clinics": _clinics_for(user)})


@never_cache
@login_required
def clinic_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff(request)
    clinic = get_object_or_404(_clinics_for(user), pk=pk)
    today = timezone.localdate()
    sessions = clinic.sessions.filter(date__gte=today).prefetch_related("slots")[:20]
    batches = clinic.batches.order_by("vaccine", "expires_on")
    context = {"clinic": clinic, "sessions": sessions, "batches": batches, "today": today}
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
    clinics = list(_clinics_for(user))
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
