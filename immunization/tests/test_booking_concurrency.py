"""No overbooking under contention: many threads, each on its own database connection, book
different children into one slot at once (PH-4). Runs on SQLite and on PostgreSQL."""

import threading

import pytest
from django.db import connection

from accounts.models import Role
from immunization import actions
from immunization.models import Appointment, TimeSlot
from immunization.tests.factories import make_batch, make_clinic, make_infant, make_slot
from jiceng.errors import DomainError
from jiceng.testing import County, make_user


def hammer(capacity: int, threads: int) -> tuple[list[str], TimeSlot]:
    county = County()
    user = make_user("weishengyuan", Role.TOWNSHIP_STAFF, institution=county.thc1)
    clinic = make_clinic(county)
    make_batch(clinic, "HepB")
    slot = make_slot(clinic, capacity=capacity)
    babies = [make_infant(county, name=f"婴{i}") for i in range(threads)]
    start = threading.Barrier(threads)
    outcomes: list[str] = []
    lock = threading.Lock()

    def book(index: int) -> None:
        try:
            start.wait()
            actions.book_slot(user, babies[index], slot, ["HepB-1"])
            outcome = "booked"
        except DomainError as error:
            outcome = error.code
        except Exception as error:
            outcome = f"{type(error).__name__}: {error}"
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    workers = [threading.Thread(target=book, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    slot.refresh_from_db()
    return outcomes, slot


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("capacity", "threads"), [(1, 8), (5, 12)])
def test_a_slot_is_never_overbooked(capacity, threads):
    outcomes, slot = hammer(capacity, threads)
    assert sorted(outcomes) == sorted(["booked"] * capacity + ["slot_full"] * (threads - capacity))
    assert slot.booked == capacity
    assert Appointment.objects.filter(slot=slot, status="booked").count() == capacity
