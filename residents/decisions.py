"""Decisions offered by the residents app: ``citizen-id`` (IT-1, GB 11643)."""

from datetime import date

from ninja import Schema
from pydantic import Field

from jiceng.decisions import Decision
from residents.rules import parse_citizen_id


class CitizenIdIn(Schema):
    id: str = Field(min_length=1, max_length=32, description="15 or 18 characters")


class CitizenIdOut(Schema):
    valid: bool
    id18: str | None
    birth_date: date | None
    sex: str | None
    address_code: str | None
    errors: list[str]


def decide_citizen_id(payload: CitizenIdIn, today: date) -> CitizenIdOut:
    parsed = parse_citizen_id(payload.id, today=today)
    return CitizenIdOut(
        valid=parsed.valid,
        id18=parsed.id18,
        birth_date=parsed.birth_date,
        sex=parsed.sex,
        address_code=parsed.address_code,
        errors=parsed.errors,
    )


DECISIONS = [
    Decision(
        name="citizen-id",
        summary="Check a citizen ID number (GB 11643): check digit, birth date, sex, 15→18",
        citation="IT-1",
        input_schema=CitizenIdIn,
        output_schema=CitizenIdOut,
        decide=decide_citizen_id,
    )
]
