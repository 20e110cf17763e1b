"""Enrolment life cycle (PH-2): proposals from the record, confirmation, exits, visits moving the
schedule on. Ages and diagnoses follow public-health-services.md §1."""

from datetime import date, timedelta

import pytest

from jiceng.errors import DomainError
from jiceng.testing import ResidentFactory
from programmes import services
from programmes.models import Enrolment, Visit
from residents.models import HistoryItem, RecordStatus

TODAY = date(2026, 3, 2)


def _open(resident, programme):
    return Enrolment.objects.filter(resident=resident, programme=programme).exclude(
        status__in=("exited", "declined")
    )


@pytest.fixture
def people(county):
    village = county.village_a
    return {
        # §1: elderly = 65 and over on the day; children = under 7 (up to the 7th birthday).
        "turns_65_today": ResidentFactory.create(village=village, birth_date=date(1961, 3, 2)),
        "turns_65_tomorrow": ResidentFactory.create(village=village, birth_date=date(1961, 3, 3)),
        "child_6": ResidentFactory.create(village=village, birth_date=date(2019, 3, 3)),
        "child_7_today": ResidentFactory.create(village=village, birth_date=date(2019, 3, 2)),
        # §1: HTN and T2DM enrol people aged 35 and over with the diagnosis.
        "htn_35": ResidentFactory.create(village=village, birth_date=date(1991, 3, 2)),
        "htn_34": ResidentFactory.create(village=village, birth_date=date(1991, 3, 3)),
        "t2dm": ResidentFactory.create(village=village, birth_date=date(1970, 1, 1)),
        "schizophrenia": ResidentFactory.create(village=village, birth_date=date(1985, 1, 1)),
        "dead_elder": ResidentFactory.create(
            village=village,
            birth_date=date(1940, 1, 1),
            record_status=RecordStatus.DECEASED,
            status_date=date(2025, 12, 1),
        ),
    }


def _diagnose(resident, icd10):
    HistoryItem.objects.create(
        resident=resident, kind=HistoryItem.Kind.DISEASE, icd10=icd10, name=icd10
    )


def test_proposals_follow_age_and_diagnosis(people):
    _diagnose(people["htn_35"], "I10")
    _diagnose(people["htn_34"], "I10")
    _diagnose(people["t2dm"], "E11.9")
    _diagnose(people["schizophrenia"], "F20.0")
    proposals = services.propose_enrolments(TODAY)
    proposed = {
        (e.resident_id, e.programme): e.reason for e in Enrolment.objects.filter(status="proposed")
    }
    assert (people["turns_65_today"].pk, "elderly") in proposed
    assert (people["turns_65_tomorrow"].pk, "elderly") not in proposed
    assert (people["child_6"].pk, "child") in proposed
    assert (people["child_7_today"].pk, "child") not in proposed
    assert proposed[(people["htn_35"].pk, "hypertension")] == "diagnosis"
    assert (people["htn_34"].pk, "hypertension") not in proposed
    assert (people["t2dm"].pk, "diabetes") in proposed
    assert (people["schizophrenia"].pk, "smd") in proposed
    assert not Enrolment.objects.filter(resident=people["dead_elder"]).exists()
    assert proposals.total == len(proposed)


def test_proposing_twice_adds_nothing_and_a_decline_is_not_proposed_again(people, township_doctor):
    services.propose_enrolments(TODAY)
    count = Enrolment.objects.count()
    elder = Enrolment.objects.get(resident=people["turns_65_today"], programme="elderly")
    services.decline(elder, township_doctor, on_date=TODAY, note="拒绝")
    assert services.propose_enrolments(TODAY).total == 0
    assert Enrolment.objects.count() == count


def test_confirming_a_proposal_schedules_the_first_contact(people, township_doctor):
    services.propose_enrolments(TODAY)
    proposal = Enrolment.objects.get(resident=people["turns_65_today"], programme="elderly")
    confirmed = services.confirm(proposal, township_doctor, on_date=TODAY)
    assert confirmed.status == "active"
    assert confirmed.enrolled_by == township_doctor
    assert confirmed.next_contact == "annual_check"
    assert confirmed.window_start is not None
    assert confirmed.next_due_on is not None
    assert confirmed.window_end is not None
    assert confirmed.window_start <= confirmed.next_due_on <= confirmed.window_end
    with pytest.raises(DomainError) as error:
        services.confirm(confirmed, township_doctor, on_date=TODAY)
    assert error.value.field == "status"


def test_departures_and_the_seventh_birthday_close_enrolments(county, township_doctor):
    mover = ResidentFactory.create(village=county.village_a, birth_date=date(1950, 1, 1))
    child = ResidentFactory.create(village=county.village_a, birth_date=date(2019, 3, 1))
    elderly = services.enrol(mover, "elderly", township_doctor, on_date=date(2025, 1, 1))
    kid = services.enrol(child, "child", township_doctor, on_date=date(2025, 1, 1))
    mover.record_status = RecordStatus.MOVED_OUT
    mover.status_date = date(2026, 2, 1)
    mover.save()
    assert services.close_departed(TODAY) == 2
    elderly.refresh_from_db()
    kid.refresh_from_db()
    assert (elderly.status, elderly.exit_reason, elderly.exited_on) == (
        "exited",
        "moved_out",
        date(2026, 2, 1),
    )
    assert elderly.next_due_on is None
    assert (kid.status, kid.exit_reason) == ("exited", "aged_out")


def test_enrolling_twice_is_refused_with_the_field(county, township_doctor):
    services.enrol(county.resident_a, "hypertension", township_doctor, on_date=date(2025, 1, 1))
    with pytest.raises(DomainError) as error:
        services.enrol(county.resident_a, "hypertension", township_doctor, on_date=date(2025, 2, 1))
    assert (error.value.code, error.value.field) == ("already_enrolled", "programme")


def test_an_uncontrolled_visit_brings_the_next_one_within_two_weeks(county, township_doctor):
    """§4.1: 1st uncontrolled → re-visit within 2 weeks; controlled → routine (≤ 3 months)."""
    enrolment = services.enrol(
        county.resident_a, "hypertension", township_doctor, on_date=date(2025, 1, 1)
    )
    uncontrolled = Visit(contact="followup", date=date(2025, 1, 10), sbp=165, dbp=95)
    uncontrolled.classification = "uncontrolled"
    services.record_visit(enrolment, uncontrolled, township_doctor)
    enrolment.refresh_from_db()
    assert enrolment.window_end == date(2025, 1, 24)
    assert enrolment.last_classification == "uncontrolled"
    assert uncontrolled.next_due_on == enrolment.next_due_on
    controlled = Visit(contact="followup", date=date(2025, 1, 20), sbp=128, dbp=80)
    controlled.classification = "controlled"
    services.record_visit(enrolment, controlled, township_doctor)
    enrolment.refresh_from_db()
    # a quarter of a year at most, so that four visits fit in every year
    assert date(2025, 3, 20) <= enrolment.window_end <= date(2025, 1, 20) + timedelta(days=91)
    assert enrolment.last_visit_on == date(2025, 1, 20)


def test_visits_before_enrolment_or_in_the_future_are_refused(county, township_doctor):
    enrolment = services.enrol(
        county.resident_a, "hypertension", township_doctor, on_date=date(2025, 1, 1)
    )
    for day, in_future in ((date(2024, 12, 31), False), (date(2999, 1, 1), True)):
        with pytest.raises(DomainError) as error:
            services.record_visit(enrolment, Visit(contact="followup", date=day), township_doctor)
        assert error.value.field == "date", in_future
    assert not Visit.objects.exists()


def test_the_42_day_check_closes_the_pregnancy(county, township_doctor):
    mother = county.resident_a
    enrolment = services.enrol(
        mother,
        "maternal",
        township_doctor,
        on_date=date(2025, 3, 1),
        lmp_date=date(2025, 2, 1),
    )
    enrolment.delivery_date = date(2025, 11, 8)
    enrolment.discharge_date = date(2025, 11, 10)
    enrolment.save()
    services.record_visit(
        enrolment, Visit(contact="postpartum", date=date(2025, 11, 14)), township_doctor
    )
    enrolment.refresh_from_db()
    assert enrolment.next_contact == "day42"
    services.record_visit(
        enrolment, Visit(contact="day42", date=date(2025, 12, 20)), township_doctor
    )
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.exit_reason) == ("exited", "episode_ended")
    assert enrolment.next_due_on is None


def test_tb_visits_count_the_doses_taken(county, township_doctor):
    enrolment = services.enrol(
        county.resident_b,
        "tb",
        township_doctor,
        on_date=date(2025, 1, 1),
        tb_phase="intensive",
        tb_supervisor="family_member",
        tb_doses_planned=180,
    )
    services.record_visit(
        enrolment,
        Visit(contact="first_home", date=date(2025, 1, 2), doses_missed=0),
        township_doctor,
    )
    services.record_visit(
        enrolment,
        Visit(contact="tb_visit", date=date(2025, 1, 12), doses_missed=2),
        township_doctor,
    )
    enrolment.refresh_from_db()
    assert enrolment.tb_doses_taken == 1 + 8  # 1 day to the first visit, 10 less 2 missed


def test_refreshing_changes_nothing_that_is_current(county, township_doctor):
    enrolment = services.enrol(
        county.resident_a, "hypertension", township_doctor, on_date=date(2025, 1, 1)
    )
    services.record_visit(
        enrolment,
        Visit(contact="followup", date=date(2025, 1, 10), classification="controlled"),
        township_doctor,
    )
    assert services.refresh_schedules(Enrolment.objects.all()) == 0
    Enrolment.objects.update(next_due_on=None, window_end=None)
    assert services.refresh_schedules(Enrolment.objects.all()) == 1
