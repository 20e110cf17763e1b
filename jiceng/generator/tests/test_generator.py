"""The synthetic county: generated once per module at size small, checked against its own rules."""

import json
from collections import Counter, defaultdict
from datetime import date

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db.models import Count, F, Q
from django.test import RequestFactory, override_settings

from accounts import audit
from accounts.models import AuditEntry, Role, User
from divisions.models import Division
from institutions.models import Institution
from jiceng.dates import age_on, years_before
from jiceng.generator import census, gaps
from jiceng.generator.county import DEFAULT_COUNTY, GenerationResult, generate_county
from jiceng.generator.demo_users import DEMO_PASSWORD
from jiceng.generator.layout import SMALL_VILLAGE_LIMIT, Size
from jiceng.generator.source import GenerationError, county_codes
from jiceng.generator.storage import clear_generated_county
from residents.models import Household, Resident
from residents.rules import parse_citizen_id
from workforce.models import Staff

AS_OF = date(2026, 3, 1)
SEED = 7
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]
GAP_DIVISIONS_WITHOUT_CLINIC = {
    gaps.THC_SEAT_WITHOUT_CLINIC,
    gaps.SMALL_VILLAGE_SERVED_BY_NEIGHBOUR,
    gaps.VILLAGE_WITHOUT_SERVICE,
    gaps.SHARED_CENTRAL_CLINIC,
}


@pytest.fixture(scope="module")
def small_county(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHER):
        result = generate_county(size=Size.SMALL, seed=SEED, as_of=AS_OF)
    yield result
    with django_db_blocker.unblock():
        clear_generated_county()


def _people() -> list[tuple[str, str, str]]:
    return list(Resident.objects.order_by("id").values_list("name", "citizen_id", "village__code"))


def _gaps_of(result: GenerationResult, kind: str) -> list[gaps.DeliberateGap]:
    return [gap for gap in result.gaps if gap["kind"] == kind]


def test_small_county_has_about_five_thousand_residents(db, small_county):
    assert 4_800 <= Resident.objects.count() <= 5_200
    assert small_county.residents == Resident.objects.count()


def test_every_citizen_id_is_valid_and_agrees_with_birth_date_and_sex(db, small_county):
    addresses: Counter[str] = Counter()
    for citizen_id, birth_date, sex in Resident.objects.values_list(
        "citizen_id", "birth_date", "sex"
    ):
        parsed = parse_citizen_id(citizen_id, today=AS_OF)
        assert parsed.valid, (citizen_id, parsed.errors)
        assert (parsed.birth_date, parsed.sex) == (birth_date, sex)
        assert parsed.address_code is not None
        addresses[parsed.address_code] += 1
    local_share = addresses[DEFAULT_COUNTY] / sum(addresses.values())
    assert 0.88 <= local_share <= 0.96
    assert set(addresses) <= set(county_codes())
    assert all(code.startswith("14") for code in addresses)


def test_same_seed_gives_same_people_and_another_seed_differs(db, small_county):
    first = _people()
    generate_county(size=Size.SMALL, seed=SEED, as_of=AS_OF, with_demo_users=False)
    assert _people() == first
    generate_county(size=Size.SMALL, seed=SEED + 1, as_of=AS_OF, with_demo_users=False)
    assert _people() != first


def test_regenerating_leaves_the_audit_log_alone(db, small_county):
    audit.record(None, AuditEntry.Action.READ, "residents.resident", 1, purpose="test")
    before = list(AuditEntry.objects.values_list("entry_hash", flat=True))
    generate_county(size=Size.SMALL, seed=SEED, as_of=AS_OF, with_demo_users=False)
    assert list(AuditEntry.objects.values_list("entry_hash", flat=True)) == before


def test_every_gap_kind_is_present(db, small_county):
    kinds = Counter(gap["kind"] for gap in small_county.gaps)
    assert set(kinds) == set(gaps.GAP_KINDS.values())
    assert kinds[gaps.VILLAGE_WITHOUT_SERVICE] == 2
    assert kinds[gaps.STREET_WITHOUT_CHSC] == 1
    assert kinds[gaps.SHARED_CENTRAL_CLINIC] == 1
    assert 2 <= kinds[gaps.SMALL_VILLAGE_SERVED_BY_NEIGHBOUR] <= 3
    assert kinds[gaps.THC_SEAT_WITHOUT_CLINIC] == Institution.objects.filter(type="thc").count()


def test_gaps_follow_the_module_level_plan(db, small_county):
    plan = gaps.GAP_PLANS[DEFAULT_COUNTY]
    recorded = {(gap["kind"], gap["division_code"]) for gap in small_county.gaps}
    assert (gaps.STREET_WITHOUT_CHSC, plan.street_without_chsc) in recorded
    for village in plan.villages_without_service:
        assert (gaps.VILLAGE_WITHOUT_SERVICE, village) in recorded
    for village, _ in plan.small_villages:
        assert (gaps.SMALL_VILLAGE_SERVED_BY_NEIGHBOUR, village) in recorded
    assert plan.central_clinic is not None
    assert (gaps.SHARED_CENTRAL_CLINIC, plan.central_clinic[1]) in recorded


def test_villages_without_a_clinic_are_exactly_the_recorded_ones(db, small_county):
    with_clinic = set(
        Institution.objects.filter(type=Institution.Type.VILLAGE_CLINIC).values_list(
            "division__code", flat=True
        )
    )
    villages = Division.objects.filter(kind=Division.Kind.VILLAGE)
    without = {code for code in villages.values_list("code", flat=True) if code not in with_clinic}
    recorded = {
        gap["division_code"]
        for gap in small_county.gaps
        if gap["kind"] in GAP_DIVISIONS_WITHOUT_CLINIC
    }
    assert without == recorded


def test_streets_without_a_chsc_are_exactly_the_recorded_ones(db, small_county):
    served = set(
        Institution.objects.filter(type=Institution.Type.CHSC).values_list(
            "served_divisions__code", flat=True
        )
    )
    streets = Division.objects.filter(kind=Division.Kind.STREET).values_list("code", flat=True)
    recorded = {gap["division_code"] for gap in _gaps_of(small_county, gaps.STREET_WITHOUT_CHSC)}
    assert {code for code in streets if code not in served} == recorded


def test_thc_seats_are_served_by_their_thc(db, small_county):
    for gap in _gaps_of(small_county, gaps.THC_SEAT_WITHOUT_CLINIC):
        centre = Institution.objects.get(code=gap["served_by"])
        assert centre.type == Institution.Type.THC
        assert centre.division.code == gap["division_code"]
        assert list(centre.served_divisions.all()) == [centre.division.parent]


def test_small_villages_are_served_by_a_neighbours_clinic(db, small_county):
    for gap in _gaps_of(small_county, gaps.SMALL_VILLAGE_SERVED_BY_NEIGHBOUR):
        village = Division.objects.get(code=gap["division_code"])
        clinic = Institution.objects.get(code=gap["served_by"])
        assert village.population < SMALL_VILLAGE_LIMIT
        assert clinic.type == Institution.Type.VILLAGE_CLINIC
        assert clinic.division.parent_id == village.parent_id
        assert set(clinic.served_divisions.all()) == {clinic.division, village}


def test_unserved_villages_have_nobody_listing_them(db, small_county):
    for gap in _gaps_of(small_county, gaps.VILLAGE_WITHOUT_SERVICE):
        village = Division.objects.get(code=gap["division_code"])
        assert gap["served_by"] is None
        assert not village.serving_institutions.exists()
        assert not village.institutions.exists()


def test_central_clinic_serves_itself_and_one_neighbour(db, small_county):
    (gap,) = _gaps_of(small_county, gaps.SHARED_CENTRAL_CLINIC)
    clinic = Institution.objects.get(code=gap["served_by"])
    assert clinic.is_central
    assert {d.code for d in clinic.served_divisions.all()} == {
        clinic.division.code,
        gap["division_code"],
    }


def test_village_population_equals_its_residents(db, small_county):
    villages = Division.objects.filter(level=Division.Level.VILLAGE).annotate(
        people=Count("residents")
    )
    assert villages.exists()
    assert all(village.population == village.people for village in villages)


def test_township_and_county_populations_are_sums(db, small_county):
    for parent in Division.objects.exclude(level=Division.Level.VILLAGE):
        children = parent.children.all()
        assert parent.population == sum(child.population for child in children) > 0


def test_age_structure_follows_the_census(db, small_county):
    ages = [age_on(born, AS_OF) for born in Resident.objects.values_list("birth_date", flat=True)]
    aged = sum(age >= 65 for age in ages) / len(ages)
    assert abs(aged - census.share_aged_at_least(65)) < 0.02
    assert abs(census.share_aged_at_least(65) - census.COMMUNIQUE_SHARE_AGED_65_AND_OVER) < 0.001
    sexes = Counter(Resident.objects.values_list("sex", flat=True))
    assert 95 < 100 * sexes["male"] / sexes["female"] < 116
    assert max(ages) <= 100


def test_household_members_live_in_the_households_village(db, small_county):
    assert not Resident.objects.exclude(village=F("household__village")).exists()
    assert not Resident.objects.filter(household=None).exists()


def test_each_household_has_one_head_and_one_to_six_members(db, small_county):
    households = Household.objects.annotate(
        heads=Count("members", filter=Q(members__relation_to_head=Resident.Relation.HEAD)),
        size=Count("members"),
    )
    assert households.exists()
    assert set(households.values_list("heads", flat=True)) == {1}
    assert set(households.values_list("size", flat=True)) <= set(range(1, 7))
    numbers = list(households.values_list("number", "village__code"))
    assert all(number.startswith(village) and len(number) == 16 for number, village in numbers)


def test_relatives_ages_fit_their_relation(db, small_county):
    members = defaultdict(list)
    for household, relation, born in Resident.objects.values_list(
        "household_id", "relation_to_head", "birth_date"
    ):
        members[household].append((relation, age_on(born, AS_OF)))
    for people in members.values():
        head_age = next(age for relation, age in people if relation == Resident.Relation.HEAD)
        for relation, age in people:
            if relation == Resident.Relation.CHILD:
                assert 20 <= head_age - age <= 42
            elif relation == Resident.Relation.GRANDCHILD:
                assert 40 <= head_age - age <= 75
            elif relation == Resident.Relation.PARENT:
                assert 20 <= age - head_age <= 42
            elif relation == Resident.Relation.SPOUSE:
                assert abs(age - head_age) <= 10
                assert age >= 18


def test_some_minors_and_elderly_have_no_phone(db, small_county):
    cutoff = years_before(AS_OF, 18)
    minors = Resident.objects.filter(birth_date__gt=cutoff)
    share = minors.filter(phone="").count() / minors.count()
    assert 0.05 < share < 0.2
    phones = Resident.objects.exclude(phone="").values_list("phone", flat=True)
    assert all(len(phone) == 11 and phone[:2] in {"13", "15", "18", "19"} for phone in phones)


def test_institutions_have_a_management_path_and_line(db, small_county):
    for institution in Institution.objects.select_related("parent"):
        assert institution.path == institution.build_path()
    for clinic in Institution.objects.filter(type__in=["village_clinic", "chss"]):
        assert clinic.parent is not None
        assert clinic.parent.type in {"thc", "chsc", "county_hospital"}
    assert Institution.objects.filter(type="thc", is_central=True).count() >= 1
    assert Institution.objects.filter(type="county_hospital").get().parent is None


def test_staff_fill_every_institution(db, small_county):
    staffed = Institution.objects.annotate(people=Count("staff"))
    assert all(institution.people >= 1 for institution in staffed)
    for clinic in staffed.filter(type=Institution.Type.VILLAGE_CLINIC):
        assert 1 <= clinic.people <= 2
    assert Staff.objects.filter(
        institution__type=Institution.Type.COUNTY_HOSPITAL,
        department="心内科",
        profession=Staff.Profession.DOCTOR,
    ).exists()


def test_one_demo_user_per_role_signs_in_with_the_demo_password(db, small_county, settings):
    settings.PASSWORD_HASHERS = FAST_HASHER
    demo = User.objects.filter(is_demo=True)
    assert sorted(demo.values_list("role", flat=True)) == sorted(Role.values)
    request = RequestFactory().post("/accounts/login/")
    for login in small_county.demo_logins:
        assert login.password == DEMO_PASSWORD
        user = authenticate(request, username=login.username, password=DEMO_PASSWORD)
        assert user is not None
        assert user.role == login.role


def test_resident_demo_user_has_a_minor_child_in_the_village_doctors_village(db, small_county):
    resident = User.objects.get(username="jumin").resident
    village_doctor = User.objects.get(username="cunyi")
    assert resident is not None
    assert resident.household is not None
    assert village_doctor.institution is not None
    assert village_doctor.staff is not None
    assert resident.relation_to_head == Resident.Relation.HEAD
    assert resident.household.members.filter(
        relation_to_head=Resident.Relation.CHILD, birth_date__gt=years_before(AS_OF, 18)
    ).exists()
    assert resident.village_id == village_doctor.division_id
    assert village_doctor.institution.division_id == village_doctor.division_id
    assert village_doctor.staff.institution_id == village_doctor.institution_id


def test_command_prints_the_summary_and_gaps_as_json(db, small_county, capsys, settings):
    settings.PASSWORD_HASHERS = FAST_HASHER
    call_command("generate", "--size", "small", "--seed", str(SEED), "--as-of", "2026-03-01")
    output = capsys.readouterr().out
    summary = json.loads(output[output.index("{") :])
    assert summary["residents"] == Resident.objects.count()
    assert summary["deliberate_gaps"] == small_county.gaps
    assert DEMO_PASSWORD in output
    assert not any(name in output for name in Resident.objects.values_list("name", flat=True)[:50])


@pytest.mark.parametrize("county_code", ["140902", "371003"])
def test_a_county_without_a_written_plan_gets_every_gap_kind(db, small_county, county_code):
    result = generate_county(
        size=Size.SMALL, seed=SEED, as_of=AS_OF, county_code=county_code, with_demo_users=False
    )
    assert {gap["kind"] for gap in result.gaps} == set(gaps.GAP_KINDS.values())
    with_clinic = set(
        Institution.objects.filter(type=Institution.Type.VILLAGE_CLINIC).values_list(
            "division__code", flat=True
        )
    )
    villages = Division.objects.filter(kind=Division.Kind.VILLAGE).values_list("code", flat=True)
    recorded = {
        gap["division_code"] for gap in result.gaps if gap["kind"] in GAP_DIVISIONS_WITHOUT_CLINIC
    }
    assert {code for code in villages if code not in with_clinic} == recorded
    assert Division.objects.get(level=Division.Level.COUNTY).code == county_code.ljust(12, "0")


def test_regenerating_refuses_while_a_real_user_is_scoped_to_the_county(db, small_county):
    county = Division.objects.get(level=Division.Level.COUNTY)
    User.objects.create_user("officer", role=Role.COUNTY_HEALTH, division=county)
    with pytest.raises(GenerationError, match=r"accounts\.User"):
        generate_county(size=Size.SMALL, seed=SEED, as_of=AS_OF, with_demo_users=False)


def test_regenerating_unlinks_a_real_users_resident_record(db, small_county):
    user = User.objects.create_user(
        "someone", role=Role.RESIDENT, resident=Resident.objects.order_by("id").first()
    )
    generate_county(size=Size.SMALL, seed=SEED, as_of=AS_OF, with_demo_users=False)
    user.refresh_from_db()
    assert user.resident is None


def test_every_thc_and_chsc_runs_a_bookable_vaccination_clinic(db, small_county):
    from immunization.models import TimeSlot, VaccinationClinic, VaccineBatch
    from immunization.schedules import VACCINES

    centres = Institution.objects.filter(type__in=[Institution.Type.THC, Institution.Type.CHSC])
    clinics = VaccinationClinic.objects.filter(is_active=True)
    assert sorted(clinics.values_list("institution_id", flat=True)) == sorted(
        centres.values_list("id", flat=True)
    )
    for clinic in clinics:
        assert TimeSlot.objects.filter(session__clinic=clinic, session__date__gt=AS_OF).exists()
        assert set(
            VaccineBatch.objects.filter(clinic=clinic, expires_on__gt=AS_OF).values_list(
                "vaccine", flat=True
            )
        ) == {vaccine.code for vaccine in VACCINES}


def test_children_have_vaccination_histories_that_the_engine_accepts(db, small_county):
    from immunization.actions import forecast_for
    from immunization.models import Vaccination

    children = Resident.objects.filter(birth_date__gt=years_before(AS_OF, 7)).order_by("id")
    with_doses = children.filter(vaccinations__isnull=False).distinct()
    assert with_doses.count() >= 0.9 * children.count()
    invalid = total = 0
    for child in children[:200]:
        result = forecast_for(child, AS_OF)
        assert result is not None
        invalid += len(result.invalid_doses)
        total += Vaccination.objects.filter(resident=child).count()
    assert invalid <= 0.02 * total
