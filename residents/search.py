"""One search box for residents (PH-1, IT-4): name in hanzi, full pinyin or pinyin initials (each
a prefix), a citizen ID number (18 characters, or 15 upgraded), a phone number (complete, or its
last 4 digits) and a household number.

Every search starts from ``accounts.scope.list_residents`` (audited with the query), so it can
only narrow what the user may see. Records merged into another never appear; records that moved
out or whose holder died appear only when asked for.

Prefixes are range conditions (``name_initials >= 'wxy' AND name_initials < 'wxz'``), not
``LIKE``: SQLite's ``LIKE`` is case-insensitive and Django adds ``ESCAPE``, so it never uses an
index, and PostgreSQL uses a plain B-tree for ``LIKE 'x%'`` only under the C collation. A range
uses the ordinary index on both.

Query shape: a selective condition (a name or pinyin prefix of two characters or more, an ID,
phone or household number) is applied as ``id IN (SELECT id … WHERE condition)``, so the
planner starts from the search index instead of walking every village of a county-wide scope; a
weak one (a single character), and any search of a narrow scope
(a village doctor's few villages), is applied directly, so the planner walks only those villages. Measured in ``bench/resident_search.py``.
"""

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from accounts import scope
from accounts.models import User
from residents.models import Household, RecordStatus, Resident
from residents.rules import parse_citizen_id

MAX_QUERY_LENGTH = 50
_HANZI = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_PINYIN = re.compile(r"^[a-z]+$")
_ID18 = re.compile(r"^\d{17}[\dX]$")
_MOBILE = re.compile(r"^1\d{10}$")
_PHONE = re.compile(r"^\d{3,4}-?\d{7,8}$")
_LAST_DIGITS = 4
NARROW_SCOPE_VILLAGES = 3
"""Up to this many villages (a village doctor's), walking the scope beats any search index."""


class Kind(StrEnum):
    """What a query was understood as; kept in the audit entry's detail."""

    EMPTY = "empty"
    NAME = "name"
    PINYIN = "pinyin"
    CITIZEN_ID = "citizen_id"
    PHONE = "phone"
    PHONE_END = "phone_end"
    HOUSEHOLD = "household"


@dataclass(frozen=True)
class Understood:
    kind: Kind
    condition: Q
    selective: bool = True


def prefix_range(field: str, prefix: str) -> Q:
    """``field`` starts with ``prefix``, as ``field >= prefix AND field < successor``."""
    successor = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return Q(**{f"{field}__gte": prefix, f"{field}__lt": successor})


def _household(number: str) -> Q:
    # A subquery on the indexed number, so the whole condition stays on the residents table and
    # each alternative of an OR can use its own index.
    return Q(household_id__in=Household.objects.filter(number=number).values("pk"))


def understand(raw: str) -> Understood:
    """The kind of query and the condition it stands for."""
    query = raw.strip()[:MAX_QUERY_LENGTH]
    if not query:
        return Understood(Kind.EMPTY, Q(), selective=False)
    if _HANZI.search(query):
        name = query.replace(" ", "")
        return Understood(Kind.NAME, prefix_range("name", name), selective=len(name) > 1)
    letters = re.sub(r"[\s'·]", "", query).lower()
    if _PINYIN.match(letters):
        # Full pinyin or initials: 王秀英 is found by "wangxiu", "wangxy" (no), "wxy" and "wx".
        return Understood(
            Kind.PINYIN,
            prefix_range("name_pinyin", letters) | prefix_range("name_initials", letters),
            selective=len(letters) > 1,
        )
    upper = query.upper().replace(" ", "")
    if _ID18.match(upper):
        return Understood(Kind.CITIZEN_ID, Q(citizen_id=upper) | _household(query))
    if len(upper) == 15 and upper.isdigit():
        parsed = parse_citizen_id(upper, today=timezone.localdate())
        id18 = parsed.id18 or upper[:6] + "19" + upper[6:]
        return Understood(Kind.CITIZEN_ID, Q(citizen_id__in=[id18, upper]) | _household(query))
    if upper.isdigit() and len(upper) == _LAST_DIGITS:
        # ``phone_last4`` is a stored, indexed column: a suffix cannot use the phone index.
        return Understood(Kind.PHONE_END, Q(phone_last4=upper) | _household(query))
    if _MOBILE.match(upper) or _PHONE.match(upper):
        phones = {upper, upper.replace("-", "")}
        return Understood(Kind.PHONE, Q(phone__in=sorted(phones)) | _household(query))
    return Understood(Kind.HOUSEHOLD, _household(query))


def search_residents(
    user: User,
    *,
    request: HttpRequest | None,
    purpose: str,
    query: str = "",
    village_id: int | None = None,
    include_inactive: bool = False,
    villages: list[int] | None = None,
) -> QuerySet[Resident]:
    """Residents in ``user``'s scope matching ``query`` (audited), in list order. ``villages``:
    the ids of ``scope.villages_in_scope(user)`` when the caller has them already."""
    understood = understand(query)
    detail: dict[str, Any] = {"query": query.strip(), "village_id": village_id}
    if understood.kind is not Kind.EMPTY:
        detail["kind"] = str(understood.kind)
    if include_inactive:
        detail["include_inactive"] = True
    residents = scope.list_residents(user, request=request, purpose=purpose, detail=detail)
    if villages is None:
        villages = list(scope.villages_in_scope(user).values_list("pk", flat=True))
    if 0 < len(villages) <= NARROW_SCOPE_VILLAGES:
        # Said again on the residents table (the scope says it through the divisions join), so
        # the planner walks these villages' residents, with or without table statistics.
        residents = residents.filter(understood.condition, village_id__in=villages)
    elif understood.selective:
        # Only narrows the scoped queryset above; see "Query shape" in the module's docstring.
        matching = Resident.objects.filter(understood.condition).values("pk")
        residents = residents.filter(pk__in=matching)
    else:
        residents = residents.filter(understood.condition)
    residents = residents.filter(merged_into__isnull=True)
    if not include_inactive:
        residents = residents.filter(record_status=RecordStatus.ACTIVE)
    if village_id is not None:
        residents = residents.filter(village_id=village_id)
    return residents.order_by("village_id", "id")
