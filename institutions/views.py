"""The institution registry pages (ORG-1, ORG-3, ORG-6, MED-8).

Registry data is public to every signed-in user; only registry editors (``actions.can_edit``:
sysadmin, county health commission, medical group management) change it, and others get 403 on
the editing pages. Every change is written to the audit log by ``institutions.actions``.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.scope import current_user
from institutions import actions, roster
from institutions.forms import (
    CapabilitiesForm,
    DesignationForm,
    ExceptionForm,
    InstitutionForm,
    MembershipForm,
)
from institutions.models import (
    Capabilities,
    Designation,
    GroupMembership,
    Institution,
    MedicalGroup,
    PracticeSubject,
    VillageServiceException,
)
from institutions.queries import CAPABILITY_FILTERS, Filters, filter_institutions
from jiceng.errors import DomainError
from jiceng.spreadsheets import (
    XLSX_CONTENT_TYPE,
    ImportReport,
    Rejection,
    SpreadsheetError,
    attachment_disposition,
    report_xlsx,
    xlsx_response,
)
from workforce.access import staff_counts

PAGE_SIZE = 50
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
REPORT_SESSION_KEY = "institutions_roster_report"
REPORT_KEPT_REJECTIONS = 5000


def _editor(request: HttpRequest) -> Any:
    user = current_user(request)
    actions.require_editor(user)
    return user


# --- institutions -----------------------------------------------------------------------------


@login_required
def institution_list(request: HttpRequest) -> HttpResponse:
    """Institutions in management order, filtered by type, ownership, designation, capability
    (ORG-1, MED-8)."""
    filters = Filters.from_query(request.GET)
    institutions = filter_institutions(filters).select_related("division", "parent")
    counts = dict(
        Institution.objects.order_by()
        .values("type")
        .annotate(count=Count("id"))
        .values_list("type", "count")
    )
    types = [
        (value, label, counts.get(value, 0))
        for value, label in Institution.Type.choices
        if counts.get(value)
    ]
    page = Paginator(institutions, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page_obj": page,
        "types": types,
        "chosen_type": filters.type,
        "filters": filters,
        "ownerships": Institution.Ownership.choices,
        "designations": Designation.Kind.choices,
        "capabilities": [(key, item.label) for key, item in CAPABILITY_FILTERS.items()],
        "query": query.urlencode(),
        "can_edit": actions.can_edit(request.user),
    }
    return render(request, "institutions/list.html", context)


@login_required
def institution_export(request: HttpRequest) -> HttpResponse:
    """The filtered list as an Excel workbook in the roster's columns, so it can be imported."""
    filters = Filters.from_query(request.GET)
    filename = f"{_('Institutions')}-{timezone.localdate():%Y-%m-%d}.xlsx"
    return xlsx_response(
        filename,
        roster.export_headers(),
        roster.export_rows(filter_institutions(filters)),
        title=_("Institutions"),
    )


def _beds(capabilities: Capabilities | None) -> list[tuple[str, int]]:
    if capabilities is None:
        return []
    return [
        (str(roster.LABELS[name]), getattr(capabilities, name))
        for name in (
            "beds_general",
            "beds_rehabilitation",
            "beds_nursing",
            "beds_hospice",
            "beds_elderly_care",
        )
    ]


@login_required
def institution_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One institution: registry entry, capabilities (ORG-1, MED-8), designations, medical group
    (ORG-3), and the villages it serves under an ORG-6 exception."""
    institution = get_object_or_404(
        Institution.objects.select_related("division__parent", "parent"), pk=pk
    )
    children = institution.children.select_related("division").order_by("path")
    served = institution.served_divisions.select_related("parent").order_by("code")
    staff = staff_counts(institution)
    capabilities = Capabilities.objects.filter(institution=institution).first()
    subjects = dict(PracticeSubject.choices)
    membership = (
        GroupMembership.objects.filter(institution=institution)
        .select_related("group__lead")
        .first()
    )
    can_edit = actions.can_edit(request.user)
    context = {
        "institution": institution,
        "children": children,
        "served": served,
        "staff_total": staff["total"],
        "staff_in_post": staff["in_post"],
        "capabilities": capabilities,
        "subjects": [
            (code, subjects.get(code, code))
            for code in (capabilities.approved_scope if capabilities else [])
        ],
        "beds": _beds(capabilities),
        "designations": institution.designations.order_by("since"),
        "membership": membership,
        "exception_villages": institution.exception_villages.select_related(
            "village__parent"
        ).order_by("village__code"),
        "can_edit": can_edit,
        "designation_form": DesignationForm(institution=institution) if can_edit else None,
    }
    return render(request, "institutions/detail.html", context)


@never_cache
@login_required
def institution_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit the registry entry and capabilities on one page; a missing capabilities row is
    created on the first save (ORG-1, MED-8)."""
    user = _editor(request)
    institution = get_object_or_404(Institution.objects.select_related("parent"), pk=pk)
    capabilities = Capabilities.objects.filter(institution=institution).first()
    data = request.POST if request.method == "POST" else None
    form = InstitutionForm(data, instance=institution)
    capabilities_form = CapabilitiesForm(
        data, instance=capabilities or Capabilities(institution=institution), prefix="cap"
    )
    if request.method == "POST" and form.is_valid() and capabilities_form.is_valid():
        with transaction.atomic():
            changed = list(form.changed_data)
            institution = form.save()
            if "parent" in changed:
                actions.refresh_paths(institution)
            if changed:
                actions.record_change(
                    user,
                    actions.UPDATE,
                    institution,
                    purpose="registry edit",
                    request=request,
                    changed=changed,
                )
            values = {
                name: capabilities_form.cleaned_data[name] for name in capabilities_form.fields
            }
            actions.save_capabilities(
                user, institution, values, purpose="registry edit", request=request
            )
        messages.success(request, _("Saved."))
        return redirect("institutions:detail", pk=institution.pk)
    context = {"institution": institution, "form": form, "capabilities_form": capabilities_form}
    return render(request, "institutions/edit.html", context)


@require_POST
@login_required
def designation_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = _editor(request)
    institution = get_object_or_404(Institution, pk=pk)
    form = DesignationForm(request.POST, institution=institution)
    if form.is_valid():
        actions.add_designation(
            user,
            institution,
            form.cleaned_data["kind"],
            form.cleaned_data["since"],
            request=request,
        )
        messages.success(request, _("Designation added."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect("institutions:detail", pk=institution.pk)


@require_POST
@login_required
def designation_remove(request: HttpRequest, pk: int, designation_pk: int) -> HttpResponse:
    user = _editor(request)
    designation = get_object_or_404(Designation, pk=designation_pk, institution_id=pk)
    actions.remove_designation(user, designation, request=request)
    messages.success(request, _("Designation removed."))
    return redirect("institutions:detail", pk=pk)


# --- roster import ----------------------------------------------------------------------------


def _keep_report(request: HttpRequest, report: ImportReport) -> None:
    request.session[REPORT_SESSION_KEY] = {
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "rejections": [
            [r.row, r.column, r.value, r.reason] for r in report.rejections[:REPORT_KEPT_REJECTIONS]
        ],
    }


def _kept_report(request: HttpRequest) -> ImportReport | None:
    kept = request.session.get(REPORT_SESSION_KEY)
    if not isinstance(kept, dict):
        return None
    return ImportReport(
        created=kept["created"],
        updated=kept["updated"],
        unchanged=kept["unchanged"],
        rejections=[Rejection(*item) for item in kept["rejections"]],
    )


@never_cache
@login_required
def roster_import(request: HttpRequest) -> HttpResponse:
    """Upload an institution roster (.xlsx or .csv); every good row is imported, every bad row
    reported with its row, column and reason (ORG-1, MED-8)."""
    user = _editor(request)
    report: ImportReport | None = None
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            error = _("Choose a file to upload.")
        elif upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
            error = _("The file is larger than 5 MB.")
        else:
            try:
                report = roster.import_roster(
                    upload.read(),
                    upload.name or "",
                    user=user,
                    request=request,
                    dry_run=request.POST.get("dry_run") == "1",
                )
            except (SpreadsheetError, roster.MissingColumnsError) as failure:
                error = str(failure)
            else:
                _keep_report(request, report)
    context = {
        "report": report,
        "error": error,
        "dry_run": request.POST.get("dry_run") == "1",
        "columns": roster.COLUMNS,
        "max_rows_shown": 200,
    }
    return render(request, "institutions/import.html", context, status=400 if error else 200)


@login_required
def roster_report(request: HttpRequest) -> HttpResponse:
    """The last import's rejections as a workbook, to correct and upload again."""
    _editor(request)
    report = _kept_report(request)
    if report is None:
        raise Http404
    response = HttpResponse(report_xlsx(report), content_type=XLSX_CONTENT_TYPE)
    filename = f"{_('Rejected rows')}-{timezone.localdate():%Y-%m-%d}.xlsx"
    response["Content-Disposition"] = attachment_disposition(filename)
    return response


@login_required
def roster_template(request: HttpRequest) -> HttpResponse:
    """An empty roster with the column headers in the user's language."""
    return xlsx_response(
        f"{_('Institution roster')}.xlsx",
        roster.export_headers(),
        [],
        title=_("Institutions"),
    )


# --- medical groups ---------------------------------------------------------------------------


@login_required
def group_list(request: HttpRequest) -> HttpResponse:
    """The county medical groups (ORG-3)."""
    groups = (
        MedicalGroup.objects.select_related("lead", "county")
        .annotate(member_count=Count("memberships"))
        .order_by("name")
    )
    if request.GET.get("format") == "xlsx":
        rows = (
            [
                group.name,
                group.lead.name,
                group.trustee,
                membership.institution.code,
                membership.institution.name,
                membership.get_role_display(),
                membership.joined_on,
                membership.keeps_legal_status,
            ]
            for group in groups
            for membership in group.memberships.select_related("institution").order_by(
                "institution__path"
            )
        )
        return xlsx_response(
            f"{_('Medical groups')}-{timezone.localdate():%Y-%m-%d}.xlsx",
            [
                _("Medical group"),
                _("Lead hospital"),
                _("Trustee hospital"),
                _("Institution code"),
                _("Institution"),
                _("Role"),
                _("Joined on"),
                _("Keeps its own legal status"),
            ],
            rows,
            title=_("Medical groups"),
        )
    return render(request, "institutions/group_list.html", {"groups": groups})


def _memberships(group: MedicalGroup) -> dict[str, list[GroupMembership]]:
    by_role: dict[str, list[GroupMembership]] = {role: [] for role in GroupMembership.Role.values}
    for membership in group.memberships.select_related("institution__division").order_by(
        "institution__path"
    ):
        by_role.setdefault(membership.role, []).append(membership)
    return by_role


@login_required
def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A medical group: lead hospital, trustee, members with their roles and the cooperating
    social institutions (ORG-3)."""
    group = get_object_or_404(MedicalGroup.objects.select_related("lead", "county"), pk=pk)
    by_role = _memberships(group)
    context = {
        "group": group,
        "members": by_role[GroupMembership.Role.LEAD] + by_role[GroupMembership.Role.MEMBER],
        "cooperating": by_role[GroupMembership.Role.COOPERATING],
        "can_edit": actions.can_edit(request.user),
    }
    return render(request, "institutions/group_detail.html", context)


@never_cache
@login_required
def group_members(request: HttpRequest, pk: int) -> HttpResponse:
    """Add institutions to a medical group or remove them (ORG-3)."""
    user = _editor(request)
    group = get_object_or_404(MedicalGroup.objects.select_related("lead"), pk=pk)
    form = MembershipForm(request.POST if request.method == "POST" else None, group=group)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        actions.add_member(
            user,
            group,
            data["institution"],
            data["role"],
            joined_on=data["joined_on"],
            keeps_legal_status=data["keeps_legal_status"],
            request=request,
        )
        messages.success(request, _("Member added."))
        return redirect("institutions:group_members", pk=group.pk)
    memberships = group.memberships.select_related("institution").order_by("institution__path")
    context = {"group": group, "form": form, "memberships": memberships}
    return render(request, "institutions/group_members.html", context)


@require_POST
@login_required
def membership_remove(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    user = _editor(request)
    membership = get_object_or_404(GroupMembership, pk=membership_pk, group_id=pk)
    actions.remove_member(user, membership, request=request)
    messages.success(request, _("Member removed."))
    return redirect("institutions:group_members", pk=pk)


# --- village service exceptions (ORG-6) -------------------------------------------------------


@login_required
def exception_list(request: HttpRequest) -> HttpResponse:
    """Villages without a clinic of their own, and why (ORG-6)."""
    kind = request.GET.get("kind", "")
    if kind not in VillageServiceException.Kind.values:
        kind = ""
    exceptions = VillageServiceException.objects.select_related(
        "village__parent", "served_by"
    ).order_by("village__code")
    if kind:
        exceptions = exceptions.filter(kind=kind)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            f"{_('Villages without a clinic')}-{timezone.localdate():%Y-%m-%d}.xlsx",
            [
                _("Village code"),
                _("Village"),
                _("Township"),
                _("Exception"),
                _("Served by"),
                _("Reason"),
                _("Recorded on"),
            ],
            (
                [
                    e.village.code,
                    e.village.name,
                    e.village.parent.name if e.village.parent else "",
                    e.get_kind_display(),
                    e.served_by.name if e.served_by else "",
                    e.reason,
                    e.recorded_on,
                ]
                for e in exceptions
            ),
            title=_("Villages without a clinic"),
        )
    counts = dict(
        VillageServiceException.objects.order_by()
        .values("kind")
        .annotate(count=Count("id"))
        .values_list("kind", "count")
    )
    context = {
        "exceptions": exceptions,
        "kinds": [
            (value, label, counts.get(value, 0))
            for value, label in VillageServiceException.Kind.choices
        ],
        "chosen_kind": kind,
        "can_edit": actions.can_edit(request.user),
    }
    return render(request, "institutions/exception_list.html", context)


def _exception_form(
    request: HttpRequest, exception: VillageServiceException | None
) -> HttpResponse:
    user = _editor(request)
    form = ExceptionForm(request.POST if request.method == "POST" else None, instance=exception)
    if request.method == "POST" and form.is_valid():
        changed = list(form.changed_data)
        saved = form.save(commit=False)
        try:
            actions.save_exception(user, saved, changed=changed, request=request)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Saved."))
            return redirect("institutions:exceptions")
    return render(
        request, "institutions/exception_form.html", {"form": form, "exception": exception}
    )


@never_cache
@login_required
def exception_add(request: HttpRequest) -> HttpResponse:
    return _exception_form(request, None)


@never_cache
@login_required
def exception_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _exception_form(request, get_object_or_404(VillageServiceException, pk=pk))


@never_cache
@login_required
def exception_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = _editor(request)
    exception = get_object_or_404(
        VillageServiceException.objects.select_related("village", "served_by"), pk=pk
    )
    if request.method == "POST":
        actions.delete_exception(user, exception, request=request)
        messages.success(request, _("Exception deleted."))
        return redirect("institutions:exceptions")
    return render(request, "institutions/exception_delete.html", {"exception": exception})
