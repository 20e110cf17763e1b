"""Record pages (PH-1, IT-1, IT-4): the record with every section and its completeness, the
edit page with validation on each field, past and family history, the history of changes;
scoped (outsiders 404), editors only (others 403), every read and change audited."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEntry, Role
from jiceng.testing import ResidentFactory, make_user
from residents.models import FamilyHistory, HistoryItem, IdStatus, RecordStatus
from residents.rules import make_citizen_id


def url(name, resident, *args):
    return reverse(f"residents:{name}", args=[resident.pk, *args])


def record_data(resident, **changes):
    """The edit form's POST data for ``resident`` as it is, with ``changes``."""
    data = {
        "name": resident.name,
        "sex": resident.sex,
        "birth_date": resident.birth_date.isoformat(),
        "citizen_id": resident.citizen_id,
        "phone": resident.phone,
        "contact_name": resident.contact_name,
        "contact_phone": resident.contact_phone,
        "relation_to_head": resident.relation_to_head,
        "ethnicity": resident.ethnicity,
        "residence_status": resident.residence_status,
        "insurance_type": resident.insurance_type,
        "blood_group": resident.blood_group,
        "rh_negative": "unknown",
        "marital_status": resident.marital_status,
        "education": resident.education,
        "occupation": resident.occupation,
        "allergies": resident.allergies,
        "allergies_other": resident.allergies_other,
        "disabilities": resident.disabilities,
        "kitchen_ventilation": resident.kitchen_ventilation,
        "fuel": resident.fuel,
        "water": resident.water,
        "toilet": resident.toilet,
        "livestock_pen": resident.livestock_pen,
        "record_status": resident.record_status,
        "status_date": "",
    }
    data.update(changes)
    return data


def test_record_shows_every_section_and_the_missing_items(county, village_doctor, sign_in):
    resident = county.resident_a
    HistoryItem.objects.create(
        resident=resident, kind="disease", icd10="I10", name="高血压", date=date(2015, 6, 1)
    )
    FamilyHistory.objects.create(resident=resident, relative="father", condition="糖尿病")
    response = sign_in(village_doctor).get(url("detail", resident))
    body = response.content.decode()
    assert response.status_code == 200
    for heading in ("封面", "身份", "联系方式", "户", "个人基本信息", "生活环境", "档案状态"):
        assert heading in body
    assert "既往史" in body
    assert "I10" in body
    assert "2015-06-01" in body
    assert "高血压" in body
    assert "家族史" in body
    assert "糖尿病" in body
    assert f"{resident.completeness}%" in body
    missing = response.context["missing"]
    assert "血型" in missing
    assert "生活环境" in missing
    assert resident.citizen_id not in body
    assert url("edit", resident) in body
    assert url("changes", resident) in body


def test_flagged_id_shows_its_problems(county, village_doctor, sign_in):
    resident = county.resident_a
    resident.id_status = IdStatus.FLAGGED
    resident.id_problems = ["check character is 1, expected 7"]
    resident.save()
    body = sign_in(village_doctor).get(url("detail", resident)).content.decode()
    assert "check character is 1, expected 7" in body


@pytest.mark.parametrize("persona", ["village_doctor", "township_doctor"])
def test_editors_save_and_completeness_and_pinyin_are_recomputed(county, persona, request, sign_in):
    user = request.getfixturevalue(persona)
    resident = county.resident_a
    before = resident.completeness
    data = record_data(
        resident,
        name="王秀瑛",
        blood_group="A",
        insurance_type="resident",
        education="primary",
        marital_status="married",
        occupation="农民",
        contact_name="王大",
        contact_phone="13900001111",
        allergies=["penicillin"],
        disabilities=["none"],
        kitchen_ventilation="hood",
        fuel="gas",
        water="tap",
        toilet="sanitary",
        livestock_pen="none",
    )
    response = sign_in(user).post(url("edit", resident), data)
    assert response.status_code == 302, response.context["form"].errors
    resident.refresh_from_db()
    assert resident.name == "王秀瑛"
    assert resident.allergies == ["penicillin"]
    assert resident.completeness == 100 > before
    assert resident.name_pinyin == "wangxiuying"
    entry = AuditEntry.objects.get(action="update")
    assert entry.object_id == str(resident.pk)
    assert entry.username == user.username
    assert "name" in entry.detail["fields"]
    assert "blood_group" in entry.detail["fields"]
    detail = sign_in(user).get(url("detail", resident)).content.decode()
    assert "100%" in detail


def test_county_health_may_edit(county, county_officer, sign_in, settings):
    settings.DEMO_MODE = True
    county_officer.is_demo = True
    county_officer.save()
    resident = county.resident_c
    response = sign_in(county_officer).post(
        url("edit", resident), record_data(resident, ethnicity="回族")
    )
    assert response.status_code == 302
    resident.refresh_from_db()
    assert resident.ethnicity == "回族"


def test_unchanged_form_writes_no_update(county, village_doctor, sign_in):
    resident = county.resident_a
    response = sign_in(village_doctor).post(url("edit", resident), record_data(resident))
    assert response.status_code == 302
    assert not AuditEntry.objects.filter(action="update").exists()


def errors_for(client, resident, **changes):
    response = client.post(url("edit", resident), record_data(resident, **changes))
    assert response.status_code == 400
    return response.context["form"].errors


def test_status_date_is_required_for_moved_out_and_deceased(county, village_doctor, sign_in):
    client = sign_in(village_doctor)
    resident = county.resident_a
    for status in (RecordStatus.MOVED_OUT, RecordStatus.DECEASED):
        errors = errors_for(client, resident, record_status=status)
        assert errors["status_date"] == ["请填写迁出或死亡日期。"]
    tomorrow = timezone.localdate() + timedelta(days=1)
    errors = errors_for(client, resident, record_status="deceased", status_date=tomorrow)
    assert errors["status_date"] == ["日期不能晚于今天。"]
    errors = errors_for(client, resident, record_status="deceased", status_date="1950-01-01")
    assert errors["status_date"] == ["日期早于出生日期。"]


def test_moved_out_with_a_date_leaves_the_list(county, village_doctor, sign_in):
    client = sign_in(village_doctor)
    resident = county.resident_a
    data = record_data(resident, record_status="moved_out", status_date="2025-01-31")
    assert client.post(url("edit", resident), data).status_code == 302
    listed = client.get(reverse("residents:list")).context["page_obj"]
    assert [r.name for r in listed] == ["王小明"]


@pytest.mark.parametrize("field", ["phone", "contact_phone"])
@pytest.mark.parametrize("value", ["12345", "2380000111", "1380000111x"])
def test_phone_format(county, village_doctor, sign_in, field, value):
    errors = errors_for(sign_in(village_doctor), county.resident_a, **{field: value})
    assert errors[field] == ["请填写 11 位手机号（13…–19…）或带区号的固定电话。"]


def test_landline_with_area_code_is_accepted(county, village_doctor, sign_in):
    resident = county.resident_a
    response = sign_in(village_doctor).post(
        url("edit", resident), record_data(resident, contact_phone="0356-5221234")
    )
    assert response.status_code == 302


def test_fifteen_digit_id_is_upgraded(county, village_doctor, sign_in):
    resident = county.resident_a
    id18 = make_citizen_id("140581", resident.birth_date, 88)
    response = sign_in(village_doctor).post(
        url("edit", resident), record_data(resident, citizen_id=id18[:6] + id18[8:17])
    )
    assert response.status_code == 302
    resident.refresh_from_db()
    assert resident.citizen_id == id18
    assert resident.id_status == IdStatus.UPGRADED


def test_id_disagreeing_with_the_person_is_refused_with_the_reason(county, village_doctor, sign_in):
    resident = county.resident_a  # born 1960-03-14, female
    other_birth = make_citizen_id("140581", date(1961, 3, 14), 88)
    male = make_citizen_id("140581", resident.birth_date, 87)
    client = sign_in(village_doctor)
    [message] = errors_for(client, resident, citizen_id=other_birth)["citizen_id"]
    assert "1961-03-14" in message
    assert "1960-03-14" in message
    [message] = errors_for(client, resident, citizen_id=male)["citizen_id"]
    assert "性别" in message
    bad_check = resident.citizen_id[:17] + ("0" if resident.citizen_id[17] != "0" else "1")
    [message] = errors_for(client, resident, citizen_id=bad_check)["citizen_id"]
    assert "check character" in message


def test_id_kept_as_flagged_when_asked(county, village_doctor, sign_in):
    resident = county.resident_a
    male = make_citizen_id("140581", resident.birth_date, 87)
    response = sign_in(village_doctor).post(
        url("edit", resident), record_data(resident, citizen_id=male, keep_flagged_id="on")
    )
    assert response.status_code == 302
    resident.refresh_from_db()
    assert resident.citizen_id == male
    assert resident.id_status == IdStatus.FLAGGED
    assert resident.id_problems == ["身份证号码中的性别与本人不符"]
    assert "id_status" in AuditEntry.objects.get(action="update").detail["fields"]


def test_another_live_records_id_is_refused(county, village_doctor, sign_in):
    elsewhere = ResidentFactory(village=county.village_c, name="王秀英")  # same birth date, sex
    errors = errors_for(sign_in(village_doctor), county.resident_a, citizen_id=elsewhere.citizen_id)
    assert errors["citizen_id"] == ["已有另一份档案使用此身份证号码：请作为重复档案上报。"]


def test_other_inconsistencies(county, village_doctor, sign_in):
    client = sign_in(village_doctor)
    child = county.child_a
    assert "marital_status" in errors_for(client, child, marital_status="married")
    errors = errors_for(client, county.resident_a, allergies=["none", "penicillin"])
    assert "allergies" in errors
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert errors_for(client, county.resident_a, birth_date=tomorrow)["birth_date"] == [
        "出生日期在未来。"
    ]


def test_past_and_family_history_add_and_remove(county, village_doctor, sign_in):
    client = sign_in(village_doctor)
    resident = county.resident_a
    refused = client.post(
        url("past_history_add", resident),
        {"history-kind": "disease", "history-name": "高血压", "history-icd10": ""},
    )
    assert refused.status_code == 400
    assert refused.context["history_form"].errors["icd10"] == ["疾病须填写 ICD-10 编码。"]
    bad_code = client.post(
        url("past_history_add", resident),
        {"history-kind": "disease", "history-name": "高血压", "history-icd10": "110"},
    )
    assert "icd10" in bad_code.context["history_form"].errors
    added = client.post(
        url("past_history_add", resident),
        {
            "history-kind": "disease",
            "history-name": "高血压",
            "history-icd10": "i10",
            "history-date": "2015-06-01",
        },
    )
    assert added.status_code == 302
    item = resident.past_history.get()
    assert (item.icd10, item.date) == ("I10", date(2015, 6, 1))
    family = client.post(
        url("family_history_add", resident),
        {"family-relative": "mother", "family-condition": "脑卒中", "family-icd10": "I64"},
    )
    assert family.status_code == 302
    relative = resident.family_history.get()
    assert client.post(url("past_history_remove", resident, item.pk)).status_code == 302
    assert client.post(url("family_history_remove", resident, relative.pk)).status_code == 302
    assert not resident.past_history.exists()
    assert not resident.family_history.exists()
    actions = list(
        AuditEntry.objects.filter(action__in=["create", "delete"]).values_list(
            "action", "detail__fields"
        )
    )
    assert actions == [
        ("create", ["past_history"]),
        ("create", ["family_history"]),
        ("delete", ["past_history"]),
        ("delete", ["family_history"]),
    ]


def test_items_of_another_record_cannot_be_removed(
    county, village_doctor, township_doctor, sign_in
):
    other = HistoryItem.objects.create(resident=county.resident_b, kind="surgery", name="阑尾切除")
    response = sign_in(village_doctor).post(url("past_history_remove", county.resident_a, other.pk))
    assert response.status_code == 404
    assert HistoryItem.objects.filter(pk=other.pk).exists()


def test_history_of_changes_shows_who_changed_what_masked(county, village_doctor, sign_in):
    client = sign_in(village_doctor)
    resident = county.resident_a
    old_phone = resident.phone
    client.post(url("edit", resident), record_data(resident, blood_group="B", phone="13912345678"))
    response = client.get(url("changes", resident))
    body = response.content.decode()
    assert response.status_code == 200
    latest = response.context["versions"][0]
    assert latest.who == "cunyi_a"
    changes = {change.field: (change.old, change.new) for change in latest.changes}
    assert changes["blood_group"] == ("—", "B")
    assert changes["phone"] == (old_phone[:3] + "****" + old_phone[-4:], "139****5678")
    assert "血型" in body
    assert "13912345678" not in body
    assert old_phone not in body
    assert AuditEntry.objects.filter(action="read", purpose="resident history of changes").exists()
    revealed = client.post(url("changes", resident), {"purpose": "核对号码变更"})
    assert "13912345678" in revealed.content.decode()
    assert AuditEntry.objects.filter(action="reveal", purpose="核对号码变更").exists()


@pytest.mark.parametrize("name", ["detail", "edit", "changes", "past_history_add"])
def test_outsider_gets_404_everywhere(county, outsider, sign_in, name):
    client = sign_in(outsider)
    resident = county.resident_a
    assert client.get(url(name, resident)).status_code in (404, 405)
    assert client.post(url(name, resident), record_data(resident)).status_code == 404
    assert not AuditEntry.objects.filter(action__in=["read", "update", "create"]).exists()


def test_readers_who_may_not_edit_get_403(county, sign_in):
    cdc = make_user("jk", Role.CDC, division=county.county, is_demo=True)
    resident = county.resident_a
    client = sign_in(cdc)
    client.get("/")  # settles the session
    from django.test import override_settings

    with override_settings(DEMO_MODE=True):
        assert client.get(url("detail", resident)).status_code == 200
        assert url("edit", resident) not in client.get(url("detail", resident)).content.decode()
        assert client.get(url("edit", resident)).status_code == 403
        assert client.post(url("edit", resident), record_data(resident)).status_code == 403


def test_resident_reads_own_record_without_edit_links(county, resident_user, sign_in):
    client = sign_in(resident_user)
    resident = county.resident_a
    response = client.get(url("detail", resident))
    body = response.content.decode()
    assert response.status_code == 200
    assert "个人基本信息" in body
    assert url("edit", resident) not in body
    assert url("changes", resident) not in body
    assert client.get(url("edit", resident)).status_code == 403
    assert client.post(url("edit", resident), record_data(resident)).status_code == 403
    assert client.post(url("past_history_add", resident), {}).status_code == 403
    assert client.get(url("detail", county.resident_b)).status_code == 404


def test_home_page_shows_average_completeness_per_village(county, village_doctor, sign_in):
    resident = county.resident_a
    resident.blood_group = "A"
    resident.save()
    expected = round((resident.completeness + county.child_a.completeness) / 2)
    response = sign_in(village_doctor).get("/")
    [row] = response.context["villages"]
    assert row.completeness == expected
    assert f"{expected}%" in response.content.decode()


def test_township_home_shows_completeness_per_village(county, township_doctor, sign_in):
    response = sign_in(township_doctor).get("/")
    rows = {row.village.name: row.completeness for row in response.context["villages"]}
    assert rows["乙村"] == county.resident_b.completeness
    assert rows["甲村"] == round((county.resident_a.completeness + county.child_a.completeness) / 2)


def test_edit_page_shows_the_form_and_the_history_forms(county, village_doctor, sign_in):
    resident = county.resident_a
    response = sign_in(village_doctor).get(url("edit", resident))
    body = response.content.decode()
    assert response.status_code == 200
    assert response.context["form"].initial["name"] == "王秀英"
    for text in ("保存档案", "添加既往史", "添加家族史", "状态日期", "ICD-10"):
        assert text in body
    assert f'value="{resident.citizen_id}"' in body  # the editor sees the number being edited
    assert AuditEntry.objects.get(action="read").purpose == "resident edit"
    assert AuditEntry.objects.get(action="reveal").purpose == "resident edit"
