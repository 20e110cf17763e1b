"""Policy packs (SUP-7): inheritance, citations, which pack a county gets, refusal of broken
packs, and parameters that change results without code changes."""

import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from divisions.models import Division
from institutions.models import Institution, VillageServiceException
from supervision.catalogue import RULES
from supervision.engine import run_pack, validate_pack
from supervision.packs import (
    PackError,
    available_packs,
    county_pack,
    county_parameters,
    load_pack,
    pack_code_for,
)
from supervision.results import FAIL, PASS
from supervision.tests.helpers import (
    JINCHENG,
    SHANXI,
    TODAY,
    WENDENG,
    XINZHOU,
    make,
    make_county,
    make_township,
    make_village,
    north_of,
    person,
    run,
)
from workforce.models import Staff, TrainingRecord

SHIPPED = Path(django_settings.POLICY_PACKS_DIR)
JINCHENG_RULES = {
    "ORG-4", "ORG-5", "ORG-6", "ORG-7", "ORG-8", "ORG-9", "ORG-10", "ORG-11",
    "HR-4", "HR-5", "HR-6", "HR-7", "HR-8", "HR-11", "MED-7",
}  # fmt: skip
WENDENG_RULES = {
    "ORG-4", "ORG-5", "ORG-6", "ORG-12.1", "ORG-12.2",
    "HR-6", "HR-7", "HR-8", "HR-13.1", "HR-13.2", "HR-13.3", "HR-13.4",
}  # fmt: skip
CITATION = re.compile(r"^(JC|XZ|SXI|SXM|WD)-\d+$")


def _copy_packs(tmp_path: Path, settings) -> Path:
    """A private copy of the shipped packs, made the packs directory in force."""
    root = tmp_path / "packs"
    shutil.copytree(SHIPPED, root)
    settings.POLICY_PACKS_DIR = root
    return root


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} should occur once in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def _write(root: Path, code: str, text: str) -> None:
    path = root / f"{code}.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


# --- inheritance -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "chain"),
    [
        ("cn", ("cn",)),
        (SHANXI, (SHANXI, "cn")),
        (JINCHENG, (JINCHENG, SHANXI, "cn")),
        (XINZHOU, (XINZHOU, SHANXI, "cn")),
        (WENDENG, (WENDENG, "cn")),
    ],
)
def test_each_pack_inherits_along_its_chain(code, chain):
    # given the shipped packs, when one is loaded, then its chain runs to the national base
    assert load_pack(code).chain == chain


def test_shipped_packs_are_the_five_expected():
    assert available_packs() == sorted(["cn", SHANXI, JINCHENG, XINZHOU, WENDENG])


@pytest.mark.parametrize(
    ("code", "rule_id", "name", "value", "defined_in"),
    [
        # a child's key overrides its parent's …
        (SHANXI, "ORG-8", "radius_km", 20, SHANXI),
        (JINCHENG, "ORG-8", "radius_km", 15, JINCHENG),
        (XINZHOU, "ORG-8", "radius_km", 20, XINZHOU),
        (WENDENG, "HR-8", "share", 0.50, WENDENG),
        (JINCHENG, "HR-8", "share", 0.45, SHANXI),
        # … and keys it does not give are inherited, from however far up
        (JINCHENG, "HR-5", "sessions_per_year", 2, SHANXI),
        (JINCHENG, "HR-5", "days_per_year", 14, SHANXI),
        (JINCHENG, "ORG-6", "small_population", 200, JINCHENG),
        (JINCHENG, "ORG-4", "station_population", 30000, JINCHENG),
        (WENDENG, "ORG-6", "small_population", 200, WENDENG),
        (JINCHENG, "ORG-7", "max", 3, JINCHENG),  # Jincheng gives its own citation
        (WENDENG, "HR-6", "per_1000_min", 1.0, WENDENG),
        (WENDENG, "HR-6", "per_1000_max", 1.5, WENDENG),
    ],
)
def test_child_keys_override_and_other_keys_are_inherited(code, rule_id, name, value, defined_in):
    rule = load_pack(code).rules[rule_id]
    assert rule.param(name) == value
    assert rule.defined_in == defined_in


def test_shanxi_has_no_upper_bound_for_village_doctors_wendeng_has():
    assert load_pack(JINCHENG).rules["HR-6"].optional("per_1000_max") is None
    assert load_pack(WENDENG).rules["HR-6"].optional("per_1000_max") == 1.5


def test_hr7_parameters_differ_by_jurisdiction():
    shanxi = load_pack(JINCHENG).rules["HR-7"].params
    wendeng = load_pack(WENDENG).rules["HR-7"].params
    assert dict(shanxi) == {"review_years": 5}
    assert dict(wendeng) == {
        "quota_per_mille_min": 1.0,
        "quota_per_mille_max": 1.5,
        "professional_share_min": 0.90,
        "review_years": 5,
    }


@pytest.mark.parametrize("rule_id", ["HR-11", "ORG-9", "MED-7"])
def test_enabled_false_removes_an_inherited_rule(rule_id):
    # given cn defines the rule and Wendeng says enabled = false
    assert rule_id in load_pack("cn").rules
    wendeng = load_pack(WENDENG)
    # then Wendeng has no such rule and the "enabled" key never leaks into parameters
    assert rule_id not in wendeng.rules
    assert wendeng.rule(rule_id) is None
    assert all("enabled" not in rule.params for rule in wendeng.rules.values())


@pytest.mark.parametrize(("code", "rules"), [(JINCHENG, JINCHENG_RULES), (WENDENG, WENDENG_RULES)])
def test_rules_in_force(code, rules):
    assert set(load_pack(code).rules) == rules


@pytest.mark.parametrize(
    ("code", "name", "value"),
    [
        ("cn", "subsidy.population_floor", 0),
        (SHANXI, "subsidy.population_floor", 800),
        (JINCHENG, "subsidy.population_floor", 800),  # inherited from Shanxi
        (JINCHENG, "subsidy.post_per_month", 300),
        (JINCHENG, "subsidy.graduate_post_allowance_per_month", 0),  # inherited from cn
        (WENDENG, "subsidy.graduate_post_allowance_per_month", 200),
        (WENDENG, "subsidy.population_floor", 0),
    ],
)
def test_global_parameters_are_inherited_and_overridden(code, name, value):
    assert load_pack(code).parameters[name] == value


# --- citations ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "rule_id", "citation"),
    [
        (WENDENG, "HR-8", ("WD-5",)),
        (SHANXI, "HR-8", ("SXM-29",)),
        (JINCHENG, "HR-8", ("SXM-29",)),
        ("cn", "ORG-6", ("JC-6",)),
        (SHANXI, "ORG-6", ("SXI-23", "SXM-3")),
        (JINCHENG, "ORG-6", ("JC-6", "SXM-3")),
        (WENDENG, "ORG-6", ("WD-2",)),
        (WENDENG, "HR-6", ("WD-5",)),
        (SHANXI, "HR-11", ("SXI-27",)),
        (JINCHENG, "HR-11", ("JC-11", "SXI-27")),
        (JINCHENG, "HR-5", ("SXI-15",)),  # inherited with the parameters
        (WENDENG, "ORG-12.2", ("WD-14",)),
        (WENDENG, "HR-13.4", ("WD-6",)),
    ],
)
def test_citations_per_pack(code, rule_id, citation):
    assert load_pack(code).rules[rule_id].citation == citation


@pytest.mark.parametrize(
    ("code", "share", "start", "citation"),
    [
        (WENDENG, 0.50, date(2024, 11, 15), ["WD-5"]),
        (SHANXI, 0.45, date(2023, 8, 22), ["SXM-29"]),
        (JINCHENG, 0.45, date(2023, 8, 22), ["SXM-29"]),
    ],
)
def test_hr8_share_deadline_and_citation(code, share, start, citation):
    rule = load_pack(code).rules["HR-8"]
    assert rule.param("share") == share
    assert rule.date_param("start") == start
    assert rule.date_param("deadline") == date(2025, 12, 31)
    assert list(rule.citation) == citation


@pytest.mark.parametrize("code", [JINCHENG, WENDENG])
def test_every_rule_in_force_cites_its_sources(code):
    for rule in load_pack(code).rules.values():
        assert rule.citation, rule.id
        assert all(CITATION.match(source) for source in rule.citation), rule.citation


def test_run_pack_reports_citation_and_defining_pack(db):
    county = make_county()
    _, results = run_pack(county, pack=load_pack(WENDENG), today=TODAY)
    by_id = {result.id: result for result in results}
    assert [result.id for result in results] == [r for r in RULES if r in WENDENG_RULES]
    assert by_id["HR-8"].citation == ["WD-5"]
    assert by_id["HR-8"].pack == WENDENG
    assert by_id["ORG-5"].citation == ["WD-2"]


# --- which pack a county gets ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "pack"),
    [
        ("140581", JINCHENG),  # 高平市: 1405 beats 14
        ("140525", JINCHENG),
        ("140902", XINZHOU),
        ("140106", SHANXI),  # Taiyuan: only the province's prefix matches
        ("371003", WENDENG),
        ("371002", "cn"),  # Weihai's 环翠区 is not Wendeng
        ("110101", "cn"),
    ],
)
def test_pack_code_for_picks_the_most_specific_prefix(db, code, pack):
    county = make_county(code)
    assert pack_code_for(county) == pack
    assert county_pack(county).code == pack


def test_county_policy_row_overrides_the_prefix(db):
    from supervision.models import CountyPolicy

    county = make_county("140581")
    CountyPolicy.objects.create(county=county, pack=WENDENG)
    assert pack_code_for(county) == WENDENG
    assert county_parameters(county)["subsidy.graduate_post_allowance_per_month"] == 200
    _, results = run_pack(county, today=TODAY)
    assert {result.id for result in results} == WENDENG_RULES


def test_run_pack_without_a_pack_uses_the_countys(db):
    county = make_county("371003", "文登区")
    pack, results = run_pack(today=TODAY)
    assert pack.code == WENDENG
    assert {result.id for result in results} == WENDENG_RULES
    assert county_pack().code == WENDENG
    assert Division.objects.get() == county


def test_run_pack_without_a_county_is_refused(db):
    with pytest.raises(PackError, match="no county"):
        run_pack(today=TODAY)


# --- broken packs ------------------------------------------------------------------------------


def test_every_rule_of_every_shipped_pack_is_implemented():
    for code in available_packs():
        pack = load_pack(code)
        assert set(pack.rules) <= set(RULES), code
        validate_pack(pack)


def test_a_pack_naming_an_unknown_rule_is_refused(db, tmp_path, settings):
    root = _copy_packs(tmp_path, settings)
    with (root / "cn" / "shanxi" / "jincheng.toml").open("a", encoding="utf-8") as handle:
        handle.write('\n[rules.ORG-99]\ncitation = ["JC-99"]\nsomething = 1\n')
    pack = load_pack(JINCHENG)
    assert "ORG-99" in pack.rules
    with pytest.raises(PackError, match=r"'cn/shanxi/jincheng'.*ORG-99"):
        validate_pack(pack)
    with pytest.raises(PackError, match="ORG-99"):
        run_pack(make_county(), pack=pack, today=TODAY)


@pytest.mark.parametrize(
    ("files", "load", "message"),
    [
        ({"a": 'inherits = "b"\n', "b": 'inherits = "a"\n'}, "a", r"'a' inherits from itself"),
        ({"loop": 'inherits = "loop"\n'}, "loop", r"'loop' inherits from itself"),
        ({"bad": 'name = "unterminated\n'}, "bad", r"policy pack 'bad'"),
        ({"child": 'inherits = "bad"\n', "bad": "[rules\n"}, "child", r"policy pack 'bad'"),
        ({"orphan": 'inherits = "nowhere"\n'}, "orphan", r"no policy pack 'nowhere'"),
        ({"flat": "[rules]\nORG-4 = 1\n"}, "flat", r"'flat': rules\.ORG-4 must be a table"),
    ],
)
def test_broken_packs_give_a_pack_error_naming_the_pack(tmp_path, settings, files, load, message):
    root = tmp_path / "broken"
    for code, text in files.items():
        _write(root, code, text)
    settings.POLICY_PACKS_DIR = root
    with pytest.raises(PackError, match=message):
        load_pack(load)


def test_a_missing_parameter_is_a_pack_error_naming_rule_and_parameter():
    rule = load_pack(JINCHENG).rules["HR-5"]
    with pytest.raises(PackError, match=r"HR-5: parameter 'weeks' is not set"):
        rule.param("weeks")
    with pytest.raises(PackError, match=r"HR-5: sessions_per_year must be a date"):
        rule.date_param("sessions_per_year")


# --- changing a number changes results, without code -------------------------------------------


def _doctor_with_one_long_training(county: Division) -> Staff:
    town = make_township(county, 101)
    village = make_village(town, 201, population=300)
    clinic = make(Institution.Type.VILLAGE_CLINIC, village, serves=[village])
    doctor = person(clinic, profession=Staff.Profession.VILLAGE_DOCTOR)
    TrainingRecord.objects.create(
        staff=doctor,
        topic="岗位培训",
        level=TrainingRecord.Level.COUNTY,
        started_on=date(2025, 3, 1),
        ended_on=date(2025, 3, 14),
    )
    return doctor


def _village_of_850_served_by_a_neighbour(county: Division) -> Division:
    town = make_township(county, 101)
    home = make_village(town, 201, population=900)
    village = make_village(town, 202, population=850)
    clinic = make(Institution.Type.VILLAGE_CLINIC, home, serves=[home, village])
    VillageServiceException.objects.create(
        village=village,
        kind=VillageServiceException.Kind.NEIGHBOUR,
        served_by=clinic,
        recorded_on=date(2025, 1, 1),
    )
    return village


def _village_25_km_from_the_only_emergency_point(county: Division) -> Division:
    town = make_township(county, 101)
    seat = make_village(town, 201, at=(35.8, 112.9))
    far = make_village(town, 202, at=north_of((35.8, 112.9), 25))
    make(
        Institution.Type.THC,
        seat,
        capabilities={"is_emergency_point": True},
        latitude=seat.latitude,
        longitude=seat.longitude,
    )
    return far


@pytest.mark.parametrize(
    ("rule_id", "file", "old", "new", "build", "failing_type"),
    [
        (
            "HR-5",
            "cn/shanxi.toml",
            "sessions_per_year = 2",
            "sessions_per_year = 1",
            _doctor_with_one_long_training,
            "staff",
        ),
        (
            "ORG-6",
            "cn.toml",
            "small_population = 200",
            "small_population = 1000",
            _village_of_850_served_by_a_neighbour,
            "division",
        ),
        (
            "ORG-8",
            "cn/shanxi/jincheng.toml",
            "radius_km = 15",
            "radius_km = 30",
            _village_25_km_from_the_only_emergency_point,
            "division",
        ),
    ],
)
def test_changing_a_number_in_a_pack_flips_the_result(
    db, tmp_path, settings, rule_id, file, old, new, build, failing_type
):
    # given a county that fails the rule under the shipped packs
    county = make_county()
    entity = build(county)
    before = run(rule_id, county)
    assert before.status == FAIL
    assert [(f.type, f.id) for f in before.failing] == [(failing_type, entity.pk)]
    # when one number is edited in a copy of the packs, as plain text
    root = _copy_packs(tmp_path, settings)
    _edit(root / file, old, new)
    # then the same data passes, with no code changed
    after = run(rule_id, county)
    assert after.status == PASS
    assert after.failing == []
    # and the shipped packs are untouched
    settings.POLICY_PACKS_DIR = SHIPPED
    assert run(rule_id, county).status == FAIL


def test_editing_a_target_share_moves_the_threshold(db, tmp_path, settings):
    county = make_county()
    town = make_township(county, 101)
    for number, licensed in ((201, True), (202, False)):
        village = make_village(town, number, population=500)
        clinic = make(Institution.Type.VILLAGE_CLINIC, village)
        person(
            clinic,
            profession=Staff.Profession.ASSISTANT_DOCTOR
            if licensed
            else Staff.Profession.VILLAGE_DOCTOR,
        )
    assert run("HR-8", county).status == PASS  # 50 % ≥ 45 %
    root = _copy_packs(tmp_path, settings)
    _edit(root / "cn" / "shanxi.toml", "share = 0.45", "share = 0.60")
    result = run("HR-8", county)
    assert (result.status, result.value, result.threshold) == (FAIL, 0.5, "≥ 60 %")
