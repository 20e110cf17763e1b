"""Resident roster import (PH-1, IT-1): every refused row reported with row, column and reason;
flagged IDs kept, not dropped; people already on record recognised or queued for review, never
made twice; the same file imported again changes nothing."""

from datetime import date

import pytest
from django.core.management import call_command

from jiceng.testing import ResidentFactory
from residents import roster
from residents.models import IdStatus, IncomingRecord, MatchCandidate, Resident
from residents.rules import make_citizen_id

HEADER = "姓名,性别,出生日期,身份证号,电话,村（居）代码,户号,与户主关系\n"


def csv_bytes(*lines):
    return (HEADER + "\n".join(lines) + "\n").encode()


@pytest.fixture(autouse=True)
def chinese(settings):
    settings.LANGUAGE_CODE = "zh-hans"


def import_csv(user, *lines):
    return roster.import_file(csv_bytes(*lines), "roster.csv", user=user, request=None)


def test_good_rows_are_created_and_bad_rows_reported_with_row_column_and_reason(
    county, township_doctor
):
    village = county.village_a.code
    good_id = make_citizen_id("140581", date(1985, 6, 1), 13)
    report = import_csv(
        township_doctor,
        f"周建华,男,1985-06-01,{good_id},13800001111,{village},H001,户主",
        f"吴丽,女,1987/02/03,,13800002222,{village},H001,配偶",
        f",女,1990-01-01,,,{village},,",
        f"郑强,不详,1990-01-01,,,{village},,",
        f"钱多,男,1990-13-01,,138000,{village},,",
        f"孙外,男,1990-01-01,,,{county.village_c.code},,",
    )
    assert (report.created, report.unchanged, report.queued) == (2, 0, 0)
    refused = {(r.row, r.column, r.reason) for r in report.rejections}
    assert (4, "姓名", "需填写姓名") in refused or any(
        r[0] == 4 and r[1] == "姓名" for r in refused
    )
    assert {r[0] for r in refused} == {4, 5, 6, 7}
    assert {r[1] for r in refused if r[0] == 6} == {"出生日期", "电话"}
    assert {r[1] for r in refused if r[0] == 7} == {"村（居）代码"}  # another township's village
    zhou = Resident.objects.get(name="周建华")
    assert zhou.household is not None
    assert zhou.household.number == "H001"
    assert Resident.objects.get(name="吴丽").household_id == zhou.household_id


def test_invalid_ids_are_kept_and_flagged_with_the_reasons(county, township_doctor):
    village = county.village_a.code
    valid = make_citizen_id("140581", date(1972, 5, 5), 21)
    wrong_check = valid[:17] + ("0" if valid[17] != "0" else "1")
    contradicting = make_citizen_id("140581", date(1971, 4, 4), 31)
    old = "140581" + "700303" + "211"  # 15 digits
    report = import_csv(
        township_doctor,
        f"冯一,男,1972-05-05,{wrong_check},,{village},,",
        f"冯二,女,1970-03-03,{contradicting},,{village},,",
        f"冯三,男,,{old},,{village},,",
    )
    assert report.rejections == []
    assert report.created == 3
    first = Resident.objects.get(name="冯一")
    assert first.id_status == IdStatus.FLAGGED
    assert first.id_problems[0].startswith("check character is")
    second = Resident.objects.get(name="冯二")
    assert second.id_status == IdStatus.FLAGGED
    assert "the number says born 1971-04-04" in second.id_problems[0]
    third = Resident.objects.get(name="冯三")
    assert third.id_status == IdStatus.UPGRADED
    assert len(third.citizen_id) == 18
    assert third.birth_date == date(1970, 3, 3)  # taken from the ID


def test_the_same_file_twice_changes_nothing(county, township_doctor):
    village = county.village_a.code
    lines = [
        f"周建华,男,1985-06-01,{make_citizen_id('140581', date(1985, 6, 1), 13)},,{village},,户主",
        f"无证人,女,1950-01-01,,,{village},,",
        f"坏号码,男,1960-01-01,140581196001010000,,{village},,",
    ]
    first = import_csv(township_doctor, *lines)
    count = Resident.objects.count()
    again = import_csv(township_doctor, *lines)
    assert first.created == 3
    assert (again.created, again.queued, again.unchanged) == (0, 0, 3)
    assert Resident.objects.count() == count
    assert not IncomingRecord.objects.exists()


def test_a_known_person_with_other_details_waits_for_review(county, township_doctor):
    on_file = ResidentFactory.create(
        village=county.village_a, name="陈静", birth_date=date(1975, 8, 9), phone=""
    )
    report = import_csv(
        township_doctor,
        f"陈静,女,1975-08-09,{on_file.citizen_id},13900009999,{county.village_a.code},,",
    )
    assert (report.created, report.queued) == (0, 1)
    candidate = MatchCandidate.objects.get()
    assert candidate.resident == on_file
    assert candidate.incoming is not None
    assert candidate.incoming.data["phone"] == "13900009999"
    assert candidate.evidence["citizen_id"] == "same"
    again = import_csv(
        township_doctor,
        f"陈静,女,1975-08-09,{on_file.citizen_id},13900009999,{county.village_a.code},,",
    )
    assert (again.queued, again.unchanged) == (0, 1)
    assert MatchCandidate.objects.count() == 1


def test_a_homophone_without_id_is_queued_not_created(county, township_doctor):
    on_file = ResidentFactory.create(
        village=county.village_a,
        name="王晓明",
        sex="male",
        birth_date=date(1980, 2, 2),
        phone="13712345678",
    )
    report = import_csv(
        township_doctor, f"王小明,男,1980-02-02,,13712345678,{county.village_a.code},,"
    )
    assert (report.created, report.queued) == (0, 1)
    candidate = MatchCandidate.objects.get()
    assert candidate.resident == on_file
    assert candidate.evidence["name"] == "homophone"


def test_a_missing_required_column_is_reported(county, township_doctor):
    report = roster.import_file(
        "姓名,出生日期\n张三,1980-01-01\n".encode(), "x.csv", user=township_doctor, request=None
    )
    assert {r.column for r in report.rejections} == {"性别", "村（居）代码"}
    assert not Resident.objects.filter(name="张三").exists()


def test_command_imports_as_a_user_and_exits_1_on_refused_rows(
    county, township_doctor, tmp_path, capsys
):
    path = tmp_path / "r.csv"
    path.write_bytes(csv_bytes(f"李四,男,1980-01-01,,,{county.village_a.code},,", ",男,,,,,,"))
    with pytest.raises(SystemExit) as exit_code:
        call_command("import_residents", str(path), user=township_doctor.username)
    assert exit_code.value.code == 1
    captured = capsys.readouterr()
    assert "created 1" in captured.out
    assert "row 3" in captured.err


def test_the_same_queued_row_twice_in_one_file_is_queued_once(county, township_doctor):
    on_file = ResidentFactory.create(
        village=county.village_a, name="陈静", birth_date=date(1975, 8, 9), phone=""
    )
    row = f"陈静,女,1975-08-09,{on_file.citizen_id},13900009999,{county.village_a.code},,"
    report = import_csv(township_doctor, row, row)
    assert (report.queued, report.unchanged) == (1, 1)
    assert IncomingRecord.objects.count() == 1
