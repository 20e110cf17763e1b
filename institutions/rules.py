"""Pure rules of the institution registry: no ORM, no clock.

ORG-6: every administrative village has a village clinic, except where the exception is on
record and its condition holds. ``exception_problems`` checks one recorded exception.
"""

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

VILLAGE_LEVEL = "village"
VILLAGE_CLINIC = "village_clinic"
NEEDS_SERVED_BY = frozenset({"neighbour", "shared_central"})
CLINIC_TYPES = frozenset({"village_clinic", "village_service_point", "chss"})
THC_TYPES = frozenset({"thc", "thc_branch", "chsc"})


@dataclass(frozen=True)
class Serving:
    """The institution named as serving the village: its ORG-1 type and central flag."""

    type: str
    is_central: bool


def exception_problems(
    kind: str,
    village_level: str | None,
    served_by: Serving | None,
    recorded_on: date | None,
    today: date,
) -> list[tuple[str, str]]:
    """What is wrong with a village service exception (ORG-6), as ``(field, message)`` pairs.

    - the village must be an administrative village or community (level ``village``);
    - a neighbour's extended service or a shared central clinic names the clinic that serves;
    - a shared central village clinic (中心村卫生室) is a village clinic marked central;
    - a neighbour's extended service comes from a village clinic, service point or CHSS;
    - the township health centre of a ``thc_seat`` exception is a THC, branch or CHSC;
    - an exception is not recorded in the future.
    """
    problems: list[tuple[str, str]] = []
    if village_level is not None and village_level != VILLAGE_LEVEL:
        problems.append(("village", _("Choose an administrative village or community.")))
    if kind in NEEDS_SERVED_BY and served_by is None:
        problems.append(("served_by", _("Name the clinic that serves this village.")))
    if served_by is not None:
        if kind == "shared_central" and not (
            served_by.type == VILLAGE_CLINIC and served_by.is_central
        ):
            problems.append(
                ("served_by", _("A shared clinic must be a central village clinic (中心村卫生室)."))
            )
        elif kind == "neighbour" and served_by.type not in CLINIC_TYPES:
            problems.append(
                ("served_by", _("A neighbour's extended service comes from a village clinic."))
            )
        elif kind == "thc_seat" and served_by.type not in THC_TYPES:
            problems.append(("served_by", _("Name the township health centre in the village.")))
    if recorded_on is not None and recorded_on > today:
        problems.append(("recorded_on", _("The date is in the future.")))
    return problems
