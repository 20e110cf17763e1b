"""Writing a generated county: clearing the previous one and bulk inserts with explicit ids.

Ids are given, starting at 1 in emptied tables, so the same seed yields identical rows. Households
and residents go in with ``executemany``: model instances would cost more than the generation.
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import ForeignObjectRel

from accounts.models import User
from contracting.models import Team
from divisions.models import Division
from immunization.models import (
    AdverseEvent,
    Appointment,
    ClinicSession,
    TimeSlot,
    Vaccination,
    VaccinationClinic,
    VaccineBatch,
)
from institutions.models import (
    Capabilities,
    Designation,
    GroupMembership,
    Institution,
    MedicalGroup,
    VillageServiceException,
)
from jiceng.generator.source import GenerationError
from programmes.models import EducationActivity, Enrolment, PathEvent, Visit
from residents.models import (
    FamilyHistory,
    HistoryItem,
    Household,
    IncomingRecord,
    MatchCandidate,
    Merge,
    Resident,
)
from supervision.models import CountyPolicy
from workforce.models import (
    Certificate,
    GuidanceVisit,
    Staff,
    StaffPost,
    TrainingRecord,
)

ServedDivision = Institution.served_divisions.through
TeamMembers = Team.members.through
TeamVillages = Team.villages.through
Row = Sequence[Any]

# Children before parents: the order the tables can be emptied in.
GENERATED_MODELS: tuple[type[models.Model], ...] = (
    Visit,
    PathEvent,
    Enrolment,
    EducationActivity,
    TeamMembers,
    TeamVillages,
    Team,
    AdverseEvent,
    Vaccination,
    Appointment,
    VaccineBatch,
    TimeSlot,
    ClinicSession,
    VaccinationClinic,
    Merge,
    MatchCandidate,
    IncomingRecord,
    HistoryItem,
    FamilyHistory,
    Resident.history.model,
    Resident,
    Household,
    GuidanceVisit,
    TrainingRecord,
    StaffPost,
    Certificate,
    Staff,
    VillageServiceException,
    GroupMembership,
    MedicalGroup,
    Designation,
    Capabilities,
    ServedDivision,
    Institution,
    CountyPolicy,
    Division,
)
_PROGRAMME_TABLES = (Visit, PathEvent, Enrolment)


def _release_references() -> None:
    """Null the nullable references other tables hold to generated rows (a user's staff or
    resident record); refuse if any other table still refers to them."""
    generated = set(GENERATED_MODELS)
    for model in GENERATED_MODELS:
        # Hidden relations too: the user's division and institution scopes have related_name "+".
        for relation in model._meta.get_fields(include_hidden=True):
            if not isinstance(relation, ForeignObjectRel):
                continue
            referrer = relation.related_model
            if referrer in generated or isinstance(referrer, str):
                continue
            if isinstance(relation, models.ManyToManyRel):
                assert relation.through is not None
                rows = relation.through._default_manager.all()
            else:
                name = relation.field.name
                rows = referrer._base_manager.filter(**{f"{name}__isnull": False})
                if relation.on_delete is models.SET_NULL:
                    rows.update(**{name: None})
                    continue
            if rows.exists():
                raise GenerationError(
                    f"{rows.count()} row(s) of {rows.model._meta.label} refer to the generated "
                    f"{model._meta.verbose_name_plural}; delete or re-scope them first"
                )


def clear_generated_county() -> None:
    """Delete demo users, then every programme record, resident, household, staff member,
    institution and division. The audit log is append-only and never touched."""
    with transaction.atomic():
        User.objects.filter(is_demo=True).delete()
        _release_references()
        # The programme tables are emptied first and nothing else refers to their rows: without
        # their indexes, deleting a county's million visits takes a third of the time.
        with indexes_deferred(*_PROGRAMME_TABLES), connection.cursor() as cursor:
            for model in GENERATED_MODELS:
                table = connection.ops.quote_name(model._meta.db_table)
                # Whole tables at once: foreign keys are checked at commit, so self-references
                # (a division's parent) need no ordering.
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608 — name from model metadata


def _column(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    return str(field.column)


def insert_rows(model: type[models.Model], fields: Sequence[str], rows: Sequence[Row]) -> None:
    """``executemany`` an INSERT of ``rows``; values must already be adapted for the database."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(_column(model, name)) for name in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    table = quote(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} ({columns}) VALUES ({placeholders})",  # noqa: S608 — metadata
            rows,
        )


def reset_sequences() -> None:
    """After explicit ids, make the next automatic id follow them (PostgreSQL; SQLite does it)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(GENERATED_MODELS))
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


BULK_CACHE_KIB = 262_144
"""SQLite page cache while generating (256 MiB; the default is 2 MiB): big tables with several
indexes otherwise re-read their index pages from the OS on nearly every insert."""


@contextmanager
def bulk_cache() -> Iterator[None]:
    """A large SQLite page cache for the duration; the connection's own setting after."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (before,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


@contextmanager
def indexes_deferred(*tables: type[models.Model]) -> Iterator[None]:
    """Drop the secondary indexes of ``tables`` and build them again at the end: one sorted
    build per index costs a fraction of keeping eight indexes current through a million inserts
    in random order. Inside a transaction only (DDL is transactional in SQLite and PostgreSQL:
    an error rolls the drops back with the rows). Primary keys and constraints stay."""
    if not connection.in_atomic_block:
        raise RuntimeError("indexes_deferred() needs a transaction")
    saved: list[tuple[str, str]] = []
    with connection.cursor() as cursor:
        for model in tables:
            if connection.vendor == "sqlite":
                cursor.execute(
                    "SELECT name, sql FROM sqlite_master "
                    "WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL ORDER BY name",
                    [model._meta.db_table],
                )
            elif connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT indexname, indexdef FROM pg_indexes "
                    "WHERE schemaname = current_schema() AND tablename = %s "
                    "AND indexname NOT IN (SELECT conname FROM pg_constraint) ORDER BY indexname",
                    [model._meta.db_table],
                )
            else:
                continue
            saved.extend(cursor.fetchall())
        for name, _ in saved:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    yield
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Django's foreign keys are deferred to commit; PostgreSQL will not build an index on
            # a table with such checks pending, so run them now (they would run at commit).
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for _, statement in saved:
            cursor.execute(statement)
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
