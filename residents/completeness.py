"""How complete a resident's health record is (PH-1): the share of the cover page and personal
basic information items of the national record specification that are filled in.

Pure: takes the record's values as a mapping, so the generator, imports and the model's ``save``
all score the same way.
"""

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from jiceng.dates import age_on

ADULT_AGE = 18
LIVING_CONDITIONS = ("kitchen_ventilation", "fuel", "water", "toilet", "livestock_pen")


def _filled(name: str) -> Callable[[Mapping[str, Any], int], bool]:
    return lambda record, age: bool(record.get(name))


def _adult_only(name: str) -> Callable[[Mapping[str, Any], int], bool]:
    return lambda record, age: age < ADULT_AGE or bool(record.get(name))


ITEMS: dict[str, Callable[[Mapping[str, Any], int], bool]] = {
    "citizen_id": lambda record, age: record.get("id_status") in ("valid", "upgraded"),
    "phone": lambda record, age: bool(record.get("phone") or record.get("contact_phone")),
    "household": lambda record, age: record.get("household_id") is not None,
    "ethnicity": _filled("ethnicity"),
    "residence_status": _filled("residence_status"),
    "insurance_type": _filled("insurance_type"),
    "blood_group": _filled("blood_group"),
    "marital_status": _adult_only("marital_status"),
    "education": _filled("education"),
    "occupation": _adult_only("occupation"),
    "contact_name": _filled("contact_name"),
    "allergies": _filled("allergies"),
    "disabilities": _filled("disabilities"),
    "living_conditions": lambda record, age: all(record.get(n) for n in LIVING_CONDITIONS),
}
"""Each item and when it counts as filled; an empty list of allergies means "not asked", the
code ``none`` means "asked: none"."""


def missing_items(record: Mapping[str, Any], *, today: date) -> list[str]:
    born = record.get("birth_date")
    age = 0 if born is None else age_on(born, today)
    return [name for name, filled in ITEMS.items() if not filled(record, age)]


def completeness(record: Mapping[str, Any], *, today: date) -> int:
    """Percentage of the items filled, 0–100."""
    missing = len(missing_items(record, today=today))
    return round(100 * (len(ITEMS) - missing) / len(ITEMS))
