"""Generate one county into the database: the steps in order, each in its own transaction."""

import sys
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from time import monotonic
from typing import Any

from django.db import connection, transaction
from django.db.models import JSONField
from tqdm import tqdm

from divisions.models import Division
from institutions.models import Institution
from jiceng.generator.demo_users import DemoLogin, create_demo_users
from jiceng.generator.gaps import DeliberateGap, plan_for
from jiceng.generator.institutions import InstitutionPlan, plan_institutions
from jiceng.generator.layout import DivisionRow, Layout, Size, plan_layout
from jiceng.generator.people import Births, CitizenIds, HouseholdDraft, village_households
from jiceng.generator.programmes import ProgrammeSummary, create_programme_data
from jiceng.generator.randomness import seeded
from jiceng.generator.records import JSON_FIELDS, RECORD_FIELDS, household_conditions, record_values
from jiceng.generator.registry import RegistryGap, RegistryPlan, plan_registry
from jiceng.generator.source import county_codes, load_county, short_name
from jiceng.generator.staff import plan_staff
from jiceng.generator.storage import (
    Row,
    ServedDivision,
    bulk_cache,
    clear_generated_county,
    indexes_deferred,
    insert_rows,
    reset_sequences,
)
from jiceng.generator.vaccination import create_vaccination_clinics, create_vaccination_histories
from residents.models import Household, Resident
from residents.rules import address_code_known
from workforce.models import Staff

DEFAULT_COUNTY = "140581"  # 高平市
_BATCH = 1_000
_HOUSEHOLD_FIELDS = ("id", "number", "village", "address")
_RESIDENT_FIELDS = (
    "id", "name", "sex", "birth_date", "citizen_id", "phone", "household", "relation_to_head",
    "village", "created_at", "updated_at", *RECORD_FIELDS,
)  # fmt: skip


@dataclass(frozen=True)
class GenerationResult:
    county_code: str
    county_name: str
    size: Size
    seed: int
    as_of: date
    divisions_by_level: dict[str, int]
    institutions_by_type: dict[str, int]
    staff: int
    households: int
    residents: int
    gaps: list[DeliberateGap]
    registry_gaps: list[RegistryGap]
    demo_logins: list[DemoLogin]
    elapsed_seconds: float
    programmes: ProgrammeSummary
    step_seconds: dict[str, float]
    """How long each step took: structure, residents, vaccination, programmes, finishing."""


def _write_structure(
    layout: Layout, institutions: InstitutionPlan, staff: list[Staff], registry: RegistryPlan
) -> None:
    Division.objects.bulk_create(
        [
            Division(
                id=row.id,
                code=row.code,
                name=row.name,
                level=row.level,
                kind=row.kind,
                parent_id=row.parent_id,
                population=row.population,
                latitude=row.latitude,
                longitude=row.longitude,
            )
            for row in layout.all_rows()
        ],
        batch_size=_BATCH,
    )
    Institution.objects.bulk_create(
        [
            Institution(
                id=row.id,
                code=row.code,
                name=row.name,
                type=row.type,
                is_central=row.is_central,
                parent_id=row.parent.id if row.parent else None,
                path=row.path,
                division_id=row.division.id,
                latitude=row.division.latitude,
                longitude=row.division.longitude,
            )
            for row in institutions.rows
        ],
        batch_size=_BATCH,
    )
    served = [(row.id, division.id) for row in institutions.rows for division in row.served]
    ServedDivision.objects.bulk_create(
        [
            ServedDivision(id=index, institution_id=institution, division_id=division)
            for index, (institution, division) in enumerate(served, start=1)
        ],
        batch_size=_BATCH,
    )
    Staff.objects.bulk_create(staff, batch_size=_BATCH)
    for rows in registry.models():
        if rows:
            type(rows[0])._default_manager.bulk_create(rows, batch_size=_BATCH)


def _address_label(village: DivisionRow) -> str:
    label = short_name(village.name)
    if village.kind == Division.Kind.VILLAGE and not label.endswith("村"):
        label += "村"
    return label


class _PeopleWriter:
    """Turns village drafts into rows with consecutive ids, adapted for the database."""

    def __init__(self, as_of: date, seed: int) -> None:
        self.as_of = as_of
        self.seed = seed
        self.households = 0
        self.residents = 0
        self.adapt_date = connection.ops.adapt_datefield_value
        # Fixed, so that a seed and a day always give the same rows.
        self.stamp = connection.ops.adapt_datetimefield_value(
            datetime.combine(as_of, time(), tzinfo=UTC)
        )
        field = Resident._meta.get_field("allergies")
        assert isinstance(field, JSONField)
        self.json_field: JSONField[Any] = field

    def adapt_json(self, value: object) -> object:
        return self.json_field.get_db_prep_value(value, connection)

    def write(self, village: DivisionRow, drafts: list[HouseholdDraft]) -> None:
        households: list[Row] = []
        residents: list[Row] = []
        rng = seeded(self.seed, "record", village.code)
        rural = village.kind == Division.Kind.VILLAGE
        for draft in drafts:
            self.households += 1
            households.append((self.households, draft.number, village.id, draft.address))
            conditions = household_conditions(rng, rural=rural)
            head = draft.members[0].name
            for person in draft.members:
                self.residents += 1
                record = record_values(
                    rng, person, conditions, head, household_known=True, as_of=self.as_of
                )
                extra = tuple(
                    self.adapt_json(record[name]) if name in JSON_FIELDS else record[name]
                    for name in RECORD_FIELDS
                )
                residents.append(
                    (
                        self.residents,
                        person.name,
                        person.sex,
                        self.adapt_date(person.birth_date),
                        person.citizen_id,
                        person.phone,
                        self.households,
                        person.relation,
                        village.id,
                        self.stamp,
                        self.stamp,
                        *extra,
                    )
                )
        insert_rows(Household, _HOUSEHOLD_FIELDS, households)
        insert_rows(Resident, _RESIDENT_FIELDS, residents)


def _write_people(layout: Layout, seed: int, as_of: date, *, progress: bool) -> tuple[int, int]:
    """Households and residents, one savepoint per township in the caller's transaction, with
    the tables' indexes built once at the end. Returns (households, residents)."""
    county_code = layout.county.code[:6]
    # Only codes of GB/T 2260 are printed on IDs: the shipped data also lists functional zones
    # (140971 and the like), whose people hold IDs of the county they belong to.
    others = [c for c in county_codes() if c != county_code and address_code_known(c)]
    same_province = tuple(code for code in others if code[:2] == county_code[:2])
    citizen_ids = CitizenIds(county_code, same_province or tuple(others))
    births = Births(as_of)
    writer = _PeopleWriter(as_of, seed)
    with tqdm(
        total=layout.county.population,
        unit=" residents",
        unit_scale=True,
        disable=not progress,
        file=sys.stderr,
        desc="residents",
    ) as bar:
        for township in layout.townships:
            with transaction.atomic():
                for village in layout.villages[township.code]:
                    label = _address_label(village)
                    drafts = village_households(
                        seed, village.code, label, village.population, births, citizen_ids
                    )
                    writer.write(village, drafts)
                    bar.update(village.population)
    return writer.households, writer.residents


def generate_county(
    *,
    size: Size,
    seed: int,
    as_of: date,
    county_code: str = DEFAULT_COUNTY,
    progress: bool = False,
    with_demo_users: bool = True,
) -> GenerationResult:
    """Replace the generated county by a new one; the same arguments give the same rows."""
    started = monotonic()
    source = load_county(county_code)
    gap_plan = plan_for(source)
    layout = plan_layout(source, gap_plan, size, seed)
    institutions = plan_institutions(layout, gap_plan)
    staff = plan_staff(institutions.rows, size, seed, as_of)
    registry = plan_registry(layout, institutions, gap_plan, staff, seed, as_of)

    steps: dict[str, float] = {}
    lap = monotonic()

    def timed(step: str) -> None:
        nonlocal lap
        now = monotonic()
        steps[step] = round(now - lap, 1)
        lap = now

    with bulk_cache():
        clear_generated_county()
        with transaction.atomic():
            _write_structure(layout, institutions, staff, registry)
        timed("structure")
        with transaction.atomic(), indexes_deferred(Household, Resident):
            households, residents = _write_people(layout, seed, as_of, progress=progress)
        timed("residents")
        with transaction.atomic():
            reset_sequences()
            create_vaccination_clinics(as_of)
            create_vaccination_histories(seed, as_of)
        timed("vaccination")
        programmes = create_programme_data(seed, as_of, progress=progress)
        timed("programmes")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh statistics, so searches use the right index at once
    logins = create_demo_users(as_of) if with_demo_users else []
    timed("finishing")

    rows = layout.all_rows()
    return GenerationResult(
        county_code=county_code,
        county_name=source.county.name,
        size=size,
        seed=seed,
        as_of=as_of,
        divisions_by_level=dict(Counter(row.level for row in rows)),
        institutions_by_type=dict(Counter(row.type for row in institutions.rows)),
        staff=len(staff),
        households=households,
        residents=residents,
        gaps=institutions.gaps,
        registry_gaps=registry.gaps,
        demo_logins=logins,
        elapsed_seconds=round(monotonic() - started, 1),
        programmes=programmes,
        step_seconds=steps,
    )
