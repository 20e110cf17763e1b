"""Staff roster import and export (HR-1): one row per person, keyed by the staff number.

Every row is validated; a row with any refused value is not imported and each refusal is
reported with its row, column and reason. Good rows create a staff member or update the one with
the same staff number, so importing the same file again changes nothing. A column left out of
the file leaves that field of existing records alone. Headers and choice values are accepted in
Chinese and English (the labels of the export, the stored codes, and the Chinese terms in the
labels' brackets), so an exported list can be edited and imported back.
"""

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Choices
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from institutions.models import Institution
from jiceng.spreadsheets import (
    Column,
    ImportReport,
    Rejection,
    choice_spellings,
    match_headers,
    normal,
    parse_date,
    parse_yes_no,
    read_table,
)
from workforce import access
from workforce.models import (
    Certificate,
    Employment,
    HireRoute,
    PensionCategory,
    Staff,
)

PURPOSE = "staff roster import"
EARLIEST_BIRTH = date(1900, 1, 1)
MAX_SALARY = Decimal("9999999.99")
MAX_LENGTHS = {"code": 32, "name": 50, "department": 50, "certificate_number": 40}


COLUMNS: tuple[Column, ...] = (
    Column("code", gettext_lazy("Staff number"), ("工号", "人员编号", "code"), required=True),
    Column("name", gettext_lazy("Name"), ("姓名", "name"), required=True),
    Column("sex", gettext_lazy("Sex"), ("性别", "sex"), required=True),
    Column("birth_date", gettext_lazy("Birth date"), ("出生日期", "birth_date"), required=True),
    Column(
        "profession", gettext_lazy("Profession"), ("职业类别", "专业", "profession"), required=True
    ),
    Column("title_level", gettext_lazy("Title level"), ("职称", "职称级别", "title_level")),
    Column("department", gettext_lazy("Department"), ("科室", "department")),
    Column(
        "institution",
        gettext_lazy("Institution code"),
        ("机构代码", "机构编码", "institution_code"),
        required=True,
    ),
    Column("employment", gettext_lazy("Employment"), ("用工形式", "编制情况", "employment")),
    Column("hire_route", gettext_lazy("Hire route"), ("招聘方式", "hire_route")),
    Column(
        "obligation_ends_on",
        gettext_lazy("Service obligation ends"),
        ("服务期满日期", "服务期满", "obligation_ends_on"),
    ),
    Column(
        "pension_category",
        gettext_lazy("Pension category"),
        ("养老保险类别", "pension_category"),
    ),
    Column(
        "liability_insured",
        gettext_lazy("Liability insurance"),
        ("医疗责任保险", "liability_insured"),
    ),
    Column(
        "monthly_salary",
        gettext_lazy("Monthly salary (yuan)"),
        ("月均工资", "月工资", "monthly_salary"),
    ),
    Column(
        "certificate_kind",
        gettext_lazy("Certificate"),
        ("证书类别", "执业证书", "certificate_kind"),
    ),
    Column(
        "certificate_number",
        gettext_lazy("Certificate number"),
        ("证书编号", "certificate_number"),
    ),
)
BY_KEY = {column.key: column for column in COLUMNS}
STAFF_FIELDS = (
    "name",
    "sex",
    "birth_date",
    "profession",
    "title_level",
    "department",
    "institution",
    "employment",
    "hire_route",
    "obligation_ends_on",
    "pension_category",
    "liability_insured",
    "monthly_salary",
)
DEFAULTS: dict[str, Any] = {
    "title_level": Staff.TitleLevel.NONE,
    "department": "",
    "employment": Employment.CONTRACT,
    "hire_route": HireRoute.OPEN,
    "obligation_ends_on": None,
    "pension_category": PensionCategory.EMPLOYEE,
    "liability_insured": False,
    "monthly_salary": None,
}

# Words rosters use that are not in the labels.
_EXTRA_CHOICES: dict[str, dict[str, str]] = {
    "sex": {"男": "male", "女": "female", "m": "male", "f": "female"},
    "profession": {
        "执业医师": "doctor",
        "医师": "doctor",
        "临床医师": "doctor",
        "执业助理医师": "assistant_doctor",
        "助理医师": "assistant_doctor",
        "乡村全科执业助理医师": "rural_gp_assistant",
        "乡村医生": "village_doctor",
        "村医": "village_doctor",
        "护士": "nurse",
        "药师": "pharmacist",
        "药剂师": "pharmacist",
        "技师": "technician",
        "医技": "technician",
        "公共卫生医师": "public_health",
        "管理人员": "manager",
        "行政": "manager",
    },
    "title_level": {
        "无": "none",
        "未定级": "none",
        "副高级": "associate_senior",
        "正高级": "senior",
    },
    "employment": {"在编": "quota", "合同制": "contract", "医共体合同": "group", "其他": "other"},
    "hire_route": {"公开招聘": "open"},
    "pension_category": {"无": "none"},
    "certificate_kind": {
        "执业医师": "physician",
        "执业助理医师": "assistant",
        "乡村全科执业助理医师": "rural_gp",
        "乡村医生": "village_doctor",
        "护士": "nurse",
        "执业药师": "pharmacist",
    },
}
CHOICES: dict[str, type[Choices]] = {
    "sex": Staff.Sex,
    "profession": Staff.Profession,
    "title_level": Staff.TitleLevel,
    "employment": Employment,
    "hire_route": HireRoute,
    "pension_category": PensionCategory,
    "certificate_kind": Certificate.Kind,
}


def choice_aliases(key: str) -> dict[str, str]:
    """Every accepted spelling of each choice of ``key`` (see ``choice_spellings``), plus the
    roster words in ``_EXTRA_CHOICES``."""
    return choice_spellings(CHOICES[key].choices, _EXTRA_CHOICES.get(key))


@dataclass
class RowResult:
    row: int
    values: dict[str, Any] = field(default_factory=dict)
    rejections: list[Rejection] = field(default_factory=list)

    def reject(self, column: str, value: str, reason: str) -> None:
        label = str(BY_KEY[column].label)
        self.rejections.append(Rejection(self.row, label, value, reason))


class RowValidator:
    """Turns a row of text into field values, or rejections."""

    def __init__(
        self,
        institutions: Mapping[str, Institution],
        allowed_institutions: set[int] | None,
        today: date,
    ) -> None:
        self.institutions = institutions
        self.allowed = allowed_institutions
        self.today = today
        self.aliases = {key: choice_aliases(key) for key in CHOICES}

    def validate(self, row: int, cells: Mapping[str, str]) -> RowResult:
        result = RowResult(row)
        for key, text in cells.items():
            column = BY_KEY[key]
            text = text.strip()
            if not text:
                if column.required:
                    result.reject(key, text, _("A value is required."))
                elif key != "certificate_number":
                    result.values[key] = DEFAULTS.get(key, "")
                continue
            self._one(result, key, text)
        if (
            cells.get("certificate_number", "").strip()
            and not cells.get("certificate_kind", "").strip()
        ):
            result.reject(
                "certificate_kind",
                "",
                _("Give the kind of certificate for the certificate number."),
            )
        return result

    def _one(self, result: RowResult, key: str, text: str) -> None:
        if key in CHOICES:
            value = self.aliases[key].get(normal(text))
            if value is None:
                result.reject(key, text, _("Not one of the accepted values."))
            else:
                result.values[key] = value
        elif key in MAX_LENGTHS:
            if len(text) > MAX_LENGTHS[key]:
                result.reject(
                    key, text, _("At most %(count)s characters.") % {"count": MAX_LENGTHS[key]}
                )
            else:
                result.values[key] = text
        elif key in ("birth_date", "obligation_ends_on"):
            self._date(result, key, text)
        elif key == "institution":
            self._institution(result, text)
        elif key == "liability_insured":
            answer = parse_yes_no(text) if text.strip() else False
            if answer is None:
                result.reject(key, text, _("Answer yes or no (是/否)."))
            else:
                result.values[key] = answer
        elif key == "monthly_salary":
            self._salary(result, text)

    def _date(self, result: RowResult, key: str, text: str) -> None:
        day = parse_date(text)
        if day is None:
            result.reject(key, text, _("Not a date; write it as 2024-03-31."))
        elif key == "birth_date" and not EARLIEST_BIRTH <= day <= self.today:
            result.reject(key, text, _("The birth date must be in the past."))
        else:
            result.values[key] = day

    def _institution(self, result: RowResult, text: str) -> None:
        institution = self.institutions.get(text)
        if institution is None:
            result.reject("institution", text, _("No institution has this code."))
        elif self.allowed is not None and institution.pk not in self.allowed:
            result.reject("institution", text, _("This institution is outside your scope."))
        else:
            result.values["institution"] = institution

    def _salary(self, result: RowResult, text: str) -> None:
        try:
            amount = Decimal(text.replace(",", "").replace("，", ""))
        except InvalidOperation:
            amount = Decimal(-1)
        if not amount.is_finite() or amount < 0 or amount > MAX_SALARY:
            result.reject("monthly_salary", text, _("Not an amount in yuan."))
        else:
            result.values["monthly_salary"] = amount.quantize(Decimal("0.01"))


def _mapped_rows(
    rows: Iterable[tuple[int, dict[str, str]]], report: ImportReport
) -> Iterator[tuple[int, dict[str, str]]] | None:
    """Rows keyed by column key; ``None`` (and rejections on row 1) if required columns are
    missing from the header."""
    iterator = iter(rows)
    first = next(iterator, None)
    if first is None:
        return iter(())
    headers = match_headers(first[1], COLUMNS)
    present = {column.key for column in headers.values()}
    missing = [column for column in COLUMNS if column.required and column.key not in present]
    if missing:
        report.rejections.extend(
            Rejection(1, str(column.label), "", _("The column is missing.")) for column in missing
        )
        return None

    def mapped() -> Iterator[tuple[int, dict[str, str]]]:
        for number, cells in (first, *iterator):
            yield (
                number,
                {
                    column.key: text
                    for header, text in cells.items()
                    if (column := headers.get(header)) is not None
                },
            )

    return mapped()


def import_rows(
    rows: Iterable[tuple[int, dict[str, str]]],
    *,
    user: User | None,
    request: HttpRequest | None = None,
    today: date | None = None,
) -> ImportReport:
    """Validate every row, then write the good ones in one transaction.

    ``user`` ``None`` is the command line (the whole county). A user may place staff only in the
    institutions they may edit, and update only staff in their scope.
    """
    report = ImportReport()
    mapped = _mapped_rows(rows, report)
    if mapped is None:
        return report
    table = list(mapped)
    today = today or timezone.localdate()
    allowed: set[int] | None = None
    visible: set[int] | None = None
    if user is not None:
        allowed = set(access.editable_institutions(user).values_list("pk", flat=True))
        visible = set(access.staff_in_scope(user).values_list("pk", flat=True))
    codes = {cells.get("code", "").strip() for _number, cells in table} - {""}
    institution_codes = {cells.get("institution", "").strip() for _number, cells in table}
    institutions = {i.code: i for i in Institution.objects.filter(code__in=institution_codes)}
    existing = {
        staff.code: staff
        for staff in access.staff_by_codes(codes).select_related("institution")
        if staff.code
    }
    validator = RowValidator(institutions, allowed, today)
    seen: dict[str, int] = {}
    good: list[RowResult] = []
    for number, cells in table:
        result = validator.validate(number, cells)
        code = result.values.get("code")
        if code is not None:
            if code in seen:
                result.reject(
                    "code",
                    code,
                    _("The staff number is also on row %(row)s.") % {"row": seen[code]},
                )
            else:
                seen[code] = number
            current = existing.get(code)
            if current is not None and visible is not None and current.pk not in visible:
                result.reject("code", code, _("This staff number cannot be used here."))
        if result.rejections:
            report.rejections.extend(result.rejections)
        else:
            good.append(result)
    with transaction.atomic():
        for result in good:
            _apply(result, existing.get(result.values["code"]), report, user, request)
    return report


def _apply(
    result: RowResult,
    staff: Staff | None,
    report: ImportReport,
    user: User | None,
    request: HttpRequest | None,
) -> None:
    values = result.values
    created = staff is None
    changed: list[str] = []
    if staff is None:
        fields = {name: values.get(name, DEFAULTS.get(name)) for name in STAFF_FIELDS}
        staff = Staff.objects.create(code=values["code"], **fields)
        changed = [name for name in STAFF_FIELDS if name in values]
    else:
        for name in STAFF_FIELDS:
            if name in values and getattr(staff, name) != values[name]:
                setattr(staff, name, values[name])
                changed.append(name)
        if changed:
            staff.save(update_fields=changed)
    if values.get("certificate_kind"):
        changed.extend(
            _certificate(staff, values["certificate_kind"], values.get("certificate_number"))
        )
    if created:
        report.created += 1
    elif changed:
        report.updated += 1
    else:
        report.unchanged += 1
    if created or changed:
        access.record_change(
            user,
            staff,
            request=request,
            purpose=PURPOSE,
            detail={"row": result.row, "fields": sorted(set(changed))},
            created=created,
        )


def _certificate(staff: Staff, kind: str, number: str | None) -> list[str]:
    certificate = staff.certificates.filter(kind=kind).order_by("id").first()
    if certificate is None:
        Certificate.objects.create(staff=staff, kind=kind, number=number or "")
        return ["certificate"]
    if number is not None and certificate.number != number:
        certificate.number = number
        certificate.save(update_fields=["number"])
        return ["certificate"]
    return []


def import_file(
    data: bytes, filename: str, *, user: User | None, request: HttpRequest | None = None
) -> ImportReport:
    """Read an ``.xlsx`` or ``.csv`` roster and import it; ``SpreadsheetError`` if unreadable."""
    return import_rows(list(read_table(data, filename)), user=user, request=request)


def headers() -> list[str]:
    """The roster's column headers in the current language (export and template)."""
    return [str(column.label) for column in COLUMNS]


def _label(choices: type[Choices], value: str) -> str:
    return str(dict(choices.choices).get(value, value))


def roster_rows(staff: Iterable[Staff]) -> Iterator[Sequence[object]]:
    """One roster row per person, with choices in the current language (importable again).
    ``staff`` should prefetch ``certificates`` and select ``institution``."""
    for person in staff:
        certificate = next(iter(person.certificates.all()), None)
        yield (
            person.code or "",
            person.name,
            _label(Staff.Sex, person.sex),
            person.birth_date,
            _label(Staff.Profession, person.profession),
            _label(Staff.TitleLevel, person.title_level),
            person.department,
            person.institution.code,
            _label(Employment, person.employment),
            _label(HireRoute, person.hire_route),
            person.obligation_ends_on,
            _label(PensionCategory, person.pension_category),
            _("yes") if person.liability_insured else _("no"),
            person.monthly_salary,
            _label(Certificate.Kind, certificate.kind) if certificate else "",
            certificate.number if certificate else "",
        )
