from datetime import date

import pytest

from immunization.ages import Age, add_months, days, has_reached, months, years
from immunization.schedules import NIP_2021, NIP_2025, SCHEDULES
from immunization.tests.spec_tables import (
    LIVE_INJECTABLE,
    MINIMUM_INTERVALS,
    ROUTES,
    ROUTINE_2021,
    ROUTINE_2025,
    WINDOWS,
)


def routine_rules(schedule):
    return {
        (rule.vaccine, rule.number): rule for series in schedule.series for rule in series.doses
    }


@pytest.mark.parametrize(("vaccine", "number", "age", "complete_before"), ROUTINE_2021)
def test_each_dose_of_the_2021_table_has_its_age_and_complete_before(
    vaccine, number, age, complete_before
):
    rule = routine_rules(NIP_2021)[(vaccine, number)]
    assert (rule.recommended_age, rule.minimum_age, rule.complete_before) == (
        age,
        age,
        complete_before,
    )


@pytest.mark.parametrize(
    ("schedule", "table"), [(NIP_2021, ROUTINE_2021), (NIP_2025, ROUTINE_2025)]
)
def test_schedule_holds_exactly_the_doses_of_its_table(schedule, table):
    assert set(routine_rules(schedule)) == {(row[0], row[1]) for row in table}


@pytest.mark.parametrize(("vaccine", "number", "age", "complete_before"), ROUTINE_2025)
def test_each_dose_of_the_2025_schedule_has_its_age(vaccine, number, age, complete_before):
    rule = routine_rules(NIP_2025)[(vaccine, number)]
    assert (rule.recommended_age, rule.complete_before) == (age, complete_before)


def test_2025_dtap_change_is_marked_secondary_confidence():
    dtap = [rule for (vaccine, _), rule in routine_rules(NIP_2025).items() if vaccine == "DTaP"]
    assert {rule.confidence for rule in dtap} == {"C"}
    assert ("DT", 1) not in routine_rules(NIP_2025)


def test_schedules_are_listed_by_version():
    assert {version: schedule.version for version, schedule in SCHEDULES.items()} == {
        "NIP-2021": "NIP-2021",
        "NIP-2025": "NIP-2025",
    }


def test_with_live_products_the_total_is_22_doses_by_age_6():
    rules = [
        rule
        for rule in routine_rules(NIP_2021).values()
        if rule.vaccine not in ("JE-I", "HepA-I") and rule.recommended_age.months <= 72
    ]
    assert len(rules) == 22


@pytest.mark.parametrize(
    ("vaccine", "earlier", "later", "minimum", "confidence"), MINIMUM_INTERVALS
)
def test_each_minimum_interval_of_section_2_is_in_the_data(
    vaccine, earlier, later, minimum, confidence
):
    rule = routine_rules(NIP_2021)[(vaccine, later)]
    intervals = {interval.back: interval for interval in rule.intervals}
    interval = intervals[later - earlier]
    assert (interval.minimum, interval.confidence) == (minimum, confidence)
    assert interval.citation.startswith("NIP21 §2")


@pytest.mark.parametrize(("vaccine", "earlier", "later", "maximum"), WINDOWS)
def test_windows_of_section_2_are_in_the_data(vaccine, earlier, later, maximum):
    rule = routine_rules(NIP_2021)[(vaccine, later)]
    assert next(i for i in rule.intervals if i.back == later - earlier).maximum == maximum


@pytest.mark.parametrize(
    ("earlier", "later"),
    [(("IPV", 1), ("IPV", 2)), (("IPV", 2), ("bOPV", 3)), (("bOPV", 3), ("bOPV", 4))],
)
def test_any_two_polio_doses_are_28_days_apart(earlier, later):
    rule = routine_rules(NIP_2021)[later]
    assert [(i.back, i.minimum) for i in rule.intervals] == [(1, days(28))]


def test_last_mpsv_a_to_mpsv_ac_is_12_months():
    rule = routine_rules(NIP_2021)[("MPSV-AC", 1)]
    assert [(i.after_vaccine, i.minimum) for i in rule.intervals] == [("MPSV-A", months(12))]


def test_injectable_live_vaccines_are_mmr_je_l_and_hepa_l():
    assert {v.code for v in NIP_2021.vaccines if v.is_live_injectable} == LIVE_INJECTABLE
    assert NIP_2021.catch_up.live_spacing.minimum == days(28)


@pytest.mark.parametrize(("code", "route"), ROUTES.items())
def test_route_and_dose_follow_section_1(code, route):
    assert NIP_2021.vaccine(code).route_and_dose == route


def test_every_rule_cites_the_spec():
    rules = list(routine_rules(NIP_2021).values()) + list(routine_rules(NIP_2025).values())
    citations = [rule.citation for rule in rules]
    citations += [i.citation for rule in rules for i in rule.intervals]
    assert all(c.startswith(("NIP21 §", "NIP25 ")) for c in citations)


def test_unverified_rules_can_be_switched_off():
    assert NIP_2021.switches == {"hepb_d1_to_d3_4_months", "hepb_four_doses_28_days"}
    schedule = NIP_2021.with_switched_off("hepb_d1_to_d3_4_months")
    rule = routine_rules(schedule)[("HepB", 3)]
    assert [schedule.applies(i) for i in rule.intervals] == [True, False]
    assert all(NIP_2021.applies(i) for i in rule.intervals)


def test_switching_off_an_unknown_rule_is_refused():
    with pytest.raises(ValueError, match="unknown switch"):
        NIP_2021.with_switched_off("no_such_rule")


@pytest.mark.parametrize(
    ("start", "count", "expected"),
    [
        (date(2024, 1, 15), 1, date(2024, 2, 15)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2023, 1, 31), 1, date(2023, 2, 28)),
        (date(2024, 11, 30), 3, date(2025, 2, 28)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
    ],
)
def test_calendar_months_keep_the_day_or_fall_back_to_the_month_end(start, count, expected):
    assert add_months(start, count) == expected


def test_attained_age_starts_on_the_birthday():
    born = date(2020, 3, 10)
    assert not has_reached(born, years(4), date(2024, 3, 9))
    assert has_reached(born, years(4), date(2024, 3, 10))


@pytest.mark.parametrize(
    ("age", "text"),
    [(years(6), "6 y"), (months(18), "18 m"), (days(28), "28 days"), (Age(), "0 days")],
)
def test_ages_print_in_the_units_of_the_spec(age, text):
    assert str(age) == text
