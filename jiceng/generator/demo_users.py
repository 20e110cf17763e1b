"""Demo logins: one user per role, scoped to the generated county, all with one shared password."""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone, translation

from accounts.models import Role, User
from divisions.models import Division
from institutions.models import Institution
from jiceng.dates import years_before
from jiceng.generator.source import GenerationError
from jiceng.generator.staff import CARDIOLOGY
from residents.models import Resident
from workforce.models import Staff

DEMO_PASSWORD = "jiceng-demo-2026"  # noqa: S105 — published demo password, demo users only
ADULT_AGE = 18
PRESCHOOL_AGE = 7


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str
    role_label: str
    scope: str


@dataclass(frozen=True)
class _DemoUser:
    username: str
    role: Role
    scope: str
    division: Division | None = None
    institution: Institution | None = None
    staff: Staff | None = None
    resident: Resident | None = None


def _first_staff(institution: Institution, **filters: str) -> Staff | None:
    return Staff.objects.filter(institution=institution, **filters).order_by("id").first()


def _parent_with_child_under(age: int, village: Division, today: date) -> Resident | None:
    """A head of household in ``village`` with a child younger than ``age`` in the household."""
    return (
        Resident.objects.filter(
            village=village,
            relation_to_head=Resident.Relation.HEAD,
            household__members__relation_to_head=Resident.Relation.CHILD,
            household__members__birth_date__gt=years_before(today, age),
        )
        .order_by("id")
        .first()
    )


def _demo_users(today: date) -> list[_DemoUser]:
    county = Division.objects.filter(level=Division.Level.COUNTY).order_by("code").first()
    hospital = Institution.objects.filter(type=Institution.Type.COUNTY_HOSPITAL).first()
    cdc = Institution.objects.filter(type=Institution.Type.COUNTY_CDC).first()
    health_centre = (
        Institution.objects.filter(type=Institution.Type.THC).order_by("division__code").first()
    )
    if county is None or hospital is None or cdc is None or health_centre is None:
        raise GenerationError("no generated county: run `manage.py generate` first")
    clinic, parent = None, None
    clinics = Institution.objects.filter(
        parent=health_centre, type=Institution.Type.VILLAGE_CLINIC
    ).select_related("division")
    # Prefer a child under 7, the age of the vaccination programme and its recorded history.
    for age in (PRESCHOOL_AGE, ADULT_AGE):
        for candidate in clinics.order_by("division__code"):
            parent = _parent_with_child_under(age, candidate.division, today)
            if parent is not None:
                clinic = candidate
                break
        if parent is not None:
            break
    if clinic is None or parent is None:
        raise GenerationError(f"no village of {health_centre} has a household with a minor child")
    village = clinic.division
    return [
        _DemoUser("admin", Role.SYSADMIN, "users, registry, audit log; no resident data"),
        _DemoUser("weijianju", Role.COUNTY_HEALTH, f"county {county}", division=county),
        _DemoUser(
            "yigongti",
            Role.GROUP_MANAGER,
            f"county {county}; medical group led by {hospital}",
            division=county,
            institution=hospital,
            staff=_first_staff(hospital, profession=Staff.Profession.MANAGER),
        ),
        _DemoUser(
            "weishengyuan",
            Role.TOWNSHIP_STAFF,
            f"{health_centre} and the clinics it manages",
            institution=health_centre,
            staff=_first_staff(health_centre, profession=Staff.Profession.DOCTOR),
        ),
        _DemoUser(
            "cunyi",
            Role.VILLAGE_DOCTOR,
            f"{clinic}, village {village}",
            division=village,
            institution=clinic,
            staff=_first_staff(clinic),
        ),
        _DemoUser(
            "zhuanke",
            Role.SPECIALIST,
            f"{hospital}, {CARDIOLOGY}",
            institution=hospital,
            staff=_first_staff(hospital, profession=Staff.Profession.DOCTOR, department=CARDIOLOGY),
        ),
        _DemoUser(
            "jikong",
            Role.CDC,
            f"county {county}; {cdc}",
            division=county,
            institution=cdc,
            staff=_first_staff(cdc, profession=Staff.Profession.PUBLIC_HEALTH),
        ),
        _DemoUser("yibao", Role.INSURANCE, f"county {county}", division=county),
        _DemoUser(
            "jumin",
            Role.RESIDENT,
            f"own record and minor children, household in {village}",
            resident=parent,
        ),
    ]


def create_demo_users(today: date | None = None) -> list[DemoLogin]:
    """Replace the demo users: one per role, password ``DEMO_PASSWORD``.

    A username already taken by a real (non-demo) user is left alone and not listed.
    """
    today = today or timezone.localdate()
    logins: list[DemoLogin] = []
    with transaction.atomic():
        User.objects.filter(is_demo=True).delete()
        taken = set(User.objects.values_list("username", flat=True))
        for demo in _demo_users(today):
            if demo.username in taken:
                continue
            User.objects.create_user(
                username=demo.username,
                password=DEMO_PASSWORD,
                role=demo.role,
                is_demo=True,
                is_staff=demo.role == Role.SYSADMIN,
                is_superuser=demo.role == Role.SYSADMIN,
                division=demo.division,
                institution=demo.institution,
                staff=demo.staff,
                resident=demo.resident,
            )
            with translation.override("en"):
                label = str(demo.role.label)
            logins.append(DemoLogin(demo.username, DEMO_PASSWORD, demo.role, label, demo.scope))
    return logins
