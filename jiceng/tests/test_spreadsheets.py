"""The shared spreadsheet layer: reading .xlsx and .csv rosters, writing workbooks and reports."""

import io
from urllib.parse import unquote

import pytest
from django.utils import translation
from openpyxl import Workbook, load_workbook

from jiceng.spreadsheets import (
    XLSX_CONTENT_TYPE,
    ImportReport,
    Rejection,
    SpreadsheetError,
    read_table,
    report_xlsx,
    xlsx_bytes,
    xlsx_response,
)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def workbook_bytes(rows):
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_rows_are_numbered_as_in_the_sheet_and_empty_rows_skipped():
    data = workbook_bytes(
        [
            [" 机构代码 ", "名称", "床位"],
            ["T001", " 甲村卫生室 ", 12.0],
            [None, None, None],
            [140581101201, "乙村卫生室", None],
        ]
    )
    assert list(read_table(data, "名单.XLSX")) == [
        (2, {"机构代码": "T001", "名称": "甲村卫生室", "床位": "12"}),
        (4, {"机构代码": "140581101201", "名称": "乙村卫生室", "床位": ""}),
    ]


@pytest.mark.parametrize(
    "data",
    [
        "机构代码,名称\r\nT001,甲村卫生室\r\n,\r\nT002,乙村\r\n".encode(),
        b"\xef\xbb\xbf" + "机构代码,名称\nT001,甲村卫生室\n,\nT002,乙村\n".encode(),
        "机构代码,名称\nT001,甲村卫生室\n,\nT002,乙村\n".encode("gb18030"),
    ],
    ids=["utf-8", "utf-8 with BOM", "gb18030"],
)
def test_csv_in_utf8_with_or_without_bom_or_gb18030(data):
    assert list(read_table(data, "roster.csv")) == [
        (2, {"机构代码": "T001", "名称": "甲村卫生室"}),
        (4, {"机构代码": "T002", "名称": "乙村"}),
    ]


def test_short_csv_rows_are_padded_and_headerless_columns_ignored():
    data = b"a,,b\n1\n2,x,3,4\n"
    assert list(read_table(data, "t.csv")) == [(2, {"a": "1", "b": ""}), (3, {"a": "2", "b": "3"})]


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"a,b\n1,2\n", "roster.xls", ".xls"),
        (b"not a zip", "roster.xlsx", ".xlsx"),
        (b"", "roster.csv", "empty"),
        (b",,\n1,2,3\n", "roster.csv", "header"),
        ("名称,代码,名称\n1,2,3\n".encode(), "roster.csv", "名称"),
        (b"\xff\xfe\xfd\x80\x81", "roster.csv", "UTF-8"),
    ],
    ids=["unknown type", "broken xlsx", "empty", "no header", "duplicate header", "bad bytes"],
)
def test_unreadable_files_say_why(data, filename, message):
    with pytest.raises(SpreadsheetError, match=message):
        list(read_table(data, filename))


def test_xlsx_bytes_writes_a_bold_frozen_header_and_text_never_formulas():
    data = xlsx_bytes(["代码", "名称"], [["T001", "=HYPERLINK(1)"], ["T002", 3]], title="机构/名单")
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.title == "机构 名单"
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.b
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [
        ["代码", "名称"],
        ["T001", "=HYPERLINK(1)"],
        ["T002", 3],
    ]
    assert sheet["B2"].data_type == "s"


def test_xlsx_response_is_an_attachment_with_the_chinese_name():
    response = xlsx_response("机构名单.xlsx", ["a"], [[1]], title="t")
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="export.xlsx"; ')
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == "机构名单.xlsx"
    assert load_workbook(io.BytesIO(response.content)).active["A2"].value == 1


def test_messages_are_translated():
    with (
        translation.override("zh-hans"),
        pytest.raises(SpreadsheetError, match="第一行必须是列标题"),
    ):
        list(read_table(b",,\n1,2\n", "roster.csv"))


def test_report_lists_every_rejection_and_a_summary():
    report = ImportReport(
        created=2,
        updated=1,
        unchanged=4,
        rejections=[
            Rejection(3, "类型", "诊所", "未知"),
            Rejection(3, "区划代码", "1", "不存在"),
            Rejection(5, "名称", "", "必填"),
        ],
    )
    assert report.rejected_rows == 2
    workbook = load_workbook(io.BytesIO(report_xlsx(report)))
    rejections, summary = workbook.worksheets
    assert [[c.value for c in row] for row in rejections.iter_rows(min_row=2)] == [
        [3, "类型", "诊所", "未知"],
        [3, "区划代码", "1", "不存在"],
        [5, "名称", None, "必填"],
    ]
    assert [row[1].value for row in summary.iter_rows(min_row=2)] == [2, 1, 4, 2]
