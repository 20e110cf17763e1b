"""Small hand-made counties for the supervision tests: divisions, institutions, staff, and a
way to run one rule of a pack on them."""

import itertools
import math
from datetime import date
from typing import Any

from divisions.models import Division
from institutions.models import Capabilities, Institution
from jiceng.testing import StaffFactory, make_institution
from supervision.checks.common import Context
from supervision.engine import run_rule
from supervision.packs import load_pack
from supervision.results import Result
from workforce.models import Staff

JINCHENG = "cn/shanxi/jincheng"
XINZHOU = "cn/shanxi/xinzhou"
SHANXI = "cn/shanxi"
WENDENG = "cn/shandong/weihai/wendeng"
TODAY = date(2025, 9, 15)
KM_PER_DEGREE_LATITUDE = 6371.0 * math.pi / 180

_numbers = itertools.count(1)
Type = Institution.Type


def run(rule_id: str, county: Division, pack: str = JINCHENG, today: date = TODAY) -> Result:
    """One rule of a shipped pack, run by the engine on ``county`` as of ``today``."""
    return run_rule(rule_id, load_pack(pack), Context(county=county, today=today))


def failing(result: Result) -> list[tuple[str, int]]:
    return [(entity.type, entity.id) for entity in result.failing]


def reasons(result: Result) -> list[str]:
    return [entity.reason for entity in result.failing]


def make_county(code: str = "140581", name: str = "高平市") -> Division:
    return Division.objects.create(
        code=code.ljust(12, "0"), name=name, level=Division.Level.COUNTY, kind=Division.Kind.COUNTY
    )


def make_township(
    county: Division,
    number: int,
    *,
    kind: str = Division.Kind.TOWN,
    population: int = 0,
    name: str = "",
) -> Division:
    return Division.objects.create(
        code=f"{county.code[:6]}{number:03d}000",
        name=name or f"第{number}镇",
        level=Division.Level.TOWNSHIP,
        kind=kind,
        parent=county,
        population=population,
    )


def make_village(
    township: Division,
    number: int,
    *,
    kind: str = Division.Kind.VILLAGE,
    population: int = 0,
    at: tuple[float, float] | None = None,
    name: str = "",
) -> Division:
    latitude, longitude = at if at else (None, None)
    return Division.objects.create(
        code=f"{township.code[:9]}{number:03d}",
        name=name or f"{township.name}第{number}村",
        level=Division.Level.VILLAGE,
        kind=kind,
        parent=township,
        population=population,
        latitude=latitude,
        longitude=longitude,
    )


def make(
    type_: str,
    division: Division,
    *,
    name: str = "",
    capabilities: dict[str, Any] | None = None,
    serves: list[Division] | None = None,
    **fields: Any,
) -> Institution:
    """An institution; ``capabilities`` (even ``{}``) also records its Capabilities row."""
    institution = make_institution(
        name or f"{division.name}{type_}{next(_numbers)}",
        type_,
        division,
        serves=serves,
        **fields,
    )
    if capabilities is not None:
        Capabilities.objects.create(institution=institution, **capabilities)
    return institution


def person(institution: Institution, **fields: Any) -> Staff:
    fields.setdefault("name", f"员工{next(_numbers)}")
    staff: Staff = StaffFactory.create(institution=institution, **fields)
    return staff


def north_of(point: tuple[float, float], km: float) -> tuple[float, float]:
    """A point ``km`` kilometres due north of ``point`` (great-circle distance)."""
    return (round(point[0] + km / KM_PER_DEGREE_LATITUDE, 6), point[1])
