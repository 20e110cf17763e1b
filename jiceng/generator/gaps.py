"""The deliberate gaps and recorded exceptions a generated county has, for the JC-6 checks to find.

ORG-4 wants one CHSC per street, ORG-6 one clinic per administrative village, with exceptions
that must be recorded. Each generated county breaks those rules on purpose, in places named
here, so tests of the compliance checks can assert exactly what they should report:

(a) ``thc_seat_without_clinic``: the village where a THC sits has no clinic (exception; rule
    applied to every THC);
(b) ``small_village_served_by_neighbour``: a village of < 200 people without a clinic, listed in
    a neighbour's clinic's ``served_divisions`` (exception);
(c) ``village_without_service``: a village with no clinic and nobody listing it (a real gap);
(d) ``street_without_chsc``: a street with no CHSC (a real gap);
(e) ``shared_central_clinic``: a village without a clinic, served by the neighbour's central
    clinic (``is_central``), which serves both (exception).
"""

from dataclasses import dataclass
from typing import TypedDict

from divisions.models import Division
from jiceng.generator.source import CountySource, GenerationError, seat_village

THC_SEAT_WITHOUT_CLINIC = "thc_seat_without_clinic"
SMALL_VILLAGE_SERVED_BY_NEIGHBOUR = "small_village_served_by_neighbour"
VILLAGE_WITHOUT_SERVICE = "village_without_service"
STREET_WITHOUT_CHSC = "street_without_chsc"
SHARED_CENTRAL_CLINIC = "shared_central_clinic"

GAP_KINDS: dict[str, str] = {
    "a": THC_SEAT_WITHOUT_CLINIC,
    "b": SMALL_VILLAGE_SERVED_BY_NEIGHBOUR,
    "c": VILLAGE_WITHOUT_SERVICE,
    "d": STREET_WITHOUT_CHSC,
    "e": SHARED_CENTRAL_CLINIC,
}


@dataclass(frozen=True)
class GapPlan:
    """Where one county's gaps go. Every code lies in ``small_townships``, so ``--size small``
    and ``--size county`` have the same gaps."""

    small_townships: tuple[str, ...]
    """Township codes kept by ``--size small``: streets first, then towns."""
    street_without_chsc: str | None
    central_health_centres: tuple[str, ...]
    """Townships whose THC is a central THC (中心卫生院, ORG-7)."""
    small_villages: tuple[tuple[str, str], ...]
    """(village of < 200 people without a clinic, neighbour village whose clinic serves it)."""
    villages_without_service: tuple[str, ...]
    central_clinic: tuple[str, str] | None
    """(village of the central clinic, neighbour village it also serves)."""


GAP_PLANS: dict[str, GapPlan] = {
    # 高平市: streets 北城 (with CHSC and stations) and 东城 (no CHSC); towns 米山, 三甲, 神农.
    "140581": GapPlan(
        small_townships=("140581001000", "140581002000", "140581101000", "140581102000",
                         "140581103000"),
        street_without_chsc="140581002000",  # 东城街道
        central_health_centres=("140581101000", "140581103000"),  # 米山镇, 神农镇
        small_villages=(
            ("140581101215", "140581101216"),  # 井则沟, served by 董寨
            ("140581102214", "140581102213"),  # 赵家山, served by 响水坡
            ("140581103229", "140581103230"),  # 小西沟, served by 小河西
        ),
        villages_without_service=("140581102212", "140581103213"),  # 路家山, 长畛坡
        central_clinic=("140581101224", "140581101225"),  # 云西 serves 云东
    ),
}  # fmt: skip


class DeliberateGap(TypedDict):
    kind: str
    rule: str
    is_exception: bool
    """True: an allowed exception that must be on record; False: a real gap."""
    division_code: str
    division_name: str
    served_by: str | None
    """Code of the institution listing the division in ``served_divisions``."""


def _rural_villages(source: CountySource, township_code: str) -> list[str]:
    township = next(t for t in source.townships if t.code == township_code)
    villages = source.villages[township_code]
    seat = seat_village(township.name, villages).code
    return [v.code for v in villages if v.kind == Division.Kind.VILLAGE and v.code != seat]


def derive_plan(source: CountySource) -> GapPlan:
    """A plan for a county without one in ``GAP_PLANS``: the first streets and towns by code."""
    streets = [t.code for t in source.townships if t.kind == Division.Kind.STREET]
    towns = [t.code for t in source.townships if t.kind != Division.Kind.STREET]
    towns = [code for code in towns if len(_rural_villages(source, code)) >= 4][:3]
    if len(towns) < 3:
        raise GenerationError(
            f"county {source.county_code} has fewer than 3 towns with 5 or more villages"
        )
    kept_streets = streets[:2]
    first, second, third = (_rural_villages(source, code) for code in towns)
    return GapPlan(
        small_townships=(*kept_streets, *towns),
        street_without_chsc=kept_streets[-1] if kept_streets else None,
        central_health_centres=(towns[0], towns[2]),
        small_villages=tuple((villages[-2], villages[-1]) for villages in (first, second, third)),
        villages_without_service=(second[len(second) // 2 - 1], third[len(third) // 2 - 1]),
        central_clinic=(first[0], first[1]),
    )


def plan_for(source: CountySource) -> GapPlan:
    plan = GAP_PLANS.get(source.county_code) or derive_plan(source)
    _check(plan, source)
    return plan


def _check(plan: GapPlan, source: CountySource) -> None:
    kept = set(plan.small_townships)
    villages = {
        village.code: village
        for township in source.townships
        if township.code in kept
        for village in source.villages[township.code]
    }
    named = [code for pair in plan.small_villages for code in pair]
    named += list(plan.villages_without_service) + list(plan.central_clinic or ())
    if len(set(named)) != len(named):
        raise GenerationError("the gap plan names a village twice")
    for code in named:
        if code not in villages or villages[code].kind != Division.Kind.VILLAGE:
            raise GenerationError(f"gap plan: {code} is not an administrative village kept")
    seats = {
        seat_village(township.name, source.villages[township.code]).code
        for township in source.townships
        if township.code in kept and township.kind != Division.Kind.STREET
    }
    if seats & set(named):
        raise GenerationError("gap plan: a THC's seat village cannot carry another gap")
