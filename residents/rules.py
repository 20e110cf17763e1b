"""Citizen ID rules (GB 11643-1999, public-health-services.md §6.1). Pure functions, no ORM."""

from dataclasses import dataclass, field
from datetime import date

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARACTERS = "10X98765432"


class CitizenIdError(ValueError):
    """A citizen ID number that cannot be used; the message says why."""


def check_character(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character for the first 17 digits (IT-1)."""
    if len(first17) != 17 or not first17.isdigit():
        raise CitizenIdError("the first 17 characters must be digits")
    total = sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARACTERS[total % 11]


def make_citizen_id(address_code: str, birth_date: date, sequence: int) -> str:
    """Build a valid 18-character ID; ``sequence`` 0–999, odd for men and even for women."""
    first17 = f"{address_code}{birth_date:%Y%m%d}{sequence:03d}"
    return first17 + check_character(first17)


@dataclass(frozen=True)
class CitizenId:
    """What an ID number says about its holder, or the reasons it is invalid."""

    valid: bool
    id18: str | None = None
    birth_date: date | None = None
    sex: str | None = None
    address_code: str | None = None
    errors: list[str] = field(default_factory=list)


def _birth_date(text: str) -> date | None:
    try:
        return date(int(text[0:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return None


def parse_citizen_id(raw: str, *, today: date) -> CitizenId:
    """Validate a 15- or 18-character ID; a 15-character one is upgraded to 18 (PH-1, IT-1)."""
    value = raw.strip().upper()
    if len(value) == 15:
        if not value.isdigit():
            return CitizenId(False, errors=["a 15-character ID number must be all digits"])
        first17 = value[:6] + "19" + value[6:]
        value = first17 + check_character(first17)
    elif len(value) != 18:
        return CitizenId(False, errors=[f"length is {len(value)}, expected 18 (or 15)"])
    errors: list[str] = []
    if not value[:17].isdigit():
        errors.append("characters 1–17 must be digits")
    elif value[17] not in "0123456789X":
        errors.append("the last character must be a digit or X")
    elif check_character(value[:17]) != value[17]:
        errors.append(f"check character is {value[17]}, expected {check_character(value[:17])}")
    born = _birth_date(value[6:14]) if value[6:14].isdigit() else None
    if born is None:
        errors.append(f"characters 7–14 ({value[6:14]}) are not a calendar date")
    elif born > today:
        errors.append(f"birth date {born.isoformat()} is in the future")
    elif born.year < 1880:
        errors.append(f"birth date {born.isoformat()} is implausibly early")
    sex = None
    if value[14:17].isdigit():
        sex = "male" if int(value[16]) % 2 == 1 else "female"
    if errors:
        return CitizenId(False, errors=errors)
    return CitizenId(True, value, born, sex, value[:6])
