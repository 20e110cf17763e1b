"""Scan the live residents for duplicates (IT-1): pairs go to the review queue, and pairs at or
above the auto-merge threshold (JICENG_MPI_AUTO_MERGE) are merged on their own, reversibly."""

import sys
import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from tqdm import tqdm

from accounts import audit
from residents import matching, mpi
from residents.models import Resident


class Command(BaseCommand):
    help = (
        "Find likely duplicates among live residents with the probabilistic matcher; queue them "
        "for review (and merge those above JICENG_MPI_AUTO_MERGE). Prints what it did."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--threshold", type=float, default=matching.DEFAULT_THRESHOLD)

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        audit.record(
            None,
            "list",
            "residents.resident",
            purpose="duplicate scan",
            detail={"via": "jiceng residents scan"},
        )
        live = Resident.objects.filter(merged_into__isnull=True).select_related("village")
        rows = live.values_list(
            "pk", "name", "sex", "birth_date", "citizen_id", "id_status", "phone", "village__code"
        )
        records = [
            matching.MatchRecord(
                key=str(pk),
                name=name,
                sex=sex,
                birth_date=born,
                citizen_id=citizen_id if status != "flagged" else "",
                phone=phone,
                village_code=village,
            )
            for pk, name, sex, born, citizen_id, status, phone, village in tqdm(
                rows.iterator(chunk_size=5000), desc="reading", unit=" residents", file=sys.stderr
            )
        ]
        matcher = matching.Matcher.train(records)
        found = list(matcher.pairs(records, threshold=options["threshold"]))
        by_pk = Resident.objects.in_bulk([int(k) for m in found for k in (m.left, m.right)])
        queued, merged = mpi.propose(
            (by_pk[int(m.left)], by_pk[int(m.right)], m.probability, m.evidence)
            for m in found
            if int(m.left) in by_pk and int(m.right) in by_pk
        )
        self.stdout.write(
            f"{len(records)} residents, {matcher.compared} pairs compared, {len(found)} likely "
            f"duplicates: {queued} queued for review, {merged} merged automatically "
            f"({time.perf_counter() - started:.1f} s)"
        )
