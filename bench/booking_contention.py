"""Contention on vaccination slots: N threads book 3,000 children into 200 slots × 5 places.

Uses PostgreSQL when ``DATABASE_URL`` is set (a scratch database ``jiceng_bench``, created and
dropped by Django's test-database machinery), else a scratch SQLite file in a temporary
directory. Each child tries one random slot through ``immunization.actions.book_slot``; prints
bookings per second, successes and refusals, and checks that no slot exceeded its capacity
(exit 1 if one did). Informational on time: it never fails on speed.
"""

import argparse
import os
import random
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import time as clock
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiceng.settings")
if not os.environ.get("DATABASE_URL"):
    os.environ["JICENG_DATA_DIR"] = tempfile.mkdtemp(prefix="jiceng-bench-")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count, F, Q  # noqa: E402
from django.utils import timezone  # noqa: E402

if TYPE_CHECKING:
    from accounts.models import User
    from immunization.models import TimeSlot
    from residents.models import Resident

SLOTS_PER_SESSION = 10


def build(
    children: int, slots: int, capacity: int
) -> "tuple[User, list[TimeSlot], list[Resident]]":
    from accounts.models import Role
    from immunization.models import ClinicSession, TimeSlot, VaccinationClinic, VaccineBatch
    from jiceng.testing import County, make_user
    from residents.models import Resident
    from residents.rules import make_citizen_id

    county = County()
    user = make_user("bench_thc", Role.TOWNSHIP_STAFF, institution=county.thc1)
    clinic = VaccinationClinic.objects.create(institution=county.thc1, name="bench clinic")
    today = timezone.localdate()
    VaccineBatch.objects.create(
        clinic=clinic,
        vaccine="HepB",
        product_name="HepB",
        manufacturer="bench",
        batch_number="BENCH-1",
        expires_on=today + timedelta(days=365),
        doses_in_stock=children * 2,
    )
    made: list[TimeSlot] = []
    for day in range((slots + SLOTS_PER_SESSION - 1) // SLOTS_PER_SESSION):
        session = ClinicSession.objects.create(
            clinic=clinic,
            date=today + timedelta(days=day + 1),
            start_time=clock(8, 0),
            end_time=clock(12, 0),
        )
        count = min(SLOTS_PER_SESSION, slots - len(made))
        made += TimeSlot.objects.bulk_create(
            TimeSlot(
                session=session,
                starts_at=clock(8 + index // 3, (index % 3) * 20),
                ends_at=clock(8 + index // 3, (index % 3) * 20 + 19),
                capacity=capacity,
            )
            for index in range(count)
        )
    babies = Resident.objects.bulk_create(
        Resident(
            name=f"婴{index}",
            sex="male",
            birth_date=today - timedelta(days=60 + index % 30),
            citizen_id=make_citizen_id(
                "140581", today - timedelta(days=60 + index % 30), index // 30
            ),
            village=county.village_a,
            relation_to_head=Resident.Relation.CHILD,
        )
        for index in range(children)
    )
    return user, made, babies


def run(children: int, slots: int, capacity: int, workers: int, seed: int) -> int:
    from immunization import actions
    from immunization.models import TimeSlot
    from jiceng.errors import DomainError

    user, made, babies = build(children, slots, capacity)
    chooser = random.Random(seed)
    work = [(baby, chooser.choice(made)) for baby in babies]
    position = iter(range(len(work)))
    lock = threading.Lock()
    outcomes: Counter[str] = Counter()

    def worker() -> None:
        try:
            while True:
                with lock:
                    index = next(position, None)
                if index is None:
                    return
                baby, slot = work[index]
                try:
                    actions.book_slot(user, baby, slot, ["HepB-1"])
                    outcome = "booked"
                except DomainError as error:
                    outcome = error.code
                with lock:
                    outcomes[outcome] += 1
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started

    over = TimeSlot.objects.filter(booked__gt=F("capacity")).count()
    mismatched = (
        TimeSlot.objects.annotate(
            active=Count("appointments", filter=Q(appointments__status="booked"))
        )
        .exclude(active=F("booked"))
        .count()
    )
    total = sum(outcomes.values())
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    print(f"{workers} threads, {total} attempts on {len(made)} slots × {capacity} places")
    print(
        f"elapsed {seconds:.2f} s, {total / seconds:.0f} attempts/s, "
        f"{outcomes['booked'] / seconds:.0f} bookings/s"
    )
    print("outcomes: " + ", ".join(f"{code} {count}" for code, count in outcomes.most_common()))
    print(f"slots over capacity: {over}; slots whose count differs from bookings: {mismatched}")
    return 1 if over or mismatched or outcomes["booked"] > len(made) * capacity else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=3000)
    parser.add_argument("--slots", type=int, default=200)
    parser.add_argument("--capacity", type=int, default=5)
    parser.add_argument("--workers", type=int, default=16)
    parser.add_argument("--seed", type=int, default=1)
    arguments = parser.parse_args()
    if connection.vendor == "postgresql":
        connection.settings_dict["TEST"]["NAME"] = "jiceng_bench"
    else:
        directory = os.environ["JICENG_DATA_DIR"]
        connection.settings_dict["TEST"]["NAME"] = str(Path(directory) / "bench.sqlite3")
    original = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        return run(
            arguments.children,
            arguments.slots,
            arguments.capacity,
            arguments.workers,
            arguments.seed,
        )
    finally:
        connection.creation.destroy_test_db(original, verbosity=0)
        if connection.vendor == "sqlite":
            shutil.rmtree(os.environ["JICENG_DATA_DIR"], ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
