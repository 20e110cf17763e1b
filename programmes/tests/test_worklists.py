"""Work lists (PH-3): each open enrolment lands in exactly one bucket, within the user's scope.

The windows are set by hand here (the scheduler has its own tests): a row's bucket follows from
its window and the day alone, as the module's docstring defines them.
"""

import io
import json
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from accounts.models import AuditEntry
from jiceng.testing import ResidentFactory, StaffFactory
from programmes import worklists
from programmes.models import Enrolment
from programmes.rules import lost_after_days
from programmes.worklists import Bucket, Filters, bucket_of
from residents.models import RecordStatus

TODAY = date(2026, 3, 2)


def _enrol(resident, programme="hypertension", *, due=None, closes=None, status="active", **extra):
    return Enrolment.objects.create(
        resident=resident,
        programme=programme,
        status=status,
        proposed_on=TODAY - timedelta(days=400),
        enrolled_on=None if status == "proposed" else TODAY - timedelta(days=400),
        next_contact="followup" if due else "",
        next_due_on=due,
        window_start=due - timedelta(days=30) if due else None,
        window_end=closes or due,
        **extra,
    )


@pytest.fixture
def lists(county):
    """One enrolment per bucket in village A, one overdue in village C, and some that are not on
    any list."""
    lost_days = lost_after_days("hypertension")
    village_a = county.village_a
    people = [ResidentFactory.create(village=village_a, name=f"甲{i}") for i in range(8)]
    doctor = StaffFactory.create(institution=county.clinic_a, name="甲村医")
    rows = {
        Bucket.DUE_TODAY: _enrol(
            people[0], due=TODAY, closes=TODAY + timedelta(days=10), doctor=doctor
        ),
        Bucket.DUE_THIS_WEEK: _enrol(people[1], due=TODAY + timedelta(days=6)),
        Bucket.OVERDUE: _enrol(people[2], "diabetes", due=TODAY - timedelta(days=5)),
        Bucket.LOST: _enrol(people[3], due=TODAY - timedelta(days=lost_days + 1)),
        Bucket.NEWLY_ELIGIBLE: _enrol(people[4], "elderly", status="proposed"),
    }
    not_listed = [
        _enrol(people[5], due=TODAY + timedelta(days=7)),  # next week: not yet
        _enrol(people[6], due=TODAY - timedelta(days=3), status="exited", exited_on=TODAY),
    ]
    gone = ResidentFactory.create(
        village=village_a,
        name="甲迁",
        record_status=RecordStatus.MOVED_OUT,
        status_date=TODAY - timedelta(days=1),
    )
    not_listed.append(_enrol(gone, due=TODAY - timedelta(days=2)))
    elsewhere = _enrol(county.resident_c, due=TODAY - timedelta(days=2))
    return rows, not_listed, elsewhere, doctor


def test_each_enrolment_lands_in_its_bucket(lists, village_doctor):
    rows, not_listed, _elsewhere, _doctor = lists
    found = {
        row.pk: bucket_of(row)
        for row in worklists.items(
            Enrolment.objects.filter(resident__village=village_doctor.division), TODAY, Filters()
        )
    }
    assert found == {enrolment.pk: bucket for bucket, enrolment in rows.items()}
    assert not {e.pk for e in not_listed} & set(found)


def test_the_last_day_of_the_window_is_due_not_overdue(county):
    person = ResidentFactory.create(village=county.village_a)
    enrolment = _enrol(person, due=TODAY - timedelta(days=3), closes=TODAY)
    listed = worklists.items(Enrolment.objects.all(), TODAY, Filters()).get(pk=enrolment.pk)
    assert bucket_of(listed) == Bucket.DUE_TODAY
    assert worklists.days_overdue(listed, TODAY) is None
    tomorrow = TODAY + timedelta(days=1)
    listed = worklists.items(Enrolment.objects.all(), tomorrow, Filters()).get(pk=enrolment.pk)
    assert (bucket_of(listed), worklists.days_overdue(listed, tomorrow)) == (Bucket.OVERDUE, 1)


def test_lost_starts_the_day_after_the_programme_threshold(county):
    days = lost_after_days("diabetes")
    person = ResidentFactory.create(village=county.village_a)
    enrolment = _enrol(person, "diabetes", due=TODAY - timedelta(days=days))
    rows = worklists.items(Enrolment.objects.all(), TODAY, Filters())
    assert bucket_of(rows.get(pk=enrolment.pk)) == Bucket.OVERDUE
    rows = worklists.items(Enrolment.objects.all(), TODAY + timedelta(days=1), Filters())
    assert bucket_of(rows.get(pk=enrolment.pk)) == Bucket.LOST


def test_counts_match_the_rows_and_filters(lists):
    rows, _not_listed, _elsewhere, doctor = lists
    everyone = Enrolment.objects.all()
    counts = worklists.counts(everyone, TODAY)
    assert counts == {
        Bucket.DUE_TODAY: 1,
        Bucket.DUE_THIS_WEEK: 1,
        Bucket.OVERDUE: 2,  # village A's diabetic and village C's
        Bucket.LOST: 1,
        Bucket.NEWLY_ELIGIBLE: 1,
    }
    only_overdue = worklists.items(everyone, TODAY, Filters(bucket=Bucket.OVERDUE))
    assert only_overdue.count() == 2
    mine = worklists.items(everyone, TODAY, Filters(doctor_id=doctor.pk))
    assert [row.pk for row in mine] == [rows[Bucket.DUE_TODAY].pk]
    diabetes = worklists.items(everyone, TODAY, Filters(programme="diabetes"))
    assert [row.pk for row in diabetes] == [rows[Bucket.OVERDUE].pk]


def test_counts_by_village_and_doctor(lists, county):
    by_village = {
        row.key: row for row in worklists.counts_by(Enrolment.objects.all(), TODAY, "village")
    }
    assert by_village[county.village_a.pk].total == 5
    assert by_village[county.village_c.pk].counts[Bucket.OVERDUE] == 1
    assert by_village[county.village_a.pk].parent == county.township1.name
    _rows, _not_listed, _elsewhere, doctor = lists
    by_doctor = {
        row.key: row for row in worklists.counts_by(Enrolment.objects.all(), TODAY, "doctor")
    }
    assert by_doctor[doctor.pk].counts[Bucket.DUE_TODAY] == 1
    assert by_doctor[None].total == 5  # nobody is responsible for the others yet


def test_the_query_count_does_not_grow_with_the_list(county, django_assert_max_num_queries):
    for index in range(30):
        _enrol(
            ResidentFactory.create(village=county.village_a), due=TODAY - timedelta(days=index % 9)
        )
    with django_assert_max_num_queries(1):
        rows = list(worklists.items(Enrolment.objects.all(), TODAY, Filters()))
        names = [row.resident.village.name for row in rows]
    assert len(names) == 30


def test_village_doctor_page_lists_only_their_village(lists, village_doctor, sign_in):
    rows, _not_listed, elsewhere, _doctor = lists
    client = sign_in(village_doctor)
    response = client.get("/programmes/worklist/", {"date": TODAY.isoformat()})
    assert response.status_code == 200
    listed = {row["enrolment"].pk for row in response.context["rows"]}
    assert listed == {enrolment.pk for enrolment in rows.values()}
    assert elsewhere.pk not in listed
    assert {code: n for code, _label, n in response.context["tabs"]}[Bucket.OVERDUE] == 1
    page = response.content.decode()
    assert "138****" in page  # phones masked
    assert f"/programmes/enrolments/{rows[Bucket.OVERDUE].pk}/visit/" in page
    assert AuditEntry.objects.filter(
        username=village_doctor.username, action="list", object_type="programmes.enrolment"
    ).exists()


def test_overdue_tab_sorted_by_days_overdue(county, village_doctor, sign_in):
    late = [
        _enrol(ResidentFactory.create(village=county.village_a), due=TODAY - timedelta(days=d))
        for d in (3, 9, 1)
    ]
    response = sign_in(village_doctor).get(
        "/programmes/worklist/", {"date": TODAY.isoformat(), "bucket": "overdue", "sort": "overdue"}
    )
    shown = [(row["enrolment"].pk, row["days_overdue"]) for row in response.context["rows"]]
    assert shown == [(late[1].pk, 9), (late[0].pk, 3), (late[2].pk, 1)]


def test_printable_and_excel_lists(lists, village_doctor, sign_in):
    client = sign_in(village_doctor)
    printed = client.get("/programmes/worklist/", {"date": TODAY.isoformat(), "print": "1"})
    assert printed.context["page_obj"] is None
    assert len(printed.context["rows"]) == 5
    export = client.get("/programmes/worklist/", {"date": TODAY.isoformat(), "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(export.content)).active
    values = list(sheet.values)
    assert len(values) == 1 + 5
    assert all("****" in row[4] for row in values[1:] if row[4])


def test_outsiders_and_residents_see_nothing(lists, outsider, resident_user, sign_in, client):
    response = sign_in(outsider).get("/programmes/worklist/", {"date": TODAY.isoformat()})
    listed = {row["enrolment"].pk for row in response.context["rows"]}
    assert listed == {lists[2].pk}  # only village C's own overdue person
    client.logout()
    assert sign_in(resident_user).get("/programmes/worklist/").status_code == 404


def test_supervisors_see_counts_per_village_and_doctor(
    lists, township_doctor, village_doctor, sign_in, client
):
    response = sign_in(township_doctor).get(
        "/programmes/worklist/overview/", {"date": TODAY.isoformat()}
    )
    assert response.status_code == 200
    villages = {row.label: row.total for row in response.context["rows"]}
    assert villages == {"甲村": 5}  # township 1's THC sees its own villages only
    by_doctor = client.get(
        "/programmes/worklist/overview/", {"by": "doctor", "date": TODAY.isoformat()}
    )
    assert {row.label for row in by_doctor.context["rows"]} == {"甲村医", ""}
    chart = client.get("/programmes/worklist/overview/chart.svg", {"date": TODAY.isoformat()})
    assert chart["Content-Type"] == "image/svg+xml"
    assert b"<svg" in chart.content
    client.logout()
    assert sign_in(village_doctor).get("/programmes/worklist/overview/").status_code == 404


def test_api_gives_the_same_list_masked(lists, village_doctor, sign_in):
    rows, _not_listed, _elsewhere, _doctor = lists
    response = sign_in(village_doctor).get(
        "/api/v1/programmes/worklists", {"date": TODAY.isoformat(), "bucket": "overdue"}
    )
    body = response.json()
    assert body["counts"][Bucket.OVERDUE] == 1
    assert body["total"] == 1
    (item,) = body["items"]
    assert item["enrolment_id"] == rows[Bucket.OVERDUE].pk
    assert item["days_overdue"] == 5
    assert "*" in item["citizen_id"]
    assert "*" in item["phone"]


def test_api_overview_for_supervisors_only(lists, county_officer, village_doctor, sign_in, client):
    body = (
        sign_in(county_officer)
        .get("/api/v1/programmes/worklists/overview", {"date": TODAY.isoformat()})
        .json()
    )
    assert sum(row["total"] for row in body) == 6
    client.logout()
    assert sign_in(village_doctor).get("/api/v1/programmes/worklists/overview").status_code == 404


def test_command_prints_county_counts_as_json(lists):
    out = io.StringIO()
    call_command("worklists", date=TODAY, format="json", by="village", stdout=out)
    rows = json.loads(out.getvalue())
    assert sum(row["total"] for row in rows) == 6
    assert all("甲" not in json.dumps(row["counts"]) for row in rows)  # counts, never names
