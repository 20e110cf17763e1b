"""What the checks share: the run's context, the county's subsets, links, distances."""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.urls import NoReverseMatch, reverse

from divisions.models import Division
from institutions.models import Institution
from supervision.results import Failing
from workforce.models import Staff

Type = Institution.Type
GRASSROOTS_TYPES = (
    Type.CHSC,
    Type.THC,
    Type.THC_BRANCH,
    Type.CHSS,
    Type.VILLAGE_CLINIC,
    Type.VILLAGE_SERVICE_POINT,
)
CENTRE_TYPES = (Type.CHSC, Type.THC, Type.THC_BRANCH)
VILLAGE_LEVEL_TYPES = (Type.VILLAGE_CLINIC, Type.VILLAGE_SERVICE_POINT)
COUNTY_LEVEL_TYPES = (Type.COUNTY_HOSPITAL, Type.COUNTY_TCM_HOSPITAL, Type.COUNTY_MCH)
VILLAGE_DOCTOR_PROFESSIONS = (
    Staff.Profession.VILLAGE_DOCTOR,
    Staff.Profession.RURAL_GP_ASSISTANT,
    Staff.Profession.ASSISTANT_DOCTOR,
    Staff.Profession.DOCTOR,
)
EARTH_RADIUS_KM = 6371.0


@dataclass(frozen=True)
class Context:
    county: Division
    today: date

    @property
    def low(self) -> str:
        return self.county.code_range[0]

    @property
    def high(self) -> str:
        return self.county.code_range[1]

    def divisions(self) -> QuerySet[Division]:
        return Division.objects.filter(code__range=self.county.code_range)

    def institutions(self) -> QuerySet[Institution]:
        return Institution.objects.filter(division__code__range=self.county.code_range)

    def staff(self) -> QuerySet[Staff]:
        return Staff.objects.filter(
            is_active=True, institution__division__code__range=self.county.code_range
        )

    def village_doctors(self) -> QuerySet[Staff]:
        """Clinicians whose home post is a village clinic or THC-run village service point."""
        return self.staff().filter(
            institution__type__in=VILLAGE_LEVEL_TYPES, profession__in=VILLAGE_DOCTOR_PROFESSIONS
        )

    def last_full_month(self) -> tuple[date, date]:
        first_this_month = self.today.replace(day=1)
        last = first_this_month - timedelta(days=1)
        return last.replace(day=1), last

    def last_year(self) -> tuple[date, date]:
        return self.today - timedelta(days=364), self.today

    def this_year(self) -> tuple[date, date]:
        """From 1 January up to today: records dated later do not count yet."""
        return date(self.today.year, 1, 1), self.today


def within(division: Division) -> Q:
    """Institutions located inside ``division``'s subtree."""
    return Q(division__code__range=division.code_range)


def link(url_name: str, pk: int) -> str:
    try:
        return reverse(url_name, args=[pk])
    except NoReverseMatch:
        return ""


def division_failing(division: Division, reason: str) -> Failing:
    return Failing(
        "division", division.pk, division.name, link("divisions:detail", division.pk), reason
    )


def institution_failing(institution: Institution, reason: str) -> Failing:
    return Failing(
        "institution",
        institution.pk,
        institution.name,
        link("institutions:detail", institution.pk),
        reason,
    )


def staff_failing(staff: Staff, reason: str) -> Failing:
    return Failing("staff", staff.pk, staff.name, link("workforce:detail", staff.pk), reason)


def county_failing(county: Division, reason: str) -> Failing:
    return Failing("county", county.pk, county.name, link("divisions:detail", county.pk), reason)


def distance_km(
    a: tuple[Decimal | float, Decimal | float], b: tuple[Decimal | float, Decimal | float]
) -> float:
    """Great-circle (straight-line) distance between two (latitude, longitude) points."""
    lat1, lon1, lat2, lon2 = (math.radians(float(value)) for value in (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def percent(value: float, digits: int = 0) -> str:
    return f"{value * 100:.{digits}f} %"


def names(items: Iterable[str]) -> str:
    return "、".join(items)
