"""Division rows of a generated county: which divisions, their populations and locations."""

import math
import random
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from divisions.models import Division
from jiceng.generator.gaps import GapPlan
from jiceng.generator.randomness import seeded
from jiceng.generator.source import CountySource, SourceDivision


class Size(StrEnum):
    SMALL = "small"
    COUNTY = "county"


COUNTY_RESIDENTS = 500_000
SMALL_RESIDENTS = 5_000
SMALL_VILLAGE_LIMIT = 200
"""ORG-6: a village below this many residents may go without its own clinic."""
LARGEST_VILLAGE = 3_000
SMALLEST_VILLAGE_IN_SMALL = 6

# Approximate seat of each county government (latitude, longitude); others get a fixed point
# derived from the code.
COUNTY_CENTRES: dict[str, tuple[float, float]] = {
    "140502": (35.500, 112.853),  # 城区
    "140521": (35.691, 112.187),  # 沁水县
    "140522": (35.486, 112.415),  # 阳城县
    "140524": (35.776, 113.281),  # 陵川县
    "140525": (35.617, 112.840),  # 泽州县
    "140581": (35.798, 112.924),  # 高平市
    "140902": (38.416, 112.734),  # 忻府区
    "140921": (38.474, 112.957),  # 定襄县
    "140922": (38.728, 113.255),  # 五台县
    "140923": (39.066, 112.958),  # 代县
    "140924": (39.189, 113.266),  # 繁峙县
    "140925": (39.004, 112.304),  # 宁武县
    "140926": (38.359, 111.939),  # 静乐县
    "140927": (39.090, 112.211),  # 神池县
    "140928": (38.908, 111.846),  # 五寨县
    "140929": (38.704, 111.574),  # 岢岚县
    "140930": (39.385, 111.138),  # 河曲县
    "140931": (39.022, 111.086),  # 保德县
    "140932": (39.441, 111.509),  # 偏关县
    "140971": (39.012, 113.590),  # 五台山风景名胜区
    "140981": (38.731, 112.711),  # 原平市
    "371003": (37.193, 122.058),  # 文登区
}
_KM_PER_DEGREE = 111.2


@dataclass
class DivisionRow:
    id: int
    code: str
    name: str
    level: str
    kind: str
    parent_id: int | None
    latitude: Decimal
    longitude: Decimal
    population: int = 0
    planned_population: int = 0
    """Population at county size: what institutions are planned for, whatever the size."""


@dataclass
class Layout:
    county: DivisionRow
    townships: list[DivisionRow]
    villages: dict[str, list[DivisionRow]] = field(default_factory=dict)
    """Villages by township code, in code order."""

    def all_rows(self) -> list[DivisionRow]:
        rows = [self.county]
        for township in self.townships:
            rows += [township, *self.villages[township.code]]
        return rows

    def by_code(self) -> dict[str, DivisionRow]:
        return {row.code: row for row in self.all_rows()}


def county_centre(county_code: str) -> tuple[float, float]:
    if county_code in COUNTY_CENTRES:
        return COUNTY_CENTRES[county_code]
    rng = seeded(county_code)
    return (rng.uniform(34.6, 40.7), rng.uniform(110.5, 114.3))


def _offset(centre: tuple[float, float], km: float, angle: float) -> tuple[float, float]:
    latitude = centre[0] + km * math.sin(angle) / _KM_PER_DEGREE
    longitude = centre[1] + km * math.cos(angle) / (
        _KM_PER_DEGREE * math.cos(math.radians(centre[0]))
    )
    return latitude, longitude


def _degrees(value: float) -> Decimal:
    return Decimal(f"{value:.6f}")


def _raw_population(rng: random.Random, township: SourceDivision, village: SourceDivision) -> float:
    is_street = township.kind == Division.Kind.STREET
    if village.kind == Division.Kind.COMMUNITY:
        urban = is_street and int(village.code[9:12]) < 400
        return rng.randint(3_000, 9_000) if urban else rng.randint(800, 2_500)
    if is_street:
        return rng.randint(1_200, 3_500)
    return min(max(rng.lognormvariate(math.log(950), 0.55), 250), LARGEST_VILLAGE)


def _plan_populations(source: CountySource, plan: GapPlan, seed: int) -> dict[str, int]:
    """County-size population of every village, about ``COUNTY_RESIDENTS`` in all.

    The plan's small villages get 110–190 people; the others share the rest in proportion to a
    raw draw (communities 3,000–9,000, villages log-normal around 950), villages capped at 3,000.
    """
    rng = seeded(seed, "population")
    small = {village for village, _ in plan.small_villages}
    fixed: dict[str, int] = {}
    raw: dict[str, float] = {}
    kinds: dict[str, str] = {}
    for township in source.townships:
        for village in source.villages[township.code]:
            kinds[village.code] = village.kind
            if village.code in small:
                fixed[village.code] = rng.randint(110, SMALL_VILLAGE_LIMIT - 10)
            else:
                raw[village.code] = _raw_population(rng, township, village)
    scale = (COUNTY_RESIDENTS - sum(fixed.values())) / sum(raw.values())
    populations = dict(fixed)
    for code, value in raw.items():
        populations[code] = round(value * scale)
        if kinds[code] == Division.Kind.VILLAGE:
            populations[code] = min(populations[code], LARGEST_VILLAGE)
    return populations


def plan_layout(source: CountySource, plan: GapPlan, size: Size, seed: int) -> Layout:
    """Divisions with ids in code order, populations and locations.

    ``small`` keeps the plan's townships and scales their villages to about ``SMALL_RESIDENTS``.
    """
    planned = _plan_populations(source, plan, seed)
    kept = {t.code for t in source.townships}
    scale = 1.0
    if size == Size.SMALL:
        kept = set(plan.small_townships)
        scale = SMALL_RESIDENTS / sum(
            planned[v.code] for code in plan.small_townships for v in source.villages[code]
        )

    centre = county_centre(source.county_code)
    geography = seeded(source.county_code, "geography")
    next_id = iter(range(1, 1_000_000))
    county = DivisionRow(
        next(next_id),
        source.county.code,
        source.county.name,
        Division.Level.COUNTY,
        Division.Kind.COUNTY,
        None,
        _degrees(centre[0]),
        _degrees(centre[1]),
    )
    layout = Layout(county, [])
    towns = [t for t in source.townships if t.kind != Division.Kind.STREET]
    for township in source.townships:
        # Every township draws its location, kept or not, so small and county agree on the map.
        if township.kind == Division.Kind.STREET:
            place = _offset(centre, geography.uniform(0.5, 3), geography.uniform(0, 2 * math.pi))
        else:
            angle = 2 * math.pi * towns.index(township) / len(towns) + geography.uniform(-0.2, 0.2)
            place = _offset(centre, geography.uniform(7, 16), angle)
        spots = [
            _offset(
                place,
                geography.uniform(0.2, 1.5 if village.kind == Division.Kind.COMMUNITY else 4.0),
                geography.uniform(0, 2 * math.pi),
            )
            for village in source.villages[township.code]
        ]
        if township.code not in kept:
            continue
        row = DivisionRow(
            next(next_id),
            township.code,
            township.name,
            Division.Level.TOWNSHIP,
            township.kind,
            county.id,
            _degrees(place[0]),
            _degrees(place[1]),
        )
        layout.townships.append(row)
        layout.villages[row.code] = []
        for village, spot in zip(source.villages[township.code], spots, strict=True):
            population = planned[village.code]
            if size == Size.SMALL:
                population = max(round(population * scale), SMALLEST_VILLAGE_IN_SMALL)
            layout.villages[row.code].append(
                DivisionRow(
                    next(next_id),
                    village.code,
                    village.name,
                    Division.Level.VILLAGE,
                    village.kind,
                    row.id,
                    _degrees(spot[0]),
                    _degrees(spot[1]),
                    population,
                    planned[village.code],
                )
            )
        row.population = sum(v.population for v in layout.villages[row.code])
        row.planned_population = sum(v.planned_population for v in layout.villages[row.code])
    county.population = sum(t.population for t in layout.townships)
    county.planned_population = sum(t.planned_population for t in layout.townships)
    return layout
