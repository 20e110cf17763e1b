"""HR-9: village doctor subsidies with the SXI-24 800-person floor and the WD-8 allowance."""

from decimal import Decimal

import pytest

from workforce.subsidies import (
    ClinicIn,
    DoctorIn,
    SubsidyRates,
    breakdown,
    rates_from_parameters,
)

SHANXI_LIKE = {
    "subsidy.public_health_per_person_year": 35,
    "subsidy.essential_drug_per_person_year": 10,
    "subsidy.post_per_month": 300,
    "subsidy.consultation_fee_per_visit": 9,
    "subsidy.population_floor": 800,
    "subsidy.graduate_post_allowance_per_month": 200,
    "subsidy.integrated_clinic_operating_per_year": 10000,
}


def rates(**changes) -> SubsidyRates:
    return rates_from_parameters({**SHANXI_LIKE, **changes})


def test_rates_are_read_from_the_dotted_keys():
    read = rates_from_parameters({**SHANXI_LIKE, "subsidy.post_per_month": 312.5})
    assert read == SubsidyRates(
        public_health_per_person_year=Decimal(35),
        essential_drug_per_person_year=Decimal(10),
        post_per_month=Decimal("312.5"),
        consultation_fee_per_visit=Decimal(9),
        population_floor=800,
        graduate_post_allowance_per_month=Decimal(200),
        integrated_clinic_operating_per_year=Decimal(10000),
    )


@pytest.mark.parametrize("key", sorted(SHANXI_LIKE))
def test_a_missing_key_is_named(key):
    params = dict(SHANXI_LIKE)
    del params[key]
    with pytest.raises(KeyError) as raised:
        rates_from_parameters(params)
    assert raised.value.args == (key,)


@pytest.mark.parametrize("value", ["many", True, None, -1, [1]])
def test_a_value_that_is_not_a_number_is_refused(value):
    with pytest.raises(ValueError, match=r"subsidy\.post_per_month"):
        rates_from_parameters({**SHANXI_LIKE, "subsidy.post_per_month": value})


def test_a_clinic_of_500_people_with_one_doctor_is_paid_as_800():
    """SXI-24: below 800 people, subsidise as 800."""
    clinic = ClinicIn(1, "甲村卫生室", population=500, integrated=True)
    result = breakdown([DoctorIn(10, "甲", 1, "open")], [clinic], rates())
    [doctor] = result.doctors
    assert doctor.service_population == Decimal(500)
    assert doctor.subsidised_population == Decimal(800)
    assert doctor.floor_applied
    assert doctor.line("public_health").amount == Decimal("28000.00")  # 35 × 800
    assert doctor.line("essential_drug").amount == Decimal("8000.00")  # 10 × 800
    assert doctor.line("post").amount == Decimal("3600.00")  # 12 × 300
    assert doctor.line("public_health").citation == ("SXI-24", "SXM-36")


def test_two_doctors_serving_3000_get_1500_each():
    clinic = ClinicIn(1, "大村卫生室", population=3000, integrated=False)
    doctors = [DoctorIn(10, "甲", 1, "open"), DoctorIn(11, "乙", 1, "open")]
    result = breakdown(doctors, [clinic], rates())
    assert [d.subsidised_population for d in result.doctors] == [Decimal(1500), Decimal(1500)]
    assert [d.floor_applied for d in result.doctors] == [False, False]
    assert [d.line("public_health").amount for d in result.doctors] == [Decimal("52500.00")] * 2
    assert result.totals["public_health"] == Decimal("105000.00")


def test_without_a_floor_the_service_population_counts():
    """Wendeng's pack has no floor (0)."""
    clinic = ClinicIn(1, "小村卫生室", population=500, integrated=True)
    result = breakdown(
        [DoctorIn(10, "甲", 1, "open")], [clinic], rates(**{"subsidy.population_floor": 0})
    )
    assert result.doctors[0].subsidised_population == Decimal(500)
    assert result.doctors[0].line("public_health").amount == Decimal("17500.00")


@pytest.mark.parametrize(
    ("hire_route", "allowance"),
    [
        ("graduate", Decimal("2400.00")),
        ("town_village", Decimal("2400.00")),
        ("township_village", Decimal("0.00")),
        ("open", Decimal("0.00")),
        ("directed", Decimal("0.00")),
    ],
)
def test_wd8_allowance_only_for_graduate_and_town_village_hires(hire_route, allowance):
    clinic = ClinicIn(1, "甲村卫生室", population=1000, integrated=True)
    result = breakdown([DoctorIn(10, "甲", 1, hire_route)], [clinic], rates())
    line = result.doctors[0].line("graduate_allowance")
    assert line.amount == allowance
    assert line.citation == ("WD-8",)


def test_consultation_fees_are_not_invented():
    clinic = ClinicIn(1, "甲村卫生室", population=1000, integrated=True)
    result = breakdown([DoctorIn(10, "甲", 1, "open")], [clinic], rates())
    doctor = result.doctors[0]
    fee = doctor.line("consultation_fee")
    assert (fee.rate, fee.amount) == (Decimal(9), None)
    assert doctor.total == Decimal("35000.00") + Decimal("10000.00") + Decimal("3600.00")


def test_operating_funds_are_per_integrated_clinic_not_per_doctor():
    clinics = [
        ClinicIn(1, "甲", population=3000, integrated=True),
        ClinicIn(2, "乙", population=900, integrated=False),
        ClinicIn(3, "丙", population=400, integrated=True),
    ]
    doctors = [DoctorIn(10, "a", 1, "open"), DoctorIn(11, "b", 1, "open")]
    result = breakdown(doctors, clinics, rates())
    assert [(c.clinic.clinic_id, c.doctors, c.operating_funds) for c in result.clinics] == [
        (1, 2, Decimal("10000.00")),
        (2, 0, Decimal("0.00")),
        (3, 0, Decimal("10000.00")),
    ]
    assert result.clinic_total == Decimal("20000.00")
    assert result.grand_total == result.doctor_total + Decimal("20000.00")


def test_a_third_of_a_population_is_rounded_to_cents():
    clinic = ClinicIn(1, "甲", population=2600, integrated=True)
    doctors = [DoctorIn(i, str(i), 1, "open") for i in range(3)]
    result = breakdown(doctors, [clinic], rates())
    assert result.doctors[0].service_population == Decimal("866.67")
    assert result.doctors[0].line("essential_drug").amount == Decimal("8666.70")
