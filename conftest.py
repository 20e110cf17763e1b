"""Role personas shared by every test: each access test reads as a story."""

import pytest

from accounts.models import Role, User
from jiceng.testing import County, make_user, signed_in_client


@pytest.fixture
def county(db) -> County:
    return County()


@pytest.fixture
def village_doctor(county: County) -> User:
    """Village doctor of village A (clinic A)."""
    return make_user(
        "cunyi_a", Role.VILLAGE_DOCTOR, institution=county.clinic_a, division=county.village_a
    )


@pytest.fixture
def township_doctor(county: County) -> User:
    """Doctor of township 1's THC, which manages clinic A."""
    return make_user("weishengyuan_1", Role.TOWNSHIP_STAFF, institution=county.thc1)


@pytest.fixture
def county_officer(county: County) -> User:
    return make_user("weijianju", Role.COUNTY_HEALTH, division=county.county)


@pytest.fixture
def outsider(county: County) -> User:
    """Village doctor of village C, in the other township: sees nothing of village A."""
    return make_user(
        "cunyi_c", Role.VILLAGE_DOCTOR, institution=county.clinic_c, division=county.village_c
    )


@pytest.fixture
def resident_user(county: County) -> User:
    """The head of household in village A, signed in as a resident."""
    return make_user("jumin_a", Role.RESIDENT, resident=county.resident_a)


@pytest.fixture
def sign_in(client):
    """Sign ``client`` in as a user (past the second factor where the role needs it)."""
    return lambda user: signed_in_client(user, client)
