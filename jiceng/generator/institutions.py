"""Institutions of a generated county per JC-6, with the gap plan's deliberate gaps."""

from dataclasses import dataclass, field

from divisions.models import Division
from institutions.models import Institution
from jiceng.generator.gaps import (
    SHARED_CENTRAL_CLINIC,
    SMALL_VILLAGE_SERVED_BY_NEIGHBOUR,
    STREET_WITHOUT_CHSC,
    THC_SEAT_WITHOUT_CLINIC,
    VILLAGE_WITHOUT_SERVICE,
    DeliberateGap,
    GapPlan,
)
from jiceng.generator.layout import DivisionRow, Layout
from jiceng.generator.source import seat_village, short_name

STATION_THRESHOLD = 30_000
"""ORG-4: a street above this population may add community health service stations."""
PEOPLE_PER_EXTRA_STATION = 15_000
MOST_STATIONS = 4

_ABBREVIATIONS: dict[str, str] = {
    Institution.Type.COUNTY_HOSPITAL: "CH",
    Institution.Type.COUNTY_TCM_HOSPITAL: "TCM",
    Institution.Type.COUNTY_MCH: "MCH",
    Institution.Type.COUNTY_CDC: "CDC",
    Institution.Type.CHSC: "CHSC",
    Institution.Type.THC: "THC",
    Institution.Type.CHSS: "CHSS",
    Institution.Type.VILLAGE_CLINIC: "VC",
}


@dataclass
class InstitutionRow:
    id: int
    code: str
    name: str
    type: str
    division: DivisionRow
    parent: "InstitutionRow | None"
    served: list[DivisionRow]
    is_central: bool = False

    @property
    def path(self) -> str:
        """Same rule as ``Institution.build_path``."""
        return f"{self.parent.path if self.parent else '/'}{self.id}/"


@dataclass
class InstitutionPlan:
    rows: list[InstitutionRow] = field(default_factory=list)
    gaps: list[DeliberateGap] = field(default_factory=list)

    def add(
        self,
        name: str,
        type_: str,
        division: DivisionRow,
        parent: InstitutionRow | None,
        served: list[DivisionRow],
        *,
        is_central: bool = False,
    ) -> InstitutionRow:
        row = InstitutionRow(
            len(self.rows) + 1,
            # The first division served names it: a THC by its township, a clinic by its village.
            f"{_ABBREVIATIONS[type_]}-{served[0].code}",
            name,
            type_,
            division,
            parent,
            served,
            is_central,
        )
        self.rows.append(row)
        return row

    def record(
        self,
        kind: str,
        division: DivisionRow,
        served_by: InstitutionRow | None,
        *,
        rule: str = "ORG-6",
        is_exception: bool,
    ) -> None:
        self.gaps.append(
            DeliberateGap(
                kind=kind,
                rule=rule,
                is_exception=is_exception,
                division_code=division.code,
                division_name=division.name,
                served_by=served_by.code if served_by else None,
            )
        )


def _clinic_name(village: DivisionRow, *, is_central: bool) -> str:
    label = short_name(village.name)
    if not label.endswith("村"):
        label += "村"
    return f"{label}{'中心' if is_central else ''}卫生室"


def _village_clinics(
    plan: InstitutionPlan,
    villages: list[DivisionRow],
    manager: InstitutionRow,
    gap_plan: GapPlan,
    skip: str | None,
) -> None:
    """One clinic per administrative village, except the seat ``skip`` and the plan's gaps."""
    small = dict(gap_plan.small_villages)
    served_by_neighbour = {neighbour: village for village, neighbour in small.items()}
    central, shared = gap_plan.central_clinic or (None, None)
    by_code = {village.code: village for village in villages}
    for village in villages:
        if village.kind != Division.Kind.VILLAGE or village.code == skip:
            continue
        if village.code in small or village.code == shared:
            continue  # served by a neighbour's clinic, recorded below
        if village.code in gap_plan.villages_without_service:
            plan.record(VILLAGE_WITHOUT_SERVICE, village, None, is_exception=False)
            continue
        is_central = village.code == central
        served = [village]
        if village.code in served_by_neighbour:
            served.append(by_code[served_by_neighbour[village.code]])
        if is_central and shared is not None:
            served.append(by_code[shared])
        clinic = plan.add(
            _clinic_name(village, is_central=is_central),
            Institution.Type.VILLAGE_CLINIC,
            village,
            manager,
            served,
            is_central=is_central,
        )
        if village.code in served_by_neighbour:
            plan.record(
                SMALL_VILLAGE_SERVED_BY_NEIGHBOUR,
                by_code[served_by_neighbour[village.code]],
                clinic,
                is_exception=True,
            )
        if is_central and shared is not None:
            plan.record(SHARED_CENTRAL_CLINIC, by_code[shared], clinic, is_exception=True)


def _street(
    plan: InstitutionPlan,
    county_name: str,
    street: DivisionRow,
    villages: list[DivisionRow],
    hospital: InstitutionRow,
    gap_plan: GapPlan,
) -> None:
    if street.code == gap_plan.street_without_chsc:
        plan.record(STREET_WITHOUT_CHSC, street, None, rule="ORG-4", is_exception=False)
        # The group's lead hospital manages the street's village clinics directly.
        _village_clinics(plan, villages, hospital, gap_plan, None)
        return
    communities = [v for v in villages if v.kind == Division.Kind.COMMUNITY]
    home = (communities or villages)[0]
    centre = plan.add(
        f"{county_name}{street.name}社区卫生服务中心",
        Institution.Type.CHSC,
        home,
        hospital,
        [street],
    )
    stations = 0
    if street.planned_population > STATION_THRESHOLD:
        extra = (street.planned_population - STATION_THRESHOLD) // PEOPLE_PER_EXTRA_STATION
        stations = min(1 + extra, MOST_STATIONS, len(communities) - 1)
    others = [community for community in communities if community is not home]
    for index in range(stations):
        community = others[index * len(others) // stations]
        plan.add(
            f"{short_name(community.name)}社区卫生服务站",
            Institution.Type.CHSS,
            community,
            centre,
            [community],
        )
    _village_clinics(plan, villages, centre, gap_plan, None)


def plan_institutions(layout: Layout, gap_plan: GapPlan) -> InstitutionPlan:
    """County institutions, then each township's centre and its stations or clinics."""
    plan = InstitutionPlan()
    county = layout.county
    name = county.name
    hospital = plan.add(f"{name}人民医院", Institution.Type.COUNTY_HOSPITAL, county, None, [county])
    plan.add(f"{name}中医院", Institution.Type.COUNTY_TCM_HOSPITAL, county, None, [county])
    plan.add(f"{name}妇幼保健院", Institution.Type.COUNTY_MCH, county, None, [county])
    plan.add(f"{name}疾病预防控制中心", Institution.Type.COUNTY_CDC, county, None, [county])
    for township in layout.townships:
        villages = layout.villages[township.code]
        if township.kind == Division.Kind.STREET:
            _street(plan, name, township, villages, hospital, gap_plan)
            continue
        seat = seat_village(township.name, villages)
        is_central = township.code in gap_plan.central_health_centres
        centre = plan.add(
            f"{name}{township.name}{'中心' if is_central else ''}卫生院",
            Institution.Type.THC,
            seat,
            hospital,
            [township],
            is_central=is_central,
        )
        if seat.kind == Division.Kind.VILLAGE:
            plan.record(THC_SEAT_WITHOUT_CLINIC, seat, centre, is_exception=True)
        _village_clinics(plan, villages, centre, gap_plan, seat.code)
    return plan
