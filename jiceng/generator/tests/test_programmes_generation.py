"""The demo county's programme data: generated once per module at size small, held to the rules
of ``programmes.rules`` and to what ``programmes.services`` would compute."""

import hashlib
from collections import Counter, defaultdict
from datetime import date

import pytest
from django.db.models import Count, F, Q
from django.test import override_settings

from contracting.models import Team
from institutions.models import Institution
from jiceng.dates import age_on
from jiceng.generator.county import GenerationResult, generate_county
from jiceng.generator.layout import Size
from jiceng.generator.storage import clear_generated_county
from programmes.models import EducationActivity, Enrolment, PathEvent, Visit
from programmes.rules import (
    ELIGIBILITY,
    DiabetesVisit,
    HypertensionVisit,
    VisitFact,
    assess_diabetes,
    assess_hypertension,
    next_due,
)
from programmes.services import (
    close_departed,
    facts_of,
    propose_enrolments,
    refresh_schedules,
)
from programmes.worklists import Bucket, counts
from residents.models import HistoryItem, Resident

AS_OF = date(2026, 3, 1)
SEED = 7
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]
OPEN = (Enrolment.Status.PROPOSED, Enrolment.Status.ACTIVE)


@pytest.fixture(scope="module")
def county(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHER):
        result = generate_county(size=Size.SMALL, seed=SEED, as_of=AS_OF, with_demo_users=False)
    yield result
    with django_db_blocker.unblock():
        clear_generated_county()


def _checksum() -> tuple[int, str]:
    digest = hashlib.sha256()
    rows = Visit.objects.order_by("id").values_list(
        "enrolment_id", "contact", "date", "sbp", "fpg_mmol_l", "classification", "next_due_on"
    )
    for row in rows:
        digest.update(repr(row).encode())
    return len(rows), digest.hexdigest()


def test_every_programme_has_enrolments_and_visits(db, county: GenerationResult):
    summary = county.programmes
    statuses = Counter(Enrolment.objects.values_list("programme", "status"))
    assert {programme for programme, _ in statuses} == set(ELIGIBILITY)
    for programme, by_status in summary.enrolments.items():
        for status, count in by_status.items():
            assert statuses[(programme, status)] == count
    assert summary.visit_total == Visit.objects.count()
    visits = Counter(Visit.objects.values_list("programme", flat=True))
    assert visits == Counter(summary.visits)
    for programme in ("child", "maternal", "elderly", "hypertension", "diabetes", "smd"):
        assert visits[programme] > 0, programme
    assert summary.path_events == PathEvent.objects.count() > 0
    assert summary.education_activities == EducationActivity.objects.count() > 0
    assert HistoryItem.objects.filter(kind="disease").count() == sum(summary.diagnoses.values())


def test_every_enrolled_person_is_eligible_by_the_rules(db, county):
    diagnoses: dict[int, list[str]] = defaultdict(list)
    for resident, icd10 in HistoryItem.objects.filter(kind="disease").values_list(
        "resident_id", "icd10"
    ):
        diagnoses[resident].append(icd10)
    rows = Enrolment.objects.values_list(
        "programme", "proposed_on", "enrolled_on", "resident_id", "resident__birth_date",
        "resident__sex",
    )  # fmt: skip
    assert rows
    for programme, proposed_on, enrolled_on, resident, birth, sex in rows:
        rule = ELIGIBILITY[programme]
        age = age_on(birth, enrolled_on or proposed_on)
        if rule.min_age is not None:
            assert age >= rule.min_age, (programme, resident, age)
        if rule.max_age is not None:
            assert age < rule.max_age, (programme, resident, age)
        if rule.icd10_prefixes:
            assert any(code.startswith(rule.icd10_prefixes) for code in diagnoses[resident]), (
                programme,
                resident,
            )
        if programme == "maternal":
            assert sex == rule.sex == Resident.Sex.FEMALE
            assert 15 <= age <= 49, (resident, age)


def test_no_person_has_two_open_enrolments_in_a_programme(db, county):
    doubled = (
        Enrolment.objects.filter(status__in=OPEN)
        .values("resident_id", "programme")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    assert not doubled.exists()


def test_visits_fall_between_enrolment_and_the_generation_day(db, county):
    visits = Visit.objects.all()
    assert not visits.filter(date__lt=F("enrolment__enrolled_on")).exists()
    assert not visits.filter(enrolment__enrolled_on__isnull=True).exists()
    assert not visits.filter(date__gt=AS_OF).exists()
    assert not visits.filter(
        enrolment__status=Enrolment.Status.EXITED, date__gt=F("enrolment__exited_on")
    ).exists()
    assert not visits.exclude(resident_id=F("enrolment__resident_id")).exists()
    assert not visits.exclude(programme=F("enrolment__programme")).exists()
    # One visit a day per enrolment: the order of visits is never ambiguous.
    same_day = visits.values("enrolment_id", "date").annotate(n=Count("id")).filter(n__gt=1)
    assert not same_day.exists()


def test_materialised_next_contacts_are_what_the_services_compute(db, county):
    active = Enrolment.objects.filter(status=Enrolment.Status.ACTIVE)
    assert active.exclude(next_contact="").count() > 0.95 * active.count()
    # Nothing more is owed only to children who had their 6-year check.
    for programme, enrolment in active.filter(next_contact="").values_list("programme", "id"):
        assert programme == "child"
        assert Visit.objects.filter(enrolment_id=enrolment, contact="y6").exists()
    assert refresh_schedules(Enrolment.objects.all()) == 0


def test_each_visit_is_due_by_what_next_due_answers_after_it(db, county):
    """The generator's fast schedule agrees with ``next_due`` visit by visit (TB aside: its
    enrolment keeps only the current phase; delivered pregnancies keep only the postnatal
    sequence)."""
    enrolments = (
        Enrolment.objects.exclude(programme="tb")
        .exclude(programme="maternal", delivery_date__isnull=False)
        .filter(visits__isnull=False)
        .annotate(birth=F("resident__birth_date"))
        .distinct()
        .order_by("id")
    )
    checked = 0
    for enrolment in enrolments:
        facts = facts_of(enrolment, enrolment.birth)
        done: list[VisitFact] = []
        for contact, on, classification, due_on in enrolment.visits.order_by("date").values_list(
            "contact", "date", "classification", "next_due_on"
        ):
            done.append(VisitFact(contact, on, classification))
            due = next_due(facts, done)
            assert (due.due_on if due else None) == due_on, (enrolment.programme, enrolment.pk)
            checked += 1
    assert checked > 10_000


def test_chronic_classifications_are_the_rules_answers(db, county):
    rows = (
        Visit.objects.filter(programme__in=["hypertension", "diabetes"])
        .order_by("enrolment_id", "date")
        .values_list(
            "enrolment_id", "programme", "date", "resident__birth_date", "sbp", "dbp",
            "fpg_mmol_l", "data", "classification", "referral", "urgent_referral",
        )
    )  # fmt: skip
    previous: tuple[int, bool] | None = None
    classes: Counter[tuple[str, str]] = Counter()
    for enrolment, programme, on, birth, sbp, dbp, fpg, data, classification, *referrals in rows:
        assert sbp is not None
        assert dbp is not None
        age = age_on(birth, on)
        previous_off = previous is not None and previous[0] == enrolment and previous[1]
        common = {
            "age": age,
            "sbp": sbp,
            "dbp": dbp,
            "previous_visit_uncontrolled": previous_off,
            "adverse_reaction": data.get("adverse_reaction", False),
            "new_or_worse_complication": data.get("complication", False),
        }
        if programme == "hypertension":
            answer = assess_hypertension(HypertensionVisit(**common))
            below = (150, 90) if age >= 65 else (140, 90)
            off = not (sbp < below[0] and dbp < below[1])
        else:
            assert fpg is not None
            answer = assess_diabetes(DiabetesVisit(fpg_mmol_l=fpg, **common))
            off = fpg >= 7.0
        assert classification == answer.classification, (enrolment, on)
        assert referrals == [answer.referral, answer.urgent_referral], (enrolment, on)
        previous = (enrolment, off)
        classes[(programme, classification)] += 1
    for programme in ("hypertension", "diabetes"):
        total = sum(n for (p, _), n in classes.items() if p == programme)
        assert 0.5 <= classes[(programme, "controlled")] / total <= 0.8, programme


def test_work_lists_have_something_in_every_bucket(db, county):
    found = counts(Enrolment.objects.all(), AS_OF)
    for bucket in (Bucket.NEWLY_ELIGIBLE, Bucket.OVERDUE, Bucket.LOST, Bucket.DUE_THIS_WEEK):
        assert found[bucket] > 0, bucket


def test_finished_tb_courses_record_their_doses(db, county):
    finished = Enrolment.objects.filter(programme="tb", status=Enrolment.Status.EXITED)
    for planned, taken, reason in finished.values_list(
        "tb_doses_planned", "tb_doses_taken", "exit_reason"
    ):
        assert planned == 180
        assert taken is not None
        assert 0 < taken <= planned
        assert reason in ("cured", "treatment_completed")
    assert not Enrolment.objects.filter(programme="tb", status="active").exclude(
        tb_phase__in=["intensive", "continuation"]
    )


def test_every_village_clinic_leads_a_team_of_its_own_staff(db, county):
    clinics = Institution.objects.filter(type=Institution.Type.VILLAGE_CLINIC)
    teams = Team.objects.prefetch_related("members", "villages").select_related("leader")
    by_village = {frozenset(team.villages.values_list("id", flat=True)): team for team in teams}
    for clinic in clinics.prefetch_related("staff", "served_divisions"):
        team = by_village[frozenset(d.id for d in clinic.served_divisions.all())]
        assert {s.id for s in team.members.all()} == {s.id for s in clinic.staff.all()}
        assert team.leader is not None
        assert team.leader.institution_id == clinic.parent_id == team.institution_id
    # Enrolments of a team's villages carry the team and one of its people as doctor.
    mismatched = Enrolment.objects.filter(team__isnull=False).exclude(
        Q(doctor_id=F("team__leader_id")) | Q(doctor__teams=F("team_id"))
    )
    assert not mismatched.exists()


def test_path_events_run_in_order_before_the_diagnosis(db, county):
    stages = ["screened", "suspected", "referred", "confirmed"]
    paths: dict[tuple[int, str], list[tuple[date, str]]] = defaultdict(list)
    for resident, condition, stage, on in PathEvent.objects.values_list(
        "resident_id", "condition", "stage", "date"
    ):
        paths[(resident, condition)].append((on, stage))
    assert paths
    for events in paths.values():
        ordered = [stage for _, stage in sorted(events)]
        assert ordered == stages[: len(ordered)]
        assert max(on for on, _ in events) <= AS_OF


def test_the_services_find_nothing_left_to_propose_or_close(db, county):
    """Everyone the record makes eligible already has an enrolment (of some status), and nobody
    enrolled has moved, died or aged out."""
    assert propose_enrolments(AS_OF).total == 0
    assert close_departed(AS_OF) == 0


def test_the_same_seed_gives_the_same_programme_data(db, county):
    first = _checksum()
    generate_county(size=Size.SMALL, seed=SEED, as_of=AS_OF, with_demo_users=False)
    assert _checksum() == first
