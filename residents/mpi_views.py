"""The duplicate review queue and merges (IT-1): pages for the people who keep the county's
records clean. Residents come through ``accounts.scope`` only: a pair is shown when both records
are in the reviewer's scope, and every page is audited."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import audit, scope
from accounts.models import User
from accounts.scope import current_user
from jiceng.errors import DomainError
from jiceng.masking import mask_citizen_id, mask_phone
from jiceng.spreadsheets import SpreadsheetError
from residents import mpi, roster
from residents.models import MatchCandidate, Merge, Resident

PAGE_SIZE = 30


def _reviewer(request: HttpRequest) -> User:
    user = current_user(request)
    if user.role not in mpi.REVIEWERS:
        raise Http404
    return user


def _compared(resident: Resident) -> dict[str, object]:
    """The fields a reviewer compares, as shown: ID and phone numbers masked."""
    return {
        "name": resident.name,
        "sex": resident.get_sex_display(),
        "birth_date": resident.birth_date,
        "citizen_id": mask_citizen_id(resident.citizen_id),
        "phone": mask_phone(resident.phone),
        "village": resident.village,
        "household": resident.household,
        "source": resident.source,
    }


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    user = _reviewer(request)
    audit.record(
        user, "list", "residents.matchcandidate", purpose="review duplicates", request=request
    )
    page = Paginator(mpi.pending_candidates(user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "residents/mpi/queue.html", {"page_obj": page})


def _candidate(user: User, pk: int) -> MatchCandidate:
    candidate = mpi.pending_candidates(user).filter(pk=pk).first()
    if candidate is None:
        raise Http404
    return candidate


@login_required
def candidate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _reviewer(request)
    return _candidate_page(request, user, _candidate(user, pk))


def _candidate_page(
    request: HttpRequest, user: User, candidate: MatchCandidate, error: str = ""
) -> HttpResponse:
    left = scope.get_resident(
        user, candidate.resident_id, request=request, purpose="review duplicates"
    )
    right = (
        scope.get_resident(user, candidate.other_id, request=request, purpose="review duplicates")
        if candidate.other_id
        else None
    )
    other = _compared(right) if right else (candidate.incoming.data if candidate.incoming else {})
    rows = [
        (field, value, other.get(field, ""), candidate.evidence.get(field, ""))
        for field, value in _compared(left).items()
    ]
    return render(
        request,
        "residents/mpi/candidate.html",
        {"candidate": candidate, "left": left, "right": right, "rows": rows, "error": error},
        status=400 if error else 200,
    )


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    user = _reviewer(request)
    candidate = _candidate(user, pk)
    decision = request.POST.get("decision", "")
    try:
        if decision == "distinct":
            mpi.decide_distinct(candidate, user=user, request=request)
        elif decision in ("keep_left", "keep_right") and candidate.other_id:
            left, right = candidate.resident, candidate.other
            assert right is not None
            survivor, absorbed = (left, right) if decision == "keep_left" else (right, left)
            mpi.merge(survivor, absorbed, user=user, request=request, candidate=candidate)
        elif decision in ("merge_incoming", "create_incoming") and candidate.incoming_id:
            mpi.resolve_incoming(
                candidate, same_person=decision == "merge_incoming", user=user, request=request
            )
        else:
            raise DomainError("unknown_decision", _("Choose one of the decisions offered."), None)
    except DomainError as error:
        return _candidate_page(request, user, candidate, error.message)
    return redirect("mpi:queue")


@login_required
def merges(request: HttpRequest) -> HttpResponse:
    user = _reviewer(request)
    visible = scope.residents_in_scope(user)
    rows = (
        Merge.objects.filter(Exists(visible.filter(pk=OuterRef("survivor_id"))))
        .select_related("survivor", "absorbed", "merged_by", "undone_by")
        .order_by("-merged_at")
    )
    audit.record(user, "list", "residents.merge", purpose="review duplicates", request=request)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "residents/mpi/merges.html", {"page_obj": page})


@login_required
@require_POST
def undo(request: HttpRequest, pk: int) -> HttpResponse:
    user = _reviewer(request)
    visible = scope.residents_in_scope(user)
    record = (
        Merge.objects.filter(pk=pk, undone_at__isnull=True)
        .filter(Exists(visible.filter(pk=OuterRef("survivor_id"))))
        .first()
    )
    if record is None:
        raise Http404
    mpi.unmerge(record, user=user, request=request)
    return redirect("mpi:merges")


@login_required
def import_roster(request: HttpRequest) -> HttpResponse:
    """Upload a resident roster (PH-1, IT-1); the result page lists every refused row."""
    user = _reviewer(request)
    context: dict[str, Any] = {"columns": [str(c.label) for c in roster.COLUMNS]}
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            context["error"] = _("Choose a file.")
        elif upload.size is not None and upload.size > mpi.MAX_UPLOAD_BYTES:
            context["error"] = _("The file is larger than 20 MB.")
        else:
            try:
                context["report"] = roster.import_file(
                    upload.read(), upload.name or "", user=user, request=request
                )
            except SpreadsheetError as error:
                context["error"] = str(error)
    return render(
        request, "residents/mpi/import.html", context, status=400 if "error" in context else 200
    )
