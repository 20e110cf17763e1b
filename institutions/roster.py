"""The institution roster as a spreadsheet (ORG-1, MED-8): import and export.

One row per institution, keyed by institution code. ``import_roster`` runs three steps:

1. ``parse``: map the file's headers (Chinese or English labels) to columns;
2. ``validate``: check every row against the registry as it stands plus the rows above it
   (pure: takes a ``Registry`` snapshot, touches no database), collecting every rejection;
3. ``apply``: create or update every good row in one transaction, set ``path`` along the
   management line, and audit each created or changed row.

A column missing from the file leaves that field as it is; an empty cell sets the field's default
(no, 0, not graded), except that a row whose capability cells are all empty leaves the
capabilities as they are (an institution without recorded capabilities exports that way). Importing the same file twice changes nothing the second time. ``export_table``
writes the same columns, so an exported list can be edited and imported again.
"""

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from divisions.models import Division
from institutions import actions
from institutions.models import Capabilities, FeverClinic, HospitalLevel, Institution
from institutions.models import PracticeSubject as Subject
from jiceng.spreadsheets import (
    Column,
    ImportReport,
    Rejection,
    choice_spellings,
    match_headers,
    normal,
    parse_yes_no,
    read_table,
)

PURPOSE = "institution roster import"
CODE_LENGTH = 32
NAME_LENGTH = 100
SMALL_MAX = 32767
QUOTA_MAX = 2147483647
_SEPARATORS = re.compile(r"[,，、;；\s]+")


CODE = Column("code", gettext_lazy("Institution code"), ("机构编码",), required=True)
NAME = Column("name", gettext_lazy("Name"), ("机构名称",), required=True)
TYPE = Column("type", gettext_lazy("Type"), ("机构类型",), required=True)
PARENT = Column("parent", gettext_lazy("Managing institution code"), aliases=("上级机构编码",))
DIVISION = Column("division", gettext_lazy("Division code"), ("所在区划代码",), required=True)
OWNERSHIP = Column("ownership", gettext_lazy("Ownership"))
LEGAL_ENTITY = Column("is_legal_entity", gettext_lazy("Independent legal entity"))
CENTRAL = Column("is_central", gettext_lazy("Central institution"))
SERVED = Column("served", gettext_lazy("Divisions served (codes)"))

BASIC_COLUMNS = (CODE, NAME, TYPE, PARENT, DIVISION, OWNERSHIP, LEGAL_ENTITY, CENTRAL, SERVED)

# Capability columns: the key is the ``Capabilities`` field.
CHOICE_CAPABILITIES = {"hospital_level": HospitalLevel, "fever_clinic": FeverClinic}
BOOL_CAPABILITIES = (
    "has_tcm_hall",
    "stocks_chinese_patent_medicines",
    "has_infectious_disease_department",
    "has_vaccination_clinic",
    "is_emergency_point",
    "offers_iv",
    "iv_authorised",
)
INT_CAPABILITIES = (
    "negative_pressure_ambulances",
    "emergency_teams",
    "beds_general",
    "beds_rehabilitation",
    "beds_nursing",
    "beds_hospice",
    "beds_elderly_care",
)
CAPABILITY_COLUMNS = (
    Column("hospital_level", gettext_lazy("Hospital level")),
    Column("has_tcm_hall", gettext_lazy("TCM hall")),
    Column("stocks_chinese_patent_medicines", gettext_lazy("Chinese patent medicines")),
    Column("fever_clinic", gettext_lazy("Fever clinic")),
    Column("negative_pressure_ambulances", gettext_lazy("Negative-pressure ambulances")),
    Column("has_infectious_disease_department", gettext_lazy("Infectious disease department")),
    Column("has_vaccination_clinic", gettext_lazy("Vaccination clinic")),
    Column("is_emergency_point", gettext_lazy("Emergency point")),
    Column("emergency_teams", gettext_lazy("Emergency teams")),
    Column("offers_iv", gettext_lazy("Gives IV medication")),
    Column("iv_authorised", gettext_lazy("Authorised for IV medication")),
    Column("beds_general", gettext_lazy("General beds")),
    Column("beds_rehabilitation", gettext_lazy("Rehabilitation beds")),
    Column("beds_nursing", gettext_lazy("Nursing beds")),
    Column("beds_hospice", gettext_lazy("Hospice beds")),
    Column("beds_elderly_care", gettext_lazy("Elderly-care beds")),
    Column("staffing_quota", gettext_lazy("Staffing quota")),
    Column("professional_quota", gettext_lazy("Professional quota posts")),
    Column("approved_scope", gettext_lazy("Approved practice subjects (codes)")),
)
COLUMNS = BASIC_COLUMNS + CAPABILITY_COLUMNS
CAPABILITY_DEFAULTS: dict[str, Any] = {
    "hospital_level": HospitalLevel.NONE.value,
    "fever_clinic": FeverClinic.NONE.value,
    **dict.fromkeys(BOOL_CAPABILITIES, False),
    **dict.fromkeys(INT_CAPABILITIES, 0),
    "staffing_quota": None,
    "professional_quota": None,
    "approved_scope": [],
}


# --- 1. parse ---------------------------------------------------------------------------------


class MissingColumnsError(ValueError):
    """Required columns are not in the file; nothing can be imported."""

    def __init__(self, columns: list[str]) -> None:
        super().__init__(
            _("Required columns are missing: %(columns)s") % {"columns": "、".join(columns)}
        )
        self.columns = columns


@dataclass(frozen=True)
class RawRow:
    row: int
    cells: dict[str, str]  # column key → text, only for the columns present in the file


def parse(rows: Iterable[tuple[int, dict[str, str]]]) -> tuple[list[RawRow], set[str]]:
    """The rows keyed by column, and which columns the file has. Unknown headers are ignored;
    a missing required column raises ``MissingColumnsError``."""
    raw: list[RawRow] = []
    mapping: dict[str, Column] = {}
    present: set[str] | None = None
    for number, values in rows:
        if present is None:
            mapping = match_headers(values, COLUMNS)
        cells = {mapping[header].key: text for header, text in values.items() if header in mapping}
        if present is None:
            present = set(cells)
            missing = [
                str(column.label)
                for column in COLUMNS
                if column.required and column.key not in present
            ]
            if missing:
                raise MissingColumnsError(missing)
        raw.append(RawRow(number, cells))
    return raw, present or set()


# --- 2. validate ------------------------------------------------------------------------------


@dataclass
class Registry:
    """What validation needs to know of the database: codes of institutions with their parents'
    codes, and division codes with their ids."""

    parents: dict[str, str | None] = field(default_factory=dict)
    divisions: dict[str, int] = field(default_factory=dict)


def load_registry() -> Registry:
    parents: dict[str, str | None] = dict(Institution.objects.values_list("code", "parent__code"))
    return Registry(parents=parents, divisions=dict(Division.objects.values_list("code", "pk")))


@dataclass
class RosterRow:
    """A valid row: the values of the columns present in the file."""

    row: int
    code: str
    institution: dict[str, Any] = field(default_factory=dict)
    parent_code: str | None = None
    has_parent: bool = False
    division_code: str = ""
    served_codes: list[str] | None = None
    capabilities: dict[str, Any] = field(default_factory=dict)


class _InvalidValueError(ValueError):
    pass


def _choice(choices: Sequence[tuple[str, Any]], default: str) -> Callable[[str], str]:
    lookup = choice_spellings(choices)

    def convert(text: str) -> str:
        if not text:
            return default
        value = lookup.get(normal(text))
        if value is None:
            allowed = "、".join(f"{label} ({value})" for value, label in choices)
            raise _InvalidValueError(
                _("Unknown value; allowed: %(allowed)s") % {"allowed": allowed}
            )
        return value

    return convert


def _yes_no(default: bool) -> Callable[[str], bool]:
    def convert(text: str) -> bool:
        if not text:
            return default
        answer = parse_yes_no(text)
        if answer is None:
            raise _InvalidValueError(_("Write 是 or 否 (yes or no)."))
        return answer

    return convert


def _whole_number(maximum: int, *, empty: int | None = 0) -> Callable[[str], int | None]:
    def convert(text: str) -> int | None:
        if not text:
            return empty
        try:
            number = float(text.replace(",", ""))
        except ValueError:
            raise _InvalidValueError(_("Not a whole number.")) from None
        if not number.is_integer():
            raise _InvalidValueError(_("Not a whole number."))
        if number < 0 or number > maximum:
            raise _InvalidValueError(
                _("Must be between 0 and %(maximum)s.") % {"maximum": f"{maximum:,}"}
            )
        return int(number)

    return convert


def split_codes(text: str) -> list[str]:
    """Codes separated by commas, 、, semicolons or spaces, in order, without repeats."""
    return list(dict.fromkeys(code for code in _SEPARATORS.split(text) if code))


def division_code(text: str) -> str:
    """A division code as stored: 12 digits, a 6- or 9-digit code zero-padded (ORG-2)."""
    if text.isdigit() and len(text) in (6, 9):
        return text.ljust(12, "0")
    return text


def _subjects(text: str) -> list[str]:
    codes = []
    for code in split_codes(text):
        padded = code.zfill(2) if code.isdigit() else code
        if padded not in Subject.values:
            raise _InvalidValueError(
                _("Unknown practice subject code %(code)s; allowed: %(allowed)s")
                % {"code": code, "allowed": "、".join(Subject.values)}
            )
        codes.append(padded)
    return sorted(set(codes))


BASIC_CONVERTERS: dict[str, Callable[[str], Any]] = {
    "type": _choice(Institution.Type.choices, ""),
    "ownership": _choice(Institution.Ownership.choices, Institution.Ownership.PUBLIC.value),
    "is_legal_entity": _yes_no(default=True),
    "is_central": _yes_no(default=False),
}
CAPABILITY_CONVERTERS: dict[str, Callable[[str], Any]] = {
    **{
        name: _choice(choices.choices, CAPABILITY_DEFAULTS[name])
        for name, choices in CHOICE_CAPABILITIES.items()
    },
    **{name: _yes_no(default=False) for name in BOOL_CAPABILITIES},
    **{name: _whole_number(SMALL_MAX) for name in INT_CAPABILITIES},
    "staffing_quota": _whole_number(QUOTA_MAX, empty=None),
    "professional_quota": _whole_number(QUOTA_MAX, empty=None),
    "approved_scope": _subjects,
}
LABELS = {column.key: column.label for column in COLUMNS}


class _RowCheck:
    """Collects the rejections of one row."""

    def __init__(self, raw: RawRow) -> None:
        self.raw = raw
        self.rejections: list[Rejection] = []

    def reject(self, key: str, reason: str) -> None:
        self.rejections.append(
            Rejection(self.raw.row, str(LABELS[key]), self.raw.cells.get(key, ""), reason)
        )

    def convert(self, key: str, converter: Callable[[str], Any]) -> Any:
        try:
            return converter(self.raw.cells.get(key, ""))
        except _InvalidValueError as error:
            self.reject(key, str(error))
            return None


def _loops(code: str, parent_code: str | None, parents: dict[str, str | None]) -> bool:
    seen = {code}
    current = parent_code
    while current is not None:
        if current in seen:
            return True
        seen.add(current)
        current = parents.get(current)
    return False


def validate(
    raw_rows: Iterable[RawRow], present: set[str], registry: Registry
) -> tuple[list[RosterRow], list[Rejection]]:
    """Check every row; a row with any problem is rejected whole, with every reason given.

    A managing institution must be in the registry or on an earlier, valid row of the file; the
    management line must not loop. Division codes must exist (ORG-2). ``registry`` is not
    changed.
    """
    parents = dict(registry.parents)
    seen: dict[str, int] = {}
    good: list[RosterRow] = []
    rejections: list[Rejection] = []
    for raw in raw_rows:
        check = _RowCheck(raw)
        code = raw.cells.get("code", "")
        if not code:
            check.reject("code", _("The institution code is required."))
        elif len(code) > CODE_LENGTH:
            check.reject("code", _("At most 32 characters."))
        elif code in seen:
            check.reject(
                "code", _("The same code is on row %(row)s already.") % {"row": seen[code]}
            )
        row = RosterRow(raw.row, code)
        name = raw.cells.get("name", "")
        if not name:
            check.reject("name", _("The name is required."))
        elif len(name) > NAME_LENGTH:
            check.reject("name", _("At most 100 characters."))
        row.institution["name"] = name
        if not raw.cells.get("type"):
            check.reject("type", _("The type is required."))
        for key, converter in BASIC_CONVERTERS.items():
            if key in present:
                row.institution[key] = check.convert(key, converter)
        division = division_code(raw.cells.get("division", ""))
        if not division:
            check.reject("division", _("The division code is required."))
        elif division not in registry.divisions:
            check.reject("division", _("No division has this code."))
        row.division_code = division
        if "parent" in present:
            row.has_parent = True
            parent = raw.cells.get("parent", "") or None
            if parent is not None and parent not in parents:
                check.reject(
                    "parent",
                    _("No institution has this code, in the registry or on an earlier row."),
                )
            elif parent is not None and code and _loops(code, parent, parents):
                check.reject(
                    "parent", _("An institution cannot be managed by itself or by one below it.")
                )
            row.parent_code = parent
        if "served" in present:
            served = [division_code(c) for c in split_codes(raw.cells.get("served", ""))]
            unknown = [c for c in served if c not in registry.divisions]
            if unknown:
                check.reject(
                    "served",
                    _("No division has the code %(codes)s.") % {"codes": "、".join(unknown)},
                )
            row.served_codes = served
        if any(raw.cells.get(key) for key in CAPABILITY_CONVERTERS):
            for key, converter in CAPABILITY_CONVERTERS.items():
                if key in present:
                    row.capabilities[key] = check.convert(key, converter)
        if check.rejections:
            rejections.extend(check.rejections)
            continue
        seen[code] = raw.row
        if row.has_parent or code not in parents:
            parents[code] = row.parent_code
        good.append(row)
    return good, rejections


# --- 3. apply ---------------------------------------------------------------------------------


def _apply_row(
    row: RosterRow,
    by_code: dict[str, Institution],
    divisions: dict[str, int],
    user: User | None,
    request: HttpRequest | None,
) -> str:
    """Create or update one institution; ``"created"``, ``"updated"`` or ``"unchanged"``."""
    institution = by_code.get(row.code)
    values: dict[str, Any] = {**row.institution, "division_id": divisions[row.division_code]}
    if row.has_parent:
        values["parent_id"] = by_code[row.parent_code].pk if row.parent_code else None
    if institution is None:
        institution = Institution(code=row.code, path="", **values)
        institution.save()
        if institution.parent_id is not None:
            institution.parent = Institution.objects.get(pk=institution.parent_id)
        actions.refresh_paths(institution)
        if row.served_codes is not None:
            actions.set_served(institution, [divisions[c] for c in row.served_codes])
        by_code[row.code] = institution
        actions.record_change(
            user,
            actions.CREATE,
            institution,
            purpose=PURPOSE,
            request=request,
            detail={"row": row.row},
        )
        _apply_capabilities(institution, row.capabilities, user, request)
        return "created"
    changed = actions.changed_fields(institution, values)
    if changed:
        institution.save()
        if "parent_id" in changed:
            institution.parent = (
                Institution.objects.get(pk=institution.parent_id) if institution.parent_id else None
            )
            actions.refresh_paths(institution)
    if row.served_codes is not None and actions.set_served(
        institution, [divisions[c] for c in row.served_codes]
    ):
        changed.append("served_divisions")
    if changed:
        actions.record_change(
            user,
            actions.UPDATE,
            institution,
            purpose=PURPOSE,
            request=request,
            changed=changed,
            detail={"row": row.row},
        )
    caps_changed = _apply_capabilities(institution, row.capabilities, user, request)
    return "updated" if changed or caps_changed else "unchanged"


def _apply_capabilities(
    institution: Institution,
    values: dict[str, Any],
    user: User | None,
    request: HttpRequest | None,
) -> bool:
    if not values:
        return False
    _capabilities, changed = actions.save_capabilities(
        user, institution, values, purpose=PURPOSE, request=request
    )
    return bool(changed)


def apply(
    rows: Iterable[RosterRow],
    *,
    user: User | None,
    request: HttpRequest | None = None,
    report: ImportReport | None = None,
) -> ImportReport:
    """Create or update every row, in order, in one transaction."""
    report = report if report is not None else ImportReport()
    divisions = dict(Division.objects.values_list("code", "pk"))
    with transaction.atomic():
        by_code = {
            institution.code: institution
            for institution in Institution.objects.select_related("parent").prefetch_related(
                "served_divisions"
            )
        }
        for row in rows:
            outcome = _apply_row(row, by_code, divisions, user, request)
            setattr(report, outcome, getattr(report, outcome) + 1)
    return report


def import_roster(
    data: bytes,
    filename: str,
    *,
    user: User | None,
    request: HttpRequest | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Read, check and import a roster file. ``SpreadsheetError`` or ``MissingColumnsError`` when
    the file cannot be used at all; otherwise every good row is imported and every bad one
    reported. ``dry_run`` checks and counts but keeps nothing."""
    raw, present = parse(read_table(data, filename))
    good, rejections = validate(raw, present, load_registry())
    report = ImportReport(rejections=rejections)
    if dry_run:
        with transaction.atomic():
            apply(good, user=user, request=request, report=report)
            transaction.set_rollback(True)
        return report
    return apply(good, user=user, request=request, report=report)


# --- export -----------------------------------------------------------------------------------


def _yes(value: bool) -> str:
    return _("yes") if value else _("no")


def export_headers() -> list[str]:
    return [str(column.label) for column in COLUMNS]


def export_rows(institutions: QuerySet[Institution]) -> Iterable[list[object]]:
    """One row per institution, in the columns of ``COLUMNS``, labels in the active language."""
    rows = institutions.select_related("parent", "division", "capabilities").prefetch_related(
        "served_divisions"
    )
    for institution in rows:
        capabilities: Capabilities | None = getattr(institution, "capabilities", None)
        row: list[object] = [
            institution.code,
            institution.name,
            institution.get_type_display(),
            institution.parent.code if institution.parent else "",
            institution.division.code,
            institution.get_ownership_display(),
            _yes(institution.is_legal_entity),
            _yes(institution.is_central),
            "、".join(sorted(d.code for d in institution.served_divisions.all())),
        ]
        if capabilities is None:
            row.extend([""] * len(CAPABILITY_COLUMNS))
        else:
            row.extend(_capability_cells(capabilities))
        yield row


def _capability_cells(capabilities: Capabilities) -> list[object]:
    cells: list[object] = []
    for column in CAPABILITY_COLUMNS:
        value = getattr(capabilities, column.key)
        if column.key in CHOICE_CAPABILITIES:
            cells.append(str(CHOICE_CAPABILITIES[column.key](value).label))
        elif column.key in BOOL_CAPABILITIES:
            cells.append(_yes(value))
        elif column.key == "approved_scope":
            cells.append("、".join(sorted(value or [])))
        else:
            cells.append("" if value is None else value)
    return cells
