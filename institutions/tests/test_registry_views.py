"""Registry pages (ORG-1, ORG-3, ORG-6, MED-8): filters, export, detail, editing and its audit."""

import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import AuditEntry, Role
from institutions.models import (
    Capabilities,
    Designation,
    FeverClinic,
    GroupMembership,
    Institution,
    MedicalGroup,
    VillageServiceException,
)
from jiceng.testing import make_user


@pytest.fixture
def registry(county):
    """Capabilities and designations for the small county."""
    Capabilities.objects.create(
        institution=county.thc1,
        approved_scope=["02", "50"],
        has_tcm_hall=True,
        fever_clinic=FeverClinic.CONSULTATION_ROOM,
        negative_pressure_ambulances=1,
        beds_general=30,
        beds_rehabilitation=6,
    )
    Capabilities.objects.create(institution=county.thc2, beds_general=10)
    Designation.objects.create(
        institution=county.thc1, kind=Designation.Kind.SUB_CENTRE, since=date(2024, 1, 1)
    )
    county.thc2.ownership = Institution.Ownership.SOCIAL
    county.thc2.save()
    return county


def names(response):
    return [institution.name for institution in response.context["page_obj"]]


def sheet_rows(response):
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"ownership": "social"}, ["三甲镇卫生院"]),
        ({"designation": "sub_centre"}, ["米山镇卫生院"]),
        ({"capability": "tcm_hall"}, ["米山镇卫生院"]),
        ({"capability": "rehabilitation_beds"}, ["米山镇卫生院"]),
        ({"capability": "fever_clinic"}, ["米山镇卫生院"]),
        ({"type": "thc", "ownership": "public"}, ["米山镇卫生院"]),
        ({"q": "村卫生室"}, ["甲村卫生室", "丙村卫生室"]),
        ({"capability": "not_recorded", "type": "thc"}, []),
        (
            {"capability": "nonsense"},
            ["高平市人民医院", "米山镇卫生院", "甲村卫生室", "三甲镇卫生院", "丙村卫生室"],
        ),
    ],
)
def test_list_filters(client, registry, outsider, sign_in, query, expected):
    response = sign_in(outsider).get(reverse("institutions:list"), query)
    assert response.status_code == 200
    assert names(response) == expected


def test_export_holds_the_filtered_list_in_the_roster_columns(client, registry, outsider, sign_in):
    response = sign_in(outsider).get(reverse("institutions:export"), {"type": "thc"})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    rows = sheet_rows(response)
    header = rows[0]
    assert header[:5] == ["机构代码", "名称", "类型", "上级机构代码", "区划代码"]
    by_name = {row[1]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert list(by_name) == ["米山镇卫生院", "三甲镇卫生院"]
    thc1 = by_name["米山镇卫生院"]
    assert thc1["机构代码"] == registry.thc1.code
    assert thc1["类型"] == "乡镇卫生院"
    assert thc1["上级机构代码"] == registry.hospital.code
    assert thc1["区划代码"] == "140581101000"
    assert thc1["中医馆"] == "是"
    assert thc1["发热门诊"] == "发热诊室"
    assert thc1["普通床位"] == 30
    assert thc1["核准诊疗科目（代码）"] == "02、50"
    assert by_name["三甲镇卫生院"]["举办性质"] == "社会办（民营）"


def test_list_links_the_export_with_the_chosen_filters(client, registry, outsider, sign_in):
    body = sign_in(outsider).get(reverse("institutions:list"), {"type": "thc"}).content.decode()
    assert f'href="{reverse("institutions:export")}?type=thc"' in body
    assert reverse("institutions:import") not in body  # only editors see the import


def test_detail_shows_capabilities_designations_group_and_exception_villages(
    client, registry, outsider, sign_in
):
    group = MedicalGroup.objects.create(
        name="高平市医疗集团",
        county=registry.county,
        lead=registry.hospital,
        trustee="山西省人民医院",
    )
    GroupMembership.objects.create(group=group, institution=registry.thc1)
    VillageServiceException.objects.create(
        village=registry.village_b,
        kind=VillageServiceException.Kind.ITINERANT,
        served_by=registry.thc1,
        recorded_on=date(2025, 3, 1),
    )
    response = sign_in(outsider).get(reverse("institutions:detail", args=[registry.thc1.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert response.context["subjects"][0][0] == "02"
    assert "全科医疗科" in body
    assert "中医科" in body
    assert "发热诊室" in body
    assert ("康复床位", 6) in response.context["beds"]
    assert "县域医疗次中心" in body
    assert "高平市医疗集团" in body
    assert "乙村" in body
    assert reverse("institutions:edit", args=[registry.thc1.pk]) not in body


def test_detail_without_capabilities_says_so(client, registry, outsider, sign_in):
    response = sign_in(outsider).get(reverse("institutions:detail", args=[registry.clinic_a.pk]))
    assert response.context["capabilities"] is None
    assert "未登记服务能力" in response.content.decode()


def edit_data(institution, **changes):
    data = {
        "code": institution.code,
        "name": institution.name,
        "type": institution.type,
        "ownership": institution.ownership,
        "is_legal_entity": "on",
        "parent": institution.parent_id or "",
        "division": institution.division_id,
        "served_divisions": [d.pk for d in institution.served_divisions.all()],
        "latitude": "",
        "longitude": "",
        "cap-hospital_level": "none",
        "cap-fever_clinic": "none",
        "cap-negative_pressure_ambulances": "0",
        "cap-emergency_teams": "0",
        "cap-beds_general": "0",
        "cap-beds_rehabilitation": "0",
        "cap-beds_nursing": "0",
        "cap-beds_hospice": "0",
        "cap-beds_elderly_care": "0",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_county_officer_edits_and_the_capabilities_row_is_created(
    client, registry, county_officer, sign_in
):
    clinic = registry.clinic_a
    url = reverse("institutions:edit", args=[clinic.pk])
    client = sign_in(county_officer)
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        edit_data(
            clinic,
            name="甲村中心卫生室",
            **{
                "cap-beds_nursing": "4",
                "cap-approved_scope": ["02", "50"],
                "cap-stocks_chinese_patent_medicines": "on",
                "cap-specialty_departments": "康复、针灸",
            },
        ),
    )
    assert response.status_code == 302
    clinic.refresh_from_db()
    assert clinic.name == "甲村中心卫生室"
    capabilities = clinic.capabilities
    assert capabilities.beds_nursing == 4
    assert capabilities.approved_scope == ["02", "50"]
    assert capabilities.stocks_chinese_patent_medicines
    assert capabilities.specialty_departments == ["康复", "针灸"]
    entries = AuditEntry.objects.filter(username="weijianju").order_by("id")
    assert [(e.action, e.object_type, e.object_id) for e in entries] == [
        ("update", "institutions.institution", str(clinic.pk)),
        ("create", "institutions.capabilities", str(capabilities.pk)),
    ]
    assert entries[0].detail["fields"] == ["name"]
    assert entries[0].purpose == "registry edit"


def test_saving_without_changes_writes_no_audit_entry(client, registry, county_officer, sign_in):
    thc2 = registry.thc2
    client = sign_in(county_officer)
    data = edit_data(thc2, ownership="social", **{"cap-beds_general": "10"})
    data["is_legal_entity"] = "on"
    assert client.post(reverse("institutions:edit", args=[thc2.pk]), data).status_code == 302
    assert not AuditEntry.objects.filter(username="weijianju").exists()


def test_moving_an_institution_moves_its_subtree(client, registry, county_officer, sign_in):
    thc1 = registry.thc1
    client = sign_in(county_officer)
    response = client.post(
        reverse("institutions:edit", args=[thc1.pk]), edit_data(thc1, parent=registry.thc2.pk)
    )
    assert response.status_code == 302
    thc1.refresh_from_db()
    registry.clinic_a.refresh_from_db()
    assert thc1.path == f"{registry.thc2.path}{thc1.pk}/"
    assert registry.clinic_a.path == f"{thc1.path}{registry.clinic_a.pk}/"


def test_an_institution_cannot_be_managed_by_one_below_it(
    client, registry, county_officer, sign_in
):
    thc1 = registry.thc1
    response = sign_in(county_officer).post(
        reverse("institutions:edit", args=[thc1.pk]), edit_data(thc1, parent=registry.clinic_a.pk)
    )
    assert response.status_code == 200
    assert "parent" in response.context["form"].errors


@pytest.mark.parametrize("persona", ["village_doctor", "township_doctor", "resident_user"])
def test_editing_is_refused_to_other_roles(client, registry, sign_in, persona, request):
    user = request.getfixturevalue(persona)
    client = sign_in(user)
    thc1 = registry.thc1
    assert client.get(reverse("institutions:edit", args=[thc1.pk])).status_code == 403
    assert (
        client.post(reverse("institutions:edit", args=[thc1.pk]), edit_data(thc1)).status_code
        == 403
    )
    assert (
        client.post(
            reverse("institutions:designation_add", args=[thc1.pk]),
            {"kind": "community_hospital", "since": "2024-01-01"},
        ).status_code
        == 403
    )
    assert client.get(reverse("institutions:import")).status_code == 403
    assert client.get(reverse("institutions:exception_add")).status_code == 403
    assert not Designation.objects.filter(kind="community_hospital").exists()


def test_group_manager_adds_and_removes_a_designation(client, registry, sign_in):
    manager = make_user("jituan", Role.GROUP_MANAGER, institution=registry.hospital)
    client = sign_in(manager)
    thc2 = registry.thc2
    url = reverse("institutions:designation_add", args=[thc2.pk])
    assert (
        client.post(url, {"kind": "community_hospital", "since": "2024-05-01"}).status_code == 302
    )
    designation = Designation.objects.get(institution=thc2)
    assert designation.since == date(2024, 5, 1)
    again = client.post(url, {"kind": "community_hospital", "since": "2024-05-01"}, follow=True)
    assert "已有此称号" in again.content.decode()
    remove = reverse("institutions:designation_remove", args=[thc2.pk, designation.pk])
    assert client.post(remove).status_code == 302
    assert not Designation.objects.filter(institution=thc2).exists()
    assert list(
        AuditEntry.objects.filter(object_type="institutions.designation").values_list(
            "action", "object_id"
        )
    ) == [("create", str(designation.pk)), ("delete", str(designation.pk))]


def test_groups_list_detail_and_membership(client, registry, county_officer, outsider, sign_in):
    group = MedicalGroup.objects.create(
        name="高平市医疗集团",
        county=registry.county,
        lead=registry.hospital,
        trustee="山西省人民医院",
    )
    GroupMembership.objects.create(group=group, institution=registry.hospital, role="lead")
    private = Institution.objects.create(
        code="S1",
        name="康宁诊所",
        type="village_clinic",
        division=registry.village_b,
        ownership="social",
        path="",
    )
    client = sign_in(county_officer)
    members = reverse("institutions:group_members", args=[group.pk])
    refused = client.post(
        members,
        {"institution": registry.thc1.pk, "role": "cooperating", "keeps_legal_status": "on"},
    )
    assert "role" in refused.context["form"].errors
    assert (
        client.post(
            members, {"institution": registry.thc1.pk, "role": "member", "keeps_legal_status": "on"}
        ).status_code
        == 302
    )
    assert (
        client.post(members, {"institution": private.pk, "role": "cooperating"}).status_code == 302
    )
    detail = sign_in(outsider).get(reverse("institutions:group", args=[group.pk]))
    assert [m.institution.name for m in detail.context["members"]] == [
        "高平市人民医院",
        "米山镇卫生院",
    ]
    assert [m.institution.name for m in detail.context["cooperating"]] == ["康宁诊所"]
    assert "山西省人民医院" in detail.content.decode()
    listing = client.get(reverse("institutions:groups"))
    assert [(g.name, g.member_count) for g in listing.context["groups"]] == [("高平市医疗集团", 3)]
    assert sign_in(outsider).get(members).status_code == 403
    assert (
        AuditEntry.objects.filter(
            object_type="institutions.groupmembership", action="create"
        ).count()
        == 2
    )


def test_institution_pages_in_english(client, registry, outsider, sign_in):
    client = sign_in(outsider)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get(reverse("institutions:detail", args=[registry.thc1.pk])).content.decode()
    assert "Capabilities" in body
    assert "general practice" in body
    export = sheet_rows(client.get(reverse("institutions:export")))
    assert export[0][:2] == ["Institution code", "Name"]


def test_editor_pages_and_admin_render(client, registry, county_officer, sign_in, admin_user):
    group = MedicalGroup.objects.create(
        name="医共体", county=registry.county, lead=registry.hospital
    )
    client = sign_in(county_officer)
    for url in (
        reverse("institutions:import"),
        reverse("institutions:import_template"),
        reverse("institutions:exception_add"),
        reverse("institutions:group_members", args=[group.pk]),
        reverse("institutions:edit", args=[registry.thc1.pk]),
        reverse("institutions:exceptions"),
        reverse("institutions:groups"),
    ):
        assert client.get(url).status_code == 200, url
    assert client.get(reverse("institutions:import_report")).status_code == 404
    admin_user.role = Role.SYSADMIN
    admin_user.save()
    client = sign_in(admin_user)
    for name in ("institution", "capabilities", "medicalgroup", "villageserviceexception"):
        assert client.get(reverse(f"admin:institutions_{name}_changelist")).status_code == 200
    assert (
        client.get(
            reverse("admin:institutions_institution_change", args=[registry.thc1.pk])
        ).status_code
        == 200
    )


def test_group_and_exception_lists_export_to_excel(client, registry, outsider, sign_in):
    group = MedicalGroup.objects.create(
        name="高平市医疗集团", county=registry.county, lead=registry.hospital, trustee="山大一院"
    )
    GroupMembership.objects.create(
        group=group, institution=registry.thc1, role=GroupMembership.Role.MEMBER
    )
    VillageServiceException.objects.create(
        village=registry.village_b,
        kind=VillageServiceException.Kind.NEIGHBOUR,
        served_by=registry.clinic_a,
        reason="不足200人",
        recorded_on=date(2025, 1, 2),
    )
    client = sign_in(outsider)
    groups = sheet_rows(client.get(reverse("institutions:groups"), {"format": "xlsx"}))
    assert groups[0][:3] == ["医共体", "牵头医院", "托管医院"]
    assert groups[1][:5] == [
        "高平市医疗集团",
        "高平市人民医院",
        "山大一院",
        registry.thc1.code,
        "米山镇卫生院",
    ]
    exceptions = sheet_rows(client.get(reverse("institutions:exceptions"), {"format": "xlsx"}))
    assert exceptions[1][:5] == [
        registry.village_b.code,
        "乙村",
        "米山镇",
        "邻村卫生室延伸服务",
        "甲村卫生室",
    ]
