"""The decision service: rules as a service, the same code behind the API and the CLI.

Each app that offers decisions has a ``decisions`` module with ``DECISIONS: list[Decision]``;
``DECISION_MODULES`` lists them. ``POST /api/v1/decisions/<name>`` and ``jiceng decide <name>``
(JSON on stdin, JSON on stdout) both call ``run_decision``. Rules stay pure: the service passes
``today`` in.
"""

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from ninja import Schema
from pydantic import ValidationError as PydanticValidationError

from jiceng.errors import DomainError

DECISION_MODULES = ("residents.decisions", "immunization.decisions", "programmes.decisions")


@dataclass(frozen=True)
class Decision:
    name: str
    summary: str
    citation: str
    input_schema: type[Schema]
    output_schema: type[Schema]
    decide: Callable[[Any, date], Schema]


@cache
def registry() -> dict[str, Decision]:
    decisions: dict[str, Decision] = {}
    for module_name in DECISION_MODULES:
        for decision in importlib.import_module(module_name).DECISIONS:
            if decision.name in decisions:
                raise ValueError(f"decision {decision.name!r} is registered twice")
            decisions[decision.name] = decision
    return decisions


def _field(location: tuple[int | str, ...]) -> str | None:
    return ".".join(str(part) for part in location) or None


def run_decision(name: str, payload: object, *, today: date) -> dict[str, Any]:
    """Validate ``payload`` against the decision's input schema and decide.

    Raises ``DomainError`` (``unknown_decision``, ``invalid_input`` with the field named).
    """
    decision = registry().get(name)
    if decision is None:
        raise DomainError(
            "unknown_decision",
            f"No decision named {name!r}; known: {', '.join(sorted(registry()))}.",
            "rule",
        )
    try:
        parsed = decision.input_schema.model_validate(payload)
    except PydanticValidationError as error:
        first = error.errors()[0]
        raise DomainError("invalid_input", first["msg"], _field(first["loc"])) from None
    return decision.decide(parsed, today).model_dump(mode="json")
