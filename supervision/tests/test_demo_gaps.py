"""The demo county's deliberate gaps are exactly what the checks report (SUP-7): the small county
is generated once for the module, and each rule's failing entities are held to the gap lists of
``jiceng.generator.gaps`` and ``jiceng.generator.registry``."""

from datetime import date

import pytest
from django.test import override_settings
from django.utils import translation

from divisions.models import Division
from jiceng.generator import gaps
from jiceng.generator.county import GenerationResult, generate_county
from jiceng.generator.layout import Size
from jiceng.generator.storage import clear_generated_county
from supervision.engine import run_pack
from supervision.packs import load_pack, pack_code_for
from supervision.results import FAIL, PASS, Result
from supervision.tests.helpers import JINCHENG, WENDENG

AS_OF = date(2025, 9, 15)
SEED = 1
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]
REGISTRY_RULES = ["ORG-9", "ORG-10", "HR-4", "HR-5", "HR-7", "HR-11", "MED-7"]


@pytest.fixture(autouse=True)
def in_english():
    """Thresholds and reasons are asserted in English, whatever LANGUAGE_CODE is."""
    with translation.override("en"):
        yield


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHER):
        result = generate_county(size=Size.SMALL, seed=SEED, as_of=AS_OF, with_demo_users=False)
    yield result
    with django_db_blocker.unblock():
        clear_generated_county()


def _county() -> Division:
    return Division.objects.get(level=Division.Level.COUNTY)


def _results(pack: str | None = None) -> dict[str, Result]:
    county = _county()
    _, results = run_pack(county, pack=load_pack(pack) if pack else None, today=AS_OF)
    return {result.id: result for result in results}


def _failing(result: Result) -> set[tuple[str, int, str]]:
    return {(entity.type, entity.id, entity.name) for entity in result.failing}


def _division_gaps(demo: GenerationResult, kind: str) -> set[tuple[str, int, str]]:
    codes = [gap["division_code"] for gap in demo.gaps if gap["kind"] == kind]
    return {
        ("division", division.pk, division.name)
        for division in Division.objects.filter(code__in=codes)
    }


def test_the_demo_county_gets_the_jincheng_pack_by_prefix(db, demo):
    assert demo.county_code == "140581"
    assert pack_code_for(_county()) == JINCHENG


@pytest.mark.parametrize("rule_id", REGISTRY_RULES)
def test_registry_gaps_are_exactly_the_failing_entities(db, demo, rule_id):
    # given the generator's list of deliberate registry gaps for this rule
    expected = {
        (gap["entity"], gap["id"], gap["name"])
        for gap in demo.registry_gaps
        if gap["rule"] == rule_id
    }
    assert expected, f"the generator planted no {rule_id} gap"
    # when the county's own pack (found by prefix) runs on the generation day
    result = _results()[rule_id]
    # then the rule fails, naming exactly those entities
    assert result.status == FAIL
    assert _failing(result) == expected
    assert len(result.failing) == len(expected)
    assert result.pack in (JINCHENG, "cn/shanxi")


def test_hr11_names_the_underpaying_central_thc_only(db, demo):
    (gap,) = [gap for gap in demo.registry_gaps if gap["rule"] == "HR-11"]
    result = _results()["HR-11"]
    assert [(f.type, f.id) for f in result.failing] == [("institution", gap["id"])]
    assert "中心卫生院" in gap["name"]
    assert all(" < " in part for part in result.failing[0].reason.split("；"))


def test_org4_fails_for_the_street_without_a_chsc_only(db, demo):
    expected = _division_gaps(demo, gaps.STREET_WITHOUT_CHSC)
    assert len(expected) == 1
    result = _results()["ORG-4"]
    assert result.status == FAIL
    assert _failing(result) == expected
    assert [f.reason for f in result.failing] == ["no community health service centre"]


def test_org6_fails_for_exactly_the_two_villages_without_service(db, demo):
    expected = _division_gaps(demo, gaps.VILLAGE_WITHOUT_SERVICE)
    assert len(expected) == 2
    result = _results()["ORG-6"]
    assert result.status == FAIL
    assert _failing(result) == expected
    assert {f.reason for f in result.failing} == {"no village clinic and no exception on record"}
    # the recorded exceptions (THC seats, small villages, the shared central clinic) all hold
    excepted = [gap for gap in demo.gaps if gap["rule"] == "ORG-6" and gap["is_exception"]]
    assert (
        result.note == f"{len(excepted)} villages are without a clinic under a recorded exception."
    )


@pytest.mark.parametrize("rule_id", ["ORG-5", "ORG-7", "ORG-8", "ORG-11"])
def test_rules_without_a_planted_gap_pass(db, demo, rule_id):
    result = _results()[rule_id]
    assert (result.status, result.failing) == (PASS, [])
    assert result.checked >= 1


def test_every_jincheng_rule_either_has_its_planted_gaps_or_is_named_here(db, demo):
    results = _results()
    assert set(results) == set(load_pack(JINCHENG).rules)
    accounted = {*REGISTRY_RULES, "ORG-4", "ORG-6", "ORG-5", "ORG-7", "ORG-8", "ORG-11"}
    # HR-6 and HR-8 have no deliberate gap: they report whatever the generated roster gives
    assert set(results) - accounted == {"HR-6", "HR-8"}


def test_the_wendeng_pack_on_the_same_data(db, demo):
    results = _results(WENDENG)
    # Wendeng-only rows appear …
    for rule_id in ("ORG-12.1", "ORG-12.2", "HR-13.1", "HR-13.2", "HR-13.3", "HR-13.4"):
        assert rule_id in results
        assert results[rule_id].kind == "target"
        assert results[rule_id].pack == WENDENG
        assert results[rule_id].progress is not None
    # … the rules Wendeng switches off do not, nor Shanxi-only ones
    for rule_id in ("HR-11", "ORG-9", "MED-7", "ORG-7", "ORG-8", "HR-4", "HR-5"):
        assert rule_id not in results
    # and the shared network rules find the same gaps
    assert _failing(results["ORG-4"]) == _division_gaps(demo, gaps.STREET_WITHOUT_CHSC)
    assert _failing(results["ORG-6"]) == _division_gaps(demo, gaps.VILLAGE_WITHOUT_SERVICE)
    assert results["ORG-6"].citation == ["WD-2"]
    # the demo county's only CHSC is a community hospital: 1/1 ≥ 60 %
    assert (results["ORG-12.1"].status, results["ORG-12.1"].value) == (PASS, 1.0)
    assert results["HR-13.4"].status == PASS  # the planted year-long deputy-head posting
    assert results["HR-8"].threshold == "≥ 50 %"
