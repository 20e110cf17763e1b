"""Factories and personas shared by every app's tests (factory_boy).

The personas tell access stories: the village doctor of village A, the township doctor of the
THC that manages A's clinic, the county officer, and the outsider (village doctor of village C in
another township), who must never see anything of A's.
"""

import itertools
from datetime import date
from typing import Any

import factory
from factory.django import DjangoModelFactory

from accounts.models import User
from divisions.models import Division
from institutions.models import Institution
from residents.models import Household, Resident
from residents.rules import make_citizen_id
from workforce.models import Staff

_sequence = itertools.count(1)
DEMO_PASSWORD = "correct-horse-battery-9"  # noqa: S105 - ≥ 12 characters, not a common one


def make_county() -> Division:
    return Division.objects.create(
        code="140581000000", name="高平市", level=Division.Level.COUNTY, kind=Division.Kind.COUNTY
    )


def make_township(county: Division, number: int, name: str) -> Division:
    return Division.objects.create(
        code=f"{county.code[:6]}{number:03d}000",
        name=name,
        level=Division.Level.TOWNSHIP,
        kind=Division.Kind.TOWN if number >= 100 else Division.Kind.STREET,
        parent=county,
    )


def make_village(township: Division, number: int, name: str) -> Division:
    return Division.objects.create(
        code=f"{township.code[:9]}{number:03d}",
        name=name,
        level=Division.Level.VILLAGE,
        kind=Division.Kind.VILLAGE if number >= 200 else Division.Kind.COMMUNITY,
        parent=township,
    )


def make_institution(
    name: str,
    type_: str,
    division: Division,
    *,
    parent: Institution | None = None,
    serves: list[Division] | None = None,
    **fields: Any,
) -> Institution:
    institution = Institution.objects.create(
        code=f"T{next(_sequence):06d}",
        name=name,
        type=type_,
        division=division,
        parent=parent,
        path="",
        **fields,
    )
    institution.path = institution.build_path()
    institution.save(update_fields=["path"])
    institution.served_divisions.set(serves or [])
    return institution


class HouseholdFactory(DjangoModelFactory[Household]):
    class Meta:
        model = Household

    number = factory.Sequence(lambda n: f"H{n:08d}")
    address = "一号院"


class ResidentFactory(DjangoModelFactory[Resident]):
    class Meta:
        model = Resident

    name = factory.Iterator(["王秀英", "李建国", "张伟", "刘芳", "陈静"])
    sex = Resident.Sex.FEMALE
    birth_date = date(1960, 3, 14)
    citizen_id = factory.LazyAttribute(
        lambda o: make_citizen_id(
            "140581", o.birth_date, (next(_sequence) % 499) * 2 + (1 if o.sex == "male" else 2)
        )
    )
    phone = factory.Sequence(lambda n: f"138{n:08d}")
    relation_to_head = Resident.Relation.HEAD


class StaffFactory(DjangoModelFactory[Staff]):
    class Meta:
        model = Staff

    name = factory.Iterator(["赵医生", "钱医生", "孙医生"])
    sex = Staff.Sex.MALE
    birth_date = date(1980, 1, 1)
    profession = Staff.Profession.DOCTOR


def make_user(username: str, role: str, **scope: Any) -> User:
    return User.objects.create_user(username=username, password=DEMO_PASSWORD, role=role, **scope)


class County:
    """A tiny county: township T1 (villages A, B) and township T2 (village C)."""

    def __init__(self) -> None:
        self.county = make_county()
        self.township1 = make_township(self.county, 101, "米山镇")
        self.township2 = make_township(self.county, 102, "三甲镇")
        self.village_a = make_village(self.township1, 201, "甲村")
        self.village_b = make_village(self.township1, 202, "乙村")
        self.village_c = make_village(self.township2, 201, "丙村")
        self.hospital = make_institution(
            "高平市人民医院", Institution.Type.COUNTY_HOSPITAL, self.county, serves=[self.county]
        )
        self.thc1 = make_institution(
            "米山镇卫生院",
            Institution.Type.THC,
            self.township1,
            parent=self.hospital,
            serves=[self.township1],
        )
        self.thc2 = make_institution(
            "三甲镇卫生院",
            Institution.Type.THC,
            self.township2,
            parent=self.hospital,
            serves=[self.township2],
        )
        self.clinic_a = make_institution(
            "甲村卫生室",
            Institution.Type.VILLAGE_CLINIC,
            self.village_a,
            parent=self.thc1,
            serves=[self.village_a],
        )
        self.clinic_c = make_institution(
            "丙村卫生室",
            Institution.Type.VILLAGE_CLINIC,
            self.village_c,
            parent=self.thc2,
            serves=[self.village_c],
        )
        household = HouseholdFactory(village=self.village_a)
        self.resident_a = ResidentFactory(
            village=self.village_a, household=household, name="王秀英"
        )
        self.child_a = ResidentFactory(
            village=self.village_a,
            household=household,
            name="王小明",
            sex=Resident.Sex.MALE,
            birth_date=date(2019, 5, 1),
            relation_to_head=Resident.Relation.CHILD,
        )
        self.resident_b = ResidentFactory(village=self.village_b, name="李建国", sex="male")
        self.resident_c = ResidentFactory(village=self.village_c, name="张伟", sex="male")


def signed_in_client(user: User, client: Any = None) -> Any:
    """A test client (``client``, or a new one) signed in as ``user`` without the password form
    and, for two-factor roles, with a verified second factor."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = client or Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    if user.needs_two_factor:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client
