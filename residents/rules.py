"""Citizen ID rules (GB 11643-1999, public-health-services.md §6.1). Pure functions, no ORM."""

from dataclasses import dataclass, field
from datetime import date

from stdnum import numdb
from stdnum.cn import ric


class CitizenIdError(ValueError):
    """A citizen ID number that cannot be used; the message says why."""


def check_character(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character for the first 17 digits (IT-1), by python-stdnum."""
    if len(first17) != 17 or not first17.isdigit():
        raise CitizenIdError("the first 17 characters must be digits")
    return str(ric.calc_check_digit(first17 + "0"))  # it ignores the last character


def address_code_known(code: str) -> bool:
    """Whether a 6-digit code is a division code of GB/T 2260 at any time
    (python-stdnum's table; an ID keeps the code of where it was issued, so a code since
    renamed or merged still counts as known)."""
    if len(code) != 6 or not code.isdigit():
        return False
    return any("county" in properties for _, properties in numdb.get("cn/loc").info(code))


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
    if value[:6].isdigit() and not address_code_known(value[:6]):
        errors.append(f"address code {value[:6]} is not a known division code")
    sex = None
    if value[14:17].isdigit():
        sex = "male" if int(value[16]) % 2 == 1 else "female"
    if errors:
        return CitizenId(False, errors=errors)
    return CitizenId(True, value, born, sex, value[:6])


def disagreements(parsed: CitizenId, *, birth_date: date | None, sex: str | None) -> list[str]:
    """Where a valid ID number contradicts the person it is recorded for (IT-1)."""
    problems = []
    if birth_date is not None and parsed.birth_date is not None and parsed.birth_date != birth_date:
        problems.append(
            f"the number says born {parsed.birth_date.isoformat()}, the record says "
            f"{birth_date.isoformat()}"
        )
    if sex and parsed.sex and parsed.sex != sex:
        problems.append(f"the number says {parsed.sex}, the record says {sex}")
    return problems
