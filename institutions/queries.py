"""Reads of the registry shared by the pages, the export and the API (ORG-1, ORG-3, MED-8)."""

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from institutions.models import Designation, FeverClinic, Institution


@dataclass(frozen=True)
class CapabilityFilter:
    label: Promise
    condition: Q


CAPABILITY_FILTERS: dict[str, CapabilityFilter] = {
    "tcm_hall": CapabilityFilter(_("TCM hall"), Q(capabilities__has_tcm_hall=True)),
    "patent_medicines": CapabilityFilter(
        _("Chinese patent medicines"), Q(capabilities__stocks_chinese_patent_medicines=True)
    ),
    "fever_clinic": CapabilityFilter(
        _("Fever clinic or consultation room"),
        Q(
            capabilities__fever_clinic__in=[
                FeverClinic.CONSULTATION_ROOM,
                FeverClinic.STANDARD_CLINIC,
            ]
        ),
    ),
    "negative_pressure_ambulance": CapabilityFilter(
        _("Negative-pressure ambulance"), Q(capabilities__negative_pressure_ambulances__gt=0)
    ),
    "infectious_disease_department": CapabilityFilter(
        _("Infectious disease department"),
        Q(capabilities__has_infectious_disease_department=True),
    ),
    "vaccination_clinic": CapabilityFilter(
        _("Vaccination clinic"), Q(capabilities__has_vaccination_clinic=True)
    ),
    "emergency_point": CapabilityFilter(
        _("Emergency point"), Q(capabilities__is_emergency_point=True)
    ),
    "emergency_team": CapabilityFilter(
        _("Medical emergency team"), Q(capabilities__emergency_teams__gt=0)
    ),
    "iv_authorised": CapabilityFilter(
        _("Authorised for IV medication"), Q(capabilities__iv_authorised=True)
    ),
    "rehabilitation_beds": CapabilityFilter(
        _("Rehabilitation beds"), Q(capabilities__beds_rehabilitation__gt=0)
    ),
    "nursing_beds": CapabilityFilter(_("Nursing beds"), Q(capabilities__beds_nursing__gt=0)),
    "hospice_beds": CapabilityFilter(_("Hospice beds"), Q(capabilities__beds_hospice__gt=0)),
    "elderly_care_beds": CapabilityFilter(
        _("Elderly-care beds"), Q(capabilities__beds_elderly_care__gt=0)
    ),
    "not_recorded": CapabilityFilter(_("Capabilities not recorded"), Q(capabilities__isnull=True)),
}


@dataclass(frozen=True)
class Filters:
    """The list's filters; unknown values are dropped, so a bad link shows everything."""

    type: str = ""
    ownership: str = ""
    designation: str = ""
    capability: str = ""
    q: str = ""

    @classmethod
    def from_query(cls, params: Mapping[str, Any]) -> "Filters":
        def value(name: str, allowed: Collection[str]) -> str:
            chosen = str(params.get(name, "") or "")
            return chosen if chosen in allowed else ""

        return cls(
            type=value("type", Institution.Type.values),
            ownership=value("ownership", Institution.Ownership.values),
            designation=value("designation", Designation.Kind.values),
            capability=value("capability", CAPABILITY_FILTERS),
            q=str(params.get("q", "") or "").strip()[:50],
        )

    def apply(self, institutions: QuerySet[Institution]) -> QuerySet[Institution]:
        if self.type:
            institutions = institutions.filter(type=self.type)
        if self.ownership:
            institutions = institutions.filter(ownership=self.ownership)
        if self.designation:
            institutions = institutions.filter(designations__kind=self.designation)
        if self.capability:
            institutions = institutions.filter(CAPABILITY_FILTERS[self.capability].condition)
        if self.q:
            institutions = institutions.filter(Q(name__contains=self.q) | Q(code__contains=self.q))
        return institutions

    @property
    def active(self) -> bool:
        return any((self.type, self.ownership, self.designation, self.capability, self.q))


def filter_institutions(filters: Filters) -> QuerySet[Institution]:
    """Institutions matching ``filters``, in management order."""
    return filters.apply(Institution.objects.all()).order_by("path")
