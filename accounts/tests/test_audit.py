import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from accounts import audit, scope
from accounts.models import AuditEntry


def make_entries(user, count):
    for number in range(count):
        audit.record(user, "read", "residents.resident", number, purpose="test")


def test_entries_are_chained(county_officer):
    make_entries(county_officer, 3)
    first, second, third = AuditEntry.objects.order_by("id")
    assert first.previous_hash == audit.GENESIS_HASH
    assert second.previous_hash == first.entry_hash
    assert third.previous_hash == second.entry_hash
    assert audit.verify().ok


def test_audit_log_refuses_updates(county_officer):
    make_entries(county_officer, 1)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.update(purpose="nothing to see")


def _tamper(sql, params):
    """What a database administrator could do behind the application's back."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER audit_no_update")
        else:
            cursor.execute("ALTER TABLE accounts_auditentry DISABLE TRIGGER USER")
        cursor.execute(sql, params)


def test_verify_names_the_tampered_entry(county_officer):
    make_entries(county_officer, 5)
    target = AuditEntry.objects.order_by("id")[2]
    _tamper("UPDATE accounts_auditentry SET purpose = %s WHERE id = %s", ["edited", target.pk])
    result = audit.verify()
    assert (result.first_broken_id, result.checked) == (target.pk, 2)
    assert "content" in result.reason


def test_verify_names_a_deleted_entry(county_officer):
    make_entries(county_officer, 4)
    target = AuditEntry.objects.order_by("id")[1]
    _tamper("DELETE FROM accounts_auditentry WHERE id = %s", [target.pk])
    assert audit.verify().first_broken_id == target.pk


def test_verify_notices_entries_cut_from_the_end(county_officer):
    make_entries(county_officer, 3)
    last = AuditEntry.objects.latest("id")
    _tamper("DELETE FROM accounts_auditentry WHERE id = %s", [last.pk])
    result = audit.verify()
    assert not result.ok
    assert "end" in result.reason


def test_audit_verify_command_reports_the_broken_entry(county_officer, capsys):
    make_entries(county_officer, 2)
    call_command("audit", "verify")
    assert "2 entries checked" in capsys.readouterr().out
    first = AuditEntry.objects.earliest("id")
    _tamper("UPDATE accounts_auditentry SET username = %s WHERE id = %s", ["mallory", first.pk])
    with pytest.raises(CommandError, match=f"broken at entry {first.pk}"):
        call_command("audit", "verify")


def test_no_data_is_returned_when_the_audit_write_fails(county, village_doctor, monkeypatch):
    def broken_save(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(AuditEntry, "save", broken_save)
    with pytest.raises(audit.AuditWriteError):
        scope.get_resident(village_doctor, county.resident_a.pk, request=None, purpose="test")


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_unbroken_chain():
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    from accounts.models import Role
    from jiceng.testing import make_user

    user = make_user("concurrent", Role.COUNTY_HEALTH)

    def write(worker):
        try:
            for number in range(10):
                audit.record(
                    user, "read", "residents.resident", f"{worker}-{number}", purpose="load"
                )
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(write, range(4)))
    result = audit.verify()
    assert (result.ok, result.checked) == (True, 40)
