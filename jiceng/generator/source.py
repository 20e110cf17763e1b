"""The real divisions shipped in ``jiceng/data/divisions``: one county's townships and villages."""

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Protocol, TypeVar

from divisions.models import Division

DATA_DIRECTORY = Path(__file__).resolve().parent.parent / "data" / "divisions"


class GenerationError(Exception):
    """The county cannot be generated as asked; the message says why."""


@dataclass(frozen=True)
class SourceDivision:
    code: str
    """12-digit code, zero-padded on the right above village level."""
    name: str
    level: str
    kind: str


@dataclass(frozen=True)
class CountySource:
    county: SourceDivision
    townships: tuple[SourceDivision, ...]
    villages: dict[str, tuple[SourceDivision, ...]]
    """Villages and communities by township code, in code order."""

    @property
    def county_code(self) -> str:
        return self.county.code[:6]


def township_kind(code: str) -> str:
    """Kind from digits 7–9 (public-health-services.md §6.2)."""
    number = int(code[6:9])
    if number < 100:
        return Division.Kind.STREET
    if number < 200:
        return Division.Kind.TOWN
    if number < 400:
        return Division.Kind.TOWNSHIP
    return Division.Kind.OTHER_TOWNSHIP


def village_kind(code: str, name: str) -> str:
    """Kind from digits 10–12; codes outside both ranges are park or enterprise communities."""
    number = int(code[9:12])
    if number < 200:
        return Division.Kind.COMMUNITY
    if number < 400:
        return Division.Kind.VILLAGE
    return Division.Kind.COMMUNITY if "社区" in name or "居委" in name else Division.Kind.VILLAGE


@cache
def _rows() -> tuple[tuple[str, str, str, str], ...]:
    rows: list[tuple[str, str, str, str]] = []
    for path in sorted(DATA_DIRECTORY.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as file:
            rows += [
                (row["code"], row["name"], row["level"], row["parent_code"])
                for row in csv.DictReader(file)
            ]
    return tuple(rows)


def county_codes() -> list[str]:
    """Every 6-digit county code in the shipped files."""
    return sorted(code for code, _, level, _ in _rows() if level == "county")


def load_county(county_code: str) -> CountySource:
    rows = _rows()
    county = next((row for row in rows if row[0] == county_code and row[2] == "county"), None)
    if county is None:
        raise GenerationError(
            f"county {county_code} is not in the shipped divisions; choose one of "
            + ", ".join(county_codes())
        )
    townships = tuple(
        SourceDivision(code.ljust(12, "0"), name, Division.Level.TOWNSHIP, township_kind(code))
        for code, name, level, parent in rows
        if level == "township" and parent == county_code
    )
    villages: dict[str, tuple[SourceDivision, ...]] = {}
    for township in townships:
        villages[township.code] = tuple(
            SourceDivision(code, name, Division.Level.VILLAGE, village_kind(code, name))
            for code, name, level, parent in rows
            if level == "village" and parent == township.code[:9]
        )
    townships = tuple(township for township in townships if villages[township.code])
    if not townships:
        raise GenerationError(f"county {county_code} has no villages in the shipped divisions")
    return CountySource(
        SourceDivision(
            county_code.ljust(12, "0"), county[1], Division.Level.COUNTY, Division.Kind.COUNTY
        ),
        tuple(sorted(townships, key=lambda township: township.code)),
        {code: tuple(sorted(rows_, key=lambda v: v.code)) for code, rows_ in villages.items()},
    )


def short_name(name: str) -> str:
    """A division's name without its committee or office suffix: 米西村委会 → 米西."""
    for suffix in ("村民委员会", "居民委员会", "社区居委会", "村委会", "居委会", "街道", "社区"):
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


class _Place(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def kind(self) -> str: ...


PlaceT = TypeVar("PlaceT", bound=_Place)


def seat_village(township_name: str, villages: Sequence[PlaceT]) -> PlaceT:
    """Where the township's health centre sits: the village named after the township if there is
    one (三甲镇 → 三甲村), else its first administrative village, else its first community."""
    stem = township_name.removesuffix("镇").removesuffix("乡")
    rural = [village for village in villages if village.kind == Division.Kind.VILLAGE]
    named = [village for village in rural if short_name(village.name).startswith(stem)]
    return (named or rural or list(villages))[0]
