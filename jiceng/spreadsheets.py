"""Spreadsheets in and out: the shared layer of every roster import and list export.

``read_table`` reads the first sheet of an ``.xlsx`` file or a ``.csv`` file (UTF-8, with or
without BOM, or GB18030 as saved by Chinese Excel) into rows keyed by header. ``xlsx_bytes`` and
``xlsx_response`` write a one-sheet workbook; ``report_xlsx`` writes an import's rejections.

Headers in files are the column labels in the user's language; importers accept the labels in
every language (``header_aliases``), so a Chinese file imports for an English user too.
"""

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import PurePath
from urllib.parse import quote

from django.conf import settings
from django.http import HttpResponse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_TITLE_LENGTH = 31
_BAD_SHEET_CHARACTERS = re.compile(r"[\[\]:*?/\\]")
_BOM = b"\xef\xbb\xbf"


class SpreadsheetError(Exception):
    """The file cannot be read as a table; the message says why, for people."""


@dataclass(frozen=True)
class Rejection:
    """One value refused: ``row`` as the user sees it in the sheet (header row = 1)."""

    row: int
    column: str
    value: str
    reason: str


@dataclass
class ImportReport:
    """What an import did: rows created, updated and unchanged, and every rejection."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejections: list[Rejection] = field(default_factory=list)

    @property
    def rejected_rows(self) -> int:
        """Rows with at least one rejection (a row may be refused for several reasons)."""
        return len({rejection.row for rejection in self.rejections})


def header_aliases(label: str | Promise) -> set[str]:
    """A column label in every language the site offers, as an importer should accept it."""
    names = {str(label).strip()}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            names.add(str(label).strip())
    return names


_BRACKETED = re.compile(r"[（(]([^)）]+)[)）]")
_DATE_FORMATS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
)


@dataclass(frozen=True)
class Column:
    """A column of an importable sheet: the key it fills, its label (the header written on
    export, accepted in every language) and other headers other systems use for it."""

    key: str
    label: str | Promise
    aliases: tuple[str, ...] = ()
    required: bool = False


def match_headers(headers: Iterable[str], columns: Iterable[Column]) -> dict[str, Column]:
    """Each header of a sheet that names one of ``columns`` (by label, alias or key), folded as
    ``normal``; headers naming none are left out."""
    by_name: dict[str, Column] = {}
    for column in columns:
        for name in {*header_aliases(column.label), *column.aliases, column.key}:
            by_name.setdefault(normal(name), column)
    return {header: by_name[normal(header)] for header in headers if normal(header) in by_name}


YES = frozenset({"是", "有", "已参保", "yes", "y", "true", "1", "√", "✓", "x"})
NO = frozenset({"否", "无", "未参保", "no", "n", "false", "0", "×"})


def parse_yes_no(text: str) -> bool | None:
    """是/否, yes/no and the marks people use in sheets; None when it is neither."""
    folded = normal(text)
    if folded in YES:
        return True
    if folded in NO:
        return False
    return None


def normal(text: str) -> str:
    """A cell or header folded for comparison: trimmed, inner spaces single, case-folded."""
    return re.sub(r"\s+", " ", text.strip()).casefold()


def choice_spellings(
    choices: Iterable[tuple[object, object]], extra: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Every accepted spelling of each choice → its code: the code, the label in each language,
    the bracketed Chinese term of a label (``staffing quota (编制)`` → ``编制``), and ``extra``."""
    spellings: dict[str, str] = {}
    for value, label in choices:
        names = {str(value)}
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                text = str(label)
            names.add(text)
            names.update(match.strip() for match in _BRACKETED.findall(text))
        for name in names:
            spellings.setdefault(normal(name), str(value))
    for name, value in (extra or {}).items():
        spellings.setdefault(normal(name), value)
    return spellings


def parse_date(text: str) -> date | None:
    """A date as people type it in a sheet (2024-03-31, 2024/3/31, 20240331, 2024年3月31日,
    a datetime's date), or None."""
    text = text.strip()
    if " " in text:  # "2020-01-01 00:00:00" from a spreadsheet's datetime
        text = text.split(" ", 1)[0]
    for pattern in _DATE_FORMATS:
        match = pattern.match(text)
        if match:
            year, month, day = (int(part) for part in match.groups())
            try:
                return date(year, month, day)
            except ValueError:
                return None
    return None


def _text(value: object) -> str:
    """A cell's value as the text the user typed (integers without ``.0``, dates as ISO)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _xlsx_rows(data: bytes) -> Iterator[list[str]]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as error:
        raise SpreadsheetError(_("The file is not a readable .xlsx workbook.")) from error
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise SpreadsheetError(_("The workbook has no sheet."))
        for values in sheet.iter_rows(min_row=1, values_only=True):
            yield [_text(value) for value in values]
    finally:
        workbook.close()


def _decode(data: bytes) -> str:
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as error:
        raise SpreadsheetError(
            _("The CSV file is neither UTF-8 nor GB18030 text; save it as CSV UTF-8.")
        ) from error


def _csv_rows(data: bytes) -> Iterator[list[str]]:
    reader = csv.reader(io.StringIO(_decode(data), newline=""))
    try:
        for values in reader:
            yield [value.strip() for value in values]
    except csv.Error as error:
        raise SpreadsheetError(
            _("The CSV file cannot be read: %(error)s") % {"error": error}
        ) from error


def _headers(values: list[str]) -> list[str]:
    headers = [value.strip() for value in values]
    named = [header for header in headers if header]
    if not named:
        raise SpreadsheetError(_("The first row must hold the column headers."))
    duplicates = sorted({header for header in named if named.count(header) > 1})
    if duplicates:
        raise SpreadsheetError(
            _("Column headers appear more than once: %(headers)s")
            % {"headers": ", ".join(duplicates)}
        )
    return headers


def read_table(data: bytes, filename: str) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows of the first sheet of an ``.xlsx`` or ``.csv`` file.

    Yields ``(row number, {header: text})`` where the row number is the one shown in the
    spreadsheet (the header row is 1). Cells are stripped text; empty rows are skipped; columns
    without a header are ignored. Raises ``SpreadsheetError`` for an unknown file type, a file
    that cannot be read, an empty first row or a header that appears twice.
    """
    suffix = PurePath(filename).suffix.lower()
    if suffix == ".xlsx":
        rows = _xlsx_rows(data)
    elif suffix == ".csv":
        rows = _csv_rows(data)
    else:
        raise SpreadsheetError(
            _("Unknown file type %(suffix)s: upload an .xlsx or .csv file.")
            % {"suffix": suffix or filename}
        )
    headers: list[str] | None = None
    for number, values in enumerate(rows, start=1):
        if headers is None:
            headers = _headers(values)
            continue
        if not any(values):
            continue
        yield (
            number,
            {
                header: (values[index] if index < len(values) else "")
                for index, header in enumerate(headers)
                if header
            },
        )
    if headers is None:
        raise SpreadsheetError(_("The file is empty: the first row must hold the column headers."))


def _sheet_title(title: str) -> str:
    return _BAD_SHEET_CHARACTERS.sub(" ", title).strip()[:SHEET_TITLE_LENGTH] or "Sheet"


def _cell_value(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, bool | int | float | Decimal | date | datetime):
        return value
    return str(value)


def _write_sheet(
    workbook: Workbook, title: str, headers: Sequence[object], rows: Iterable[Sequence[object]]
) -> None:
    sheet = workbook.create_sheet(title=_sheet_title(title))
    sheet.freeze_panes = "A2"
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(
            10, min(40, len(str(header)) * 2 + 2)
        )
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=str(header))
        cell.font = Font(bold=True)
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=_cell_value(value))
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text, never a formula the reader's Excel would run
            cells.append(cell)
        sheet.append(cells)


def _workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_bytes(headers: Sequence[str], rows: Iterable[Sequence[object]], *, title: str) -> bytes:
    """A one-sheet workbook: a bold, frozen header row, then ``rows``."""
    workbook = Workbook(write_only=True)
    _write_sheet(workbook, title, headers, rows)
    return _workbook_bytes(workbook)


def xlsx_response(
    filename: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    title: str,
) -> HttpResponse:
    """``xlsx_bytes`` as a download; the (Chinese) filename is sent per RFC 5987."""
    response = HttpResponse(xlsx_bytes(headers, rows, title=title), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = attachment_disposition(filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def attachment_disposition(filename: str) -> str:
    """``attachment`` with an ASCII fallback name and the real name as RFC 5987 UTF-8."""
    fallback = "".join(c for c in filename if c.isascii() and (c.isalnum() or c in "._-"))
    if not fallback.strip("._-") or fallback.startswith("."):
        fallback = "export" + PurePath(filename).suffix.lower()
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def report_xlsx(report: ImportReport) -> bytes:
    """The import report as a workbook: every rejection, then a summary sheet."""
    workbook = Workbook(write_only=True)
    _write_sheet(
        workbook,
        _("Rejected rows"),
        [_("Row"), _("Column"), _("Value"), _("Reason")],
        [
            (rejection.row, rejection.column, rejection.value, rejection.reason)
            for rejection in report.rejections
        ],
    )
    _write_sheet(
        workbook,
        _("Summary"),
        [_("Result"), _("Rows")],
        [
            (_("Created"), report.created),
            (_("Updated"), report.updated),
            (_("Unchanged"), report.unchanged),
            (_("Rejected"), report.rejected_rows),
        ],
    )
    return _workbook_bytes(workbook)
