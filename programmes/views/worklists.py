"""Work list pages (PH-3): a doctor's or village doctor's list for the day, printable and
phone-friendly, and the supervisors' counts per village and per doctor."""

from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from accounts.models import Role, User
from accounts.scope import current_user
from jiceng.masking import mask_phone
from jiceng.spreadsheets import xlsx_response
from programmes import access, worklist_charts, worklists
from programmes.contacts import contact_label
from programmes.models import Enrolment, Programme
from programmes.worklists import BUCKET_LABELS, BUCKETS, SORTS, Filters

PAGE_SIZE = 50
PRINT_LIMIT = 1_000
SUPERVISOR_ROLES = frozenset(
    {Role.COUNTY_HEALTH, Role.GROUP_MANAGER, Role.TOWNSHIP_STAFF, Role.CDC}
)
WORKLIST_ROLES = frozenset({Role.TOWNSHIP_STAFF, Role.VILLAGE_DOCTOR, *SUPERVISOR_ROLES})


def _user(request: HttpRequest, roles: frozenset[str]) -> User:
    user = current_user(request)
    if user.role not in roles:
        raise Http404
    return user


def _day(request: HttpRequest) -> date:
    return parse_date(request.GET.get("date", "")) or timezone.localdate()


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _filters(request: HttpRequest, user: User) -> Filters:
    doctor = request.GET.get("doctor", "")
    doctor_id = user.staff_id if doctor == "me" else _int(doctor)
    bucket = request.GET.get("bucket", "")
    programme = request.GET.get("programme", "")
    sort = request.GET.get("sort", worklists.DEFAULT_SORT)
    return Filters(
        bucket=bucket if bucket in BUCKET_LABELS else "",
        programme=programme if programme in Programme.values else "",
        village_id=_int(request.GET.get("village")),
        doctor_id=doctor_id,
        sort=sort if sort in SORTS else worklists.DEFAULT_SORT,
    )


def _audited_enrolments(
    request: HttpRequest, user: User, today: date, filters: Filters
) -> QuerySet[Enrolment]:
    return access.list_enrolments(
        user,
        request=request,
        purpose="work list",
        detail={
            "date": str(today),
            "bucket": filters.bucket,
            "programme": filters.programme,
            "village": filters.village_id,
            "doctor": filters.doctor_id,
        },
    )


@login_required
def worklist(request: HttpRequest) -> HttpResponse:
    """Today's work list of the signed-in doctor, within their scope; ``?print=1`` for paper,
    ``?format=xlsx`` for Excel."""
    user = _user(request, WORKLIST_ROLES)
    today = _day(request)
    filters = _filters(request, user)
    enrolments = _audited_enrolments(request, user, today, filters)
    totals = worklists.counts(worklists.narrowed(enrolments, filters), today)
    rows = worklists.items(enrolments, today, filters)
    if request.GET.get("format") == "xlsx":
        return _export(worklists.table(enrolments, today, filters)[:PRINT_LIMIT], today)
    printing = request.GET.get("print") == "1"
    if printing:
        page_rows = list(rows[:PRINT_LIMIT])
        page_obj = None
    else:
        page_obj = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        page_rows = list(page_obj.object_list)
    return render(
        request,
        "programmes/worklists/worklist.html",
        {
            "today": today,
            "filters": filters,
            "rows": [_row(enrolment, today) for enrolment in page_rows],
            "page_obj": page_obj,
            "printing": printing,
            "print_limit": PRINT_LIMIT,
            "tabs": [(code, label, totals[code]) for code, label in BUCKETS],
            "total": sum(totals.values()),
            "programmes": Programme.choices,
            "sorts": _sort_labels(),
            "is_mine": request.GET.get("doctor") == "me",
            "has_staff": user.staff_id is not None,
        },
    )


def _sort_labels() -> list[tuple[str, str]]:
    return [
        ("due", _("due date")),
        ("overdue", _("days overdue")),
        ("name", _("name")),
        ("village", _("village")),
        ("programme", _("programme")),
    ]


def _row(enrolment: Enrolment, today: date) -> dict[str, object]:
    return {
        "enrolment": enrolment,
        "resident": enrolment.resident,
        "bucket": worklists.bucket_of(enrolment),
        "bucket_label": BUCKET_LABELS[worklists.bucket_of(enrolment)],
        "days_overdue": worklists.days_overdue(enrolment, today),
        "phone": mask_phone(enrolment.resident.phone),
    }


def _export(rows: list[tuple[Any, ...]], today: date) -> HttpResponse:
    headers = [
        _("Work list"), _("Programme"), _("Name"), _("Village"), _("Phone"), _("Next contact"),
        _("Due on"), _("Window closes"), _("Days overdue"), _("Doctor"),
    ]  # fmt: skip
    programmes = dict(Programme.choices)
    return xlsx_response(
        _("Work list %(date)s.xlsx") % {"date": today.isoformat()},
        headers,
        (
            (
                str(BUCKET_LABELS[bucket]),
                str(programmes[programme]),
                name,
                village,
                mask_phone(phone),
                contact_label(contact),
                due_on,
                window_end,
                (today - window_end).days if window_end and window_end < today else None,
                doctor or "",
            )
            for (
                _pk,
                bucket,
                programme,
                _resident,
                name,
                phone,
                village,
                contact,
                due_on,
                window_end,
                doctor,
            ) in rows
        ),
        title=_("Work list"),
    )


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """Supervisors: the same buckets counted per village and per doctor, with a chart."""
    user = _user(request, SUPERVISOR_ROLES)
    today = _day(request)
    by = request.GET.get("by", "village")
    if by not in ("village", "doctor"):
        by = "village"
    enrolments = access.enrolments_in_scope(user)
    programme = request.GET.get("programme", "")
    if programme in Programme.values:
        enrolments = enrolments.filter(programme=programme)
    else:
        programme = ""
    rows = worklists.counts_by(enrolments, today, by)
    totals = dict.fromkeys(BUCKET_LABELS, 0)
    for row in rows:
        for code, value in row.counts.items():
            totals[code] += value
    return render(
        request,
        "programmes/worklists/overview.html",
        {
            "today": today,
            "by": by,
            "programme": programme,
            "programmes": Programme.choices,
            "rows": rows,
            "buckets": BUCKETS,
            "totals": [totals[code] for code, _label in BUCKETS],
            "grand_total": sum(totals.values()),
        },
    )


@login_required
def overview_chart(request: HttpRequest) -> HttpResponse:
    user = _user(request, SUPERVISOR_ROLES)
    today = _day(request)
    rows = worklists.counts_by(access.enrolments_in_scope(user), today, "village")
    return HttpResponse(worklist_charts.by_township_svg(rows), content_type="image/svg+xml")
