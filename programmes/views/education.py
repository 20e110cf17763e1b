"""Health education activities (PH-6, JC-30): the list with counts by kind, the form, the Excel
export. Activities are scoped to the institutions a user works for
(``programmes.access.education_institutions``); out of scope an activity does not exist (404).
Residents and specialists have no such pages (404); those who may not record get 403 on the form.
"""

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

import pygal
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from accounts.models import Role, User
from accounts.scope import current_user
from jiceng.charts import chart_config
from jiceng.spreadsheets import xlsx_response
from programmes import access
from programmes.forms import EducationFilterForm, EducationForm
from programmes.models import EducationActivity, Programme
from workforce import access as staff_access

PAGE_SIZE = 50
RECORDING_ROLES = frozenset({Role.VILLAGE_DOCTOR, Role.TOWNSHIP_STAFF, Role.COUNTY_HEALTH})
NO_EDUCATION_PAGES = frozenset({Role.RESIDENT, Role.SPECIALIST})


def _user(request: HttpRequest) -> User:
    user = current_user(request)
    if user.role in NO_EDUCATION_PAGES:
        raise Http404
    return user


def may_record(user: User) -> bool:
    return user.role in RECORDING_ROLES and access.education_institutions(user).exists()


@dataclass(frozen=True)
class Filters:
    year: int | None
    kind: str
    institution_id: int | None


def _filters(request: HttpRequest, user: User, today: date) -> tuple[EducationFilterForm, Filters]:
    form = EducationFilterForm(
        request.GET or None,
        institutions=access.education_institutions(user),
        today=today,
        initial={"year": today.year},
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        return form, Filters(data["year"] or None, data["kind"], data["institution"] or None)
    return form, Filters(today.year if not form.is_bound else None, "", None)


def filtered(user: User, filters: Filters) -> QuerySet[EducationActivity]:
    activities = access.education_in_scope(user)
    if filters.year:
        activities = activities.filter(date__year=filters.year)
    if filters.kind:
        activities = activities.filter(kind=filters.kind)
    if filters.institution_id:
        activities = activities.filter(institution_id=filters.institution_id)
    return activities


def counts_by_kind(activities: QuerySet[EducationActivity]) -> list[tuple[str, str, int, int]]:
    """Per kind: code, label, activities, attendance (one aggregate query)."""
    rows = {
        row["kind"]: (row["count"], row["people"] or 0)
        for row in activities.order_by()
        .values("kind")
        .annotate(count=Count("id"), people=Sum("attendance"))
    }
    return [
        (code, str(label), *rows.get(code, (0, 0)))
        for code, label in EducationActivity.Kind.choices
    ]


def _query(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@never_cache
@login_required
def education_list(request: HttpRequest) -> HttpResponse:
    """The activities of the user's institutions, filtered; this year's counts by kind."""
    user = _user(request)
    today = timezone.localdate()
    form, filters = _filters(request, user, today)
    activities = filtered(user, filters).select_related("institution", "held_by")
    page = Paginator(activities, PAGE_SIZE).get_page(request.GET.get("page"))
    year = filters.year or today.year
    counted = filtered(user, Filters(year, "", filters.institution_id))
    context = {
        "form": form,
        "page_obj": page,
        "year": year,
        "counts": counts_by_kind(counted),
        "query": _query(request),
        "chart_query": urlencode(
            {
                "year": year,
                **({"institution": filters.institution_id} if filters.institution_id else {}),
            }
        ),
        "can_record": may_record(user),
        "audiences": dict(Programme.choices),
    }
    return render(request, "programmes/education/list.html", context)


@login_required
def education_chart(request: HttpRequest) -> HttpResponse:
    """Activities by kind in the chosen year, as an SVG bar chart (pygal, no script)."""
    user = _user(request)
    today = timezone.localdate()
    _form, filters = _filters(request, user, today)
    year = filters.year or today.year
    counts = counts_by_kind(filtered(user, Filters(year, "", filters.institution_id)))
    config = chart_config(
        colours=("#2f6f9f",),
        width=720,
        height=320,
        title=_("Health education activities in %(year)d") % {"year": year},
        no_data_text=_("No activities"),
        font_size=14,
        show_legend=False,
        print_values=True,
        print_zeroes=False,
        x_label_rotation=20,
    )
    largest = max((count for _code, _label, count, _people in counts), default=0)
    step = max(1, -(-largest // 5))
    config.y_labels = list(range(0, largest + step + 1, step))
    chart = pygal.Bar(config)
    chart.x_labels = [label for _code, label, _count, _people in counts]
    chart.add(_("Activities"), [count for _code, _label, count, _people in counts])
    response = HttpResponse(chart.render(), content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=60"
    return response


@never_cache
@login_required
def education_export(request: HttpRequest) -> HttpResponse:
    """The filtered list as an Excel sheet."""
    user = _user(request)
    _form, filters = _filters(request, user, timezone.localdate())
    activities = filtered(user, filters).select_related("institution", "held_by")
    kinds = dict(EducationActivity.Kind.choices)
    audiences = dict(Programme.choices)
    headers = [
        _("Date"), _("Kind"), _("Topic"), _("Target population"), _("Place"), _("Institution"),
        _("Held by"), _("Attendance"), _("Materials"), _("Materials handed out"), _("Notes"),
    ]  # fmt: skip
    rows = (
        (
            row.date,
            str(kinds.get(row.kind, row.kind)),
            row.topic,
            str(audiences.get(row.audience, _("general population"))),
            row.place,
            row.institution.name,
            row.held_by.name if row.held_by else "",
            row.attendance,
            row.materials,
            row.materials_count,
            row.notes,
        )
        for row in activities
    )
    today = timezone.localdate()
    return xlsx_response(
        _("Health education %(date)s.xlsx") % {"date": today.strftime("%Y%m%d")},
        headers,
        rows,
        title=_("Health education"),
    )


def _form_page(
    request: HttpRequest, user: User, activity: EducationActivity | None
) -> HttpResponse:
    if not may_record(user):
        raise PermissionDenied
    today = timezone.localdate()
    institutions = access.education_institutions(user)
    staff = staff_access.list_staff(user, request=request, purpose="health education form")
    initial = {"institution": user.institution_id, "held_by": user.staff_id, "date": today}
    form = EducationForm(
        request.POST if request.method == "POST" else None,
        instance=activity,
        institutions=institutions,
        staff=staff,
        today=today,
        initial=initial if activity is None else None,
    )
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        if activity is None:
            saved.recorded_by = user
        saved.save()
        messages.success(request, _("The activity was saved."))
        return redirect("programmes:education")
    status = 400 if form.errors else 200
    context = {"form": form, "activity": activity}
    return render(request, "programmes/education/form.html", context, status=status)


@never_cache
@login_required
def education_create(request: HttpRequest) -> HttpResponse:
    return _form_page(request, _user(request), None)


@never_cache
@login_required
def education_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    activity = access.education_in_scope(user).filter(pk=pk).first()
    if activity is None:
        raise Http404
    return _form_page(request, user, activity)
