"""The health record core of each generated resident (PH-1): residence, insurance, blood group,
marital status, education, allergies, disabilities, living conditions — filled about as well as
real county records are, so completeness scores vary.

Drawn from a stream of its own per village, so the people themselves (names, IDs, phones) are
the same as before these fields existed.
"""

import random
from dataclasses import dataclass
from datetime import date
from typing import Any

from jiceng.dates import age_on
from jiceng.generator.people import Person
from residents.completeness import completeness
from residents.models import (
    BloodGroup,
    Education,
    Fuel,
    Insurance,
    KitchenVentilation,
    LivestockPen,
    MaritalStatus,
    RecordStatus,
    ResidenceStatus,
    Toilet,
    Water,
)
from residents.names import name_pinyin

RECORD_FIELDS = (
    "name_pinyin", "name_initials", "id_status", "id_problems", "ethnicity", "residence_status",
    "insurance_type", "blood_group", "marital_status", "education", "occupation",
    "contact_name", "contact_phone", "allergies", "allergies_other", "disabilities",
    "kitchen_ventilation", "fuel", "water", "toilet", "livestock_pen", "record_status",
    "completeness", "source",
)  # fmt: skip
JSON_FIELDS = ("id_problems", "allergies", "disabilities")
OCCUPATIONS = ("农民", "农民", "农民", "工人", "个体", "教师", "司机", "服务业", "退休", "无业")


@dataclass(frozen=True)
class Household:
    """Living conditions are the household's: every member gets the same."""

    kitchen_ventilation: str
    fuel: str
    water: str
    toilet: str
    livestock_pen: str


def household_conditions(rng: random.Random, *, rural: bool) -> Household | None:
    if rng.random() < 0.25:
        return None  # not surveyed yet
    return Household(
        rng.choices(KitchenVentilation.values, weights=(15, 60, 20, 5))[0],
        rng.choices(Fuel.values, weights=(45, 25, 3, 20, 5, 2) if rural else (80, 2, 0, 17, 0, 1))[
            0
        ],
        rng.choices(Water.values, weights=(70, 10, 15, 2, 1, 2) if rural else (95, 5, 0, 0, 0, 0))[
            0
        ],
        rng.choices(Toilet.values, weights=(55, 20, 20, 3, 2) if rural else (97, 1, 1, 0, 1))[0],
        rng.choices(LivestockPen.values, weights=(60, 10, 30) if rural else (98, 1, 1))[0],
    )


def _marital(rng: random.Random, age: int, relation: str) -> str:
    if age < 20:
        return ""
    if relation in ("head", "spouse", "parent"):
        if age > 70 and rng.random() < 0.35:
            return MaritalStatus.WIDOWED
        return MaritalStatus.MARRIED if rng.random() < 0.95 else MaritalStatus.DIVORCED
    return rng.choices(
        (MaritalStatus.SINGLE, MaritalStatus.MARRIED), weights=(60, 40) if age < 30 else (15, 85)
    )[0]


def _education(rng: random.Random, age: int) -> str:
    if age < 7:
        return ""
    if age < 13:
        return Education.PRIMARY
    if age < 16:
        return Education.JUNIOR
    weights = (25, 40, 25, 8, 2) if age >= 60 else (2, 15, 45, 23, 15)
    return rng.choices(Education.values[:5], weights=weights)[0]


def record_values(
    rng: random.Random,
    person: Person,
    household: Household | None,
    head_name: str,
    *,
    household_known: bool,
    as_of: date,
) -> dict[str, Any]:
    """The record fields of one person; about a quarter of items left empty, as in life."""
    age = age_on(person.birth_date, as_of)
    filled = rng.random() < 0.85  # an interviewed record, or a bare registration
    full, initials = name_pinyin(person.name)
    values: dict[str, Any] = {
        "name_pinyin": full,
        "name_initials": initials,
        "id_status": "valid",
        "id_problems": [],
        "ethnicity": "汉族" if rng.random() < 0.995 else "回族",
        "residence_status": rng.choices(ResidenceStatus.values, weights=(93, 6, 1))[0],
        "insurance_type": rng.choices(Insurance.values, weights=(18, 75, 3, 1, 1, 1, 1))[0]
        if filled
        else "",
        "blood_group": rng.choices(BloodGroup.values, weights=(28, 31, 30, 10, 1))[0]
        if filled and rng.random() < 0.6
        else "",
        "marital_status": _marital(rng, age, person.relation) if filled else "",
        "education": _education(rng, age) if filled else "",
        "occupation": (rng.choice(OCCUPATIONS) if age >= 18 else "") if filled else "",
        "contact_name": head_name if filled and person.relation != "head" else "",
        "contact_phone": "",
        "allergies": (["penicillin"] if rng.random() < 0.04 else ["none"]) if filled else [],
        "allergies_other": "",
        "disabilities": (["physical"] if age > 60 and rng.random() < 0.05 else ["none"])
        if filled
        else [],
        "kitchen_ventilation": household.kitchen_ventilation if household else "",
        "fuel": household.fuel if household else "",
        "water": household.water if household else "",
        "toilet": household.toilet if household else "",
        "livestock_pen": household.livestock_pen if household else "",
        "record_status": RecordStatus.ACTIVE,
        "source": "",
    }
    if filled and person.relation == "head":
        values["contact_name"] = "本人"
    scored = {
        **values,
        "birth_date": person.birth_date,
        "phone": person.phone,
        "household_id": 1 if household_known else None,
    }
    values["completeness"] = completeness(scored, today=as_of)
    return values
