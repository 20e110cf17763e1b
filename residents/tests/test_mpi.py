"""Merging duplicates and undoing it exactly (IT-1): every link follows the kept record, the
merged record disappears from every scope, and unmerging restores both records and their links."""

from datetime import date, time

import pytest

from accounts.models import AuditEntry
from immunization import actions
from immunization.tests.factories import make_batch, make_clinic, make_infant, make_slot
from jiceng.errors import DomainError
from jiceng.testing import ResidentFactory, make_user
from residents import mpi
from residents.models import FamilyHistory, HistoryItem, MatchCandidate, Merge, Resident


def snapshot(*residents):
    """Everything about the records that a merge may touch, to compare before and after."""
    state = {}
    for resident in residents:
        fresh = Resident.objects.get(pk=resident.pk)
        values = {f.attname: getattr(fresh, f.attname) for f in Resident._meta.concrete_fields}
        values.pop("updated_at")
        values.pop("completeness")
        state[resident.pk] = {
            "values": values,
            "history": sorted(
                HistoryItem.objects.filter(resident=fresh).values_list("pk", flat=True)
            ),
            "family": sorted(
                FamilyHistory.objects.filter(resident=fresh).values_list("pk", flat=True)
            ),
            "appointments": sorted(fresh.appointments.values_list("pk", flat=True))
            if hasattr(fresh, "appointments")
            else [],
        }
    return state


@pytest.fixture
def duplicates(county):
    """The same woman registered twice: by the village clinic (no phone) and by the THC."""
    kept = ResidentFactory.create(village=county.village_a, name="赵春梅", phone="")
    other = ResidentFactory.create(
        village=county.village_a,
        name="赵春梅",
        birth_date=kept.birth_date,
        phone="13912345678",
        blood_group="A",
        source="THC",
    )
    HistoryItem.objects.create(resident=other, kind="disease", icd10="I10", name="高血压")
    FamilyHistory.objects.create(resident=other, relative="father", condition="糖尿病")
    HistoryItem.objects.create(resident=kept, kind="surgery", name="阑尾切除")
    return kept, other


def test_merge_moves_links_fills_blanks_and_hides_the_merged_record(
    duplicates, township_doctor, county
):
    kept, other = duplicates
    record = mpi.merge(kept, other, user=township_doctor, request=None)
    kept.refresh_from_db()
    other.refresh_from_db()
    assert other.merged_into_id == kept.pk
    assert kept.phone == "13912345678"  # filled from the merged record
    assert kept.blood_group == "A"
    assert set(record.snapshot["filled"]) >= {"phone", "blood_group"}
    assert sorted(HistoryItem.objects.filter(resident=kept).values_list("name", flat=True)) == [
        "阑尾切除",
        "高血压",
    ]
    assert FamilyHistory.objects.get().resident_id == kept.pk
    from accounts.scope import residents_in_scope

    assert list(residents_in_scope(township_doctor).filter(name="赵春梅")) == [kept]
    assert AuditEntry.objects.filter(
        object_type=mpi.RESIDENT, object_id=str(other.pk), purpose="merge"
    ).exists()


def test_unmerge_restores_both_records_and_their_links_exactly(duplicates, township_doctor):
    kept, other = duplicates
    before = snapshot(kept, other)
    record = mpi.merge(kept, other, user=township_doctor, request=None)
    assert snapshot(kept, other) != before
    restored = mpi.unmerge(record, user=township_doctor, request=None)
    assert restored.pk == other.pk
    assert snapshot(kept, other) == before
    record.refresh_from_db()
    assert record.undone_at is not None
    assert record.undone_by == township_doctor
    with pytest.raises(DomainError) as again:
        mpi.unmerge(record, user=township_doctor, request=None)
    assert again.value.code == "already_undone"


def test_a_sign_in_follows_the_person_unless_the_kept_record_has_one(duplicates, county):
    kept, other = duplicates
    user = make_user("jumin_dup", "resident", resident=other)
    record = mpi.merge(kept, other, user=None, request=None)
    user.refresh_from_db()
    assert user.resident_id == kept.pk
    mpi.unmerge(record, user=None, request=None)
    user.refresh_from_db()
    assert user.resident_id == other.pk


def test_merge_is_refused_when_both_have_a_booking_in_the_same_session(county, township_doctor):
    clinic = make_clinic(county)
    make_batch(clinic, "HepB")
    baby = make_infant(county)
    twin_record = make_infant(county)
    actions.book_slot(township_doctor, baby, make_slot(clinic), ["HepB-1"])
    actions.book_slot(
        township_doctor, twin_record, make_slot(clinic, starts_at=time(10, 0)), ["HepB-1"]
    )
    before = snapshot(baby, twin_record)
    with pytest.raises(DomainError) as refused:
        mpi.merge(baby, twin_record, user=township_doctor, request=None)
    assert refused.value.code == "merge_conflict"
    assert snapshot(baby, twin_record) == before
    assert not Merge.objects.exists()


def test_a_record_cannot_be_merged_twice_or_with_itself(duplicates):
    kept, other = duplicates
    with pytest.raises(DomainError):
        mpi.merge(kept, kept, user=None, request=None)
    mpi.merge(kept, other, user=None, request=None)
    with pytest.raises(DomainError) as refused:
        mpi.merge(kept, other, user=None, request=None)
    assert refused.value.code == "already_merged"


def test_propose_queues_pairs_and_merges_only_above_the_threshold(county, settings):
    settings.MPI_AUTO_MERGE_THRESHOLD = 0.99
    a = ResidentFactory.create(village=county.village_a, name="李建国", birth_date=date(1970, 5, 1))
    b = ResidentFactory.create(village=county.village_a, name="李建国", birth_date=date(1970, 5, 1))
    c = ResidentFactory.create(village=county.village_b, name="李健国", birth_date=date(1970, 5, 1))
    queued, merged = mpi.propose(
        [(b, a, 0.995, {"name": "same"}), (a, c, 0.8, {"name": "homophone"})]
    )
    assert (queued, merged) == (1, 1)
    b.refresh_from_db()
    assert b.merged_into_id == a.pk
    automatic = MatchCandidate.objects.get(other=b)
    assert automatic.status == MatchCandidate.Status.AUTO_MERGED
    assert MatchCandidate.objects.get(other=c).status == MatchCandidate.Status.PENDING
    # proposing the same pairs again adds nothing
    assert mpi.propose([(a, c, 0.8, {})]) == (0, 0)


def test_scan_queues_likely_duplicates_among_live_residents(county, settings, capsys):
    from django.core.management import call_command

    settings.MPI_AUTO_MERGE_THRESHOLD = 1.0  # nothing merges on its own here
    for n in range(30):
        ResidentFactory.create(
            village=county.village_b, name=f"测试{n}", birth_date=date(1950 + n, 1, 2)
        )
    kept = ResidentFactory.create(
        village=county.village_a,
        name="王晓明",
        sex="male",
        birth_date=date(1980, 2, 2),
        phone="13712345678",
    )
    twin = ResidentFactory.create(
        village=county.village_a,
        name="王小明",
        sex="male",
        birth_date=date(1980, 2, 2),
        phone="13712345678",
    )
    call_command("scan_duplicates")
    pair = MatchCandidate.objects.get()
    assert {pair.resident_id, pair.other_id} == {kept.pk, twin.pk}
    assert pair.status == MatchCandidate.Status.PENDING
    assert "1 queued for review, 0 merged automatically" in capsys.readouterr().out
