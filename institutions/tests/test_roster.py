"""Institution roster import (ORG-1, MED-8): good rows in, every bad row reported with its row,
column and reason, and importing the same file again changes nothing."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from accounts.models import AuditEntry
from institutions import roster
from institutions.models import Capabilities, Institution
from jiceng.spreadsheets import SpreadsheetError

HEADER = [
    "机构代码",
    "名称",
    "类型",
    "上级机构代码",
    "区划代码",
    "举办性质",
    "独立法人",
    "中心机构",
    "服务区域（代码）",
    "医院等级",
    "中医馆",
    "发热门诊",
    "普通床位",
    "护理床位",
    "核准诊疗科目（代码）",
]


@pytest.fixture(autouse=True)
def chinese():
    """Reports name columns and reasons in the active language: here Chinese, as by default."""
    with translation.override("zh-hans"):
        yield


def good_rows(county):
    return [
        # a new THC branch under THC 1, then a clinic under the branch (parent earlier in file)
        [
            "N001",
            "米山镇卫生院分院",
            "乡镇卫生院分院",
            county.thc1.code,
            "140581101",
            "公立",
            "否",
            "否",
            "140581101202",
            "未定级",
            "是",
            "发热诊室",
            12,
            4,
            "2、50",
        ],
        [
            "N002",
            "乙村卫生室",
            "village_clinic",
            "N001",
            "140581101202",
            "",
            "",
            "是",
            "140581101202、140581101201",
            "",
            "否",
            "",
            "",
            "",
            "",
        ],
        # an update of an existing institution: name and capabilities
        [
            county.thc2.code,
            "三甲镇中心卫生院",
            "THC",
            county.hospital.code,
            "140581102000",
            "public",
            "是",
            "是",
            "140581102000",
            "一级",
            "是",
            "规范化发热门诊",
            40,
            "",
            "02,03",
        ],
    ]


def bad_rows():
    return [
        ["B001", "诊所", "诊所", "", "140581101201", "", "", "", "", "", "", "", "", "", ""],
        [
            "B002",
            "丁村卫生室",
            "村卫生室",
            "NOPE",
            "999999999999",
            "",
            "也许",
            "",
            "",
            "",
            "",
            "",
            "-1",
            "2.5",
            "99",
        ],
        ["", "", "村卫生室", "", "140581101201", "", "", "", "", "", "", "", "", "", ""],
        ["N001", "重复", "村卫生室", "", "140581101201", "", "", "", "", "", "", "", "", "", ""],
    ]


def xlsx(rows, header=HEADER):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, encoding="utf-8-sig", header=HEADER):
    lines = [",".join(f'"{cell}"' for cell in header)]
    lines += [",".join(f'"{cell}"' for cell in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def registry_state():
    return sorted(
        (
            i.code,
            i.name,
            i.type,
            i.parent_id,
            i.path,
            i.division_id,
            i.ownership,
            i.is_legal_entity,
            i.is_central,
            tuple(sorted(d.pk for d in i.served_divisions.all())),
        )
        for i in Institution.objects.prefetch_related("served_divisions")
    )


def reasons(report):
    return {(r.row, r.column): r.reason for r in report.rejections}


def test_good_rows_are_imported_and_bad_rows_reported(county, county_officer):
    rows = good_rows(county)
    report = roster.import_roster(
        xlsx(rows[:2] + bad_rows() + rows[2:]), "名单.xlsx", user=county_officer
    )
    assert (report.created, report.updated, report.unchanged) == (2, 1, 0)
    assert report.rejected_rows == 4
    branch = Institution.objects.get(code="N001")
    clinic = Institution.objects.get(code="N002")
    assert branch.type == Institution.Type.THC_BRANCH
    assert branch.parent == county.thc1
    assert branch.division.code == "140581101000"
    assert not branch.is_legal_entity
    assert branch.path == f"{county.thc1.path}{branch.pk}/"
    assert clinic.path == f"{branch.path}{clinic.pk}/"
    assert clinic.is_central
    assert sorted(d.name for d in clinic.served_divisions.all()) == ["乙村", "甲村"]
    assert branch.capabilities.has_tcm_hall
    assert branch.capabilities.fever_clinic == "room"
    assert (branch.capabilities.beds_general, branch.capabilities.beds_nursing) == (12, 4)
    assert branch.capabilities.approved_scope == ["02", "50"]
    county.thc2.refresh_from_db()
    assert county.thc2.name == "三甲镇中心卫生院"
    assert county.thc2.capabilities.hospital_level == "1"
    assert county.thc2.capabilities.fever_clinic == "clinic"
    assert county.thc2.capabilities.approved_scope == ["02", "03"]

    found = reasons(report)
    assert "乡镇卫生院" in found[(4, "类型")]  # an unknown type lists the allowed values
    assert "village_clinic" in found[(4, "类型")]
    assert found[(5, "上级机构代码")] == "登记库和文件前面各行中都没有此代码的机构。"
    assert found[(5, "区划代码")] == "没有此代码的行政区划。"
    assert found[(5, "独立法人")] == "请填写“是”或“否”。"
    assert found[(5, "普通床位")] == "应在 0 到 32,767 之间。"
    assert found[(5, "护理床位")] == "不是整数。"
    assert "99" in found[(5, "核准诊疗科目（代码）")]
    assert found[(6, "机构代码")] == "机构代码必填。"
    assert found[(6, "名称")] == "名称必填。"
    assert found[(7, "机构代码")] == "第 2 行已有相同的机构代码。"
    assert not Institution.objects.filter(code__startswith="B").exists()
    assert {r.value for r in report.rejections if r.row == 5 and r.column == "区划代码"} == {
        "999999999999"
    }


def test_reimporting_the_same_file_changes_nothing(county, county_officer):
    data = xlsx(good_rows(county) + bad_rows())
    roster.import_roster(data, "roster.xlsx", user=county_officer)
    before = registry_state()
    capabilities = list(Capabilities.objects.order_by("pk").values())
    audit_entries = AuditEntry.objects.count()
    report = roster.import_roster(data, "roster.xlsx", user=county_officer)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)
    assert report.rejected_rows == 4
    assert registry_state() == before
    assert list(Capabilities.objects.order_by("pk").values()) == capabilities
    assert AuditEntry.objects.count() == audit_entries


def test_the_import_is_audited_per_created_and_changed_row(county, county_officer):
    roster.import_roster(xlsx(good_rows(county)), "roster.xlsx", user=county_officer)
    entries = list(AuditEntry.objects.values_list("action", "object_type", "purpose"))
    assert entries.count(("create", "institutions.institution", roster.PURPOSE)) == 2
    assert entries.count(("update", "institutions.institution", roster.PURPOSE)) == 1
    assert entries.count(("create", "institutions.capabilities", roster.PURPOSE)) == 3


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_imports_like_xlsx(county, county_officer, encoding):
    report = roster.import_roster(
        csv_bytes(good_rows(county) + bad_rows(), encoding), "名单.csv", user=county_officer
    )
    assert (report.created, report.updated, report.rejected_rows) == (2, 1, 4)
    assert Institution.objects.get(code="N002").parent == Institution.objects.get(code="N001")


def test_english_headers_are_accepted(county, county_officer):
    header = [str(column.label) for column in roster.COLUMNS[:5]]
    rows = [["E1", "New clinic", "village clinic", county.thc1.code, "140581101202"]]
    report = roster.import_roster(xlsx(rows, header), "r.xlsx", user=county_officer)
    assert (report.created, report.rejections) == (1, [])
    assert Institution.objects.get(code="E1").type == "village_clinic"


def test_a_loop_in_the_management_line_is_refused(county, county_officer):
    rows = [[county.thc1.code, "米山镇卫生院", "thc", county.clinic_a.code, "140581101000"]]
    report = roster.import_roster(xlsx(rows, HEADER[:5]), "r.xlsx", user=county_officer)
    assert [(r.row, r.column) for r in report.rejections] == [(2, "上级机构代码")]
    county.thc1.refresh_from_db()
    assert county.thc1.parent == county.hospital


def test_moving_an_institution_moves_its_subtree(county, county_officer):
    rows = [[county.thc1.code, "米山镇卫生院", "thc", county.thc2.code, "140581101000"]]
    report = roster.import_roster(xlsx(rows, HEADER[:5]), "r.xlsx", user=county_officer)
    assert report.updated == 1
    county.thc1.refresh_from_db()
    county.clinic_a.refresh_from_db()
    assert county.thc1.path == f"{county.thc2.path}{county.thc1.pk}/"
    assert county.clinic_a.path == f"{county.thc1.path}{county.clinic_a.pk}/"


def test_missing_required_columns_stop_the_import(county, county_officer):
    with pytest.raises(roster.MissingColumnsError, match="区划代码"):
        roster.import_roster(xlsx([["X", "名", "村卫生室"]], HEADER[:3]), "r.xlsx", user=None)
    with pytest.raises(SpreadsheetError):
        roster.import_roster(b"x", "r.pdf", user=None)


def test_the_export_imports_back_unchanged(client, county, county_officer, sign_in):
    roster.import_roster(xlsx(good_rows(county)), "roster.xlsx", user=county_officer)
    exported = sign_in(county_officer).get(reverse("institutions:export")).content
    report = roster.import_roster(exported, "export.xlsx", user=county_officer)
    assert report.rejections == []
    assert (report.created, report.updated, report.unchanged) == (0, 0, 7)


def test_dry_run_keeps_nothing(county, county_officer):
    report = roster.import_roster(
        xlsx(good_rows(county)), "r.xlsx", user=county_officer, dry_run=True
    )
    assert (report.created, report.updated) == (2, 1)
    assert not Institution.objects.filter(code="N001").exists()
    assert not AuditEntry.objects.exists()


def test_import_page_reports_rejections_and_offers_them_as_xlsx(
    client, county, county_officer, sign_in
):
    client = sign_in(county_officer)
    upload = io.BytesIO(xlsx(good_rows(county) + bad_rows()))
    upload.name = "名单.xlsx"
    response = client.post(reverse("institutions:import"), {"file": upload})
    assert response.status_code == 200
    assert response.context["report"].created == 2
    body = response.content.decode()
    assert "没有此代码的行政区划。" in body
    report = client.get(reverse("institutions:import_report"))
    assert report.status_code == 200
    sheet = load_workbook(io.BytesIO(report.content)).worksheets[0]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert [6, "区划代码", "999999999999", "没有此代码的行政区划。"] in rows


def test_import_page_says_why_a_file_is_unreadable(client, county, county_officer, sign_in):
    upload = io.BytesIO(b"%PDF")
    upload.name = "roster.pdf"
    response = sign_in(county_officer).post(reverse("institutions:import"), {"file": upload})
    assert response.status_code == 400
    assert "不支持的文件类型 .pdf" in response.content.decode()


def test_management_command(county, tmp_path, capsys):
    path = tmp_path / "roster.csv"
    path.write_bytes(csv_bytes(good_rows(county) + bad_rows(), "gb18030"))
    report_path = tmp_path / "report.xlsx"
    with pytest.raises(SystemExit) as exited:
        call_command("import_institutions", str(path), "--report", str(report_path))
    assert exited.value.code == 1
    out, err = capsys.readouterr()
    assert "created 2, updated 1, unchanged 0, rejected rows 4" in out
    assert "row 6, 区划代码 '999999999999'" in err
    assert load_workbook(report_path).worksheets[0].max_row == 1 + len(
        roster.import_roster(path.read_bytes(), "roster.csv", user=None).rejections
    )
