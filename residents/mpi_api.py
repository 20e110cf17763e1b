"""``/api/v1/mpi``: the duplicate review queue, merges and roster import for machine clients —
the same actions as the pages (IT-1), scoped and audited the same way."""

from datetime import datetime
from typing import Any, Literal

from django.http import Http404, HttpRequest
from ninja import File, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate

from accounts import audit
from accounts.models import User
from accounts.scope import residents_in_scope
from jiceng.errors import DomainError
from jiceng.schemas import ERRORS, RejectionOut
from jiceng.spreadsheets import SpreadsheetError
from residents import mpi, roster
from residents.models import MatchCandidate, Merge

router = Router(tags=["master patient index"])


class CandidateOut(Schema):
    id: int
    resident_id: int
    other_id: int | None
    incoming_id: int | None
    incoming_source: str | None
    incoming_row: int | None
    score: float
    evidence: dict[str, str]
    status: str

    @staticmethod
    def resolve_incoming_source(obj: MatchCandidate) -> str | None:
        return obj.incoming.source if obj.incoming else None

    @staticmethod
    def resolve_incoming_row(obj: MatchCandidate) -> int | None:
        return obj.incoming.row if obj.incoming else None


class DecisionIn(Schema):
    decision: Literal["keep_left", "keep_right", "distinct", "merge_incoming", "create_incoming"]


class DecisionOut(Schema):
    candidate_id: int
    status: str
    resident_id: int | None


class MergeOut(Schema):
    id: int
    survivor_id: int
    absorbed_id: int
    merged_at: datetime
    undone_at: datetime | None
    filled: list[str]

    @staticmethod
    def resolve_filled(obj: Merge) -> list[str]:
        return list(obj.snapshot.get("filled", []))


class RosterReportOut(Schema):
    created: int
    unchanged: int
    queued: int
    flagged: int
    rejected_rows: int
    rejections: list[RejectionOut]


def _reviewer(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    if not isinstance(user, User) or user.role not in mpi.REVIEWERS:
        raise Http404
    return user


@router.get("/candidates", response={200: list[CandidateOut], **ERRORS}, summary="Pairs to review")
@paginate
def candidates(request: HttpRequest) -> Any:
    user = _reviewer(request)
    audit.record(
        user, "list", "residents.matchcandidate", purpose="review duplicates", request=request
    )
    return mpi.pending_candidates(user)


@router.post(
    "/candidates/{candidate_id}/decision",
    response={200: DecisionOut, **ERRORS},
    summary="Same person (keep which record) or different people",
)
def decide(request: HttpRequest, candidate_id: int, payload: DecisionIn) -> DecisionOut:
    user = _reviewer(request)
    candidate = mpi.pending_candidates(user).filter(pk=candidate_id).first()
    if candidate is None:
        raise Http404
    resident_id: int | None = None
    if payload.decision == "distinct":
        mpi.decide_distinct(candidate, user=user, request=request)
    elif payload.decision in ("keep_left", "keep_right"):
        if candidate.other is None:
            raise DomainError(
                "not_a_pair", "This is an imported row; use merge_incoming.", "decision"
            )
        kept, other = candidate.resident, candidate.other
        if payload.decision == "keep_right":
            kept, other = other, kept
        resident_id = mpi.merge(
            kept, other, user=user, request=request, candidate=candidate
        ).survivor_id
    else:
        resident_id = mpi.resolve_incoming(
            candidate, same_person=payload.decision == "merge_incoming", user=user, request=request
        ).pk
    candidate.refresh_from_db()
    return DecisionOut(candidate_id=candidate.pk, status=candidate.status, resident_id=resident_id)


@router.get("/merges", response={200: list[MergeOut], **ERRORS}, summary="Merges, newest first")
@paginate
def merges(request: HttpRequest) -> Any:
    user = _reviewer(request)
    audit.record(user, "list", "residents.merge", purpose="review duplicates", request=request)
    visible = residents_in_scope(user).values("pk")
    return Merge.objects.filter(survivor__in=visible).order_by("-merged_at")


@router.post(
    "/merges/{merge_id}/undo", response={200: MergeOut, **ERRORS}, summary="Undo a merge exactly"
)
def undo(request: HttpRequest, merge_id: int) -> Merge:
    user = _reviewer(request)
    visible = residents_in_scope(user).values("pk")
    record = Merge.objects.filter(pk=merge_id, survivor__in=visible).first()
    if record is None:
        raise Http404
    mpi.unmerge(record, user=user, request=request)
    record.refresh_from_db()
    return record


@router.post(
    "/roster",
    response={200: RosterReportOut, **ERRORS},
    summary="Import a resident roster (.xlsx or .csv); refused rows and queued duplicates reported",
)
def import_roster(request: HttpRequest, file: File[UploadedFile]) -> dict[str, Any]:
    user = _reviewer(request)
    if file.size is not None and file.size > mpi.MAX_UPLOAD_BYTES:
        raise DomainError("file_too_large", "The file is larger than 20 MB.", "file")
    try:
        report = roster.import_file(file.read(), file.name or "", user=user, request=request)
    except SpreadsheetError as error:
        raise DomainError("unreadable_file", str(error), "file") from None
    return report.as_json()
