import pytest
from django.http import Http404

from accounts import scope
from accounts.models import AuditEntry


def names(queryset):
    return sorted(queryset.values_list("name", flat=True))


def test_village_doctor_sees_only_own_village(county, village_doctor):
    assert names(scope.residents_in_scope(village_doctor)) == ["王小明", "王秀英"]


def test_township_doctor_sees_every_village_of_the_township(county, township_doctor):
    assert names(scope.residents_in_scope(township_doctor)) == ["李建国", "王小明", "王秀英"]


def test_county_officer_sees_the_county(county, county_officer):
    assert scope.residents_in_scope(county_officer).count() == 4


def test_outsider_gets_404_not_403(county, outsider):
    with pytest.raises(Http404):
        scope.get_resident(outsider, county.resident_a.pk, request=None, purpose="test")


def test_outsider_lookup_is_not_audited_as_a_read(county, outsider):
    with pytest.raises(Http404):
        scope.get_resident(outsider, county.resident_a.pk, request=None, purpose="test")
    assert not AuditEntry.objects.filter(action="read").exists()


def test_resident_sees_self_and_minor_child(county, resident_user):
    assert names(scope.residents_in_scope(resident_user)) == ["王小明", "王秀英"]


def test_read_writes_an_audit_entry(county, village_doctor):
    resident = scope.get_resident(
        village_doctor, county.resident_a.pk, request=None, purpose="follow-up"
    )
    entry = AuditEntry.objects.get()
    assert (entry.username, entry.role, entry.action, entry.object_id, entry.purpose) == (
        "cunyi_a",
        "village_doctor",
        "read",
        str(resident.pk),
        "follow-up",
    )
