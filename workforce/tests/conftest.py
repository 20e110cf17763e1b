"""Staff of the tiny county: a village doctor at clinic A (managed by THC 1), one at clinic C
(THC 2, the outsider's clinic), a THC 1 doctor and a county hospital doctor."""

from datetime import date

import pytest

from accounts.models import Role
from jiceng.testing import StaffFactory, make_user, signed_in_client
from workforce.models import Staff


@pytest.fixture
def staff(county):
    return {
        "a": StaffFactory(
            name="甲村医",
            code="A001",
            institution=county.clinic_a,
            profession=Staff.Profession.VILLAGE_DOCTOR,
            birth_date=date(1975, 5, 5),
        ),
        "c": StaffFactory(
            name="丙村医",
            code="C001",
            institution=county.clinic_c,
            profession=Staff.Profession.VILLAGE_DOCTOR,
        ),
        "thc1": StaffFactory(name="米山医生", code="T101", institution=county.thc1),
        "hospital": StaffFactory(
            name="县医院医生", code="H001", institution=county.hospital, title_level="intermediate"
        ),
    }


@pytest.fixture
def group_manager(county):
    """Medical group management at the lead hospital (institution subtree: the whole group)."""
    return make_user("yigongti", Role.GROUP_MANAGER, institution=county.hospital)


@pytest.fixture
def thc2_staff(county):
    """Staff of township 2's centre: an editor, but only for the staff of THC 2 and clinic C."""
    return make_user("weishengyuan_2", Role.TOWNSHIP_STAFF, institution=county.thc2)


@pytest.fixture
def specialist(county):
    return make_user("zhuanke", Role.SPECIALIST, institution=county.hospital)


@pytest.fixture
def signed_in():
    """A new client signed in as ``user``, past the second factor where the role needs it."""
    return signed_in_client
