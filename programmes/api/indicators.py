"""``/api/v1/programmes/indicators``: the programme indicators of §5 for a period and level, the
same numbers as the dashboard and ``jiceng indicators`` (PH-2)."""

from datetime import date
from typing import Any, Literal

from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from accounts.models import Role, User
from accounts.scope import division_ranges
from jiceng.schemas import ERRORS
from programmes.indicators import indicators_for, parse_period

router = Router(tags=["programme indicators"])

LevelName = Literal["county", "township", "village", "institution", "team"]


class IndicatorsQuery(Schema):
    period: str = Field(description="2025, 2025Q1, 2025-03 or 2025-01-01..2025-06-30")
    level: LevelName = Field(default="county", description="how the rows are grouped")


class RowOut(Schema):
    level: str
    key: str = Field(description="division code, institution code or team id; '' if unassigned")
    label: str
    numerator: int
    denominator: int
    rate: float | None = Field(description="percentage, two decimals; null without denominator")


class IndicatorOut(Schema):
    code: str
    name: str
    group: str
    numerator_definition: str
    denominator_definition: str
    citation: str
    confidence: str = Field(description="V verified, C secondary summaries, U unverified")
    rows: list[RowOut]


class IndicatorsOut(Schema):
    period: str
    start: date
    end: date
    level: str
    indicators: list[IndicatorOut]


def _viewer(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    if (
        not isinstance(user, User)
        or user.role in (Role.RESIDENT, Role.SPECIALIST)
        or not division_ranges(user)
    ):
        raise Http404
    return user


@router.get(
    "",
    response={200: IndicatorsOut, **ERRORS},
    summary="Every programme indicator for a period, per level, within the caller's area",
)
def indicators(request: HttpRequest, query: Query[IndicatorsQuery]) -> dict[str, Any]:
    user = _viewer(request)
    period = parse_period(query.period)
    results = indicators_for(user, period, query.level, request=request)
    return {
        "period": period.label,
        "start": period.start,
        "end": period.end,
        "level": query.level,
        "indicators": [result.as_json(query.level) for result in results],
    }
