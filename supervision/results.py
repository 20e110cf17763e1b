"""What a check or a target reports: status, figure, threshold, citation and failing entities."""

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Literal

Status = Literal["pass", "fail", "not_enough_data"]
Kind = Literal["check", "target"]

PASS: Status = "pass"  # noqa: S105 — a status, not a password
FAIL: Status = "fail"
NOT_ENOUGH_DATA: Status = "not_enough_data"


@dataclass(frozen=True)
class Failing:
    """One entity that fails a rule, with a link to where it can be fixed."""

    type: Literal["division", "institution", "staff", "county"]
    id: int
    name: str
    url: str
    reason: str


@dataclass(frozen=True)
class Outcome:
    """What a rule function returns; the engine adds identity and citation."""

    status: Status
    value: Any
    threshold: str
    failing: list[Failing] = field(default_factory=list)
    note: str = ""
    checked: int = 0
    """How many entities the rule looked at (villages, institutions, staff…)."""
    display: str = ""
    """The value as people read it (a share as a percentage); ``value`` otherwise."""


@dataclass(frozen=True)
class TargetProgress:
    deadline: date
    on_track: bool
    expected_by_now: float | None
    """For a target not yet due: where a straight line from start to target stands today."""


@dataclass(frozen=True)
class Result:
    id: str
    kind: Kind
    category: str
    title: str
    status: Status
    value: Any
    threshold: str
    citation: list[str]
    failing: list[Failing]
    note: str
    checked: int
    pack: str
    progress: TargetProgress | None = None
    display: str = ""

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "kind": self.kind,
            "category": self.category,
            "title": self.title,
            "status": self.status,
            "value": self.value,
            "display": self.display,
            "threshold": self.threshold,
            "citation": self.citation,
            "failing": [asdict(entity) for entity in self.failing],
            "note": self.note,
            "checked": self.checked,
            "pack": self.pack,
        }
        if self.progress is not None:
            data["deadline"] = self.progress.deadline.isoformat()
            data["on_track"] = self.progress.on_track
            data["expected_by_now"] = self.progress.expected_by_now
        return data
