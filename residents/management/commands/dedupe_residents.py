"""``dedupe_residents``: candidate duplicate pairs in a roster file, or between a roster file and
the live residents (IT-1). Reads only; writes the pairs to a CSV file."""

import csv
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from accounts import audit
from jiceng.spreadsheets import SpreadsheetError, read_table
from residents.matching import DEFAULT_THRESHOLD, FIELDS, Match, Matcher, MatchRecord
from residents.matching import record_from_mapping as to_record

# Accepted headers (Chinese or English) for each field the matcher reads.
HEADERS: dict[str, tuple[str, ...]] = {
    "key": ("id", "编号", "key"),
    "name": ("name", "姓名"),
    "sex": ("sex", "性别"),
    "birth_date": ("birth_date", "出生日期", "birth date"),
    "citizen_id": ("citizen_id", "身份证号", "身份证号码", "citizen id"),
    "phone": ("phone", "电话", "联系电话", "手机"),
    "village_code": ("village_code", "村/居委会代码", "村代码", "village code"),
}


def _probability(text: str) -> float:
    value = float(text)
    if not 0 < value < 1:
        raise ValueError(text)
    return value


class Command(BaseCommand):
    help = (
        "Find likely duplicate residents in a roster (.csv or .xlsx; headers 姓名/name, "
        "性别/sex, 出生日期/birth_date, 身份证号/citizen_id, 电话/phone, "
        "村/居委会代码/village_code, optional id/编号) with the probabilistic matcher of "
        "residents.matching. Without --against-database the file is de-duplicated against "
        "itself; with it, every row is linked against the live residents (not merged away). "
        "Writes the pairs at or above --threshold to --output, most probable first, with the "
        "evidence of every field. Rows without a name are reported on stderr and counted."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--input", required=True, help="roster file, .csv or .xlsx")
        parser.add_argument("--output", required=True, help="CSV file for the candidate pairs")
        parser.add_argument(
            "--against-database",
            action="store_true",
            help="link the rows against the live residents instead of each other",
        )
        parser.add_argument(
            "--threshold",
            type=_probability,
            default=DEFAULT_THRESHOLD,
            help=f"lowest match probability written (default {DEFAULT_THRESHOLD})",
        )
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        path = Path(options["input"])
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error.strerror}") from error
        records, rejected = self._read(data, path.name)
        if options["against_database"]:
            residents = self._residents()
            matcher = Matcher.train([*records, *residents], seed=options["seed"])
            matches = matcher.link(records, residents, threshold=options["threshold"])
            compared_with = f"{len(residents):,} live residents"
        else:
            matcher = Matcher.train(records, seed=options["seed"])
            matches = matcher.pairs(records, threshold=options["threshold"])
            compared_with = "each other"
        written = self._write(Path(options["output"]), matches)
        self.stdout.write(
            f"{len(records):,} records read ({rejected:,} rows rejected), compared with "
            f"{compared_with}: {matcher.compared:,} candidate pairs compared, {written:,} pairs "
            f"at or above {options['threshold']} written to {options['output']} in "
            f"{time.monotonic() - started:.1f} s."
        )

    def _read(self, data: bytes, filename: str) -> tuple[list[MatchRecord], int]:
        records: list[MatchRecord] = []
        rejected = 0
        keys: set[str] = set()
        try:
            for row_number, row in tqdm(
                read_table(data, filename), unit=" rows", file=sys.stderr, desc="reading"
            ):
                values = {
                    field: next((row[h] for h in aliases if row.get(h)), "")
                    for field, aliases in HEADERS.items()
                }
                key = values.pop("key") or str(row_number)
                reason = ""
                if not values["name"]:
                    reason = "no name"
                elif key in keys:
                    reason = f"key {key} appears more than once"
                if reason:
                    rejected += 1
                    self.stderr.write(f"row {row_number}: {reason}; skipped")
                    continue
                keys.add(key)
                records.append(to_record(values, key))
        except SpreadsheetError as error:
            raise CommandError(str(error)) from error
        return records, rejected

    def _residents(self) -> list[MatchRecord]:
        from residents.models import Resident

        # Every village's residents are read, by whoever runs the command on the server: the
        # read is recorded in the audit log as the command's, before any data is returned.
        audit.record(
            None,
            "export",
            "residents.resident",
            purpose="roster de-duplication against the database",
            detail={"via": "jiceng residents dedupe --against-database"},
        )
        self.stderr.write(
            "Reading the live residents of every village (recorded in the audit log)."
        )
        rows = Resident.objects.filter(merged_into__isnull=True).values_list(
            "pk", "name", "sex", "birth_date", "citizen_id", "phone", "village__code"
        )
        return [
            to_record(
                {
                    "name": name,
                    "sex": sex,
                    "birth_date": born.isoformat() if born else "",
                    "citizen_id": citizen_id,
                    "phone": phone,
                    "village_code": village or "",
                },
                f"resident:{pk}",
            )
            for pk, name, sex, born, citizen_id, phone, village in tqdm(
                rows.iterator(chunk_size=5000), unit=" residents", file=sys.stderr, desc="residents"
            )
        ]

    def _write(self, path: Path, matches: Iterator[Match]) -> int:
        written = 0
        with path.open("w", newline="", encoding="utf-8") as file:
            writer = csv.writer(file)
            writer.writerow(["left", "right", "probability", "match_weight", *FIELDS])
            for match in tqdm(matches, unit=" pairs", file=sys.stderr, desc="scoring"):
                writer.writerow(
                    [
                        match.left,
                        match.right,
                        f"{match.probability:.6f}",
                        f"{match.weight:.3f}",
                        *(match.evidence[field] for field in FIELDS),
                    ]
                )
                written += 1
        return written
