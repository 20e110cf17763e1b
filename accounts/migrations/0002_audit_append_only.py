"""Refuse changes to the audit log at the database level (IT-4).

PostgreSQL refuses UPDATE and DELETE of any row; SQLite refuses UPDATE (its DELETE cannot be told
apart from the test runner's flush). TRUNCATE stays possible for the test runner. Whatever gets
past the database is still caught by the hash chain: ``jiceng audit verify``.
"""

from django.db import migrations

TABLE = "accounts_auditentry"

SQLITE_FORWARD = [
    f"CREATE TRIGGER audit_no_update BEFORE UPDATE ON {TABLE} "
    "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;",
]
SQLITE_BACKWARD = ["DROP TRIGGER IF EXISTS audit_no_update"]

POSTGRES_FORWARD = [
    "CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN RAISE EXCEPTION 'audit log is append-only'; END; $$",
    f"CREATE TRIGGER audit_no_update_delete BEFORE UPDATE OR DELETE ON {TABLE} "
    "FOR EACH ROW EXECUTE FUNCTION audit_append_only()",
]
POSTGRES_BACKWARD = [
    f"DROP TRIGGER IF EXISTS audit_no_update_delete ON {TABLE}",
    "DROP FUNCTION IF EXISTS audit_append_only()",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


def create_chain_head(apps, schema_editor):
    """The head row exists before the first writer, so concurrent first writers queue on it."""
    apps.get_model("accounts", "AuditHead").objects.get_or_create(
        pk=1, defaults={"last_entry_id": 0, "last_hash": "0" * 64}
    )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        ),
        migrations.RunPython(create_chain_head, migrations.RunPython.noop),
    ]
