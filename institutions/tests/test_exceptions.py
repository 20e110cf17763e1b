"""Village service exceptions (ORG-6): the rule, the pages and their validation."""

from datetime import date

import pytest
from django.urls import reverse

from accounts.models import AuditEntry
from institutions.models import Institution, VillageServiceException
from institutions.rules import Serving, exception_problems
from jiceng.testing import make_institution

TODAY = date(2026, 5, 1)
CENTRAL_CLINIC = Serving("village_clinic", is_central=True)
PLAIN_CLINIC = Serving("village_clinic", is_central=False)
THC = Serving("thc", is_central=False)


@pytest.mark.parametrize(
    ("kind", "level", "served_by", "recorded_on", "fields"),
    [
        ("itinerant", "village", None, TODAY, []),
        ("dispatch", "village", THC, TODAY, []),
        ("thc_seat", "village", THC, TODAY, []),
        ("thc_seat", "village", PLAIN_CLINIC, TODAY, ["served_by"]),
        ("neighbour", "village", None, TODAY, ["served_by"]),
        ("neighbour", "village", PLAIN_CLINIC, TODAY, []),
        ("neighbour", "village", THC, TODAY, ["served_by"]),
        ("shared_central", "village", None, TODAY, ["served_by"]),
        ("shared_central", "village", PLAIN_CLINIC, TODAY, ["served_by"]),
        ("shared_central", "village", THC, TODAY, ["served_by"]),
        ("shared_central", "village", CENTRAL_CLINIC, TODAY, []),
        ("itinerant", "township", None, TODAY, ["village"]),
        ("itinerant", "village", None, date(2026, 5, 2), ["recorded_on"]),
    ],
)
def test_org6_exception_rule(kind, level, served_by, recorded_on, fields):
    problems = exception_problems(kind, level, served_by, recorded_on, TODAY)
    assert [field for field, _message in problems] == fields


@pytest.fixture
def central_clinic(county):
    return make_institution(
        "甲村中心卫生室",
        Institution.Type.VILLAGE_CLINIC,
        county.village_a,
        parent=county.thc1,
        is_central=True,
    )


def test_editor_records_changes_and_deletes_an_exception(
    client, county, county_officer, central_clinic, sign_in
):
    client = sign_in(county_officer)
    response = client.post(
        reverse("institutions:exception_add"),
        {
            "village": county.village_b.pk,
            "kind": "shared_central",
            "served_by": central_clinic.pk,
            "reason": "两村相距 1 公里",
            "recorded_on": "2025-06-01",
        },
    )
    assert response.status_code == 302
    exception = VillageServiceException.objects.get(village=county.village_b)
    assert exception.served_by == central_clinic
    listing = client.get(reverse("institutions:exceptions"))
    assert list(listing.context["exceptions"]) == [exception]
    assert "两村相距 1 公里" in listing.content.decode()
    edit = reverse("institutions:exception_edit", args=[exception.pk])
    response = client.post(
        edit, {"village": county.village_b.pk, "kind": "itinerant", "recorded_on": "2025-06-01"}
    )
    assert response.status_code == 302
    exception.refresh_from_db()
    assert (exception.kind, exception.served_by_id) == ("itinerant", None)
    assert (
        client.post(reverse("institutions:exception_delete", args=[exception.pk])).status_code
        == 302
    )
    assert not VillageServiceException.objects.exists()
    entries = AuditEntry.objects.filter(object_type="institutions.villageserviceexception")
    assert [(e.action, e.object_id) for e in entries.order_by("id")] == [
        ("create", str(exception.pk)),
        ("update", str(exception.pk)),
        ("delete", str(exception.pk)),
    ]
    assert entries.get(action="update").detail["fields"] == ["kind", "reason", "served_by"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": "neighbour"}, "served_by"),
        ({"kind": "shared_central", "served_by": "clinic_c"}, "served_by"),
        ({"village": "township1"}, "village"),
        ({"recorded_on": "2999-01-01"}, "recorded_on"),
    ],
)
def test_validation_errors_name_the_field(client, county, county_officer, sign_in, changes, field):
    data = {"village": county.village_b.pk, "kind": "itinerant", "recorded_on": "2025-06-01"}
    for key, value in changes.items():
        data[key] = getattr(county, value).pk if hasattr(county, value) else value
    response = sign_in(county_officer).post(reverse("institutions:exception_add"), data)
    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert not VillageServiceException.objects.exists()


def test_anyone_signed_in_reads_the_list_but_only_editors_change_it(
    client, county, village_doctor, sign_in
):
    exception = VillageServiceException.objects.create(
        village=county.village_b, kind="itinerant", recorded_on=date(2025, 1, 1)
    )
    client = sign_in(village_doctor)
    response = client.get(reverse("institutions:exceptions"))
    assert response.status_code == 200
    assert (
        reverse("institutions:exception_edit", args=[exception.pk]) not in response.content.decode()
    )
    assert (
        client.get(reverse("institutions:exception_edit", args=[exception.pk])).status_code == 403
    )
    assert (
        client.post(reverse("institutions:exception_delete", args=[exception.pk])).status_code
        == 403
    )
    assert VillageServiceException.objects.filter(pk=exception.pk).exists()
