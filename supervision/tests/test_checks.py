"""Every rule of the catalogue on small hand-made counties: a passing and a failing case each,
the parameters that differ between Shanxi (Jincheng) and Wendeng, targets' progress, and
``not_enough_data`` where a rule has it."""

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation

from divisions.models import Division
from institutions.models import (
    Designation,
    FeverClinic,
    HospitalLevel,
    Institution,
    PracticeSubject,
    VillageServiceException,
)
from supervision.catalogue import RULES
from supervision.engine import run_pack
from supervision.packs import load_pack
from supervision.results import FAIL, NOT_ENOUGH_DATA, PASS
from supervision.tests.helpers import (
    JINCHENG,
    TODAY,
    WENDENG,
    XINZHOU,
    failing,
    make,
    make_county,
    make_township,
    make_village,
    north_of,
    person,
    reasons,
    run,
)
from workforce.models import Certificate, Employment, GuidanceVisit, Staff, TrainingRecord

Type = Institution.Type
Kind = Division.Kind
Profession = Staff.Profession
Title = Staff.TitleLevel
Exception_ = VillageServiceException.Kind
SEAT = (35.8, 112.9)


@pytest.fixture(autouse=True)
def in_english():
    """Thresholds and reasons are asserted in English, whatever LANGUAGE_CODE is."""
    with translation.override("en"):
        yield


@pytest.fixture
def county(db) -> Division:
    return make_county()


@pytest.fixture
def town(county) -> Division:
    return make_township(county, 101, name="米山镇")


def _hospital(county: Division, **capabilities) -> Institution:
    return make(
        Type.COUNTY_HOSPITAL,
        county,
        name="县人民医院",
        capabilities={"hospital_level": HospitalLevel.LEVEL_2A, **capabilities},
    )


def _clinic_with_doctors(town: Division, number: int, doctors: int, population: int = 0):
    village = make_village(town, number, population=population)
    clinic = make(Type.VILLAGE_CLINIC, village, serves=[village])
    people = [person(clinic, profession=Profession.VILLAGE_DOCTOR) for _ in range(doctors)]
    return village, clinic, people


def test_every_catalogue_rule_is_covered_here():
    """Each rule id of the catalogue is exercised by a test of this module."""
    text = Path(__file__).read_text(encoding="utf-8")
    for rule_id in RULES:
        assert f'"{rule_id}"' in text, rule_id


# --- ORG-4 one CHSC per street -----------------------------------------------------------------


@pytest.mark.parametrize(("centres", "status"), [(1, PASS), (0, FAIL), (2, FAIL)])
def test_org4_exactly_one_chsc_per_street(county, town, centres, status):
    # given two streets: one with a single CHSC (inside a community), one with `centres`
    good = make_township(county, 1, kind=Kind.STREET, name="北城街道")
    community = make_village(good, 1, kind=Kind.COMMUNITY)
    make(Type.CHSC, community)
    street = make_township(county, 2, kind=Kind.STREET, name="东城街道")
    made = [make(Type.CHSC, street, name=f"东城{n}中心") for n in range(centres)]
    make(Type.CHSS, street)  # stations do not count
    make(Type.THC, town)  # neither do towns
    result = run("ORG-4", county)
    assert result.status == status
    assert result.value == f"{2 if status == PASS else 1}/2"
    assert result.threshold == "one CHSC per street"
    assert result.checked == 2
    assert result.citation == ["JC-6"]
    if status == PASS:
        assert result.failing == []
    else:
        assert failing(result) == [("division", street.pk)]
        if centres == 0:
            assert reasons(result) == ["no community health service centre"]
        else:
            assert reasons(result)[0].startswith("2 community health service centres")
            assert all(i.name in reasons(result)[0] for i in made)


def test_org4_without_streets_is_not_enough_data(county, town):
    make(Type.THC, town)
    result = run("ORG-4", county)
    assert (result.status, result.value, result.failing) == (NOT_ENOUGH_DATA, None, [])


def test_org4_counts_only_the_countys_streets(county):
    street = make_township(county, 1, kind=Kind.STREET)
    make(Type.CHSC, street)
    other = make_county("140525", "泽州县")
    make_township(other, 1, kind=Kind.STREET)  # another county's street without a CHSC
    assert run("ORG-4", county).status == PASS


# --- ORG-5 one THC per township ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("types", "status"),
    [
        ([Type.THC], PASS),
        ([Type.THC, Type.THC_BRANCH], PASS),  # a branch where townships merged is allowed
        ([], FAIL),
        ([Type.THC_BRANCH], FAIL),
        ([Type.THC, Type.THC], FAIL),
    ],
)
def test_org5_one_thc_per_township(county, types, status):
    good = make_township(county, 101, kind=Kind.TOWNSHIP)
    make(Type.THC, make_village(good, 201))
    town = make_township(county, 102)
    for type_ in types:
        make(type_, town)
    make_township(county, 1, kind=Kind.STREET)  # streets are ORG-4's
    result = run("ORG-5", county)
    assert result.status == status
    assert result.checked == 2
    assert result.value == ("2/2" if status == PASS else "1/2")
    assert failing(result) == ([] if status == PASS else [("division", town.pk)])


def test_org5_without_townships_is_not_enough_data(county):
    make_township(county, 1, kind=Kind.STREET)
    assert run("ORG-5", county).status == NOT_ENOUGH_DATA


# --- ORG-6 a clinic per village, or an exception that holds ------------------------------------


def test_org6_villages_with_a_clinic_pass_and_communities_are_not_checked(county, town):
    village = make_village(town, 201, population=1200)
    make(Type.VILLAGE_CLINIC, village)
    point = make_village(town, 202, population=600)
    make(Type.VILLAGE_SERVICE_POINT, point)
    make_village(town, 1, kind=Kind.COMMUNITY, population=3000)
    result = run("ORG-6", county)
    assert (result.status, result.value, result.checked) == (PASS, "2/2", 2)
    assert result.note == "0 villages are without a clinic under a recorded exception."


def test_org6_village_without_clinic_or_exception_fails(county, town):
    make(Type.VILLAGE_CLINIC, make_village(town, 201, population=900))
    bare = make_village(town, 202, population=40)
    result = run("ORG-6", county)
    assert (result.status, result.value) == (FAIL, "1/2")
    assert failing(result) == [("division", bare.pk)]
    assert reasons(result) == ["no village clinic and no exception on record"]


def _exception_case(town: Division, case: str) -> Division:
    """The village under test, without a clinic, with the exception ``case`` describes."""
    home = make_village(town, 201, population=1500)
    ordinary = make(Type.VILLAGE_CLINIC, home, name="甲村卫生室")
    central_home = make_village(town, 210, population=1500)
    central = make(Type.VILLAGE_CLINIC, central_home, name="中心村卫生室", is_central=True)
    seat = make_village(town, 220, population=2000)
    people = 850 if "850" in case else 150
    village = make_village(town, 230, population=people)
    kind, served_by = {
        "thc seat": (Exception_.THC_SEAT, None),
        "thc seat without thc": (Exception_.THC_SEAT, None),
        "shared central": (Exception_.SHARED_CENTRAL_CLINIC, central),
        "shared central not listing": (Exception_.SHARED_CENTRAL_CLINIC, central),
        "shared non-central": (Exception_.SHARED_CENTRAL_CLINIC, ordinary),
        "neighbour 150": (Exception_.NEIGHBOUR, ordinary),
        "neighbour 150 not listed": (Exception_.NEIGHBOUR, ordinary),
        "neighbour 850": (Exception_.NEIGHBOUR, ordinary),
        "itinerant 150": (Exception_.ITINERANT, None),
        "dispatch 150": (Exception_.DISPATCH, None),
        "itinerant 850": (Exception_.ITINERANT, None),
        "itinerant 850 with thc": (Exception_.ITINERANT, None),
    }[case]
    make(Type.THC, village if case in ("thc seat", "itinerant 850 with thc") else seat)
    if case != "neighbour 150 not listed":
        ordinary.served_divisions.set([home, village])
    if case != "shared central not listing":
        central.served_divisions.set([central_home, village])
    make(Type.VILLAGE_CLINIC, seat)  # the seat village keeps a clinic here
    VillageServiceException.objects.create(
        village=village, kind=kind, served_by=served_by, recorded_on=date(2025, 1, 1)
    )
    return village


@pytest.mark.parametrize(
    ("case", "reason"),
    [
        ("thc seat", None),
        ("shared central", None),
        ("neighbour 150", None),
        ("itinerant 150", None),
        ("dispatch 150", None),
        ("itinerant 850 with thc", None),
        ("thc seat without thc", "no township health centre is there"),
        ("shared non-central", "no central village clinic is named"),
        ("shared central not listing", "does not list this village as served"),
        ("neighbour 850", "850 people live there"),
        ("neighbour 150 not listed", "no neighbouring clinic lists this village"),
        ("itinerant 850", "850 people live there"),
    ],
)
def test_org6_recorded_exceptions_must_hold(county, town, case, reason):
    village = _exception_case(town, case)
    result = run("ORG-6", county)
    assert result.checked == 4
    if reason is None:
        assert (result.status, result.value, result.failing) == (PASS, "4/4", [])
        assert result.note.startswith("1 villages")
    else:
        assert (result.status, result.value) == (FAIL, "3/4")
        assert failing(result) == [("division", village.pk)]
        assert reason in reasons(result)[0]


def test_org6_without_villages_is_not_enough_data(county, town):
    make_village(town, 1, kind=Kind.COMMUNITY)
    assert run("ORG-6", county).status == NOT_ENOUGH_DATA


# --- ORG-7 1–3 sub-centres ---------------------------------------------------------------------


def _thcs(county: Division, count: int, *, central: int, designated: int) -> list[Institution]:
    thcs = []
    for n in range(count):
        thc = make(
            Type.THC, make_township(county, 101 + n), name=f"卫生院{n}", is_central=n < central
        )
        if n < designated:
            Designation.objects.create(
                institution=thc, kind=Designation.Kind.SUB_CENTRE, since=date(2024, 1, 1)
            )
        thcs.append(thc)
    return thcs


@pytest.mark.parametrize("designated", [1, 3])
def test_org7_one_to_three_sub_centres_pass(county, designated):
    _thcs(county, 4, central=3, designated=designated)
    result = run("ORG-7", county)
    assert (result.status, result.value, result.threshold) == (PASS, designated, "1–3 sub-centres")
    assert result.checked == 4


def test_org7_none_designated_names_the_central_thcs(county):
    thcs = _thcs(county, 3, central=2, designated=0)
    result = run("ORG-7", county)
    assert (result.status, result.value) == (FAIL, 0)
    assert failing(result) == [("institution", thcs[0].pk), ("institution", thcs[1].pk)]
    assert set(reasons(result)) == {"central THC not designated a sub-centre"}


def test_org7_none_designated_and_no_central_thc_blames_the_county(county):
    _thcs(county, 2, central=0, designated=0)
    result = run("ORG-7", county)
    assert failing(result) == [("county", county.pk)]
    assert reasons(result) == ["no central THC to designate"]


def test_org7_more_than_three_fails_naming_all(county):
    thcs = _thcs(county, 4, central=4, designated=4)
    result = run("ORG-7", county)
    assert (result.status, result.value) == (FAIL, 4)
    assert sorted(failing(result)) == sorted(("institution", t.pk) for t in thcs)


# --- ORG-8 emergency points within the radius --------------------------------------------------


def _emergency_county(county: Division, town: Division, km: float) -> Division:
    seat = make_village(town, 201, at=SEAT)
    make(
        Type.THC,
        seat,
        capabilities={"is_emergency_point": True},
        latitude=Decimal(str(SEAT[0])),
        longitude=Decimal(str(SEAT[1])),
    )
    # an institution that is not an emergency point, next to the far village, does not help
    far = make_village(town, 202, at=north_of(SEAT, km))
    make(
        Type.VILLAGE_CLINIC,
        far,
        capabilities={},
        latitude=far.latitude,
        longitude=far.longitude,
    )
    return far


@pytest.mark.parametrize(
    ("km", "pack", "status"),
    [
        (10, JINCHENG, PASS),
        (14.5, JINCHENG, PASS),
        (18, JINCHENG, FAIL),  # Jincheng: 15 km
        (18, XINZHOU, PASS),  # Xinzhou: 20 km
        (25, JINCHENG, FAIL),
        (25, XINZHOU, FAIL),
    ],
)
def test_org8_village_within_the_packs_radius(county, town, km, pack, status):
    far = _emergency_county(county, town, km)
    result = run("ORG-8", county, pack=pack)
    assert result.status == status
    assert result.checked == 2
    radius = load_pack(pack).rules["ORG-8"].param("radius_km")
    assert result.threshold == f"≤ {radius} km to an emergency point"
    if status == PASS:
        assert (result.value, result.failing) == ("2/2", [])
    else:
        assert result.value == "1/2"
        assert failing(result) == [("division", far.pk)]
        assert reasons(result) == [f"nearest emergency point {km:.1f} km away"]


def test_org8_the_nearest_of_several_points_counts(county, town):
    far = _emergency_county(county, town, 25)
    make(
        Type.THC_BRANCH,
        far,
        capabilities={"is_emergency_point": True},
        latitude=far.latitude,
        longitude=far.longitude,
    )
    assert run("ORG-8", county).status == PASS


@pytest.mark.parametrize(
    "missing", ["village coordinates", "point coordinates", "no emergency point"]
)
def test_org8_without_locations_is_not_enough_data(county, town, missing):
    seat = make_village(town, 201, at=None if missing == "village coordinates" else SEAT)
    located = missing != "point coordinates"
    make(
        Type.THC,
        seat,
        capabilities={"is_emergency_point": missing != "no emergency point"},
        latitude=Decimal("35.8") if located else None,
        longitude=Decimal("112.9") if located else None,
    )
    result = run("ORG-8", county)
    assert (result.status, result.value, result.failing) == (NOT_ENOUGH_DATA, None, [])
    assert result.note.startswith("No emergency points or no village locations on record.")


# --- ORG-9 TCM ---------------------------------------------------------------------------------


def _tcm_county(town: Division, case: str) -> Institution:
    """A THC with a TCM hall and TCM physician and a clinic with Chinese patent medicines,
    broken as ``case`` says; returns the institution the case concerns."""
    thc = make(Type.THC, town, capabilities={"has_tcm_hall": case != "no hall"})
    if case == "tcm by certificate":
        doctor = person(thc, profession=Profession.DOCTOR, department="全科医疗科")
        Certificate.objects.create(
            staff=doctor, kind=Certificate.Kind.PHYSICIAN, scope=Certificate.Scope.TCM
        )
    elif case == "tcm nurse only":
        person(thc, profession=Profession.NURSE, department="中医科")
    elif case == "tcm doctor left":
        person(thc, profession=Profession.DOCTOR, department="中医科", is_active=False)
    else:
        person(thc, profession=Profession.ASSISTANT_DOCTOR, department="中医内科")
    clinic = make(
        Type.VILLAGE_CLINIC,
        make_village(town, 201),
        capabilities=None
        if case == "clinic unknown"
        else {"stocks_chinese_patent_medicines": case != "no medicines"},
    )
    return clinic if case in ("no medicines", "clinic unknown") else thc


@pytest.mark.parametrize(
    ("case", "reason"),
    [
        ("all good", None),
        ("tcm by certificate", None),
        ("no hall", "no TCM hall or department"),
        ("tcm nurse only", "no TCM physician"),
        ("tcm doctor left", "no TCM physician"),
        ("no medicines", "does not stock Chinese patent medicines"),
        ("clinic unknown", "capabilities not recorded"),
    ],
)
def test_org9_tcm_at_centres_and_patent_medicines_at_clinics(county, town, case, reason):
    concerned = _tcm_county(town, case)
    result = run("ORG-9", county)
    assert result.checked == 2
    if reason is None:
        assert (result.status, result.value, result.failing) == (PASS, "2/2", [])
    else:
        assert (result.status, result.value) == (FAIL, "1/2")
        assert failing(result) == [("institution", concerned.pk)]
        assert reasons(result) == [reason]


def test_org9_a_centre_can_fail_for_two_reasons(county, town):
    thc = make(Type.THC, town, capabilities={"has_tcm_hall": False})
    result = run("ORG-9", county)
    assert failing(result) == [("institution", thc.pk)]
    assert reasons(result) == ["no TCM hall or department；no TCM physician"]


def test_org9_without_any_capabilities_is_not_enough_data(county, town):
    make(Type.THC, town)
    make(Type.VILLAGE_CLINIC, make_village(town, 201))
    assert run("ORG-9", county).status == NOT_ENOUGH_DATA


# --- ORG-10 fever clinics, ambulances, infectious disease departments --------------------------


@pytest.mark.parametrize(
    ("central", "fever_clinic", "ambulances", "reason"),
    [
        (True, FeverClinic.STANDARD_CLINIC, 1, None),
        (True, FeverClinic.CONSULTATION_ROOM, 1, "central THC without a standard fever clinic"),
        (True, FeverClinic.STANDARD_CLINIC, 0, "central THC without a negative-pressure ambulance"),
        (
            True,
            FeverClinic.NONE,
            0,
            "central THC without a standard fever clinic；"
            "central THC without a negative-pressure ambulance",
        ),
        (False, FeverClinic.CONSULTATION_ROOM, 0, None),
        (False, FeverClinic.STANDARD_CLINIC, 0, None),
        (False, FeverClinic.NONE, 0, "no fever consultation room"),
    ],
)
def test_org10_central_and_ordinary_thcs(county, town, central, fever_clinic, ambulances, reason):
    thc = make(
        Type.THC,
        town,
        is_central=central,
        capabilities={"fever_clinic": fever_clinic, "negative_pressure_ambulances": ambulances},
    )
    _hospital(county, has_infectious_disease_department=True)
    result = run("ORG-10", county)
    assert result.checked == 2
    if reason is None:
        assert (result.status, result.value, result.failing) == (PASS, "2/2", [])
    else:
        assert (result.status, result.value) == (FAIL, "1/2")
        assert failing(result) == [("institution", thc.pk)]
        assert reasons(result) == [reason]


@pytest.mark.parametrize(
    ("level", "ownership", "checked"),
    [
        (HospitalLevel.LEVEL_2, Institution.Ownership.PUBLIC, True),
        (HospitalLevel.LEVEL_2A, Institution.Ownership.PUBLIC, True),
        (HospitalLevel.LEVEL_3, Institution.Ownership.PUBLIC, True),
        (HospitalLevel.LEVEL_1, Institution.Ownership.PUBLIC, False),
        (HospitalLevel.LEVEL_2A, Institution.Ownership.SOCIAL, False),
    ],
)
def test_org10_level_two_public_hospitals_need_an_infectious_disease_department(
    county, town, level, ownership, checked
):
    make(Type.THC, town, capabilities={"fever_clinic": FeverClinic.CONSULTATION_ROOM})
    hospital = make(
        Type.COUNTY_HOSPITAL,
        county,
        ownership=ownership,
        capabilities={"hospital_level": level, "has_infectious_disease_department": False},
    )
    result = run("ORG-10", county)
    if checked:
        assert (result.status, result.checked) == (FAIL, 2)
        assert failing(result) == [("institution", hospital.pk)]
        assert reasons(result) == ["no infectious disease department"]
    else:
        assert (result.status, result.checked) == (PASS, 1)


def test_org10_thc_without_capabilities_fails_and_none_at_all_is_not_enough_data(county, town):
    bare = make(Type.THC, town)
    assert run("ORG-10", county).status == NOT_ENOUGH_DATA
    make(
        Type.THC,
        make_township(county, 102),
        capabilities={"fever_clinic": FeverClinic.CONSULTATION_ROOM},
    )
    result = run("ORG-10", county)
    assert failing(result) == [("institution", bare.pk)]
    assert reasons(result) == ["capabilities not recorded"]


# --- ORG-11 emergency teams --------------------------------------------------------------------


@pytest.mark.parametrize(("teams", "status"), [((0, 0), FAIL), ((1, 0), PASS), ((2, 1), PASS)])
def test_org11_at_least_one_emergency_team(county, town, teams, status):
    _hospital(county, emergency_teams=teams[0])
    make(Type.THC, town, capabilities={"emergency_teams": teams[1]})
    result = run("ORG-11", county)
    assert (result.status, result.value, result.threshold) == (status, sum(teams), "≥ 1 teams")
    assert result.note == f"{sum(1 for t in teams if t)} institutions keep a team."
    if status == FAIL:
        assert failing(result) == [("county", county.pk)]
        assert reasons(result) == ["0 medical emergency teams"]


# --- ORG-12 targets (Wendeng) ------------------------------------------------------------------


def _designated(county: Division, type_: str, total: int, holding: int, kind: str):
    institutions = []
    for n in range(total):
        street = make_township(county, n + 1, kind=Kind.STREET)
        institution = make(type_, street, name=f"{type_}{n}")
        if n < holding:
            Designation.objects.create(institution=institution, kind=kind, since=date(2025, 1, 1))
        institutions.append(institution)
    return institutions


@pytest.mark.parametrize(
    ("rule_id", "type_", "kind", "holding", "status", "value"),
    [
        ("ORG-12.1", Type.CHSC, Designation.Kind.COMMUNITY_HOSPITAL, 3, PASS, 0.6),
        ("ORG-12.1", Type.CHSC, Designation.Kind.COMMUNITY_HOSPITAL, 2, FAIL, 0.4),
        ("ORG-12.1", Type.CHSC, Designation.Kind.QUALITY_RECOMMENDED, 5, FAIL, 0.0),
        ("ORG-12.2", Type.THC, Designation.Kind.QUALITY_RECOMMENDED, 2, PASS, 0.4),
        ("ORG-12.2", Type.CHSC, Designation.Kind.QUALITY_RECOMMENDED, 1, FAIL, 0.2),
        ("ORG-12.2", Type.THC, Designation.Kind.QUALITY_BASIC, 5, FAIL, 0.0),
    ],
)
def test_org12_designation_shares(county, rule_id, type_, kind, holding, status, value):
    institutions = _designated(county, type_, 5, holding, kind)
    result = run(rule_id, county, pack=WENDENG)
    assert (result.status, result.value, result.checked) == (status, value, 5)
    assert result.threshold == ("≥ 60 %" if rule_id == "ORG-12.1" else "≥ 40 %")
    if status == PASS:
        assert result.failing == []
        assert result.progress is not None
        assert (result.progress.on_track, result.progress.expected_by_now) == (True, None)
    else:
        counted = {
            "ORG-12.1": Designation.Kind.COMMUNITY_HOSPITAL,
            "ORG-12.2": Designation.Kind.QUALITY_RECOMMENDED,
        }[rule_id]
        held = holding if kind == counted else 0
        assert failing(result) == [("institution", i.pk) for i in institutions[held:]]


def test_org12_quality_counts_thcs_and_chscs_together(county):
    thcs = _designated(county, Type.THC, 2, 0, Designation.Kind.QUALITY_RECOMMENDED)
    town = make_township(county, 101)
    chsc = make(Type.CHSC, town)
    Designation.objects.create(
        institution=chsc, kind=Designation.Kind.QUALITY_RECOMMENDED, since=date(2025, 1, 1)
    )
    make(Type.THC_BRANCH, town)  # branches are not counted
    result = run("ORG-12.2", county, pack=WENDENG)
    assert (result.status, result.value, result.checked) == (FAIL, 0.3333, 3)
    assert sorted(failing(result)) == sorted(("institution", t.pk) for t in thcs)


def _days(a: date, b: date) -> int:
    return (b - a).days


@pytest.mark.parametrize(
    ("today", "on_track"),
    [
        (date(2024, 10, 1), True),  # before the plan started: nothing expected yet
        (date(2025, 3, 1), True),  # 0.4 ≥ 0.6 × 106/411
        (date(2025, 12, 1), False),  # 0.4 < 0.6 × 381/411
        (date(2025, 12, 31), False),  # the deadline itself, missed
    ],
)
def test_org12_progress_before_the_deadline_follows_a_straight_line(county, today, on_track):
    _designated(county, Type.CHSC, 5, 2, Designation.Kind.COMMUNITY_HOSPITAL)
    result = run("ORG-12.1", county, pack=WENDENG, today=today)
    start, deadline = date(2024, 11, 15), date(2025, 12, 31)
    elapsed = min(max(_days(start, today) / _days(start, deadline), 0.0), 1.0)
    assert result.status == FAIL
    assert result.progress is not None
    assert result.progress.deadline == deadline
    assert result.progress.expected_by_now == pytest.approx(round(0.6 * elapsed, 4))
    assert result.progress.on_track is on_track
    assert result.as_json()["on_track"] is on_track
    assert result.as_json()["deadline"] == "2025-12-31"


def test_org12_after_the_deadline_a_miss_is_not_on_track_and_a_pass_is(county):
    _designated(county, Type.CHSC, 5, 2, Designation.Kind.COMMUNITY_HOSPITAL)
    late = run("ORG-12.1", county, pack=WENDENG, today=date(2026, 1, 1))
    assert late.progress is not None
    assert (late.status, late.progress.on_track, late.progress.expected_by_now) == (
        FAIL,
        False,
        None,
    )
    assert late.as_json()["expected_by_now"] is None
    assert run("ORG-12.2", county, pack=WENDENG, today=date(2026, 1, 1)).status == FAIL
    Designation.objects.create(
        institution=Institution.objects.filter(designations__isnull=True).earliest("pk"),
        kind=Designation.Kind.COMMUNITY_HOSPITAL,
        since=date(2026, 1, 1),
    )
    met = run("ORG-12.1", county, pack=WENDENG, today=date(2026, 1, 1))
    assert met.progress is not None
    assert (met.status, met.progress.on_track) == (PASS, True)


@pytest.mark.parametrize("rule_id", ["ORG-12.1", "ORG-12.2"])
def test_org12_without_centres_is_not_enough_data_and_not_on_track(county, town, rule_id):
    make(Type.VILLAGE_CLINIC, make_village(town, 201))
    result = run(rule_id, county, pack=WENDENG)
    assert (result.status, result.value) == (NOT_ENOUGH_DATA, None)
    assert result.progress is not None
    assert (result.progress.on_track, result.progress.expected_by_now) == (False, None)


# --- HR-4 monthly guidance visits --------------------------------------------------------------


def _visit(staff: Staff, host: Institution, started: date, ended: date | None = None) -> None:
    GuidanceVisit.objects.create(
        staff=staff,
        host=host,
        kind=GuidanceVisit.Kind.EXPERT_CLINIC,
        started_on=started,
        ended_on=ended or started,
    )


@pytest.mark.parametrize(
    ("started", "ended", "host", "status"),
    [
        (date(2025, 8, 10), None, "thc", PASS),
        (date(2025, 8, 31), None, "clinic", PASS),
        (date(2025, 7, 28), date(2025, 8, 2), "thc", PASS),  # overlaps August
        (date(2025, 9, 5), None, "thc", FAIL),  # this month does not count yet
        (date(2025, 7, 31), None, "thc", FAIL),
        (date(2025, 8, 10), None, "hospital", FAIL),  # not a grassroots institution
    ],
)
def test_hr4_judged_on_the_last_full_month(county, town, started, ended, host, status):
    hospital = _hospital(county)
    thc = make(Type.THC, town)
    clinic = make(Type.VILLAGE_CLINIC, make_village(town, 201))
    visitor = person(hospital, title_level=Title.INTERMEDIATE, name="许根")
    dutiful = person(hospital, title_level=Title.SENIOR)
    person(hospital, title_level=Title.JUNIOR)  # below mid-level: not checked
    person(thc, title_level=Title.SENIOR)  # not county level: not checked
    _visit(dutiful, thc, date(2025, 8, 20))
    hosts = {"thc": thc, "clinic": clinic, "hospital": hospital}
    _visit(visitor, hosts[host], started, ended)
    result = run("HR-4", county, today=TODAY)
    assert result.threshold == "≥ 1 visit(s) in 2025-08"
    assert result.checked == 2
    assert result.status == status
    if status == FAIL:
        assert result.value == "1/2"
        assert failing(result) == [("staff", visitor.pk)]
        assert reasons(result) == ["县人民医院: 0 visit(s)"]


@pytest.mark.parametrize(
    ("today", "month"),
    [(date(2025, 9, 1), "2025-08"), (date(2025, 9, 30), "2025-08"), (date(2025, 1, 10), "2024-12")],
)
def test_hr4_last_full_month_relative_to_today(county, town, today, month):
    hospital = _hospital(county)
    thc = make(Type.THC, town)
    visitor = person(hospital, title_level=Title.ASSOCIATE_SENIOR)
    _visit(visitor, thc, date.fromisoformat(f"{month}-15"))
    result = run("HR-4", county, today=today)
    assert (result.status, result.threshold) == (PASS, f"≥ 1 visit(s) in {month}")
    later = run("HR-4", county, today=today + timedelta(days=40))
    assert later.status == FAIL


def test_hr4_without_mid_level_county_staff_is_not_enough_data(county, town):
    person(_hospital(county), title_level=Title.JUNIOR)
    person(_hospital(county), title_level=Title.SENIOR, is_active=False)
    assert run("HR-4", county).status == NOT_ENOUGH_DATA


# --- HR-5 free training for village doctors ----------------------------------------------------


def _train(staff: Staff, started: date, days: int, *, free: bool = True) -> None:
    TrainingRecord.objects.create(
        staff=staff,
        topic="乡村医生岗位培训",
        level=TrainingRecord.Level.COUNTY,
        started_on=started,
        ended_on=started + timedelta(days=days - 1),
        is_free=free,
    )


@pytest.mark.parametrize(
    ("sessions", "status", "count", "days"),
    [
        ([(date(2025, 3, 1), 7, True), (date(2025, 6, 1), 7, True)], PASS, 2, 14),
        ([(date(2025, 3, 1), 5, True), (date(2025, 5, 1), 5, True), (date(2025, 7, 1), 4, True)],
         PASS, 3, 14),
        ([(date(2024, 9, 16), 7, True), (date(2025, 9, 15), 7, True)], PASS, 2, 14),
        ([(date(2025, 3, 1), 14, True)], FAIL, 1, 14),
        ([(date(2025, 3, 1), 5, True), (date(2025, 6, 1), 5, True)], FAIL, 2, 10),
        ([(date(2025, 3, 1), 7, True), (date(2025, 6, 1), 7, False)], FAIL, 1, 7),
        ([(date(2024, 9, 10), 7, True), (date(2025, 6, 1), 7, True)], FAIL, 1, 7),
        ([], FAIL, 0, 0),
    ],
)  # fmt: skip
def test_hr5_two_sessions_and_two_weeks_a_year(county, town, sessions, status, count, days):
    village = make_village(town, 201)
    clinic = make(Type.VILLAGE_CLINIC, village, name="甲村卫生室")
    doctor = person(clinic, profession=Profession.VILLAGE_DOCTOR)
    colleague = person(clinic, profession=Profession.RURAL_GP_ASSISTANT)
    person(clinic, profession=Profession.NURSE)  # not a village doctor: not checked
    _train(colleague, date(2025, 2, 1), 7)
    _train(colleague, date(2025, 4, 1), 7)
    for started, length, free in sessions:
        _train(doctor, started, length, free=free)
    result = run("HR-5", county, today=TODAY)
    assert result.checked == 2
    assert result.threshold == "≥ 2 sessions and ≥ 14 days a year"
    assert result.status == status
    if status == FAIL:
        assert failing(result) == [("staff", doctor.pk)]
        assert reasons(result) == [f"甲村卫生室: {count} session(s), {days} day(s)"]


def test_hr5_without_village_doctors_is_not_enough_data(county, town):
    person(make(Type.THC, town), profession=Profession.DOCTOR)
    assert run("HR-5", county).status == NOT_ENOUGH_DATA


# --- HR-6 village doctors per 1,000 ------------------------------------------------------------


@pytest.mark.parametrize(
    ("doctors", "shanxi", "wendeng"),
    [(1, FAIL, FAIL), (2, PASS, PASS), (3, PASS, PASS), (4, PASS, FAIL)],
)
def test_hr6_per_thousand_differs_between_shanxi_and_wendeng(
    county, town, doctors, shanxi, wendeng
):
    # given 2,000 rural people in one town and `doctors` village doctors there
    _clinic_with_doctors(town, 201, doctors, population=1200)
    make_village(town, 202, population=800)
    # and a second town at exactly 1.0 per 1,000
    other = make_township(county, 102)
    _clinic_with_doctors(other, 201, 1, population=1000)
    for pack, status in ((JINCHENG, shanxi), (WENDENG, wendeng)):
        result = run("HR-6", county, pack=pack)
        assert result.status == status, pack
        assert result.value == round((doctors + 1) * 1000 / 3000, 2)
        assert result.checked == 2
        if status == FAIL:
            assert failing(result) == [("division", town.pk)]
            ratio = doctors * 1000 / 2000
            assert reasons(result) == [
                f"{doctors} village doctors for 2000 people: {ratio:.2f} per 1,000"
            ]
    assert run("HR-6", county, pack=JINCHENG).threshold == "≥ 1.0 per 1,000"
    assert run("HR-6", county, pack=WENDENG).threshold == "1.0–1.5 per 1,000"


def test_hr6_without_rural_population_is_not_enough_data(county, town):
    _clinic_with_doctors(town, 201, 2, population=0)
    assert run("HR-6", county).status == NOT_ENOUGH_DATA


# --- HR-7 THC staffing quotas ------------------------------------------------------------------


def _quota_thc(
    town: Division,
    *,
    quota: int | None,
    reviewed: date | None = date(2023, 6, 30),
    professional: int = 0,
    others: int = 0,
) -> Institution:
    thc = make(
        Type.THC,
        town,
        serves=[town],
        capabilities={
            "staffing_quota": quota,
            "professional_quota": professional,
            "quota_reviewed_on": reviewed,
        },
    )
    for n in range(others):
        person(thc, employment=Employment.QUOTA, profession=Profession.MANAGER, name=f"管理{n}")
    return thc


@pytest.mark.parametrize(
    ("reviewed", "status"),
    [
        (date(2023, 6, 30), PASS),
        (date(2020, 9, 15), PASS),  # exactly five years (1,826 days) before TODAY
        (date(2020, 9, 14), FAIL),
        (None, FAIL),
    ],
)
def test_hr7_shanxi_quota_reviewed_within_five_years(county, reviewed, status):
    town = make_township(county, 101, population=10_000)
    # Shanxi does not judge the size of the quota or its professional share
    thc = _quota_thc(town, quota=40, reviewed=reviewed, professional=3)
    result = run("HR-7", county, pack=JINCHENG, today=TODAY)
    assert result.threshold == "reviewed within 5 years"
    assert (result.status, result.checked) == (status, 1)
    if status == FAIL:
        assert failing(result) == [("institution", thc.pk)]
        last = reviewed.isoformat() if reviewed else "never"
        assert reasons(result) == [f"quota last reviewed {last}"]


@pytest.mark.parametrize(
    ("quota", "professional", "reason"),
    [
        (12, 11, None),  # 1.2 ‰, 11/12 = 92 % professional
        (10, 9, None),  # 1.0 ‰, 90 %
        (15, 14, None),  # 1.5 ‰
        (8, 8, "quota 8 for 10000 people: 0.80 ‰"),
        (20, 19, "quota 20 for 10000 people: 2.00 ‰"),
        (12, 10, "10 of 12 quota posts for professional staff"),
    ],
)
def test_hr7_wendeng_quota_per_mille_and_professional_share(county, quota, professional, reason):
    town = make_township(county, 101, population=10_000)
    # reviewed recently: WD-4's 5-year review holds, so only size and share decide
    thc = _quota_thc(
        town, quota=quota, reviewed=date(2024, 1, 1), professional=professional, others=1
    )
    result = run("HR-7", county, pack=WENDENG, today=TODAY)
    assert result.threshold == (
        "quota 1.0–1.5 ‰ of the population；≥ 90 % professional posts；reviewed within 5 years"
    )
    if reason is None:
        assert (result.status, result.value, result.failing) == (PASS, "1/1", [])
    else:
        assert (result.status, result.value) == (FAIL, "0/1")
        assert failing(result) == [("institution", thc.pk)]
        assert reasons(result) == [reason]


def test_hr7_a_thc_without_a_quota_fails_and_no_quota_at_all_is_not_enough_data(county):
    bare = _quota_thc(make_township(county, 101, population=5000), quota=None)
    assert run("HR-7", county).status == NOT_ENOUGH_DATA
    _quota_thc(make_township(county, 102, population=5000), quota=6)
    result = run("HR-7", county)
    assert failing(result) == [("institution", bare.pk)]
    assert reasons(result) == ["staffing quota not recorded"]


# --- HR-8 licensed village doctors (target) ----------------------------------------------------


def _village_doctors(town: Division, licensed: int, total: int) -> None:
    """``licensed`` of ``total`` village doctors hold a (assistant) physician licence, some by
    profession, some by certificate, one by both."""
    for n in range(total):
        clinic = make(Type.VILLAGE_CLINIC, make_village(town, 201 + n))
        if n >= licensed:
            doctor = person(clinic, profession=Profession.VILLAGE_DOCTOR)
            Certificate.objects.create(staff=doctor, kind=Certificate.Kind.VILLAGE_DOCTOR)
        elif n % 3 == 0:
            person(clinic, profession=Profession.ASSISTANT_DOCTOR)
        elif n % 3 == 1:
            doctor = person(clinic, profession=Profession.VILLAGE_DOCTOR)
            Certificate.objects.create(staff=doctor, kind=Certificate.Kind.RURAL_GP_ASSISTANT)
        else:
            doctor = person(clinic, profession=Profession.DOCTOR)
            Certificate.objects.create(staff=doctor, kind=Certificate.Kind.PHYSICIAN)
            Certificate.objects.create(staff=doctor, kind=Certificate.Kind.ASSISTANT_PHYSICIAN)


def test_hr8_a_county_at_47_percent_passes_in_shanxi_and_fails_in_wendeng(county, town):
    _village_doctors(town, 8, 17)  # 0.4706
    person(make(Type.THC, make_township(county, 102)), profession=Profession.DOCTOR)
    shanxi = run("HR-8", county, pack=JINCHENG)
    assert (shanxi.status, shanxi.value, shanxi.threshold) == (PASS, 0.4706, "≥ 45 %")
    assert (shanxi.checked, shanxi.failing, shanxi.citation) == (17, [], ["SXM-29"])
    assert shanxi.progress is not None
    assert (shanxi.progress.on_track, shanxi.progress.expected_by_now) == (True, None)
    wendeng = run("HR-8", county, pack=WENDENG)
    assert (wendeng.status, wendeng.value, wendeng.threshold) == (FAIL, 0.4706, "≥ 50 %")
    assert failing(wendeng) == [("county", county.pk)]
    assert reasons(wendeng) == ["8 of 17 village doctors licensed"]
    assert wendeng.citation == ["WD-5"]
    # before the deadline: 0.4706 ≥ 0.5 × 304/411 = 0.3698, so still on track
    assert wendeng.progress is not None
    assert wendeng.progress.deadline == date(2025, 12, 31)
    assert wendeng.progress.expected_by_now == pytest.approx(round(0.5 * 304 / 411, 4))
    assert wendeng.progress.on_track is True


@pytest.mark.parametrize(
    ("pack", "today", "on_track", "expected"),
    [
        (JINCHENG, TODAY, False, 0.45 * 755 / 862),  # 3/17 below the straight line
        (WENDENG, TODAY, False, 0.5 * 304 / 411),
        (JINCHENG, date(2024, 1, 1), True, 0.45 * 132 / 862),  # 0.1765 ≥ 0.0689
        (WENDENG, date(2026, 1, 1), False, None),  # after the deadline, missed
    ],
)
def test_hr8_progress(county, town, pack, today, on_track, expected):
    rule = load_pack(pack).rules["HR-8"]
    start, deadline = rule.date_param("start"), rule.date_param("deadline")
    if expected is not None:  # the day counts above are the straight line's, restated
        assert expected == rule.param("share") * _days(start, today) / _days(start, deadline)
        expected = round(expected, 4)
    _village_doctors(town, 3, 17)  # 0.1765
    result = run("HR-8", county, pack=pack, today=today)
    assert (result.status, result.value) == (FAIL, 0.1765)
    assert result.progress is not None
    assert result.progress.on_track is on_track
    assert result.progress.expected_by_now == (
        pytest.approx(expected) if expected is not None else None
    )


def test_hr8_without_village_doctors_is_not_enough_data(county, town):
    person(make(Type.VILLAGE_CLINIC, make_village(town, 201)), profession=Profession.NURSE)
    result = run("HR-8", county)
    assert (result.status, result.value) == (NOT_ENOUGH_DATA, None)
    assert result.progress is not None
    assert result.progress.on_track is False


# --- HR-11 salaries post by post ---------------------------------------------------------------


def _pay(institution: Institution, profession: str, title: str, *salaries: int) -> None:
    for salary in salaries:
        person(
            institution, profession=profession, title_level=title, monthly_salary=Decimal(salary)
        )


def test_hr11_grassroots_pay_is_compared_post_by_post(county, town):
    hospital = _hospital(county)
    tcm = make(Type.COUNTY_TCM_HOSPITAL, county)
    _pay(hospital, Profession.DOCTOR, Title.INTERMEDIATE, 7000, 9000)
    _pay(tcm, Profession.DOCTOR, Title.INTERMEDIATE, 8000)  # county average: 8000
    _pay(hospital, Profession.NURSE, Title.JUNIOR, 5000)
    _pay(hospital, Profession.DOCTOR, Title.SENIOR, 12000)
    fair = make(Type.THC, town, name="米山镇卫生院")
    _pay(fair, Profession.DOCTOR, Title.INTERMEDIATE, 7900, 8100)  # average 8000: not lower
    _pay(fair, Profession.NURSE, Title.JUNIOR, 5200)
    _pay(fair, Profession.TECHNICIAN, Title.JUNIOR, 1000)  # no county post to compare with
    mean = make(Type.CHSC, make_township(county, 1, kind=Kind.STREET), name="北城社区中心")
    _pay(mean, Profession.DOCTOR, Title.INTERMEDIATE, 9000)  # higher in one post …
    _pay(mean, Profession.NURSE, Title.JUNIOR, 4999)  # … lower in another
    clinic = make(Type.VILLAGE_CLINIC, make_village(town, 201))
    _pay(clinic, Profession.NURSE, Title.JUNIOR, 3000)  # village clinics are not compared
    result = run("HR-11", county)
    assert result.status == FAIL
    assert (result.value, result.checked) == ("3/4", 4)
    assert failing(result) == [("institution", mean.pk)]
    assert reasons(result) == ["nurse · junior (初级): 4999 < 5000 yuan"]


def test_hr11_passes_when_no_post_is_paid_less(county, town):
    _pay(_hospital(county), Profession.DOCTOR, Title.JUNIOR, 5200)
    _pay(make(Type.THC, town), Profession.DOCTOR, Title.JUNIOR, 5460)
    _pay(make(Type.THC_BRANCH, town), Profession.DOCTOR, Title.JUNIOR, 5200)
    result = run("HR-11", county)
    assert (result.status, result.value, result.failing) == (PASS, "2/2", [])


@pytest.mark.parametrize("missing", ["county salaries", "comparable posts"])
def test_hr11_not_enough_data(county, town, missing):
    hospital = _hospital(county)
    if missing == "county salaries":
        person(hospital, profession=Profession.DOCTOR)
        _pay(make(Type.THC, town), Profession.DOCTOR, Title.JUNIOR, 5000)
    else:
        _pay(hospital, Profession.DOCTOR, Title.SENIOR, 12000)
        _pay(make(Type.THC, town), Profession.DOCTOR, Title.JUNIOR, 5000)
    assert run("HR-11", county).status == NOT_ENOUGH_DATA


# --- HR-13 Wendeng yearly quotas (targets) -----------------------------------------------------


def _trained(county: Division, town: Division, level: str, count: int) -> None:
    thc = make(Type.THC, town)
    chsc = make(Type.CHSC, make_township(county, 1, kind=Kind.STREET))
    for n in range(count):
        staff = person(thc if n % 2 else chsc)
        TrainingRecord.objects.create(
            staff=staff, topic="进修", level=level, started_on=date(2025, 2, 1 + n % 20),
            ended_on=date(2025, 3, 1),
        )  # fmt: skip
        if n == 0:  # a second course for the same person counts once
            TrainingRecord.objects.create(
                staff=staff, topic="进修", level=level, started_on=date(2025, 6, 1),
                ended_on=date(2025, 6, 30),
            )  # fmt: skip
    # none of these count: last year, another level, a village clinic's doctor
    staff = person(thc)
    TrainingRecord.objects.create(
        staff=staff, topic="进修", level=level, started_on=date(2024, 12, 1),
        ended_on=date(2025, 1, 31),
    )  # fmt: skip
    TrainingRecord.objects.create(
        staff=staff, topic="进修", level=TrainingRecord.Level.PROVINCE,
        started_on=date(2025, 4, 1), ended_on=date(2025, 4, 30),
    )  # fmt: skip
    clinic_doctor = person(make(Type.VILLAGE_CLINIC, make_village(town, 201)))
    TrainingRecord.objects.create(
        staff=clinic_doctor, topic="进修", level=level, started_on=date(2025, 4, 1),
        ended_on=date(2025, 4, 30),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("rule_id", "level", "count", "status"),
    [
        ("HR-13.1", TrainingRecord.Level.TERTIARY, 10, PASS),
        ("HR-13.1", TrainingRecord.Level.TERTIARY, 9, FAIL),
        ("HR-13.3", TrainingRecord.Level.COUNTY, 20, PASS),
        ("HR-13.3", TrainingRecord.Level.COUNTY, 19, FAIL),
    ],
)
def test_hr13_staff_trained_this_year(county, town, rule_id, level, count, status):
    _trained(county, town, level, count)
    result = run(rule_id, county, pack=WENDENG)
    target = 10 if rule_id == "HR-13.1" else 20
    assert (result.status, result.value) == (status, count)
    assert result.threshold == f"≥ {target} staff trained in 2025"
    assert result.progress is not None
    assert result.progress.deadline == date(2025, 12, 31)
    if status == FAIL:
        assert failing(result) == [("county", county.pk)]
        assert reasons(result) == [f"{count} so far this year"]


def test_hr13_specialists_dispatched(county, town):
    hospital = _hospital(county)
    thc = make(Type.THC, town)
    for n in range(20):
        specialist = person(hospital, title_level=Title.INTERMEDIATE)
        _visit(specialist, thc, date(2025, 1 + n % 8, 10))
        if n == 0:
            _visit(specialist, thc, date(2025, 2, 11))  # twice: counts once
    trainer = person(hospital)
    GuidanceVisit.objects.create(  # training sessions are HR-13.3's, not dispatch
        staff=trainer, host=thc, kind=GuidanceVisit.Kind.TRAINING,
        started_on=date(2025, 3, 1), ended_on=date(2025, 3, 1),
    )  # fmt: skip
    _visit(person(hospital), thc, date(2024, 12, 20))  # last year
    _visit(person(thc), make(Type.VILLAGE_CLINIC, make_village(town, 201)), date(2025, 3, 1))
    result = run("HR-13.2", county, pack=WENDENG)
    assert (result.status, result.value, result.threshold) == (PASS, 20, "≥ 20 specialists in 2025")
    august = GuidanceVisit.objects.filter(started_on=date(2025, 8, 10))
    assert august.count() == 2
    august.earliest("pk").delete()  # one of the twenty specialists now has no visit this year
    dropped = run("HR-13.2", county, pack=WENDENG)
    assert (dropped.status, dropped.value) == (FAIL, 19)
    assert failing(dropped) == [("county", county.pk)]


@pytest.mark.parametrize(
    ("started", "ended", "deputy", "status"),
    [
        (date(2025, 1, 15), date(2026, 1, 14), True, PASS),
        (date(2025, 1, 15), date(2025, 7, 14), True, FAIL),  # six months
        (date(2025, 1, 15), date(2026, 1, 14), False, FAIL),  # not as deputy head
        (date(2024, 3, 1), date(2025, 2, 28), True, FAIL),  # began last year
    ],
)
def test_hr13_one_year_deputy_head_postings(county, town, started, ended, deputy, status):
    doctor = person(_hospital(county), title_level=Title.SENIOR)
    GuidanceVisit.objects.create(
        staff=doctor,
        host=make(Type.THC, town),
        kind=GuidanceVisit.Kind.POSTING,
        started_on=started,
        ended_on=ended,
        as_deputy_head=deputy,
    )
    result = run("HR-13.4", county, pack=WENDENG)
    assert (result.status, result.value) == (status, 1 if status == PASS else 0)
    assert result.threshold == "≥ 1 deputy-head postings in 2025"


@pytest.mark.parametrize(
    ("today", "count", "on_track"),
    [
        (date(2025, 7, 2), 6, True),  # 10 × 182/364 = 5.0
        (date(2025, 7, 2), 4, False),
        (date(2025, 1, 1), 0, True),  # nothing expected on the first day
    ],
)
def test_hr13_yearly_quota_progress_follows_a_straight_line(county, town, today, count, on_track):
    _trained(county, town, TrainingRecord.Level.TERTIARY, count)
    result = run("HR-13.1", county, pack=WENDENG, today=today)
    assert result.status == FAIL
    assert result.progress is not None
    elapsed = _days(date(2025, 1, 1), today) / _days(date(2025, 1, 1), date(2025, 12, 31))
    assert result.progress.expected_by_now == pytest.approx(round(10 * elapsed, 4))
    assert result.progress.on_track is on_track


# --- MED-7 practice within approved scope ------------------------------------------------------


S = PracticeSubject


@pytest.mark.parametrize(
    ("type_", "scope", "departments", "iv", "reason"),
    [
        (Type.VILLAGE_CLINIC, [S.PREVENTIVE, S.GENERAL_PRACTICE], ["全科医疗科"], (False, False),
         None),
        (Type.VILLAGE_CLINIC, [S.GENERAL_PRACTICE], ["全科医疗科", "护理部"], (True, True), None),
        (Type.THC, [S.GENERAL_PRACTICE, S.SURGERY, S.TCM], ["骨科", "针灸推拿科"], (True, False),
         None),  # IV authorisation is asked of stations and village clinics only
        (Type.VILLAGE_CLINIC, [S.PREVENTIVE, S.GENERAL_PRACTICE], ["全科医疗科", "外科", "口腔科"],
         (False, False), "practises outside approved subjects: 口腔科、外科"),
        (Type.CHSS, [S.PREVENTIVE, S.GENERAL_PRACTICE], ["全科医疗科"], (True, False),
         "gives intravenous medication without authorisation"),
        (Type.VILLAGE_CLINIC, [S.GENERAL_PRACTICE], ["儿科"], (True, False),
         "practises outside approved subjects: 儿科；"
         "gives intravenous medication without authorisation"),
        (Type.VILLAGE_CLINIC, [], ["全科医疗科"], (False, False),
         "approved practice subjects not recorded"),
    ],
)  # fmt: skip
def test_med7_departments_within_scope_and_iv_only_where_authorised(
    county, town, type_, scope, departments, iv, reason
):
    reference = make(
        Type.THC, make_township(county, 102), capabilities={"approved_scope": [S.INTERNAL]}
    )
    person(reference, department="内科")
    person(reference, department="外科", is_active=False)  # a leaver's department is not in use
    institution = make(
        type_,
        make_village(town, 201),
        capabilities={"approved_scope": scope, "offers_iv": iv[0], "iv_authorised": iv[1]},
    )
    for department in departments:
        person(institution, department=department)
    make(Type.VILLAGE_CLINIC, make_village(town, 202))  # no capabilities: nothing known
    result = run("MED-7", county)
    assert result.checked == 2
    assert result.citation == ["JC-24", "JC-26"]
    if reason is None:
        assert (result.status, result.value, result.failing) == (PASS, "2/2", [])
    else:
        assert (result.status, result.value) == (FAIL, "1/2")
        assert failing(result) == [("institution", institution.pk)]
        assert reasons(result) == [reason]


def test_med7_without_approved_scopes_is_not_enough_data(county, town):
    make(Type.THC, town, capabilities={"offers_iv": True})
    assert run("MED-7", county).status == NOT_ENOUGH_DATA


# --- the engine over a whole hand-made county --------------------------------------------------


def test_run_pack_runs_every_rule_of_the_pack_in_catalogue_order(county, town):
    make(Type.THC, town, capabilities={})
    pack, results = run_pack(county, pack=load_pack(JINCHENG), today=TODAY)
    assert [r.id for r in results] == [rule_id for rule_id in RULES if rule_id in pack.rules]
    assert {r.kind for r in results if r.id == "HR-8"} == {"target"}
    assert all(r.progress is None for r in results if r.kind == "check")
    assert all(r.status in (PASS, FAIL, NOT_ENOUGH_DATA) for r in results)
