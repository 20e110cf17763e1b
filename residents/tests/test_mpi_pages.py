"""The review queue, merges and roster import in pages and API (IT-1): reviewers in scope see
and decide pairs; everyone else gets 404; decisions are audited."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts.api_auth import issue_token
from accounts.models import AuditEntry
from jiceng.testing import ResidentFactory, signed_in_client
from residents import mpi
from residents.models import MatchCandidate, Merge, Resident


@pytest.fixture
def pair(county):
    first = ResidentFactory.create(
        village=county.village_a, name="赵春梅", birth_date=date(1966, 6, 6), phone=""
    )
    second = ResidentFactory.create(
        village=county.village_b, name="赵春美", birth_date=date(1966, 6, 6), phone="13611112222"
    )
    candidate = MatchCandidate.objects.create(
        resident=first, other=second, score=0.93, evidence={"name": "homophone"}
    )
    return first, second, candidate


def test_queue_lists_pairs_in_scope_and_hides_them_from_others(pair, township_doctor, outsider):
    _first, _second, candidate = pair
    page = signed_in_client(township_doctor).get(reverse("mpi:queue")).content.decode()
    assert reverse("mpi:candidate", args=[candidate.pk]) in page
    assert "0.930" in page
    assert (
        signed_in_client(outsider).get(reverse("mpi:queue")).status_code == 404
    )  # a village doctor
    assert (
        signed_in_client(outsider).get(reverse("mpi:candidate", args=[candidate.pk])).status_code
        == 404
    )


def test_candidate_page_compares_field_by_field_with_masked_numbers(pair, township_doctor):
    first, second, candidate = pair
    page = signed_in_client(township_doctor).get(reverse("mpi:candidate", args=[candidate.pk]))
    body = page.content.decode()
    assert "赵春梅" in body
    assert "赵春美" in body
    assert first.citizen_id not in body
    assert "136****2222" in body
    assert "homophone" in body
    assert AuditEntry.objects.filter(object_id=str(second.pk), purpose="review duplicates").exists()


def test_keeping_one_record_merges_and_the_merge_can_be_undone(pair, township_doctor):
    first, second, candidate = pair
    client = signed_in_client(township_doctor)
    response = client.post(reverse("mpi:decide", args=[candidate.pk]), {"decision": "keep_left"})
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.merged_into_id == first.pk
    record = Merge.objects.get()
    page = client.get(reverse("mpi:merges")).content.decode()
    assert reverse("mpi:undo", args=[record.pk]) in page
    client.post(reverse("mpi:undo", args=[record.pk]))
    second.refresh_from_db()
    assert second.merged_into_id is None
    first.refresh_from_db()
    assert first.phone == ""


def test_different_people_leave_the_queue(pair, township_doctor):
    _first, _second, candidate = pair
    signed_in_client(township_doctor).post(
        reverse("mpi:decide", args=[candidate.pk]), {"decision": "distinct"}
    )
    candidate.refresh_from_db()
    assert candidate.status == MatchCandidate.Status.DISTINCT
    assert not mpi.pending_candidates(township_doctor).exists()


def test_an_unknown_decision_is_refused_on_the_page(pair, township_doctor):
    _first, _second, candidate = pair
    response = signed_in_client(township_doctor).post(
        reverse("mpi:decide", args=[candidate.pk]), {"decision": "maybe"}
    )
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()


def test_import_page_creates_queues_and_reports(county, township_doctor):
    on_file = ResidentFactory.create(
        village=county.village_a, name="陈静", birth_date=date(1975, 8, 9)
    )
    csv = (
        "姓名,性别,出生日期,身份证号,电话,村（居）代码\n"
        f"陈静,女,1975-08-09,{on_file.citizen_id},13900009999,{county.village_a.code}\n"
        f"新人,男,1999-09-09,,,{county.village_a.code}\n"
        ",男,,,,\n"
    ).encode()
    client = signed_in_client(township_doctor)
    response = client.post(
        reverse("mpi:import"), {"file": SimpleUploadedFile("roster.csv", csv, "text/csv")}
    )
    assert response.status_code == 200
    report = response.context["report"]
    assert (report.created, report.queued, report.rejected_rows) == (1, 1, 1)
    assert Resident.objects.filter(name="新人").exists()


def test_api_review_merge_undo_and_import(pair, township_doctor, county):
    first, second, candidate = pair
    client = Client(HTTP_AUTHORIZATION=f"Bearer {issue_token(township_doctor, 'mpi')}")
    listed = client.get("/api/v1/mpi/candidates").json()
    assert [c["id"] for c in listed["items"]] == [candidate.pk]
    decided = client.post(
        f"/api/v1/mpi/candidates/{candidate.pk}/decision",
        {"decision": "keep_right"},
        content_type="application/json",
    ).json()
    assert decided == {"candidate_id": candidate.pk, "status": "merged", "resident_id": second.pk}
    merge_id = client.get("/api/v1/mpi/merges").json()["items"][0]["id"]
    undone = client.post(f"/api/v1/mpi/merges/{merge_id}/undo").json()
    assert undone["undone_at"] is not None
    first.refresh_from_db()
    assert first.merged_into_id is None
    roster_file = SimpleUploadedFile(
        "roster.csv",
        f"姓名,性别,出生日期,村（居）代码\n甲,男,1990-01-01,{county.village_a.code}\n".encode(),
    )
    imported = client.post("/api/v1/mpi/roster", {"file": roster_file})
    assert imported.status_code == 200
    assert imported.json()["created"] == 1
    unreadable = client.post("/api/v1/mpi/roster", {"file": SimpleUploadedFile("x.doc", b"?")})
    assert unreadable.status_code == 400
    assert unreadable.json()["field"] == "file"


def test_api_hides_the_queue_from_a_village_doctor(pair, village_doctor):
    client = Client(HTTP_AUTHORIZATION=f"Bearer {issue_token(village_doctor, 'mpi')}")
    assert client.get("/api/v1/mpi/candidates").status_code == 404
