"""IT-4 for staff records: scopes per role, outsider → 404, every access audited."""

import pytest
from django.http import Http404

from accounts.models import AuditEntry, Role
from institutions.models import Institution
from jiceng.testing import make_user
from workforce import access


def names(queryset):
    return sorted(queryset.values_list("name", flat=True))


@pytest.mark.parametrize(
    ("persona", "visible"),
    [
        ("village_doctor", ["甲村医"]),
        ("outsider", ["丙村医"]),
        ("township_doctor", ["米山医生", "甲村医"]),
        ("county_officer", ["丙村医", "县医院医生", "甲村医", "米山医生"]),
        ("group_manager", ["丙村医", "县医院医生", "甲村医", "米山医生"]),
        ("specialist", ["县医院医生"]),
        ("resident_user", []),
    ],
)
def test_staff_in_scope_follows_the_role(request, staff, persona, visible):
    user = request.getfixturevalue(persona)
    assert names(access.staff_in_scope(user)) == sorted(visible)


@pytest.mark.parametrize("role", [Role.SYSADMIN, Role.CDC, Role.INSURANCE])
def test_county_offices_see_every_staff_member(county, staff, role):
    user = make_user(f"u_{role}", role)
    assert access.staff_in_scope(user).count() == 4


def test_group_manager_of_a_township_centre_sees_its_subtree_unless_county_scope(county, staff):
    manager = make_user("group_thc1", Role.GROUP_MANAGER, institution=county.thc1)
    assert names(access.staff_in_scope(manager)) == ["甲村医", "米山医生"]
    county_wide = make_user(
        "group_county", Role.GROUP_MANAGER, institution=county.thc1, division=county.county
    )
    assert access.staff_in_scope(county_wide).count() == 4
    township_division = make_user(
        "group_t1", Role.GROUP_MANAGER, institution=county.thc1, division=county.township1
    )
    assert access.staff_in_scope(township_division).count() == 2


def test_a_user_without_an_institution_sees_nobody(county, staff):
    user = make_user("lost", Role.TOWNSHIP_STAFF)
    assert access.staff_in_scope(user).count() == 0


def test_get_staff_outside_scope_is_404_and_not_audited(staff, outsider):
    with pytest.raises(Http404):
        access.get_staff(outsider, staff["a"].pk, request=None, purpose="test")
    with pytest.raises(Http404):
        access.get_staff(outsider, "not-a-number", request=None, purpose="test")
    assert not AuditEntry.objects.exists()


def test_list_and_read_are_audited(staff, village_doctor):
    access.list_staff(village_doctor, request=None, purpose="test", detail={"query": "甲"})
    access.get_staff(village_doctor, staff["a"].pk, request=None, purpose="test")
    assert list(AuditEntry.objects.values_list("action", "object_type", "object_id")) == [
        ("search", "workforce.staff", ""),
        ("read", "workforce.staff", str(staff["a"].pk)),
    ]


def test_staff_counts_are_counts_only(county, staff):
    staff["thc1"].is_active = False
    staff["thc1"].save()
    assert access.staff_counts(county.thc1) == {"total": 1, "in_post": 0}
    assert access.staff_counts(Institution.objects.get(pk=county.clinic_a.pk)) == {
        "total": 1,
        "in_post": 1,
    }
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize(
    ("persona", "editor"),
    [
        ("county_officer", True),
        ("group_manager", True),
        ("township_doctor", True),
        ("village_doctor", False),
        ("specialist", False),
        ("resident_user", False),
    ],
)
def test_editors(request, county, persona, editor):
    assert access.is_editor(request.getfixturevalue(persona)) is editor
