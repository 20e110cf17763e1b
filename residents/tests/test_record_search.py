"""The one search box (PH-1, IT-4): names in hanzi, full pinyin and initials (prefixes), ID
numbers (18, or 15 upgraded), phones (complete or last 4), household numbers; always within the
scope, audited with the query, and without moved-out, deceased or merged records by default."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import AuditEntry
from jiceng.testing import HouseholdFactory, ResidentFactory
from residents.models import RecordStatus
from residents.rules import make_citizen_id
from residents.search import Kind, prefix_range, search_residents, understand

LIST = "/residents/"


def names(user, query, **options):
    residents = search_residents(user, request=None, purpose="test", query=query, **options)
    return sorted(resident.name for resident in residents)


@pytest.mark.parametrize(
    ("query", "kind"),
    [
        ("王秀", Kind.NAME),
        ("wangxiu", Kind.PINYIN),
        ("WXY", Kind.PINYIN),
        ("wang xiu", Kind.PINYIN),
        ("140581196003140028", Kind.CITIZEN_ID),
        ("14058119600314002x", Kind.CITIZEN_ID),
        ("140581600314002", Kind.CITIZEN_ID),
        ("13800000001", Kind.PHONE),
        ("0356-1234567", Kind.PHONE),
        ("0001", Kind.PHONE_END),
        ("1405810010010001", Kind.HOUSEHOLD),
        ("H00000001", Kind.HOUSEHOLD),
        ("  ", Kind.EMPTY),
    ],
)
def test_the_query_is_understood(query, kind):
    assert understand(query).kind == kind


def test_prefixes_are_ranges_not_like():
    assert prefix_range("name_initials", "wxy") == prefix_range("name_initials", "wxy")
    sql = str(
        search_residents.__globals__["Resident"].objects.filter(understand("wxy").condition).query
    )
    assert "LIKE" not in sql
    assert '"name_initials" >= wxy' in sql
    assert '"name_initials" < wxz' in sql


@pytest.mark.parametrize("query", ["王秀", "王秀英", "wangxiu", "wangxiuying", "wxy", "WXY"])
def test_name_hanzi_pinyin_and_initials_find_the_person(county, village_doctor, query):
    assert names(village_doctor, query) == ["王秀英"]


def test_homophones_share_the_pinyin(county, village_doctor):
    """王秀英, 汪秀英 and 王秀瑛 sound alike: pinyin and initials find all three, hanzi one."""
    ResidentFactory(village=county.village_a, name="汪秀英")
    ResidentFactory(village=county.village_a, name="王秀瑛")
    ResidentFactory(village=county.village_a, name="吴晓燕")  # wxy too, other pinyin
    assert names(village_doctor, "wangxiuying") == ["汪秀英", "王秀瑛", "王秀英"]
    assert names(village_doctor, "wxy") == ["吴晓燕", "汪秀英", "王秀瑛", "王秀英"]
    assert names(village_doctor, "王秀英") == ["王秀英"]
    assert names(village_doctor, "王秀") == ["王秀瑛", "王秀英"]


def test_surname_readings_are_searchable(county, village_doctor):
    ResidentFactory(village=county.village_a, name="单田芳")
    assert names(village_doctor, "shantian") == ["单田芳"]
    assert names(village_doctor, "stf") == ["单田芳"]


def test_id_number_full_lower_x_and_fifteen_digits(county, village_doctor):
    born = date(1960, 3, 14)
    id18 = make_citizen_id("140581", born, 12)
    ResidentFactory(village=county.village_a, name="赵老汉", birth_date=born, citizen_id=id18)
    assert names(village_doctor, id18) == ["赵老汉"]
    assert names(village_doctor, id18.lower()) == ["赵老汉"]
    assert names(village_doctor, id18[:6] + id18[8:17]) == ["赵老汉"]  # 15 digits, upgraded
    assert names(village_doctor, id18[:10]) == []  # partial IDs never match


def test_phone_full_and_last_four_digits(county, village_doctor):
    ResidentFactory(village=county.village_a, name="钱一", phone="13912345678")
    ResidentFactory(village=county.village_c, name="钱二", phone="13712345678")  # not in scope
    assert names(village_doctor, "13912345678") == ["钱一"]
    assert names(village_doctor, "5678") == ["钱一"]
    assert names(village_doctor, "1234") == []


def test_household_number_lists_the_household(county, village_doctor):
    number = county.resident_a.household.number
    assert names(village_doctor, number) == ["王小明", "王秀英"]


def test_moved_out_deceased_and_merged_leave_the_default_list(county, village_doctor):
    ResidentFactory(
        village=county.village_a,
        name="王秀兰",
        record_status=RecordStatus.MOVED_OUT,
        status_date=date(2024, 1, 1),
    )
    ResidentFactory(
        village=county.village_a,
        name="王秀珍",
        record_status=RecordStatus.DECEASED,
        status_date=date(2024, 1, 1),
    )
    ResidentFactory(village=county.village_a, name="王秀梅", merged_into=county.resident_a)
    assert names(village_doctor, "王秀") == ["王秀英"]
    assert names(village_doctor, "wx") == ["王小明", "王秀英"]
    assert names(village_doctor, "", include_inactive=True) == [
        "王小明",
        "王秀兰",
        "王秀珍",
        "王秀英",
    ]


def test_list_page_filter_shows_moved_out_and_deceased(county, village_doctor, sign_in):
    ResidentFactory(
        village=county.village_a,
        name="王秀兰",
        record_status=RecordStatus.MOVED_OUT,
        status_date=date(2024, 1, 1),
    )
    client = sign_in(village_doctor)
    default = client.get(LIST)
    assert [r.name for r in default.context["page_obj"]] == ["王秀英", "王小明"]
    shown = client.get(LIST, {"inactive": "on"})
    assert [r.name for r in shown.context["page_obj"]] == ["王秀英", "王小明", "王秀兰"]
    assert "已迁出" in shown.content.decode()


def test_list_page_shows_completeness(county, village_doctor, sign_in):
    body = sign_in(village_doctor).get(LIST, {"q": "wxy"}).content.decode()
    assert "完整度" in body
    assert f"{county.resident_a.completeness}%" in body


@pytest.mark.parametrize("query", ["王秀英", "wxy", "wangxiuying", "phone", "last4", "household"])
def test_outsider_finds_nothing_of_village_a(county, outsider, sign_in, query):
    value = {
        "phone": county.resident_a.phone,
        "last4": county.resident_a.phone[-4:],
        "household": county.resident_a.household.number,
    }.get(query, query)
    assert names(outsider, value) == []
    response = sign_in(outsider).get(LIST, {"q": value}, HTTP_HX_REQUEST="true")
    assert response.context["page_obj"].paginator.count == 0
    assert "王秀英" not in response.content.decode()


def test_search_is_audited_with_query_and_kind(county, village_doctor, sign_in):
    sign_in(village_doctor).get(LIST, {"q": "wxy", "inactive": "on"})
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.purpose) == ("search", "resident list")
    assert entry.detail == {
        "query": "wxy",
        "village_id": None,
        "kind": "pinyin",
        "include_inactive": True,
    }


def test_township_and_county_users_search_their_whole_scope(county, township_doctor):
    ResidentFactory(village=county.village_b, name="王秀芳")
    assert names(township_doctor, "wangxiu") == ["王秀芳", "王秀英"]


def test_query_count_is_fixed(county, village_doctor):
    household = HouseholdFactory(village=county.village_a)
    ResidentFactory.create_batch(20, village=county.village_a, household=household)
    with CaptureQueriesContext(connection) as few:
        list(search_residents(village_doctor, request=None, purpose="t", query="wxy"))
    ResidentFactory.create_batch(20, village=county.village_a, household=household)
    with CaptureQueriesContext(connection) as many:
        list(search_residents(village_doctor, request=None, purpose="t", query="wxy"))
    assert len(many.captured_queries) == len(few.captured_queries)
