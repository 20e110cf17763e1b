"""Programme pages for doctors (PH-2, PH-8): a resident's programmes and chronic disease path,
the enrolment page with its schedule, and the visit forms with a live assessment (htmx).

Enrolments, visits and path events come only from ``programmes.access`` and residents only from
``accounts.scope`` (both audited; out of scope: 404). Residents and county hospital specialists
have no programme pages (404); those who may only read get 403 on the forms. Changes go through
``programmes.services`` (which audits them) and the forms' ``save``.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts import scope
from accounts.models import Role, User
from accounts.scope import current_user
from contracting.models import Team
from jiceng.dates import age_on
from jiceng.errors import DomainError
from jiceng.masking import mask_citizen_id
from programmes import access, services
from programmes.assessment import (
    CHRONIC,
    Outcome,
    assess,
    classification_label,
)
from programmes.contacts import contact_label
from programmes.forms import (
    NEXT_STEPS,
    VISIT_FORMS,
    ConfirmForm,
    DeclineForm,
    EnrolForm,
    ExitForm,
    PathStepForm,
    ScreeningForm,
    VisitForm,
    current_stage,
    eligibility_error,
)
from programmes.models import Enrolment, PathEvent, Programme, Visit
from programmes.rules import child_visits, pregnancy_visits
from programmes.schedules import get_schedule
from residents.forms import EDITOR_ROLES
from residents.models import Resident
from workforce import access as staff_access
from workforce.models import Staff

NO_PROGRAMME_PAGES = frozenset({Role.RESIDENT, Role.SPECIALIST})
OPEN = (Enrolment.Status.PROPOSED, Enrolment.Status.ACTIVE)
ENROL_REASONS = {
    Programme.MATERNAL: Enrolment.Reason.PREGNANCY,
    Programme.TB: Enrolment.Reason.NOTIFICATION,
}


def _staff_user(request: HttpRequest) -> User:
    user = current_user(request)
    if user.role in NO_PROGRAMME_PAGES:
        raise Http404
    return user


def may_record(user: User) -> bool:
    """Those who change the records in their scope also enrol people and record visits."""
    return user.role in EDITOR_ROLES


def _recorder(request: HttpRequest) -> User:
    user = _staff_user(request)
    if not may_record(user):
        raise PermissionDenied
    return user


def _doctors(request: HttpRequest, user: User) -> QuerySet[Staff]:
    return staff_access.list_staff(user, request=request, purpose="programme doctor choice")


def teams_for(user: User, resident: Resident) -> QuerySet[Team]:
    return Team.objects.filter(
        Q(villages=resident.village_id) | Q(institution__in=access.education_institutions(user))
    ).distinct()


def _enrolment(request: HttpRequest, user: User, pk: int, purpose: str) -> Enrolment:
    return access.get_enrolment(user, pk, request=request, purpose=purpose)


def visits_of(user: User, enrolment: Enrolment) -> list[Visit]:
    return list(
        access.visits_in_scope(user)
        .filter(enrolment_id=enrolment.pk)
        .select_related("performed_by")
        .order_by("date", "id")
    )


def _say_domain_error(request: HttpRequest, error: DomainError) -> None:
    messages.error(request, error.message)


# The resident record's section ---------------------------------------------------------------


@dataclass(frozen=True)
class PathEntry:
    """One line of the chronic disease path timeline (PH-8)."""

    date: date
    condition: str
    step: str
    detail: str
    who: str
    link: str = ""


def _event_detail(event: PathEvent) -> str:
    parts = []
    if event.sbp and event.dbp:
        parts.append(f"{event.sbp}/{event.dbp} mmHg")
    if event.fpg_mmol_l is not None:
        parts.append(f"{event.fpg_mmol_l:g} mmol/L")
    if event.note:
        parts.append(event.note)
    return " · ".join(parts)


def _visit_detail(visit: Visit) -> str:
    parts = [classification_label(visit.classification)]
    if visit.sbp and visit.dbp:
        parts.append(f"{visit.sbp}/{visit.dbp} mmHg")
    if visit.fpg_mmol_l is not None:
        parts.append(f"{visit.fpg_mmol_l:g} mmol/L")
    if visit.urgent_referral:
        parts.append(_("urgent referral"))
    elif visit.referral:
        parts.append(_("referral"))
    return " · ".join(part for part in parts if part)


def path_timeline(
    events: list[PathEvent], enrolments: list[Enrolment], visits: list[Visit]
) -> list[PathEntry]:
    """Screening → suspected → referred → confirmed or ruled out, then enrolled and followed up:
    one chronological list per person across county, township and village (PH-8)."""
    labels = dict(PathEvent.Condition.choices)
    entries = [
        PathEntry(
            event.date,
            str(labels[event.condition]),
            event.get_stage_display(),
            _event_detail(event),
            event.institution.name if event.institution else "",
        )
        for event in events
    ]
    chronic = {
        enrolment.pk: enrolment for enrolment in enrolments if enrolment.programme in CHRONIC
    }
    for enrolment in chronic.values():
        if enrolment.enrolled_on is None:
            continue
        entries.append(
            PathEntry(
                enrolment.enrolled_on,
                enrolment.get_programme_display(),
                _("enrolled"),
                enrolment.diagnosis_icd10,
                enrolment.institution.name if enrolment.institution else "",
                reverse("programmes:enrolment", args=[enrolment.pk]),
            )
        )
    for visit in visits:
        if visit.enrolment_id in chronic:
            entries.append(
                PathEntry(
                    visit.date,
                    visit.get_programme_display(),
                    _("followed up"),
                    _visit_detail(visit),
                    visit.institution.name if visit.institution else "",
                )
            )
    order = {"screened": 0, "suspected": 1, "referred": 2, "confirmed": 3, "ruled_out": 3}
    return sorted(entries, key=lambda entry: (entry.date, order.get(entry.step, 4)))


def resident_section(request: HttpRequest, user: User, resident: Resident) -> dict[str, Any] | None:
    """The "Programmes" section of the resident record page (None for those without one)."""
    if user.role in NO_PROGRAMME_PAGES:
        return None
    today = timezone.localdate()
    enrolments_qs, visits_qs, events_qs = access.resident_programmes(
        user, resident.pk, request=request, purpose="resident programmes"
    )
    enrolments = list(
        enrolments_qs.select_related("doctor", "team", "institution").order_by(
            "programme", "-proposed_on", "-id"
        )
    )
    events = list(events_qs.select_related("institution").order_by("date", "id"))
    visits = list(
        visits_qs.filter(programme__in=CHRONIC).select_related("institution").order_by("date", "id")
    )
    open_programmes = {row.programme for row in enrolments if row.status in OPEN}
    steps = []
    for condition, label in PathEvent.Condition.choices:
        stage = current_stage(events, condition)
        if stage in NEXT_STEPS:
            labels: dict[str, Any] = dict(PathStepForm.STEPS)
            choices = [(code, labels[code]) for code in NEXT_STEPS[stage]]
            steps.append({"condition": condition, "label": label, "steps": choices})
    return {
        "enrolments": [(row, contact_label(row.next_contact)) for row in enrolments],
        "enrollable": [
            (code, label)
            for code, label in Programme.choices
            if code not in open_programmes and not eligibility_error(code, resident, today)
        ],
        "timeline": path_timeline(events, enrolments, visits),
        "path_steps": steps,
        "screening_form": ScreeningForm(today=today),
        "today": today,
        "can_record": may_record(user),
    }


# Enrolling and the chronic disease path ------------------------------------------------------


@never_cache
@login_required
def enrol(request: HttpRequest, resident_pk: int) -> HttpResponse:
    """Enrol a resident in the programme named by ``?programme=`` (PH-2)."""
    user = _recorder(request)
    resident = scope.get_resident(user, resident_pk, request=request, purpose="programme enrolment")
    programme = request.POST.get("programme") or request.GET.get("programme", "")
    if programme not in Programme.values:
        raise Http404
    today = timezone.localdate()
    form = EnrolForm(
        request.POST if request.method == "POST" else None,
        programme=programme,
        resident=resident,
        doctors=_doctors(request, user),
        teams=teams_for(user, resident),
        today=today,
        initial={"doctor": user.staff_id},
    )
    if request.method == "POST" and form.is_valid():
        try:
            enrolment = services.enrol(
                resident,
                programme,
                user,
                on_date=form.cleaned_data["on_date"],
                reason=ENROL_REASONS.get(Programme(programme), Enrolment.Reason.MANUAL),
                institution_id=user.institution_id,
                **form.facts(),
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _enrolled_message(enrolment))
            return redirect("programmes:enrolment", pk=enrolment.pk)
    status = 400 if form.errors else 200
    context = {"resident": resident, "form": form, "programme": Programme(programme)}
    return render(request, "programmes/records/enrol.html", context, status=status)


def _enrolled_message(enrolment: Enrolment) -> str:
    text = _("Enrolled in %(programme)s.") % {"programme": enrolment.get_programme_display()}
    if enrolment.next_due_on is not None:
        text += " " + _("Next contact: %(contact)s by %(date)s.") % {
            "contact": contact_label(enrolment.next_contact),
            "date": enrolment.next_due_on.isoformat(),
        }
    return text


def _resident_page(resident: Resident) -> str:
    return reverse("residents:detail", args=[resident.pk]) + "#programmes"


@never_cache
@require_POST
@login_required
def screening(request: HttpRequest, resident_pk: int) -> HttpResponse:
    """Record a BP and/or glucose screening (PH-8); the rules say normal, re-check or suspected."""
    user = _recorder(request)
    resident = scope.get_resident(user, resident_pk, request=request, purpose="screening")
    form = ScreeningForm(request.POST, today=timezone.localdate())
    if not form.is_valid():
        context = {"resident": resident, "form": form}
        return render(request, "programmes/records/screening.html", context, status=400)
    _enrolments, _visits_qs, events = access.resident_programmes(
        user, resident.pk, request=request, purpose="screening"
    )
    for result in form.save(resident, user, earlier=list(events)):
        level = messages.WARNING if result.result != "normal" else messages.SUCCESS
        messages.add_message(request, level, result.message)
    return redirect(_resident_page(resident))


@never_cache
@require_POST
@login_required
def path_step(request: HttpRequest, resident_pk: int) -> HttpResponse:
    """Refer a suspected case to confirm, confirm the diagnosis (into the past history, and into
    the programme when eligible) or rule it out (PH-8)."""
    user = _recorder(request)
    resident = scope.get_resident(user, resident_pk, request=request, purpose="chronic path")
    enrolments, _visits_qs, events = access.resident_programmes(
        user, resident.pk, request=request, purpose="chronic path"
    )
    form = PathStepForm(request.POST, today=timezone.localdate(), earlier=list(events))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(_resident_page(resident))
    open_programmes = set(enrolments.filter(status__in=OPEN).values_list("programme", flat=True))
    try:
        result = form.save(resident, user, open_programmes=open_programmes)
    except DomainError as error:
        _say_domain_error(request, error)
        return redirect(_resident_page(resident))
    messages.success(request, result.message)
    if result.enrolment is not None:
        return redirect("programmes:enrolment", pk=result.enrolment.pk)
    return redirect(_resident_page(resident))


# The enrolment page ------------------------------------------------------------------------


@dataclass(frozen=True)
class ScheduleRow:
    contact: str
    label: str
    due_on: date | None
    window_start: date | None
    window_end: date | None
    status: str
    """done, owed, missed or next."""
    visit: Visit | None = None

    @property
    def status_label(self) -> str:
        return str(SCHEDULE_STATUS[self.status])

    @property
    def classification(self) -> str:
        return classification_label(self.visit.classification) if self.visit else ""


SCHEDULE_STATUS = {
    "done": gettext_lazy("done"),
    "owed": gettext_lazy("owed"),
    "missed": gettext_lazy("missed"),
    "next": gettext_lazy("next contact"),
}


def _row(
    enrolment: Enrolment,
    code: str,
    dates: tuple[date | None, date | None, date | None],
    done: dict[str, Visit],
    today: date,
) -> ScheduleRow:
    due_on, start, end = dates
    visit = done.get(code)
    if visit is not None:
        status = "done"
    elif code == enrolment.next_contact and enrolment.status == Enrolment.Status.ACTIVE:
        status = "next"
    elif end is not None and end < today:
        status = "missed"
    else:
        status = "owed"
    return ScheduleRow(code, contact_label(code), due_on, start, end, status, visit)


def schedule_rows(
    enrolment: Enrolment, birth_date: date, visits: list[Visit], today: date
) -> list[ScheduleRow]:
    """Children and pregnancies: every contact with its window and whether it was done, is owed
    or was missed. Other programmes: their visits and the next contact."""
    done: dict[str, Visit] = {}
    for visit in visits:
        done.setdefault(visit.contact, visit)
    if enrolment.programme == Programme.CHILD:
        return [
            _row(enrolment, c.name, (c.due_date, c.window_start, c.window_end), done, today)
            for c in child_visits(birth_date, enrolment.discharge_date, schedule=enrolment.schedule)
        ]
    if enrolment.programme == Programme.MATERNAL:
        return _maternal_rows(enrolment, done, today)
    rows = [
        ScheduleRow(
            visit.contact,
            contact_label(visit.contact),
            visit.date,
            None,
            None,
            "done",
            visit,
        )
        for visit in visits
    ]
    if enrolment.next_contact and enrolment.status == Enrolment.Status.ACTIVE:
        rows.append(
            ScheduleRow(
                enrolment.next_contact,
                contact_label(enrolment.next_contact),
                enrolment.next_due_on,
                enrolment.window_start,
                enrolment.window_end,
                "next",
            )
        )
    return rows


def _maternal_rows(enrolment: Enrolment, done: dict[str, Visit], today: date) -> list[ScheduleRow]:
    rows: list[ScheduleRow] = []
    if enrolment.lmp_date is not None:
        plan = pregnancy_visits(enrolment.lmp_date, max(today, enrolment.lmp_date))
        for window in plan.visits:
            rows.append(
                _row(
                    enrolment,
                    window.code,
                    (window.window_start, window.window_start, window.window_end),
                    done,
                    today,
                )
            )
    delivery = enrolment.delivery_date
    for contact in get_schedule(enrolment.schedule).maternal.postnatal:
        if delivery is None:
            rows.append(_row(enrolment, contact.code, (None, None, None), done, today))
            continue
        anchor = (
            enrolment.discharge_date
            if contact.anchor == "discharge" and enrolment.discharge_date
            else delivery
        )
        dates = contact.dates(anchor)
        rows.append(
            _row(
                enrolment,
                contact.code,
                (dates.due_on, dates.window_start, dates.window_end),
                done,
                today,
            )
        )
    return rows


def _enrolment_context(
    request: HttpRequest, user: User, enrolment: Enrolment, **forms: Any
) -> dict[str, Any]:
    resident = enrolment.resident
    today = timezone.localdate()
    visits = visits_of(user, enrolment)
    status = enrolment.status
    can_record = may_record(user)
    context: dict[str, Any] = {
        "enrolment": enrolment,
        "resident": resident,
        "masked_id": mask_citizen_id(resident.citizen_id or ""),
        "age": age_on(resident.birth_date, today),
        "schedule": schedule_rows(enrolment, resident.birth_date, visits, today),
        "visits": [
            (visit, contact_label(visit.contact), classification_label(visit.classification))
            for visit in reversed(visits)
        ],
        "next_contact_label": contact_label(enrolment.next_contact),
        "can_record": can_record and status == Enrolment.Status.ACTIVE,
        "gestation": _gestation(enrolment, today),
    }
    if can_record and status == Enrolment.Status.PROPOSED:
        context["confirm_form"] = forms.get("confirm_form") or ConfirmForm(
            enrolment=enrolment,
            doctors=_doctors(request, user),
            teams=teams_for(user, resident),
            today=today,
        )
        context["decline_form"] = forms.get("decline_form") or DeclineForm()
    if can_record and status == Enrolment.Status.ACTIVE:
        context["exit_form"] = forms.get("exit_form") or ExitForm(today=today)
    return context


def _gestation(enrolment: Enrolment, today: date) -> str:
    if enrolment.lmp_date is None or enrolment.delivery_date is not None:
        return ""
    weeks, days = divmod(max((today - enrolment.lmp_date).days, 0), 7)
    return _("%(weeks)d weeks %(days)d days") % {"weeks": weeks, "days": days}


@never_cache
@login_required
def enrolment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One enrolment: the person, the programme's facts, the whole schedule and the visits."""
    user = _staff_user(request)
    enrolment = _enrolment(request, user, pk, "enrolment detail")
    return render(
        request, "programmes/records/enrolment.html", _enrolment_context(request, user, enrolment)
    )


def _render_enrolment(
    request: HttpRequest, user: User, enrolment: Enrolment, **forms: Any
) -> HttpResponse:
    context = _enrolment_context(request, user, enrolment, **forms)
    return render(request, "programmes/records/enrolment.html", context, status=400)


@never_cache
@require_POST
@login_required
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    user = _recorder(request)
    enrolment = _enrolment(request, user, pk, "confirm enrolment")
    form = ConfirmForm(
        request.POST,
        enrolment=enrolment,
        doctors=_doctors(request, user),
        teams=teams_for(user, enrolment.resident),
        today=timezone.localdate(),
    )
    if not form.is_valid():
        return _render_enrolment(request, user, enrolment, confirm_form=form)
    try:
        services.confirm(enrolment, user, on_date=form.cleaned_data["on_date"], **form.changes())
    except DomainError as error:
        _say_domain_error(request, error)
    else:
        messages.success(request, _enrolled_message(enrolment))
    return redirect("programmes:enrolment", pk=enrolment.pk)


@never_cache
@require_POST
@login_required
def decline(request: HttpRequest, pk: int) -> HttpResponse:
    user = _recorder(request)
    enrolment = _enrolment(request, user, pk, "decline enrolment")
    form = DeclineForm(request.POST)
    if not form.is_valid():
        return _render_enrolment(request, user, enrolment, decline_form=form)
    try:
        services.decline(
            enrolment, user, on_date=timezone.localdate(), note=form.cleaned_data["note"]
        )
    except DomainError as error:
        _say_domain_error(request, error)
    else:
        messages.success(request, _("The proposal was closed: not enrolled."))
    return redirect("programmes:enrolment", pk=enrolment.pk)


@never_cache
@require_POST
@login_required
def exit_enrolment(request: HttpRequest, pk: int) -> HttpResponse:
    user = _recorder(request)
    enrolment = _enrolment(request, user, pk, "exit enrolment")
    form = ExitForm(request.POST, today=timezone.localdate())
    if not form.is_valid():
        return _render_enrolment(request, user, enrolment, exit_form=form)
    data = form.cleaned_data
    try:
        services.exit_enrolment(
            enrolment,
            user,
            on_date=data["exited_on"],
            reason=data["exit_reason"],
            note=data["note"],
        )
    except DomainError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return _render_enrolment(request, user, enrolment, exit_form=form)
    messages.success(request, _("The enrolment was closed."))
    return redirect("programmes:enrolment", pk=enrolment.pk)


# Visits -----------------------------------------------------------------------------------


def visit_form(user: User, enrolment: Enrolment, data: Any, *, staff: QuerySet[Staff]) -> VisitForm:
    """The programme's visit form for ``enrolment`` (pages and API); ``staff`` are the doctors
    it offers (an audited list where the page shows them)."""
    resident = enrolment.resident
    return VISIT_FORMS[enrolment.programme](
        data,
        enrolment=enrolment,
        birth_date=resident.birth_date,
        sex=resident.sex,
        staff=staff,
        today=timezone.localdate(),
        initial={"performed_by": user.staff_id},
    )


def preview(form: VisitForm, visits: list[Visit]) -> Outcome | None:
    """The outcome of whatever the form holds so far (valid fields only)."""
    form.is_valid()
    enrolment = form.enrolment
    return assess(enrolment, form.birth_date, form.cleaned_data, visits)


def _shown_errors(form: VisitForm) -> list[str]:
    """Errors on what was typed; "required" is left for the save."""
    shown: list[str] = []
    for name, errors in form.errors.as_data().items():
        for error in errors:
            if error.code != "required":
                label = str(form.fields[name].label) if name in form.fields else ""
                shown.extend(
                    text if not label or label in text else f"{label}: {text}"
                    for text in error.messages
                )
    return shown


def saved_message(visit: Visit, outcome: Outcome) -> str:
    text = _("Visit saved.")
    if outcome.classification:
        text += " " + _("Classification: %(classification)s.") % {
            "classification": outcome.classification_label
        }
    if visit.urgent_referral:
        text += " " + _("Urgent referral.")
    elif visit.referral:
        text += " " + _("Referral.")
    if visit.next_due_on is not None:
        text += " " + _("Next visit by %(date)s.") % {"date": visit.next_due_on.isoformat()}
    else:
        text += " " + _("No further visit is due in this programme.")
    return text


@never_cache
@login_required
def record_visit(request: HttpRequest, pk: int) -> HttpResponse:
    """The programme's visit form; the assessment shows as the doctor types (htmx preview) and
    after a refused submit. Saved, it goes back to the enrolment with the next visit date."""
    user = _recorder(request)
    enrolment = _enrolment(request, user, pk, "programme visit")
    if enrolment.status != Enrolment.Status.ACTIVE:
        messages.error(request, _("Visits are recorded only for enrolments under management."))
        return redirect("programmes:enrolment", pk=enrolment.pk)
    visits = visits_of(user, enrolment)
    data = request.POST if request.method == "POST" else None
    form = visit_form(user, enrolment, data, staff=_doctors(request, user))
    outcome = None
    if request.method == "POST":
        if form.is_valid():
            try:
                visit, outcome = form.save(user, visits)
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, saved_message(visit, outcome))
                return redirect("programmes:enrolment", pk=enrolment.pk)
        outcome = preview(form, visits)
    context = {
        "enrolment": enrolment,
        "resident": enrolment.resident,
        "form": form,
        "outcome": outcome,
        "errors": [],
        "next_contact_label": contact_label(enrolment.next_contact),
    }
    status = 400 if form.errors else 200
    return render(request, "programmes/records/visit.html", context, status=status)


@never_cache
@require_POST
@login_required
def visit_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The assessment partial for the form's current values (htmx, on change and typing)."""
    user = _recorder(request)
    enrolment = _enrolment(request, user, pk, "programme visit preview")
    visits = visits_of(user, enrolment)
    # Nothing of the staff list is shown by the preview: not listed, so not audited.
    form = visit_form(user, enrolment, request.POST, staff=staff_access.staff_in_scope(user))
    context = {
        "outcome": preview(form, visits),
        "errors": _shown_errors(form),
        "enrolment": enrolment,
    }
    return render(request, "programmes/records/_assessment.html", context)
