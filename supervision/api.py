"""``/api/v1/supervision``: the same results as the dashboard and ``jiceng check`` (SUP-7)."""

from datetime import date
from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from accounts.models import User
from jiceng.errors import DomainError
from jiceng.schemas import ERRORS
from supervision.access import may_supervise
from supervision.engine import run_pack
from supervision.packs import PackError, available_packs, load_pack, the_county

router = Router(tags=["supervision"])


class FailingOut(Schema):
    type: str
    id: int
    name: str
    url: str
    reason: str


class ResultOut(Schema):
    id: str
    kind: str
    category: str
    title: str
    status: str
    value: Any
    display: str
    threshold: str
    citation: list[str]
    failing: list[FailingOut]
    note: str
    checked: int
    pack: str
    deadline: date | None = None
    on_track: bool | None = None
    expected_by_now: float | None = None


class ResultsOut(Schema):
    pack: str
    pack_name: str
    county: str
    as_of: date
    results: list[ResultOut]


class RuleOut(Schema):
    id: str
    citation: list[str]
    params: dict[str, Any]
    defined_in: str


class PackOut(Schema):
    code: str
    name: str
    name_en: str
    chain: list[str]
    applies_to: list[str]
    parameters: dict[str, Any]
    rules: list[RuleOut]


def _supervisor(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    if not isinstance(user, User) or not may_supervise(user):
        raise Http404
    return user


@router.get(
    "/results",
    response={200: ResultsOut, **ERRORS},
    summary="Every check and target of the county's policy pack, with failing entities",
)
def results(
    request: HttpRequest, pack: str | None = None, as_of: date | None = None
) -> dict[str, Any]:
    _supervisor(request)
    county = the_county()
    if county is None:
        raise DomainError("no_county", "There is no county in the database.", None)
    try:
        day = as_of or timezone.localdate()
        used, found = run_pack(county, pack_code=pack, today=day)
    except PackError as error:
        raise DomainError("unknown_pack", str(error), "pack") from None
    return {
        "pack": used.code,
        "pack_name": used.name,
        "county": county.name,
        "as_of": day,
        "results": [result.as_json() for result in found],
    }


@router.get("/packs", response={200: list[str], **ERRORS}, summary="The policy packs shipped")
def packs(request: HttpRequest) -> list[str]:
    _supervisor(request)
    return available_packs()


@router.get(
    "/packs/{path:code}",
    response={200: PackOut, **ERRORS},
    summary="One policy pack with everything it inherits",
)
def pack_detail(request: HttpRequest, code: str) -> dict[str, Any]:
    _supervisor(request)
    try:
        pack = load_pack(code)
    except PackError as error:
        raise DomainError("unknown_pack", str(error), "code") from None
    return {
        "code": pack.code,
        "name": pack.name,
        "name_en": pack.name_en,
        "chain": list(pack.chain),
        "applies_to": list(pack.applies_to),
        "parameters": dict(pack.parameters),
        "rules": [
            {
                "id": rule.id,
                "citation": list(rule.citation),
                "params": {
                    key: value.isoformat() if isinstance(value, date) else value
                    for key, value in rule.params.items()
                },
                "defined_in": rule.defined_in,
            }
            for rule in pack.rules.values()
        ],
    }
