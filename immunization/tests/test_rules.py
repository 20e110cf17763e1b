"""The forecast for children on time (§1), minimum intervals (§2) and complete-before ages."""

from datetime import date, timedelta

import pytest

from immunization.ages import days, months, years
from immunization.rules import ReceivedDose, forecast
from immunization.schedules import NIP_2021, NIP_2025
from immunization.tests.spec_tables import LIVE_PRODUCTS, ROUTINE_2021, ROUTINE_2025

BORN = date(2024, 1, 15)
ONE_DAY = timedelta(days=1)


def doses(*pairs):
    return [ReceivedDose(vaccine, given_on) for vaccine, given_on in pairs]


def on_time_table(table, products):
    """Dose name and age for a child given exactly the chosen products on time."""
    rows = [(v, n, age) for v, n, age, _ in table if v not in ("JE-I", "HepA-I", "JE-L", "HepA-L")]
    rows += [(v, n, age) for v, n, age, _ in table if v in products]
    return [(f"{vaccine}-{number}", vaccine, age) for vaccine, number, age in rows]


def on_time_history(table, before, products=LIVE_PRODUCTS):
    return doses(
        *(
            (vaccine, age.after(BORN))
            for _, vaccine, age in on_time_table(table, products)
            if age.after(BORN) < before
        )
    )


def ages_in(table):
    return sorted({age for *_, age, _ in table}, key=lambda age: age.after(BORN))


@pytest.mark.parametrize("age", ages_in(ROUTINE_2021), ids=str)
def test_child_on_time_has_exactly_the_doses_of_that_age_due(age):
    as_of = age.after(BORN)
    result = forecast(NIP_2021, BORN, as_of, on_time_history(ROUTINE_2021, as_of))
    expected = {
        name for name, _, dose_age in on_time_table(ROUTINE_2021, LIVE_PRODUCTS) if dose_age == age
    }
    assert set(result.due_now) == expected
    assert result.invalid_doses == ()


@pytest.mark.parametrize("age", ages_in(ROUTINE_2025), ids=str)
def test_child_on_time_under_2025_has_exactly_the_doses_of_that_age_due(age):
    as_of = age.after(BORN)
    result = forecast(NIP_2025, BORN, as_of, on_time_history(ROUTINE_2025, as_of))
    expected = {
        name for name, _, dose_age in on_time_table(ROUTINE_2025, LIVE_PRODUCTS) if dose_age == age
    }
    assert set(result.due_now) == expected


@pytest.mark.parametrize("age", ages_in(ROUTINE_2021)[1:], ids=str)
def test_child_on_time_has_nothing_due_the_day_before(age):
    as_of = age.after(BORN) - ONE_DAY
    result = forecast(NIP_2021, BORN, as_of, on_time_history(ROUTINE_2021, as_of))
    assert result.due_now == ()


@pytest.mark.parametrize(("name", "vaccine", "age"), on_time_table(ROUTINE_2021, LIVE_PRODUCTS))
def test_newborn_forecast_recommends_each_dose_at_its_age(name, vaccine, age):
    dose = forecast(NIP_2021, BORN, BORN, []).dose(name)
    assert (dose.vaccine, dose.recommended_date) == (vaccine, age.after(BORN))


def test_inactivated_products_follow_their_own_ages():
    result = forecast(NIP_2021, BORN, BORN, [], je_product="JE-I", hepa_product="HepA-I")
    recommended = {
        d.dose: d.recommended_date for d in result.doses if d.vaccine in ("JE-I", "HepA-I")
    }
    assert recommended == {
        "JE-I-1": months(8).after(BORN),
        "JE-I-2": months(8).after(BORN) + timedelta(days=7),
        "JE-I-3": years(2).after(BORN),
        "JE-I-4": years(6).after(BORN),
        "HepA-I-1": months(18).after(BORN),
        "HepA-I-2": years(2).after(BORN),
    }


def test_products_not_chosen_are_not_needed():
    result = forecast(NIP_2021, BORN, BORN, [])
    statuses = {d.dose: d.status for d in result.doses if d.vaccine in ("JE-I", "HepA-I")}
    assert set(statuses) == {"JE-I-1", "JE-I-2", "JE-I-3", "JE-I-4", "HepA-I-1", "HepA-I-2"}
    assert set(statuses.values()) == {"not_needed"}


# §2: earlier doses, which one the interval counts from, the dose tested, the minimum interval.
B22, B20, B15 = date(2022, 1, 1), date(2020, 1, 1), date(2015, 1, 1)
INTERVAL_CASES = [
    ("HepB d1→d2", date(2024, 1, 1), [("HepB", date(2024, 3, 1))], 0, "HepB", days(28), {}),
    (
        "HepB d2→d3",
        date(2024, 1, 1),
        [("HepB", date(2024, 1, 1)), ("HepB", date(2024, 6, 1))],
        1,
        "HepB",
        days(60),
        {},
    ),
    (
        "HepB d1→d3 (U)",
        date(2024, 1, 1),
        [("HepB", date(2024, 5, 1)), ("HepB", date(2024, 5, 29))],
        0,
        "HepB",
        months(4),
        {},
    ),
    ("polio IPV-1→IPV-2", date(2024, 1, 1), [("IPV", date(2024, 4, 1))], 0, "IPV", days(28), {}),
    (
        "polio IPV-2→bOPV-3",
        date(2024, 1, 1),
        [("IPV", date(2024, 4, 1)), ("IPV", date(2024, 5, 1))],
        1,
        "bOPV",
        days(28),
        {},
    ),
    (
        "polio bOPV-3→bOPV-4",
        B20,
        [("IPV", date(2020, 3, 1)), ("IPV", date(2020, 4, 1)), ("bOPV", date(2024, 1, 1))],
        2,
        "bOPV",
        days(28),
        {},
    ),
    ("DTaP d1→d2", date(2024, 1, 1), [("DTaP", date(2024, 5, 1))], 0, "DTaP", days(28), {}),
    (
        "DTaP d2→d3",
        date(2024, 1, 1),
        [("DTaP", date(2024, 5, 1)), ("DTaP", date(2024, 6, 1))],
        1,
        "DTaP",
        days(28),
        {},
    ),
    (
        "DTaP d3→d4",
        date(2024, 1, 1),
        [("DTaP", date(2024, 4, 1)), ("DTaP", date(2024, 5, 1)), ("DTaP", date(2025, 2, 1))],
        2,
        "DTaP",
        months(6),
        {},
    ),
    ("MMR d1→d2", B22, [("MMR", date(2024, 1, 1))], 0, "MMR", days(28), {}),
    ("JE-L d1→d2", B22, [("JE-L", date(2023, 3, 1))], 0, "JE-L", months(12), {}),
    ("JE-I d1→d2", B22, [("JE-I", date(2022, 9, 1))], 0, "JE-I", days(7), {"je_product": "JE-I"}),
    (
        "JE-I d2→d3",
        B22,
        [("JE-I", date(2024, 1, 1)), ("JE-I", date(2024, 1, 8))],
        1,
        "JE-I",
        months(1),
        {"je_product": "JE-I"},
    ),
    (
        "JE-I d3→d4",
        B22,
        [("JE-I", date(2022, 9, 1)), ("JE-I", date(2022, 9, 8)), ("JE-I", date(2025, 3, 1))],
        2,
        "JE-I",
        years(3),
        {"je_product": "JE-I"},
    ),
    ("MPSV-A d1→d2", date(2024, 1, 1), [("MPSV-A", date(2024, 8, 1))], 0, "MPSV-A", months(3), {}),
    (
        "last MPSV-A→MPSV-AC d1",
        B20,
        [("MPSV-A", date(2020, 7, 1)), ("MPSV-A", date(2022, 12, 1))],
        1,
        "MPSV-AC",
        months(12),
        {},
    ),
    ("MPSV-AC d1→d2", B15, [("MPSV-AC", date(2018, 6, 1))], 0, "MPSV-AC", years(3), {}),
    (
        "HepA-I d1→d2",
        B22,
        [("HepA-I", date(2024, 1, 1))],
        0,
        "HepA-I",
        months(6),
        {"hepa_product": "HepA-I"},
    ),
    ("DT ≥ 6 y d1→d2", B15, [("DT", date(2022, 1, 1))], 0, "DT", months(1), {}),
    (
        "DT ≥ 6 y d2→d3",
        B15,
        [("DT", date(2022, 1, 1)), ("DT", date(2022, 2, 1))],
        1,
        "DT",
        months(6),
        {},
    ),
    (
        "3 DTaP → DT",
        B15,
        [("DTaP", date(2015, 4, 1)), ("DTaP", date(2015, 5, 1)), ("DTaP", date(2022, 1, 1))],
        2,
        "DT",
        months(6),
        {},
    ),
    (
        "4 DTaP → DT",
        B15,
        [
            ("DTaP", date(2015, 4, 1)),
            ("DTaP", date(2015, 5, 1)),
            ("DTaP", date(2015, 6, 1)),
            ("DTaP", date(2021, 6, 1)),
        ],
        3,
        "DT",
        months(12),
        {},
    ),
    ("live injectables", B22, [("MMR", date(2022, 9, 1))], 0, "JE-L", days(28), {}),
]


def interval_case(case, shift):
    _, born, earlier, anchor, tested, minimum, products = case
    given_on = minimum.after(earlier[anchor][1]) + shift
    result = forecast(NIP_2021, born, given_on, doses(*earlier, (tested, given_on)), **products)
    return result, tested, given_on, minimum


@pytest.mark.parametrize("case", INTERVAL_CASES, ids=[case[0] for case in INTERVAL_CASES])
def test_dose_one_day_before_the_minimum_interval_is_invalid(case):
    result, tested, given_on, minimum = interval_case(case, -ONE_DAY)
    [invalid] = result.invalid_doses
    assert (invalid.vaccine, invalid.given_on) == (tested, given_on)
    assert f"less than {minimum}" in invalid.reason
    assert "repeat the dose" in invalid.reason


@pytest.mark.parametrize("case", INTERVAL_CASES, ids=[case[0] for case in INTERVAL_CASES])
def test_dose_on_the_minimum_interval_counts(case):
    result, tested, given_on, _ = interval_case(case, timedelta(0))
    assert result.invalid_doses == ()
    assert any(d.vaccine == tested and d.given_on == given_on for d in result.doses)


def test_switching_off_the_unverified_hepb_interval_accepts_the_earlier_dose():
    earlier = [("HepB", date(2024, 5, 1)), ("HepB", date(2024, 5, 29))]
    given_on = date(2024, 5, 29) + timedelta(days=60)
    history = doses(*earlier, ("HepB", given_on))
    born = date(2024, 1, 1)
    assert forecast(NIP_2021, born, given_on, history).invalid_doses != ()
    schedule = NIP_2021.with_switched_off("hepb_d1_to_d3_4_months")
    assert forecast(schedule, born, given_on, history).dose("HepB-3").status == "given"


COMPLETE_BEFORE = [row for row in ROUTINE_2021 if row[3] is not None and row[0] != "BCG"]
SERIES = {"IPV": "polio", "bOPV": "polio", "DTaP": "DTaP", "DT": "DTaP"}


def history_before(vaccine, number):
    """The earlier doses of the series on their ages (JE-I-2 a week after JE-I-1)."""
    series = SERIES.get(vaccine, vaccine)
    earlier: list[tuple[str, date]] = []
    for v, n, age, _ in ROUTINE_2021:
        if SERIES.get(v, v) != series:
            continue
        if (v, n) == (vaccine, number):
            return earlier
        earlier.append((v, age.after(BORN) + timedelta(days=7 if (v, n) == ("JE-I", 2) else 0)))
    raise AssertionError(vaccine)


def product_choice(vaccine):
    return {
        "je_product": "JE-I" if vaccine == "JE-I" else "JE-L",
        "hepa_product": "HepA-I" if vaccine == "HepA-I" else "HepA-L",
    }


@pytest.mark.parametrize(
    ("vaccine", "number", "age"), [(v, n, a) for v, n, a, _ in ROUTINE_2021 if a.months > 0]
)
def test_dose_a_day_before_its_minimum_age_is_invalid(vaccine, number, age):
    given_on = age.after(BORN) - ONE_DAY
    history = doses(*history_before(vaccine, number), (vaccine, given_on))
    result = forecast(NIP_2021, BORN, age.after(BORN), history, **product_choice(vaccine))
    [invalid] = [d for d in result.invalid_doses if d.given_on == given_on]
    assert invalid.vaccine == vaccine
    assert invalid.reason.startswith(f"given before the minimum age of {age}")


@pytest.mark.parametrize(("vaccine", "number", "age", "complete_before"), COMPLETE_BEFORE)
def test_missing_dose_is_overdue_from_its_complete_before_age(
    vaccine, number, age, complete_before
):
    history = doses(*history_before(vaccine, number))
    products = product_choice(vaccine)
    deadline = complete_before.after(BORN)
    name = f"{vaccine}-{number}"
    before = forecast(NIP_2021, BORN, deadline - ONE_DAY, history, **products).dose(name)
    after = forecast(NIP_2021, BORN, deadline, history, **products).dose(name)
    assert (before.status, after.status) == ("due", "overdue")
    assert after.complete_before_date == deadline


def test_first_doses_inherit_the_complete_before_of_a_later_dose():
    result = forecast(NIP_2021, BORN, months(12).after(BORN), [])
    assert result.dose("DTaP-1").complete_before_date == months(12).after(BORN)
    assert result.dose("DTaP-1").status == "overdue"


def test_two_live_injectables_the_same_day_are_both_valid():
    given_on = months(8).after(BORN)
    result = forecast(NIP_2021, BORN, given_on, doses(("MMR", given_on), ("JE-L", given_on)))
    assert result.invalid_doses == ()


def test_later_of_two_live_injectables_27_days_apart_does_not_count():
    mmr_on = months(8).after(BORN)
    result = forecast(
        NIP_2021,
        BORN,
        mmr_on + timedelta(days=30),
        doses(("JE-L", mmr_on + timedelta(days=27)), ("MMR", mmr_on)),
    )
    assert [(d.vaccine, d.given_on) for d in result.invalid_doses] == [
        ("JE-L", mmr_on + timedelta(days=27))
    ]
    assert result.dose("JE-L-1").status == "due"
    assert result.dose("JE-L-1").earliest_date == mmr_on + timedelta(days=28)


def test_next_live_injectable_waits_28_days_after_another():
    mmr_on = months(9).after(BORN)
    result = forecast(NIP_2021, BORN, mmr_on + ONE_DAY, doses(("MMR", mmr_on)))
    assert result.dose("JE-L-1").status == "not_yet_due"
    assert result.dose("JE-L-1").earliest_date == mmr_on + timedelta(days=28)


def test_bopv_and_inactivated_vaccines_need_no_spacing_from_live_ones():
    mmr_on = months(8).after(BORN)
    history = doses(*((v, d) for v, d in [("MMR", mmr_on), ("MPSV-A", mmr_on + ONE_DAY)]))
    assert forecast(NIP_2021, BORN, mmr_on + ONE_DAY, history).invalid_doses == ()


def test_2021_and_2025_differ_on_dtap_at_2_months():
    as_of = months(2).after(BORN)
    statuses = [
        forecast(schedule, BORN, as_of, on_time_history(table, as_of)).dose("DTaP-1").status
        for schedule, table in ((NIP_2021, ROUTINE_2021), (NIP_2025, ROUTINE_2025))
    ]
    assert statuses == ["not_yet_due", "due"]


def test_2021_and_2025_differ_on_the_6_year_dose():
    as_of = years(6).after(BORN)
    due = [
        forecast(schedule, BORN, as_of, on_time_history(table, as_of)).due_now
        for schedule, table in ((NIP_2021, ROUTINE_2021), (NIP_2025, ROUTINE_2025))
    ]
    assert due == [("DT-1", "MPSV-AC-2"), ("DTaP-5", "MPSV-AC-2")]


def test_forecast_names_its_schedule_version():
    assert forecast(NIP_2025, BORN, BORN, []).schedule == "NIP-2025"
