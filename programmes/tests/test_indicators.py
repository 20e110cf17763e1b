"""The programme indicators (PH-2, public-health-services.md §5): each numerator and denominator
derived by hand from the definitions, on a tiny county, at every level, within a user's scope.

The county fixture already holds four residents: 王秀英 (village A, born 1960-03-14), her son
王小明 (A, 2019-05-01), 李建国 (B, 1960) and 张伟 (C, 1960); the three born in 1960 turn 65 in
2025.
"""

import json
from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import AuditEntry
from contracting.models import Team
from jiceng.errors import DomainError
from jiceng.testing import ResidentFactory
from programmes.indicators import (
    BY_CODE,
    INDICATORS,
    Level,
    Parameters,
    PeriodError,
    compute,
    indicators_for,
    parse_period,
)
from programmes.models import Enrolment, Programme, Visit
from residents.models import RecordStatus, ResidenceStatus, Resident
from tests.subprocesses import run

YEAR = parse_period("2025")


def enrol(resident, programme, enrolled_on=date(2020, 1, 1), **fields):
    fields.setdefault("status", Enrolment.Status.ACTIVE)
    return Enrolment.objects.create(
        resident=resident,
        programme=programme,
        proposed_on=enrolled_on or date(2020, 1, 1),
        enrolled_on=enrolled_on,
        **fields,
    )


def visit(enrolment, day, contact="followup", **fields):
    return Visit.objects.create(
        enrolment=enrolment,
        resident=enrolment.resident,
        programme=enrolment.programme,
        contact=contact,
        date=day,
        **fields,
    )


def person(village, born=date(1970, 6, 1), **fields):
    return ResidentFactory(village=village, birth_date=born, **fields)


def counts(code, level=Level.COUNTY, period=YEAR, villages=None, parameters=None):
    """{row label: (numerator, denominator)} of one indicator."""
    [result] = compute(
        period,
        level,
        villages=villages,
        codes=[code],
        parameters=parameters or Parameters(),
    )
    return {row.label: (row.numerator, row.denominator) for row in result.rows}


def county_total(code, **kwargs):
    [total] = counts(code, **kwargs).values()
    return total


def moved_out(resident, on, status=RecordStatus.MOVED_OUT):
    Resident.objects.filter(pk=resident.pk).update(record_status=status, status_date=on)


# --- Periods ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2025", date(2025, 1, 1), date(2025, 12, 31)),
        ("2025Q1", date(2025, 1, 1), date(2025, 3, 31)),
        ("2024q4", date(2024, 10, 1), date(2024, 12, 31)),
        ("2025-02", date(2025, 2, 1), date(2025, 2, 28)),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        ("2025-12", date(2025, 12, 1), date(2025, 12, 31)),
        ("2025-01-15..2025-06-30", date(2025, 1, 15), date(2025, 6, 30)),
    ],
)
def test_periods_are_years_quarters_months_or_dates(text, start, end):
    period = parse_period(text)
    assert (period.start, period.end) == (start, end)


@pytest.mark.parametrize(
    "text",
    ["", "25", "2025Q5", "2025-13", "2025-00", "yesterday", "2025-02-30..2025-03-01",
     "2025-03-01..2025-02-01"],
)  # fmt: skip
def test_a_bad_period_is_refused_on_the_period_field(text):
    with pytest.raises(PeriodError) as refused:
        parse_period(text)
    assert (refused.value.code, refused.value.field, refused.value.status) == (
        "invalid_period",
        "period",
        422,
    )


def test_every_indicator_is_defined_with_citation_and_confidence():
    assert len(BY_CODE) == len(INDICATORS) >= 14
    for indicator in INDICATORS:
        assert indicator.confidence in ("V", "C", "U")
        assert indicator.citation.endswith("BPHS3 §5")
        assert "%(" not in indicator.numerator_definition()
        assert "%(" not in indicator.denominator_definition()
    regular = BY_CODE["tb_regular_medication"]
    assert "90" in regular.numerator_definition()
    assert "95" in regular.numerator_definition(Parameters(tb_regular_share=0.95))


# --- Hypertension, diabetes, severe mental disorders ------------------------------------------


def test_htn_standard_management_needs_one_visit_per_three_months_managed(county):
    """Four visits for a whole year; enrolled in July: six months, two visits."""
    whole_year = enrol(person(county.village_a), Programme.HYPERTENSION)
    for day in (date(2025, 2, 3), date(2025, 5, 3), date(2025, 8, 3), date(2025, 11, 3)):
        visit(whole_year, day)
    two_only = enrol(person(county.village_a), Programme.HYPERTENSION)
    visit(two_only, date(2025, 3, 1))
    visit(two_only, date(2025, 9, 1))
    since_july = enrol(person(county.village_c), Programme.HYPERTENSION, date(2025, 7, 20))
    visit(since_july, date(2025, 8, 1))
    visit(since_july, date(2025, 11, 1), contact="annual_check")
    assert county_total("htn_standard_management") == (2, 3)
    # In the first quarter one visit is required; the July patient is not managed yet.
    assert county_total("htn_standard_management", period=parse_period("2025Q1")) == (2, 2)


def test_only_managed_enrolments_of_live_records_count(county):
    managed = enrol(person(county.village_a), Programme.HYPERTENSION)
    for month in (1, 4, 7, 10):
        visit(managed, date(2025, month, 5))
    enrol(person(county.village_a), Programme.HYPERTENSION, status=Enrolment.Status.PROPOSED)
    enrol(person(county.village_a), Programme.HYPERTENSION, None, status="declined")
    enrol(
        person(county.village_a),
        Programme.HYPERTENSION,
        status=Enrolment.Status.EXITED,
        exited_on=date(2024, 12, 31),
        exit_reason=Enrolment.ExitReason.REFUSED,
    )
    enrol(person(county.village_a), Programme.HYPERTENSION, date(2026, 1, 2))
    duplicate = person(county.village_a, merged_into=county.resident_a)
    merged = enrol(duplicate, Programme.HYPERTENSION)
    for month in (1, 4, 7, 10):
        visit(merged, date(2025, month, 5))
    assert county_total("htn_standard_management") == (1, 1)


def test_moving_out_ends_the_months_managed_and_later_visits_do_not_count(county):
    """Moved out on 15 June: January–June, two visits required."""
    left = person(county.village_a)
    both_before = enrol(left, Programme.HYPERTENSION)
    visit(both_before, date(2025, 2, 10))
    visit(both_before, date(2025, 5, 10))
    moved_out(left, date(2025, 6, 15))
    late = person(county.village_a)
    one_after = enrol(late, Programme.HYPERTENSION)
    visit(one_after, date(2025, 2, 10))
    visit(one_after, date(2025, 8, 1))  # after moving out: not counted
    moved_out(late, date(2025, 6, 15), RecordStatus.DECEASED)
    gone = person(county.village_a)
    visit(enrol(gone, Programme.HYPERTENSION), date(2024, 11, 1))
    moved_out(gone, date(2024, 12, 1))  # before the period: not in the denominator
    exited = enrol(
        person(county.village_b),
        Programme.HYPERTENSION,
        status=Enrolment.Status.EXITED,
        exited_on=date(2025, 3, 31),
        exit_reason=Enrolment.ExitReason.OTHER,
    )
    visit(exited, date(2025, 2, 1))  # January–March: one visit is enough
    assert county_total("htn_standard_management") == (2, 3)


def test_bp_control_reads_the_latest_visit_with_a_reading(county):
    def patient(born, *readings):
        enrolment = enrol(person(county.village_a, born), Programme.HYPERTENSION)
        for day, sbp, dbp in readings:
            visit(enrolment, day, sbp=sbp, dbp=dbp)
        return enrolment

    patient(date(1975, 1, 1), (date(2025, 3, 1), 160, 100), (date(2025, 11, 1), 135, 85))  # yes
    patient(date(1975, 1, 1), (date(2025, 3, 1), 130, 80), (date(2025, 11, 1), 145, 85))  # no
    patient(date(1975, 1, 1), (date(2025, 11, 1), 130, 90))  # DBP 90 is not below 90: no
    patient(date(1950, 1, 1), (date(2025, 11, 1), 145, 85))  # 75 years old: yes
    patient(date(1950, 1, 1), (date(2025, 11, 1), 150, 85))  # 150 is not below 150: no
    patient(date(1960, 12, 1), (date(2025, 11, 30), 145, 85))  # 64 on the day: no
    patient(date(1960, 12, 1), (date(2025, 12, 1), 145, 85))  # 65 that day: yes
    phone = patient(date(1975, 1, 1), (date(2025, 6, 1), 130, 80))
    visit(phone, date(2025, 9, 1))  # by phone, no reading: the June reading is the latest: yes
    patient(date(1975, 1, 1), (date(2024, 11, 1), 120, 80))  # lost to follow-up in 2025: no
    assert county_total("htn_bp_control") == (4, 9)
    assert county_total("htn_bp_control", parameters=Parameters(sbp_target=146)) == (6, 9)


def test_dm_management_and_glucose_control(county):
    regular = enrol(person(county.village_a), Programme.DIABETES)
    for month, fpg in ((2, 8.1), (5, 7.2), (8, 6.4), (11, 6.5)):
        visit(regular, date(2025, month, 1), fpg_mmol_l=fpg)
    once = enrol(person(county.village_b), Programme.DIABETES)
    visit(once, date(2025, 4, 1), fpg_mmol_l=6.0)
    visit(once, date(2025, 6, 1), fpg_mmol_l=7.0)  # 7.0 is not below 7.0
    enrol(person(county.village_c), Programme.DIABETES)  # no visit at all
    htn = enrol(person(county.village_c), Programme.HYPERTENSION)
    for month in (2, 5, 8, 11):
        visit(htn, date(2025, month, 1), fpg_mmol_l=5.0)  # another programme
    assert county_total("dm_standard_management") == (1, 3)
    assert county_total("dm_glucose_control") == (1, 3)


def test_smd_standard_management(county):
    april = enrol(person(county.village_a), Programme.SMD, date(2025, 4, 15))
    for month in (5, 8, 11):
        visit(april, date(2025, month, 2))  # April–December, 9 months: 3 visits
    short = enrol(person(county.village_a), Programme.SMD)
    for month in (2, 5, 8):
        visit(short, date(2025, month, 2))
    exited = enrol(
        person(county.village_b),
        Programme.SMD,
        status=Enrolment.Status.EXITED,
        exited_on=date(2025, 3, 31),
        exit_reason=Enrolment.ExitReason.MOVED_OUT,
    )
    visit(exited, date(2025, 1, 20))
    assert county_total("smd_standard_management") == (2, 3)


# --- Tuberculosis -----------------------------------------------------------------------------


def test_tb_management_needs_a_first_home_visit_within_three_days(county):
    on_time = enrol(person(county.village_a), Programme.TB, date(2025, 3, 1))
    visit(on_time, date(2025, 3, 4), contact="first_home")
    late = enrol(person(county.village_a), Programme.TB, date(2025, 5, 1))
    visit(late, date(2025, 5, 5), contact="first_home")
    before = enrol(person(county.village_a), Programme.TB, date(2024, 12, 30))
    visit(before, date(2025, 1, 1), contact="first_home")
    assert county_total("tb_management") == (1, 2)
    assert county_total("tb_management", parameters=Parameters(tb_first_visit_days=4)) == (2, 2)


def test_tb_regular_medication_counts_completed_courses_with_90_percent_of_doses(county):
    def course(planned, taken, reason=Enrolment.ExitReason.TREATMENT_COMPLETED, on=(2025, 9, 1)):
        enrol(
            person(county.village_a),
            Programme.TB,
            date(2024, 12, 1),
            status=Enrolment.Status.EXITED,
            exited_on=date(*on),
            exit_reason=reason,
            tb_doses_planned=planned,
            tb_doses_taken=taken,
        )

    course(180, 162)  # exactly 90 %
    course(110, 99, Enrolment.ExitReason.CURED)  # 90 %, where 110 × 0.9 is 99.00000000000001
    course(180, 161)
    course(180, None)
    course(180, 180, Enrolment.ExitReason.MOVED_OUT)  # did not complete treatment
    course(180, 180, on=(2024, 12, 31))  # completed before the period
    enrol(person(county.village_a), Programme.TB, date(2025, 8, 1), tb_doses_planned=180)
    assert county_total("tb_regular_medication") == (2, 4)


# --- Mothers and children ---------------------------------------------------------------------


def test_early_registration_and_postpartum_visit_per_delivery(county):
    def mother(delivered, lmp=date(2024, 6, 1), discharged=None):
        return enrol(
            person(county.village_a, sex="female"),
            Programme.MATERNAL,
            date(2024, 8, 1),
            lmp_date=lmp,
            delivery_date=delivered,
            discharge_date=discharged,
        )

    first = mother(date(2025, 3, 8), discharged=date(2025, 3, 10))
    visit(first, date(2024, 8, 30), contact="antenatal_1")  # 90 days after the LMP: early
    visit(first, date(2025, 3, 15), contact="postpartum")
    second = mother(date(2025, 3, 8), discharged=date(2025, 3, 10))
    visit(second, date(2024, 8, 31), contact="antenatal_1")  # 91 days: week 13, not early
    visit(second, date(2025, 4, 7), contact="postpartum")  # 28 days after discharge: counts
    third = mother(date(2025, 5, 1), lmp=None)
    visit(third, date(2024, 8, 1), contact="antenatal_1")  # no LMP: cannot be early
    visit(third, date(2025, 5, 30), contact="postpartum")  # 29 days after delivery: late
    earlier = mother(date(2024, 12, 20))
    visit(earlier, date(2024, 7, 1), contact="antenatal_1")
    assert county_total("early_pregnancy_registration") == (1, 3)
    assert county_total("postpartum_visit") == (2, 3)
    assert county_total("postpartum_visit", parameters=Parameters(postpartum_visit_days=29)) == (
        3,
        3,
    )


def test_newborn_visit_rate_counts_births_of_the_period(county):
    def newborn(born, visited=None, **fields):
        child = person(county.village_a, born, **fields)
        enrolment = enrol(child, Programme.CHILD, born)
        if visited is not None:
            visit(enrolment, visited, contact="newborn")
        return child

    newborn(date(2025, 2, 1), date(2025, 2, 6))
    newborn(date(2025, 12, 28), date(2026, 1, 3))  # visited after the period, as required
    newborn(date(2025, 3, 1), date(2025, 4, 15))  # 45 days old: too late
    newborn(date(2025, 4, 1))
    newborn(date(2025, 5, 1), date(2025, 5, 3), residence_status=ResidenceStatus.TEMPORARY)
    newborn(date(2024, 12, 31), date(2025, 1, 2))  # born before the period
    assert county_total("newborn_visit") == (2, 4)


def test_child_health_management_counts_children_before_their_7th_birthday(county):
    visit(enrol(county.child_a, Programme.CHILD, date(2019, 5, 1)), date(2025, 5, 2), "y5")
    six = person(county.village_b, date(2018, 1, 2))  # six on 1 January
    visit(enrol(six, Programme.CHILD, date(2018, 1, 2)), date(2024, 12, 20), "y6")  # not in 2025
    person(county.village_b, date(2018, 1, 1))  # seven on 1 January: not a child in 2025
    died = person(county.village_c, date(2024, 3, 1))
    visit(enrol(died, Programme.CHILD, date(2024, 3, 1)), date(2025, 3, 1), "m12")
    moved_out(died, date(2025, 4, 1), RecordStatus.DECEASED)
    left = person(county.village_c, date(2022, 3, 1))
    visit(enrol(left, Programme.CHILD, date(2022, 3, 1)), date(2025, 3, 1), "m36")
    moved_out(left, date(2024, 6, 1))
    assert county_total("child_health_management") == (2, 3)
    assert counts("child_health_management", Level.VILLAGE) == {
        "甲村": (1, 1),
        "乙村": (0, 1),
        "丙村": (1, 1),
    }


# --- Elderly and records ----------------------------------------------------------------------


def test_elderly_health_management_counts_usual_residents_65_by_the_end(county):
    visit(enrol(county.resident_a, Programme.ELDERLY), date(2025, 4, 1), "annual_check")
    htn_check = enrol(county.resident_b, Programme.HYPERTENSION)
    visit(htn_check, date(2025, 4, 1), "annual_check")  # not the elderly check
    person(county.village_a, date(1960, 12, 31))  # 65 on the last day
    person(county.village_a, date(1961, 1, 1))  # still 64
    person(county.village_a, date(1950, 1, 1), residence_status=ResidenceStatus.TEMPORARY)
    person(county.village_a, date(1950, 1, 1), merged_into=county.resident_a)
    assert county_total("elderly_health_management") == (1, 4)


def test_record_filing_needs_the_minimum_completeness_of_usual_residents(county):
    Resident.objects.update(completeness=80)
    Resident.objects.filter(pk=county.resident_b.pk).update(completeness=59)
    Resident.objects.filter(pk=county.resident_c.pk).update(completeness=60)
    temporary = person(county.village_a, residence_status=ResidenceStatus.TEMPORARY)
    gone = person(county.village_a, residence_status=ResidenceStatus.MIGRANT)
    Resident.objects.filter(pk__in=[temporary.pk, gone.pk]).update(completeness=100)
    moved_out(gone, date(2024, 12, 31))
    assert county_total("record_filing") == (3, 4)
    assert county_total("record_filing", parameters=Parameters(record_min_completeness=61)) == (
        2,
        4,
    )


def test_record_use_counts_records_with_a_visit_in_the_period(county):
    visit(enrol(county.resident_a, Programme.ELDERLY), date(2025, 4, 1), "annual_check")
    visit(enrol(county.resident_b, Programme.ELDERLY), date(2024, 4, 1), "annual_check")
    left = person(county.village_c)
    visit(enrol(left, Programme.HYPERTENSION), date(2025, 7, 1))  # after moving out
    moved_out(left, date(2025, 6, 1))
    temporary = person(county.village_c, residence_status=ResidenceStatus.TEMPORARY)
    visit(enrol(temporary, Programme.HYPERTENSION), date(2025, 7, 1))
    assert county_total("record_use") == (2, 6)


# --- Levels, scope, audit, queries ------------------------------------------------------------


@pytest.fixture
def htn_example(county):
    """The issue's example: village A has a regular and an irregular patient, village C a
    patient enrolled in July with two visits."""
    team = Team.objects.create(name="米山一队", institution=county.thc1)
    team.villages.set([county.village_a, county.village_b])
    regular = enrol(
        person(county.village_a), Programme.HYPERTENSION, institution=county.thc1, team=team
    )
    for month in (2, 5, 8, 11):
        visit(regular, date(2025, month, 3))
    irregular = enrol(person(county.village_a), Programme.HYPERTENSION)
    visit(irregular, date(2025, 3, 1))
    visit(irregular, date(2025, 9, 1))
    july = enrol(
        person(county.village_c), Programme.HYPERTENSION, date(2025, 7, 1), institution=county.thc2
    )
    visit(july, date(2025, 8, 1))
    visit(july, date(2025, 11, 1))
    return county


def test_levels_group_the_same_counts(htn_example):
    code = "htn_standard_management"
    assert counts(code) == {"高平市": (2, 3)}
    assert counts(code, Level.TOWNSHIP) == {"米山镇": (1, 2), "三甲镇": (1, 1)}
    assert counts(code, Level.VILLAGE) == {"甲村": (1, 2), "乙村": (0, 0), "丙村": (1, 1)}
    # The managing institution; without one, the village's own clinic (A's), else its centre.
    assert counts(code, Level.INSTITUTION) == {
        "米山镇卫生院": (1, 1),
        "甲村卫生室": (0, 1),
        "三甲镇卫生院": (1, 1),
        "丙村卫生室": (0, 0),
    }
    # The team of the enrolment, else the team serving the village; C has none (key "").
    [teams] = compute(YEAR, Level.TEAM, codes=[code])
    team = Team.objects.get(name="米山一队")
    assert [(r.key, r.numerator, r.denominator) for r in teams.rows] == [
        (str(team.pk), 1, 2),
        ("", 1, 1),
    ]


def test_population_indicators_go_to_the_institution_serving_the_village(county):
    assert counts("elderly_health_management", Level.INSTITUTION) == {
        "米山镇卫生院": (0, 1),  # village B has no clinic: its township's centre
        "甲村卫生室": (0, 1),
        "丙村卫生室": (0, 1),
    }


def test_rates_are_percentages_and_none_without_a_denominator(htn_example):
    [result] = compute(YEAR, Level.VILLAGE, codes=["htn_standard_management"])
    assert [row.rate for row in result.rows] == [50.0, None, 100.0]


def test_village_doctor_sees_only_their_village(htn_example, village_doctor):
    [result] = indicators_for(
        village_doctor, "2025", Level.VILLAGE, codes=["htn_standard_management"]
    )
    assert [(r.label, r.numerator, r.denominator) for r in result.rows] == [("甲村", 1, 2)]
    [total] = indicators_for(village_doctor, "2025", codes=["htn_standard_management"])
    assert [(r.numerator, r.denominator) for r in total.rows] == [(1, 2)]
    assert total.rows[0].label != "高平市"


def test_township_doctor_sees_their_centres_villages_and_the_county_everything(
    htn_example, township_doctor, county_officer
):
    [township] = indicators_for(
        township_doctor, "2025", Level.VILLAGE, codes=["htn_standard_management"]
    )
    assert [r.label for r in township.rows] == ["甲村", "乙村"]
    [county] = indicators_for(county_officer, "2025", codes=["htn_standard_management"])
    assert [(r.label, r.numerator, r.denominator) for r in county.rows] == [("高平市", 2, 3)]


def test_outsider_sees_nothing_of_village_a(htn_example, outsider):
    [result] = indicators_for(outsider, "2025", Level.VILLAGE, codes=["htn_standard_management"])
    assert [(r.label, r.numerator, r.denominator) for r in result.rows] == [("丙村", 1, 1)]


def test_looking_at_indicators_is_audited(htn_example, township_doctor):
    indicators_for(township_doctor, "2025Q2", Level.TOWNSHIP)
    entry = AuditEntry.objects.filter(object_type="programmes.indicator").latest("pk")
    assert (entry.user_id_value, entry.action, entry.purpose) == (
        township_doctor.pk,
        "list",
        "indicators",
    )
    assert entry.detail == {"period": "2025Q2", "level": "township", "indicators": "all"}


def test_bad_level_or_indicator_is_refused(county_officer):
    with pytest.raises(DomainError) as refused:
        indicators_for(county_officer, "2025", "province")
    assert refused.value.field == "level"
    with pytest.raises(DomainError) as refused:
        indicators_for(county_officer, "2025", codes=["nonsense"])
    assert refused.value.field == "codes"


def _add_people(county, how_many):
    team = Team.objects.create(name=f"队{how_many}", institution=county.thc1)
    team.villages.set([county.village_a])
    for index in range(how_many):
        village = (county.village_a, county.village_b, county.village_c)[index % 3]
        patient = person(village, date(1950 + index % 30, 1, 1))
        for programme in (Programme.HYPERTENSION, Programme.DIABETES, Programme.ELDERLY):
            enrolment = enrol(patient, programme, team=team, institution=county.thc1)
            visit(enrolment, date(2025, 3, 1), sbp=130, dbp=80, fpg_mmol_l=6.0)


@pytest.mark.parametrize("level", [Level.COUNTY, Level.TOWNSHIP, Level.INSTITUTION, Level.TEAM])
def test_the_number_of_queries_does_not_grow_with_the_residents(county, level, county_officer):
    _add_people(county, 3)
    with CaptureQueriesContext(connection) as few:
        indicators_for(county_officer, "2025", level)
    _add_people(county, 30)
    with CaptureQueriesContext(connection) as many:
        indicators_for(county_officer, "2025", level)
    assert len(few) == len(many)


def test_the_full_set_takes_a_bounded_number_of_queries(
    county, county_officer, django_assert_max_num_queries
):
    _add_people(county, 30)
    # One per indicator, the scope, the registry and labels, the audit entry's transaction.
    with django_assert_max_num_queries(len(INDICATORS) + 12):
        indicators_for(county_officer, "2025", Level.VILLAGE)


# --- The command ------------------------------------------------------------------------------


def test_command_prints_json_with_the_counts(htn_example, capsys):
    call_command("indicators", period="2025", level="township", format="json")
    printed = {item["code"]: item for item in json.loads(capsys.readouterr().out)}
    assert set(printed) == set(BY_CODE)
    htn = printed["htn_standard_management"]
    assert set(htn) >= {
        "code",
        "name",
        "numerator_definition",
        "denominator_definition",
        "citation",
        "rows",
    }
    assert htn["citation"] == "PH-2; BPHS3 §5"
    assert [(r["level"], r["label"], r["numerator"], r["denominator"]) for r in htn["rows"]] == [
        ("township", "米山镇", 1, 2),
        ("township", "三甲镇", 1, 1),
    ]
    assert htn["rows"][0]["rate"] == 50.0


def test_command_table_output(htn_example, capsys):
    call_command("indicators", period="2025")
    out = capsys.readouterr().out
    assert "htn_standard_management" in out
    assert "高平市" in out


def test_cli_prints_json_on_an_empty_database(tmp_path):
    result = run(tmp_path, "-m", "jiceng.cli", "indicators", "--period", "2025", "--format", "json")
    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout)
    assert [item["code"] for item in printed] == [indicator.code for indicator in INDICATORS]
    assert all(item["rows"][0]["rate"] is None for item in printed)


def test_cli_refuses_a_bad_period(tmp_path):
    result = run(tmp_path, "-m", "jiceng.cli", "indicators", "--period", "2025Q7")
    assert result.returncode != 0
    assert "2025Q7" in result.stderr
