"""Staff pages (HR-1, HR-2, HR-3, HR-5, HR-9, HR-10, HR-12). Every staff member comes from
``workforce.access`` (audited); outside the scope a record does not exist (404). Editors
(``county_health``, ``group_manager``, ``township_staff``) change records in their scope; others
who can see a record get 403 on its edit pages. Every change is audited."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Model, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django_htmx.middleware import HtmxDetails

from accounts.models import Role, User
from accounts.scope import current_user
from institutions.models import Institution
from jiceng.spreadsheets import (
    XLSX_CONTENT_TYPE,
    ImportReport,
    Rejection,
    SpreadsheetError,
    report_xlsx,
    xlsx_response,
)
from workforce import access, queries, roster
from workforce.forms import (
    CertificateForm,
    GuidanceVisitForm,
    PostForm,
    RosterUploadForm,
    StaffFilterForm,
    StaffForm,
    TrainingForm,
)
from workforce.models import Certificate
from workforce.subsidies import Breakdown

PAGE_SIZE = 50
REPORT_SESSION_KEY = "workforce_roster_report"


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def _staff_user(request: HttpRequest) -> User:
    """The signed-in user of a staff page; residents have none (404)."""
    user = current_user(request)
    if user.role == Role.RESIDENT:
        raise Http404
    return user


def _filter_form(request: HttpRequest, user: User) -> StaffFilterForm:
    institutions = access.institutions_in_scope(user)
    return StaffFilterForm(
        request.GET,
        institutions=Institution.objects.all() if institutions is None else institutions,
    )


@never_cache
@login_required
def staff_list(request: HtmxHttpRequest) -> HttpResponse:
    """HR-1: the staff in scope, filtered and searched; htmx gets the results table alone."""
    user = _staff_user(request)
    form = _filter_form(request, user)
    filters = form.filters()
    staff = queries.filter_staff(
        access.list_staff(user, request=request, purpose="staff list", detail=filters.as_detail()),
        filters,
    )
    page = Paginator(staff, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page_obj": page,
        "query": filters.query,
        "export_query": request.GET.urlencode(),
        "can_edit": access.is_editor(user),
    }
    if request.htmx and not request.htmx.boosted:
        return render(request, "workforce/partials/_results.html", context)
    return render(request, "workforce/list.html", context)


@never_cache
@login_required
def staff_export(request: HttpRequest) -> HttpResponse:
    """HR-1: the filtered list as an Excel roster (the import's columns; audited as an export)."""
    user = _staff_user(request)
    filters = _filter_form(request, user).filters()
    staff = queries.filter_staff(
        access.export_staff(
            user, request=request, purpose="staff export", detail=filters.as_detail()
        ),
        filters,
    ).prefetch_related(Prefetch("certificates", queryset=Certificate.objects.order_by("id")))
    today = timezone.localdate()
    return xlsx_response(
        f"{_('Staff')}-{today:%Y%m%d}.xlsx",
        roster.headers(),
        roster.roster_rows(staff),
        title=_("Staff"),
    )


@never_cache
@login_required
def staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff_user(request)
    staff = access.get_staff(user, pk, request=request, purpose="staff detail")
    record = queries.staff_record(staff, timezone.localdate())
    return render(
        request,
        "workforce/detail.html",
        {"record": record, "staff": staff, "can_edit": access.is_editor(user)},
    )


@never_cache
@login_required
def staff_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """HR-1, HR-10: the basic record."""
    user = _staff_user(request)
    staff = access.get_staff_for_change(user, pk, request=request, purpose="staff edit")
    institutions = access.editable_institutions(user)
    if request.method == "POST":
        form = StaffForm(request.POST, instance=staff, institutions=institutions)
        if form.is_valid():
            changed = list(form.changed_data)
            form.save()
            if changed:
                access.record_change(
                    user, staff, request=request, purpose="staff edit", detail={"fields": changed}
                )
            messages.success(request, _("Saved."))
            return redirect("workforce:detail", pk=staff.pk)
    else:
        form = StaffForm(instance=staff, institutions=institutions)
    return render(
        request,
        "workforce/form.html",
        {"staff": staff, "form": form, "heading": _("Edit staff record"), "citation": "HR-1"},
    )


FormFactory = Callable[..., "forms.ModelForm[Any]"]


def _add_related(
    request: HttpRequest,
    pk: int,
    *,
    form_class: FormFactory,
    what: str,
    heading: str,
    citation: str,
) -> HttpResponse:
    user = _staff_user(request)
    staff = access.get_staff_for_change(user, pk, request=request, purpose=f"add {what}")
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        row: Model = form.save(commit=False)
        row.staff = staff  # type: ignore[attr-defined]
        row.save()
        access.record_change(
            user,
            staff,
            request=request,
            purpose=f"add {what}",
            detail={"added": what, "id": row.pk},
        )
        messages.success(request, _("Saved."))
        return redirect("workforce:detail", pk=staff.pk)
    return render(
        request,
        "workforce/form.html",
        {"staff": staff, "form": form, "heading": heading, "citation": citation},
    )


@never_cache
@login_required
def add_certificate(request: HttpRequest, pk: int) -> HttpResponse:
    return _add_related(
        request,
        pk,
        form_class=CertificateForm,
        what="certificate",
        heading=_("Add a certificate"),
        citation="HR-1",
    )


@never_cache
@login_required
def add_post(request: HttpRequest, pk: int) -> HttpResponse:
    return _add_related(
        request,
        pk,
        form_class=PostForm,
        what="post",
        heading=_("Add a post or multi-site practice"),
        citation="HR-2",
    )


@never_cache
@login_required
def add_training(request: HttpRequest, pk: int) -> HttpResponse:
    return _add_related(
        request,
        pk,
        form_class=TrainingForm,
        what="training",
        heading=_("Add a training record"),
        citation="HR-5",
    )


@never_cache
@login_required
def add_visit(request: HttpRequest, pk: int) -> HttpResponse:
    return _add_related(
        request,
        pk,
        form_class=GuidanceVisitForm,
        what="guidance visit",
        heading=_("Add a guidance visit"),
        citation="HR-3",
    )


SUBSIDY_LINES = (
    ("public_health", gettext_lazy("Public-health subsidy")),
    ("essential_drug", gettext_lazy("Essential-drug subsidy")),
    ("post", gettext_lazy("Post subsidy")),
    ("graduate_allowance", gettext_lazy("Post allowance (graduate, 镇聘村用)")),
    ("consultation_fee", gettext_lazy("General consultation fee")),
)


def _breakdown(request: HttpRequest, user: User, *, export: bool) -> Breakdown | str:
    """The breakdown, or the reason the county's parameters cannot be read."""
    try:
        rates = queries.county_subsidy_rates()
    except queries.SubsidyParametersError as error:
        return str(error)
    return queries.subsidy_breakdown(
        user, rates, request=request, purpose="village doctor subsidies", export=export
    )


@never_cache
@login_required
def subsidies(request: HttpRequest) -> HttpResponse:
    """HR-9: each village doctor's subsidies and each clinic's operating funds, with citations."""
    user = _staff_user(request)
    result = _breakdown(request, user, export=False)
    context: dict[str, Any] = {"lines": SUBSIDY_LINES}
    if isinstance(result, str):
        context["unavailable"] = result
    else:
        context["breakdown"] = result
    return render(request, "workforce/subsidies.html", context)


def subsidy_headers() -> list[str]:
    return [
        _("Village doctor"),
        _("Clinic"),
        _("Service population"),
        _("Subsidised population"),
        *[str(label) for _key, label in SUBSIDY_LINES if _key != "consultation_fee"],
        _("Consultation fee per visit"),
        _("Total"),
    ]


def subsidy_rows(result: Breakdown) -> list[list[object]]:
    rows: list[list[object]] = []
    for doctor in result.doctors:
        rows.append(
            [
                doctor.doctor.name,
                doctor.clinic.name,
                doctor.service_population,
                doctor.subsidised_population,
                *[
                    doctor.line(key).amount
                    for key, _label in SUBSIDY_LINES
                    if key != "consultation_fee"
                ],
                _("%(rate)s yuan; visits not yet recorded")
                % {"rate": result.rates.consultation_fee_per_visit},
                doctor.total,
            ]
        )
    rows.append(
        [
            _("Total"),
            "",
            "",
            "",
            *[result.totals[key] for key, _label in SUBSIDY_LINES if key != "consultation_fee"],
            "",
            result.doctor_total,
        ]
    )
    for clinic in result.clinics:
        rows.append(
            [
                _("Clinic operating funds (WD-10)"),
                clinic.clinic.name,
                clinic.clinic.population,
                "",
                "",
                "",
                "",
                "",
                "",
                clinic.operating_funds,
            ]
        )
    return rows


@never_cache
@login_required
def subsidies_export(request: HttpRequest) -> HttpResponse:
    user = _staff_user(request)
    result = _breakdown(request, user, export=True)
    if isinstance(result, str):
        messages.error(request, result)
        return redirect("workforce:subsidies")
    today = timezone.localdate()
    return xlsx_response(
        f"{_('Village doctor subsidies')}-{today:%Y%m%d}.xlsx",
        subsidy_headers(),
        subsidy_rows(result),
        title=_("Village doctor subsidies"),
    )


def _editor(request: HttpRequest) -> User:
    user = _staff_user(request)
    if not access.is_editor(user):
        raise PermissionDenied
    return user


@never_cache
@login_required
def roster_import(request: HttpRequest) -> HttpResponse:
    """HR-1: upload a roster; good rows are imported, each refused value is listed."""
    user = _editor(request)
    report = None
    error = ""
    if request.method == "POST":
        form = RosterUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                report = roster.import_file(
                    upload.read(), upload.name or "", user=user, request=request
                )
            except SpreadsheetError as failure:
                error = str(failure)
            else:
                request.session[REPORT_SESSION_KEY] = {
                    "created": report.created,
                    "updated": report.updated,
                    "unchanged": report.unchanged,
                    "rejections": [[r.row, r.column, r.value, r.reason] for r in report.rejections],
                }
    else:
        form = RosterUploadForm()
    return render(
        request,
        "workforce/import.html",
        {"form": form, "report": report, "error": error, "columns": roster.COLUMNS},
    )


@never_cache
@login_required
def roster_report(request: HttpRequest) -> HttpResponse:
    """The last import's rejected rows as a workbook."""
    _editor(request)
    stored = request.session.get(REPORT_SESSION_KEY)
    if not stored:
        raise Http404
    report = ImportReport(
        created=stored["created"],
        updated=stored["updated"],
        unchanged=stored["unchanged"],
        rejections=[Rejection(*item) for item in stored["rejections"]],
    )
    response = HttpResponse(report_xlsx(report), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="roster-rejections.xlsx"'
    return response


@login_required
def roster_template(request: HttpRequest) -> HttpResponse:
    """An empty roster with the column headers in the user's language."""
    _editor(request)
    return xlsx_response(f"{_('Staff roster')}.xlsx", roster.headers(), [], title=_("Staff roster"))
