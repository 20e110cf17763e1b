"""HR-1 roster import: good rows in, each refused value reported (row, column, reason),
re-import changes nothing; CSV and XLSX; Chinese and English headers; the export imports back."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from accounts.models import AuditEntry
from jiceng.spreadsheets import parse_date, xlsx_bytes
from workforce import roster
from workforce.models import Certificate, Staff

CHINESE_HEADERS = [
    "工号", "姓名", "性别", "出生日期", "职业类别", "职称", "科室", "机构代码",
    "用工形式", "招聘方式", "服务期满日期", "养老保险类别", "医疗责任保险", "月平均工资（元）",
    "证书类别", "证书编号",
]  # fmt: skip


def rows_for(county):
    a, thc = county.clinic_a.code, county.thc1.code
    return [
        ["V100", "李村医", "男", "1980-02-03", "乡村医生", "无", "", a,
         "合同制", "大学生乡村医生", "", "城乡居民养老保险（有补助）", "是", "3200",
         "乡村医生执业证书", "VD-100"],
        ["V101", "周护士", "女", "1990/07/08", "nurse", "junior", "护理部", thc,
         "编制", "订单定向", "2027-08-31", "事业编", "否", "", "", ""],
        ["V102", "坏日期", "男", "1980-13-40", "乡村医生", "", "", a,
         "", "", "", "", "", "", "", ""],
        ["V103", "坏机构", "女", "1985-01-01", "牙医", "", "", "NOPE",
         "", "", "", "", "也许", "很多", "", "X-1"],
        ["V100", "重复", "男", "1980-02-03", "乡村医生", "", "", a,
         "", "", "", "", "", "", "", ""],
    ]  # fmt: skip


@pytest.fixture(autouse=True)
def chinese():
    """Rejections name columns in the active language: Chinese unless a test says otherwise."""
    with translation.override("zh-hans"):
        yield


def csv_bytes(headers, rows):
    lines = [",".join(headers)] + [",".join(row) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8-sig")


def test_good_rows_in_bad_rows_reported(county):
    report = roster.import_file(
        csv_bytes(CHINESE_HEADERS, rows_for(county)), "roster.csv", user=None
    )
    assert (report.created, report.updated, report.unchanged) == (2, 0, 0)
    assert report.rejected_rows == 3
    found = {(r.row, r.column, r.value) for r in report.rejections}
    assert {
        (4, "出生日期", "1980-13-40"),
        (5, "职业类别", "牙医"),
        (5, "机构代码", "NOPE"),
        (5, "医疗责任保险", "也许"),
        (5, "月平均工资（元）", "很多"),
        (5, "证书类别", ""),
        (6, "工号", "V100"),
    } == found
    assert all(r.reason for r in report.rejections)
    li = Staff.objects.get(code="V100")
    assert (li.name, li.sex, li.profession, li.hire_route, li.pension_category) == (
        "李村医", "male", "village_doctor", "graduate", "resident",
    )  # fmt: skip
    assert li.liability_insured is True
    assert li.monthly_salary == Decimal("3200.00")
    assert li.institution == county.clinic_a
    assert li.certificates.get().number == "VD-100"
    zhou = Staff.objects.get(code="V101")
    assert (zhou.employment, zhou.hire_route, str(zhou.obligation_ends_on)) == (
        "quota",
        "directed",
        "2027-08-31",
    )
    assert not Staff.objects.filter(code__in=["V102", "V103"]).exists()
    assert list(AuditEntry.objects.values_list("action", "object_type")) == [
        ("create", "workforce.staff"),
        ("create", "workforce.staff"),
    ]


def test_reimport_changes_nothing(county):
    data = csv_bytes(CHINESE_HEADERS, rows_for(county))
    roster.import_file(data, "roster.csv", user=None)
    before = list(Staff.objects.order_by("id").values())
    audited = AuditEntry.objects.count()
    again = roster.import_file(data, "roster.csv", user=None)
    assert (again.created, again.updated, again.unchanged, again.rejected_rows) == (0, 0, 2, 3)
    assert list(Staff.objects.order_by("id").values()) == before
    assert Certificate.objects.count() == 1
    assert AuditEntry.objects.count() == audited


def test_xlsx_with_english_headers_updates_by_staff_number(county, staff):
    headers = [
        "Staff number",
        "Name",
        "Sex",
        "Birth date",
        "Profession",
        "Institution code",
        "Title level",
    ]
    rows = [
        [
            "A001",
            "甲村医",
            "male",
            "1975-05-05",
            "village doctor",
            county.clinic_a.code,
            "intermediate",
        ],
        [
            "N1",
            "New Person",
            "female",
            "1999-09-09",
            "rural GP assistant",
            county.clinic_a.code,
            "",
        ],
    ]
    report = roster.import_file(xlsx_bytes(headers, rows, title="staff"), "roster.xlsx", user=None)
    assert (report.created, report.updated, report.unchanged, report.rejections) == (1, 1, 0, [])
    staff["a"].refresh_from_db()
    assert staff["a"].title_level == "intermediate"
    entry = AuditEntry.objects.filter(action="update").get()
    assert entry.detail == {"row": 2, "fields": ["title_level"]}
    # columns left out of the file are left alone
    assert Staff.objects.get(code="N1").hire_route == "open"


def test_a_missing_required_column_imports_nothing(county):
    report = roster.import_file(csv_bytes(["工号", "姓名"], [["X", "某人"]]), "r.csv", user=None)
    assert report.created == 0
    assert {r.column for r in report.rejections} == {"性别", "出生日期", "职业类别", "机构代码"}
    with translation.override("en"):
        english = roster.import_file(
            csv_bytes(["工号", "姓名"], [["X", "某人"]]), "r.csv", user=None
        )
    assert {r.column for r in english.rejections} == {
        "Sex",
        "Birth date",
        "Profession",
        "Institution code",
    }
    assert {r.row for r in report.rejections} == {1}
    assert not Staff.objects.exists()


def test_editor_may_import_only_into_their_subtree(county, staff, township_doctor):
    rows = [
        ["T9", "本院", "男", "1980-01-01", "护士", "", "", county.thc1.code],
        ["T8", "外院", "男", "1980-01-01", "护士", "", "", county.thc2.code],
        ["C001", "丙村医", "男", "1980-01-01", "乡村医生", "", "", county.clinic_a.code],
    ]
    report = roster.import_file(csv_bytes(CHINESE_HEADERS[:8], rows), "r.csv", user=township_doctor)
    assert report.created == 1
    assert {(r.row, r.column) for r in report.rejections} == {
        (3, "机构代码"),
        (4, "工号"),  # belongs to a staff member outside the scope
    }
    staff["c"].refresh_from_db()
    assert staff["c"].institution == county.clinic_c


def test_export_imports_back_unchanged(county, staff, county_officer, signed_in):
    Certificate.objects.create(staff=staff["a"], kind="village_doctor", number="VD-9")
    staff["a"].obligation_ends_on = staff["a"].birth_date.replace(year=2030)
    staff["a"].monthly_salary = Decimal("3100.50")
    staff["a"].save()
    exported = signed_in(county_officer).get(reverse("workforce:export")).content
    report = roster.import_file(exported, "export.xlsx", user=None)
    assert (report.created, report.updated, report.unchanged, report.rejections) == (0, 0, 4, [])


def test_upload_page_reports_and_offers_the_rejections(county, township_doctor, signed_in):
    client = signed_in(township_doctor)
    upload = io.BytesIO(csv_bytes(CHINESE_HEADERS, rows_for(county)))
    upload.name = "花名册.csv"
    response = client.post(reverse("workforce:import"), {"file": upload})
    assert response.status_code == 200
    report = response.context["report"]
    assert (report.created, report.rejected_rows) == (2, 3)
    assert "新增 2 人" in response.content.decode()
    download = client.get(reverse("workforce:import_report"))
    sheets = openpyxl.load_workbook(io.BytesIO(download.content))
    rows = list(sheets.worksheets[0].iter_rows(values_only=True))
    assert rows[0] == ("行号", "列", "值", "说明")
    assert rows[1][:3] == (4, "出生日期", "1980-13-40")
    assert len(rows) == 1 + len(report.rejections)


def test_upload_page_is_for_editors(county, village_doctor, signed_in):
    assert signed_in(village_doctor).get(reverse("workforce:import")).status_code == 403


def test_unreadable_file_is_said(county, township_doctor, signed_in):
    upload = io.BytesIO(b"not a workbook")
    upload.name = "r.xlsx"
    response = signed_in(township_doctor).post(reverse("workforce:import"), {"file": upload})
    assert response.context["error"]
    assert response.context["report"] is None


def test_command(county, tmp_path, capsys):
    path = tmp_path / "roster.csv"
    path.write_bytes(csv_bytes(CHINESE_HEADERS, rows_for(county)))
    report_path = tmp_path / "rejections.xlsx"
    call_command("import_staff", str(path), "--report", str(report_path))
    out = capsys.readouterr()
    assert "created 2, updated 0, unchanged 0, rejected rows 3" in out.out
    assert "row 4" in out.err
    assert report_path.exists()
    call_command("import_staff", str(path))
    assert "created 0, updated 0, unchanged 2, rejected rows 3" in capsys.readouterr().out


@pytest.mark.parametrize(
    "text",
    ["2024-03-31", "2024/3/31", "2024.03.31", "20240331", "2024年3月31日", "2024-03-31 00:00:00"],
)
def test_dates(text):
    assert str(parse_date(text)) == "2024-03-31"
