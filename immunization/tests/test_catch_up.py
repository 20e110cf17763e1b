"""Catch-up (§3–§4) and the special cases of HepB (§4 HepB)."""

from datetime import date, timedelta

import pytest

from immunization.ages import months, years
from immunization.rules import ReceivedDose, forecast
from immunization.schedules import NIP_2021, NIP_2025

ONE_DAY = timedelta(days=1)


def doses(*pairs):
    return [ReceivedDose(vaccine, given_on) for vaccine, given_on in pairs]


def series(result, *vaccines):
    """(dose, status, earliest date) of the doses still to give, in order."""
    return [
        (d.dose, d.status, d.earliest_date)
        for d in result.doses
        if d.vaccine in vaccines and d.status not in ("given", "not_needed")
    ]


def not_needed(result, *vaccines):
    return [d.dose for d in result.doses if d.vaccine in vaccines and d.status == "not_needed"]


def after(day, age):
    return age.after(day)


# §4 Polio: < 4 y needs 3 doses, ≥ 4 y needs 4; IPV first, 2 IPV from the 2019-10-01 cohort.
def test_polio_under_4_needs_3_doses_before_the_4th_birthday():
    born, as_of = date(2021, 3, 1), date(2024, 2, 1)
    result = forecast(NIP_2021, born, as_of, [])
    before_4 = [d for d in series(result, "IPV", "bOPV") if d[2] < years(4).after(born)]
    assert before_4 == [
        ("IPV-1", "overdue", months(2).after(born)),
        ("IPV-2", "not_yet_due", as_of + timedelta(days=28)),
        ("bOPV-3", "not_yet_due", as_of + timedelta(days=56)),
    ]
    assert result.dose("bOPV-4").earliest_date == years(4).after(born)


def test_polio_from_4_needs_4_doses_28_days_apart():
    born, as_of = date(2020, 1, 10), date(2024, 6, 1)
    result = forecast(NIP_2021, born, as_of, [])
    assert [(d[0], d[2]) for d in series(result, "IPV", "bOPV")] == [
        ("IPV-1", months(2).after(born)),
        ("IPV-2", as_of + timedelta(days=28)),
        ("bOPV-3", as_of + timedelta(days=56)),
        ("bOPV-4", as_of + timedelta(days=84)),
    ]


@pytest.mark.parametrize(
    ("born", "products"),
    [
        (date(2019, 9, 30), ["IPV-1", "bOPV-2", "bOPV-3", "bOPV-4"]),
        (date(2019, 10, 1), ["IPV-1", "IPV-2", "bOPV-3", "bOPV-4"]),
    ],
)
def test_polio_ipv_share_depends_on_the_2019_10_01_cohort(born, products):
    result = forecast(NIP_2021, born, date(2024, 11, 1), [])
    assert [d[0] for d in series(result, "IPV", "bOPV")] == products


def test_polio_catch_up_gives_ipv_before_bopv_after_a_bopv_dose():
    born = date(2022, 1, 1)
    result = forecast(NIP_2021, born, date(2023, 1, 1), doses(("bOPV", date(2022, 6, 1))))
    assert [d[0] for d in series(result, "IPV", "bOPV")] == ["IPV-2", "IPV-3", "bOPV-4"]
    assert result.dose("bOPV-1").status == "given"


def test_four_ipv_doses_complete_polio_without_bopv():
    born = date(2020, 1, 1)
    history = doses(
        ("IPV", date(2020, 3, 1)),
        ("IPV", date(2020, 4, 1)),
        ("IPV", date(2020, 5, 1)),
        ("IPV", date(2024, 1, 1)),
    )
    result = forecast(NIP_2021, born, date(2024, 6, 1), history)
    assert [d.dose for d in result.doses if d.vaccine in ("IPV", "bOPV")] == [
        "IPV-1",
        "IPV-2",
        "IPV-3",
        "IPV-4",
    ]


def test_a_series_is_never_restarted():
    born = date(2022, 1, 1)
    result = forecast(NIP_2021, born, date(2024, 1, 1), doses(("HepB", born)))
    assert [d[0] for d in series(result, "HepB")] == ["HepB-2", "HepB-3"]
    assert result.dose("HepB-2").status == "overdue"


def test_extra_dose_after_a_complete_series_is_noted_not_counted():
    born = date(2020, 1, 1)
    history = doses(("HepA-L", date(2021, 7, 1)), ("HepA-L", date(2022, 7, 1)))
    result = forecast(NIP_2021, born, date(2023, 1, 1), history)
    assert any("HepA-L on 2022-07-01 is not counted" in note for note in result.notes)


# §4 DTaP/DT
def test_dtap_catch_up_under_6_keeps_28_days_and_6_months():
    born, as_of = date(2021, 1, 1), date(2024, 1, 1)
    result = forecast(NIP_2021, born, as_of, doses(("DTaP", date(2021, 4, 1))))
    assert [(d[0], d[2]) for d in series(result, "DTaP", "DT")] == [
        ("DTaP-2", months(4).after(born)),
        ("DTaP-3", as_of + timedelta(days=28)),
        ("DTaP-4", months(6).after(as_of + timedelta(days=28))),
        ("DT-1", years(6).after(born)),
    ]


B15 = date(2015, 1, 1)
AT_6, AT_7 = date(2021, 1, 1), date(2022, 3, 1)
DTAP_CASES = [
    # DTaP + DT < 3: bring the total to 3 with DT, 1 month then 6 months apart.
    (
        "no dose",
        [],
        [("DT-1", AT_6), ("DT-2", after(AT_7, months(1))), ("DT-3", after(AT_7, months(7)))],
    ),
    ("1 DTaP", [("DTaP", date(2015, 4, 1))], [("DT-1", AT_6), ("DT-2", after(AT_7, months(6)))]),
    ("2 DTaP", [("DTaP", date(2015, 4, 1)), ("DTaP", date(2015, 5, 1))], [("DT-1", AT_6)]),
    # ≥ 3 doses: a DT already given → done.
    (
        "2 DTaP + DT",
        [("DTaP", date(2015, 4, 1)), ("DTaP", date(2015, 5, 1)), ("DT", date(2021, 6, 1))],
        [],
    ),
    # Only 3 DTaP → 1 DT ≥ 6 months after DTaP d3.
    (
        "3 DTaP",
        [("DTaP", date(2015, 4, 1)), ("DTaP", date(2015, 5, 1)), ("DTaP", date(2021, 12, 1))],
        [("DT-1", date(2022, 6, 1))],
    ),
    # 4 DTaP and no DT by the 7th birthday → 1 DT ≥ 12 months after DTaP d4.
    (
        "4 DTaP",
        [
            ("DTaP", date(2015, 4, 1)),
            ("DTaP", date(2015, 5, 1)),
            ("DTaP", date(2015, 6, 1)),
            ("DTaP", date(2021, 9, 1)),
        ],
        [("DT-1", date(2022, 9, 1))],
    ),
]


@pytest.mark.parametrize(
    ("history", "expected"), [c[1:] for c in DTAP_CASES], ids=[c[0] for c in DTAP_CASES]
)
def test_dtap_dt_from_age_6_by_the_number_of_doses(history, expected):
    result = forecast(NIP_2021, B15, AT_7, doses(*history))
    assert [(d[0], d[2]) for d in series(result, "DTaP", "DT")] == expected
    assert series(result, "DTaP") == []


def test_dtap_doses_not_given_from_age_6_are_replaced_by_dt():
    result = forecast(NIP_2021, B15, AT_7, doses(("DTaP", date(2015, 4, 1))))
    assert not_needed(result, "DTaP") == ["DTaP-2", "DTaP-3", "DTaP-4"]


def test_dtap_due_before_6_that_falls_after_6_becomes_dt():
    born = date(2018, 7, 1)
    history = doses(("DTaP", date(2018, 10, 1)), ("DTaP", date(2018, 11, 1)))
    result = forecast(NIP_2021, born, date(2024, 6, 1), history)
    assert [(d[0], d[2]) for d in series(result, "DTaP", "DT")] == [
        ("DTaP-3", date(2018, 12, 1)),
        ("DT-1", date(2024, 12, 1)),
    ]


def test_from_12_years_dt_is_the_adult_product():
    result = forecast(NIP_2021, date(2010, 1, 1), date(2023, 1, 1), [])
    assert any("adult/adolescent DT" in note for note in result.notes)


def test_2025_gives_dtap_as_the_6_year_dose_before_7_and_dt_after():
    history = [
        ("DTaP", date(2015, 3, 1)),
        ("DTaP", date(2015, 5, 1)),
        ("DTaP", date(2015, 7, 1)),
        ("DTaP", date(2016, 7, 1)),
    ]
    at_6 = forecast(NIP_2025, B15, date(2021, 6, 1), doses(*history))
    at_8 = forecast(NIP_2025, B15, date(2023, 1, 1), doses(*history))
    assert (at_6.due_now.count("DTaP-5"), at_8.due_now.count("DT-1")) == (1, 1)
    assert any(note.startswith("NIP-2025") for note in at_6.notes)


# §4 MMR
@pytest.mark.parametrize(
    ("born", "has_cohort_note"),
    [(date(2019, 10, 1), False), (date(2019, 9, 30), True), (date(2006, 12, 31), True)],
)
def test_every_cohort_completes_2_mmr_doses(born, has_cohort_note):
    as_of = date(2024, 10, 1)
    result = forecast(NIP_2021, born, as_of, [])
    assert [(d[0], d[2]) for d in series(result, "MMR")] == [
        ("MMR-1", months(8).after(born)),
        ("MMR-2", as_of + timedelta(days=28)),
    ]
    assert any("measles-containing" in note for note in result.notes) == has_cohort_note


def test_mmr_at_7_months_does_not_count():
    born = date(2024, 1, 15)
    result = forecast(NIP_2021, born, date(2024, 9, 1), doses(("MMR", date(2024, 8, 20))))
    assert [d.vaccine for d in result.invalid_doses] == ["MMR"]
    assert any("outbreak dose" in note for note in result.notes)


def test_mmr_comes_first_when_several_are_due():
    result = forecast(NIP_2021, date(2022, 1, 1), date(2023, 1, 1), [])
    assert "If not all the due vaccines can be given, give MMR first (NIP21 §4 MMR)" in result.notes


# §4 BCG
PPD_NOTE = (
    "BCG: from age 3 m until age 4 y, give it only if the TB-PPD or BCG-PPD test is negative "
    "(NIP21 §4 BCG)"
)


@pytest.mark.parametrize(
    ("age", "status", "notes"),
    [
        (months(2), "due", []),
        (months(3), "due", [PPD_NOTE]),
        (months(47), "due", [PPD_NOTE]),
        (years(4), "not_needed", ["BCG: no catch-up from age 4 y (NIP21 §4 BCG)"]),
    ],
    ids=["2 m", "3 m", "3 y 11 m", "4 y"],
)
def test_bcg_catch_up_depends_on_age(age, status, notes):
    born = date(2022, 5, 10)
    result = forecast(NIP_2021, born, age.after(born), [])
    assert result.dose("BCG-1").status == status
    assert [note for note in result.notes if note.startswith("BCG")] == notes


def test_bcg_after_3_months_has_no_complete_before_date_as_it_waits_for_the_ppd_test():
    born = date(2022, 5, 10)
    assert forecast(NIP_2021, born, date(2022, 9, 1), []).dose("BCG-1").complete_before_date is None


# §4 Meningococcal
def test_under_24_months_completes_mpsv_a():
    born = date(2022, 1, 15)
    result = forecast(NIP_2021, born, date(2023, 6, 1), [])
    assert [(d[0], d[2]) for d in series(result, "MPSV-A")] == [
        ("MPSV-A-1", months(6).after(born)),
        ("MPSV-A-2", date(2023, 9, 1)),
    ]


def test_from_24_months_no_mpsv_a_but_mpsv_ac():
    born = date(2022, 1, 15)
    result = forecast(NIP_2021, born, months(24).after(born), doses(("MPSV-A", date(2022, 7, 15))))
    assert not_needed(result, "MPSV-A") == ["MPSV-A-2"]
    assert [(d[0], d[2]) for d in series(result, "MPSV-AC")] == [
        ("MPSV-AC-1", years(3).after(born)),
        ("MPSV-AC-2", years(6).after(born)),
    ]


def test_mpsv_a_that_would_fall_after_24_months_is_not_needed():
    born = date(2022, 1, 15)
    result = forecast(NIP_2021, born, date(2023, 12, 1), doses(("MPSV-A", date(2023, 11, 1))))
    assert not_needed(result, "MPSV-A") == ["MPSV-A-2"]


def test_mpsv_ac_waits_12_months_after_the_last_mpsv_a():
    born = date(2020, 1, 1)
    result = forecast(NIP_2021, born, date(2023, 1, 1), doses(("MPSV-A", date(2022, 6, 1))))
    assert result.dose("MPSV-AC-1").earliest_date == date(2023, 6, 1)


# §4 JE and HepA by product
def test_je_i_catch_up_is_4_doses_7_days_1_month_3_years():
    born, as_of = date(2020, 1, 1), date(2023, 1, 1)
    result = forecast(NIP_2021, born, as_of, [], je_product="JE-I")
    d2 = as_of + timedelta(days=7)
    assert [(d[0], d[2]) for d in series(result, "JE-I")] == [
        ("JE-I-1", months(8).after(born)),
        ("JE-I-2", d2),
        ("JE-I-3", months(1).after(d2)),
        ("JE-I-4", years(3).after(months(1).after(d2))),
    ]
    assert not_needed(result, "JE-L") == ["JE-L-1", "JE-L-2"]


def test_je_i_second_dose_past_10_days_is_given_without_restarting():
    born = date(2020, 1, 1)
    result = forecast(
        NIP_2021, born, date(2020, 11, 1), doses(("JE-I", date(2020, 10, 1))), je_product="JE-I"
    )
    assert result.dose("JE-I-2").status == "due"
    assert any("JE-I-2: more than 10 days since JE-I-1" in note for note in result.notes)


def test_je_l_catch_up_is_2_doses_12_months_apart():
    born, as_of = date(2019, 1, 1), date(2023, 1, 1)
    result = forecast(NIP_2021, born, as_of, [])
    assert [(d[0], d[2]) for d in series(result, "JE-L")][1] == ("JE-L-2", months(12).after(as_of))


def test_hepa_i_is_2_doses_6_months_apart():
    born, as_of = date(2020, 1, 1), date(2023, 1, 1)
    result = forecast(NIP_2021, born, as_of, [], hepa_product="HepA-I")
    assert [(d[0], d[2]) for d in series(result, "HepA-I")] == [
        ("HepA-I-1", months(18).after(born)),
        ("HepA-I-2", months(6).after(as_of)),
    ]
    assert not_needed(result, "HepA-L") == ["HepA-L-1"]


def test_hepa_l_catch_up_is_1_dose():
    result = forecast(NIP_2021, date(2020, 1, 1), date(2023, 1, 1), [])
    assert [d[0] for d in series(result, "HepA-L")] == ["HepA-L-1"]


def test_doses_of_the_product_not_chosen_are_listed_and_noted():
    born = date(2022, 1, 1)
    result = forecast(NIP_2021, born, date(2023, 1, 1), doses(("JE-I", date(2022, 9, 1))))
    assert result.dose("JE-I-1").status == "given"
    assert any("JE-I doses are recorded but JE-L is the chosen product" in n for n in result.notes)


# §3 under 18 only
def test_no_catch_up_from_18():
    born = date(2005, 1, 1)
    result = forecast(NIP_2021, born, date(2023, 1, 1), doses(("HepB", born)))
    assert result.due_now == ()
    assert {d.status for d in result.doses} == {"given", "not_needed"}
    assert any("only for children under 18 y" in note for note in result.notes)


def test_catch_up_continues_the_day_before_18():
    born = date(2005, 1, 1)
    result = forecast(NIP_2021, born, date(2022, 12, 31), doses(("HepB", born)))
    assert "HepB-2" in result.due_now


# §4 HepB and the mother's HBsAg
@pytest.mark.parametrize("mother", ["positive", "unknown"])
def test_small_baby_of_hbsag_positive_or_unknown_mother_gets_4_hepb_doses(mother):
    born = date(2024, 1, 15)
    result = forecast(NIP_2021, born, born, [], mother_hbsag=mother, birth_weight_g=1800)
    hepb = [(d.dose, d.recommended_date) for d in result.doses if d.vaccine == "HepB"]
    assert hepb == [
        ("HepB-1", born),
        ("HepB-2", months(1).after(born)),
        ("HepB-3", months(2).after(born)),
        ("HepB-4", months(7).after(born)),
    ]
    assert "HepB-1" in result.due_now


@pytest.mark.parametrize(
    ("mother", "weight"), [("negative", 1800), ("positive", 2000), ("positive", None)]
)
def test_other_babies_get_3_hepb_doses(mother, weight):
    born = date(2024, 1, 15)
    result = forecast(NIP_2021, born, born, [], mother_hbsag=mother, birth_weight_g=weight)
    assert [d.dose for d in result.doses if d.vaccine == "HepB"] == ["HepB-1", "HepB-2", "HepB-3"]


def test_hbsag_positive_mother_notes_12_hours_and_hbig():
    born = date(2024, 1, 15)
    notes = forecast(NIP_2021, born, born, [], mother_hbsag="positive").notes
    assert (
        "Mother HBsAg-positive: HepB-1 within 12 hours of birth, and HBIG (NIP21 §4 HepB)" in notes
    )


def test_unknown_hbsag_notes_12_hours_without_hbig():
    notes = forecast(
        NIP_2021, date(2024, 1, 15), date(2024, 1, 15), [], mother_hbsag="unknown"
    ).notes
    assert any("within 12 hours" in n for n in notes)
    assert not any("HBIG" in n for n in notes)


def test_low_birth_weight_is_vaccinated_by_actual_age():
    born = date(2024, 1, 15)
    result = forecast(
        NIP_2021,
        born,
        months(2).after(born),
        doses(("HepB", born), ("BCG", born), ("HepB", months(1).after(born))),
        birth_weight_g=2300,
    )
    assert set(result.due_now) == {"IPV-1"}
    assert any("actual, not corrected, age" in n for n in result.notes)


def test_hepb_birth_dose_missed_is_given_as_soon_as_possible():
    born = date(2024, 1, 15)
    result = forecast(NIP_2021, born, born + timedelta(days=3), [])
    assert result.dose("HepB-1").status == "overdue"
    assert result.dose("HepB-2").earliest_date == months(1).after(born)
