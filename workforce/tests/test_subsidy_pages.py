"""HR-9 page, export and API: village doctors in scope, per-clinic funds, the 800 floor."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from accounts.models import AuditEntry
from jiceng.testing import StaffFactory
from workforce import queries
from workforce.models import Staff
from workforce.subsidies import rates_from_parameters

PARAMETERS = {
    "subsidy.public_health_per_person_year": 35,
    "subsidy.essential_drug_per_person_year": 10,
    "subsidy.post_per_month": 300,
    "subsidy.consultation_fee_per_visit": 9,
    "subsidy.population_floor": 800,
    "subsidy.graduate_post_allowance_per_month": 200,
    "subsidy.integrated_clinic_operating_per_year": 10000,
}


@pytest.fixture
def rates(monkeypatch):
    monkeypatch.setattr(queries, "county_subsidy_rates", lambda: rates_from_parameters(PARAMETERS))


@pytest.fixture
def populations(county, staff):
    """Village A: 500 people and one doctor; village C: 3,000 people and two doctors (one a
    graduate village doctor)."""
    county.village_a.population = 500
    county.village_a.save()
    county.village_c.population = 3000
    county.village_c.save()
    staff["c"].hire_route = "graduate"
    staff["c"].save()
    StaffFactory(
        name="丙村二医",
        code="C002",
        institution=county.clinic_c,
        profession=Staff.Profession.RURAL_GP_ASSISTANT,
    )
    StaffFactory(name="丙村护士", institution=county.clinic_c, profession=Staff.Profession.NURSE)


def test_breakdown_for_the_county(county, populations, county_officer, signed_in, rates):
    response = signed_in(county_officer).get(reverse("workforce:subsidies"))
    assert response.status_code == 200
    result = response.context["breakdown"]
    doctors = {d.doctor.name: d for d in result.doctors}
    assert sorted(doctors) == ["丙村二医", "丙村医", "甲村医"]  # the nurse is not a village doctor
    assert doctors["甲村医"].subsidised_population == Decimal(800)
    assert doctors["甲村医"].line("public_health").amount == Decimal("28000.00")
    assert doctors["丙村医"].subsidised_population == Decimal(1500)
    assert doctors["丙村医"].line("graduate_allowance").amount == Decimal("2400.00")
    assert doctors["丙村二医"].line("graduate_allowance").amount == Decimal("0.00")
    assert [(c.clinic.name, c.doctors, c.operating_funds) for c in result.clinics] == [
        ("甲村卫生室", 1, Decimal("10000.00")),
        ("丙村卫生室", 2, Decimal("10000.00")),
    ]
    body = response.content.decode()
    assert "SXI-24" in body
    assert "WD-8" in body
    assert "WD-10" in body
    assert "诊疗人次尚未登记" in body
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.object_type) == ("list", "workforce.staff")


def test_village_doctor_sees_only_their_clinic(
    county, populations, village_doctor, signed_in, rates
):
    response = signed_in(village_doctor).get(reverse("workforce:subsidies"))
    result = response.context["breakdown"]
    assert [d.doctor.name for d in result.doctors] == ["甲村医"]
    assert [c.clinic.name for c in result.clinics] == ["甲村卫生室"]
    assert "丙村" not in response.content.decode()


def test_export_has_the_lines_totals_and_clinics(
    county, populations, township_doctor, signed_in, rates
):
    response = signed_in(township_doctor).get(reverse("workforce:subsidies_export"))
    assert response.status_code == 200
    rows = list(
        openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
    )
    assert rows[0][:4] == ("乡村医生", "村卫生室", "服务人口", "核定补助人口")
    assert rows[1][:4] == ("甲村医", "甲村卫生室", 500, 800)
    assert rows[1][4:8] == (28000, 8000, 3600, 0)
    assert "诊疗人次尚未登记" in rows[1][8]
    assert rows[1][9] == 39600
    assert rows[2][0] == "合计"
    assert rows[2][9] == 39600
    assert rows[3][:3] == ("村卫生室运行保障经费（WD-10）", "甲村卫生室", 500)
    assert rows[3][9] == 10000
    assert AuditEntry.objects.get().action == "export"


def test_missing_parameters_are_said_not_guessed(
    county, staff, county_officer, signed_in, monkeypatch
):
    def missing():
        raise queries.SubsidyParametersError(
            "the county's policy pack does not set subsidy.post_per_month"
        )

    monkeypatch.setattr(queries, "county_subsidy_rates", missing)
    response = signed_in(county_officer).get(reverse("workforce:subsidies"))
    assert response.status_code == 200
    assert "subsidy.post_per_month" in response.content.decode()
    assert "breakdown" not in response.context


def test_rates_come_from_the_county_policy_pack(county):
    packs = pytest.importorskip("supervision.packs")
    expected = rates_from_parameters(packs.county_parameters())
    assert queries.county_subsidy_rates() == expected
