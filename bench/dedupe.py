"""Deduplication of a county's residents: our matcher against Splink on the same data (IT-1).

    .venv/bin/python bench/dedupe.py [--records 500000] [--seed 1] [--engines ours,splink]

Builds ``--records`` synthetic residents with the county generator (real 高平市 villages,
households, GB 11643 IDs, phones), 2 % of them duplicates of others with realistic errors, and
keeps the truth. Each engine then runs in its own subprocess on identical data, so that wall time
and peak memory (``ru_maxrss`` of the child) are its own; the table gives seconds, peak MB, pairs
predicted, precision, recall and F1. Informational only: it never fails on time.
"""

import argparse
import csv
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DUPLICATE_SHARE = 0.02
COUNTY = "140581"
AS_OF = date(2026, 1, 1)
COLUMNS = ("id", "name", "sex", "birth_date", "citizen_id", "phone", "village_code")

# Given-name characters read alike (same pinyin, typed by IME), and characters that look alike.
HOMOPHONES = (
    "晓小筱", "明名铭鸣", "华化桦", "伟玮炜苇", "丽莉俐", "英莹瑛樱", "芳方", "军君均", "静婧敬",
    "红宏鸿洪", "平萍苹", "林琳霖麟", "建剑健鉴", "兰岚蓝", "梅玫媚", "杰洁婕", "涛韬", "斌彬",
    "鹏朋", "辉晖徽", "刚钢岗", "勇永泳", "峰锋枫丰", "波博", "东冬", "俊骏峻", "飞菲非", "鑫欣新馨",
    "龙隆", "浩昊皓", "宇雨语玉", "轩萱宣", "睿瑞", "晨辰臣", "阳洋扬", "梓子紫", "嘉佳家",
    "一怡依仪", "文雯", "凯恺", "琪琦淇", "瑶遥", "彤桐", "雅亚", "妍艳燕", "霞侠", "娟鹃",
    "敏闽", "玲铃翎", "婷亭", "颖影", "倩茜", "秀绣", "桂贵", "珍真", "凤风", "云芸", "月悦越",
)  # fmt: skip
NEAR_FORMS = {
    "王": "玉", "玉": "王", "末": "未", "未": "末", "己": "已", "天": "夭", "土": "士",
    "军": "车", "日": "曰", "人": "入", "大": "太", "太": "大", "今": "令", "贝": "见",
}  # fmt: skip
_HOMOPHONE_OF = {char: group for group in HOMOPHONES for char in group}


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiceng.settings")
    import django

    django.setup()


def people(count: int, seed: int) -> list[dict[str, str]]:
    """``count`` distinct residents of real villages, drawn household by household."""
    from jiceng.generator.people import Births, CitizenIds, village_households
    from jiceng.generator.source import county_codes, load_county

    source = load_county(COUNTY)
    villages = [
        village for township in source.townships for village in source.villages[township.code]
    ]
    rng = random.Random(seed)
    weights = [rng.uniform(0.3, 1.7) for _ in villages]
    scale = count / sum(weights)
    others = tuple(code for code in county_codes() if code != COUNTY and code[:2] == COUNTY[:2])
    citizen_ids = CitizenIds(COUNTY, others)
    births = Births(AS_OF)
    rows: list[dict[str, str]] = []
    for village, weight in zip(villages, weights, strict=True):
        population = max(int(weight * scale), 5)
        drafts = village_households(
            seed, village.code, village.name, population, births, citizen_ids
        )
        for draft in drafts:
            for person in draft.members:
                rows.append(
                    {
                        "name": person.name,
                        "sex": person.sex,
                        "birth_date": person.birth_date.isoformat(),
                        "citizen_id": person.citizen_id,
                        "phone": person.phone,
                        "village_code": village.code,
                    }
                )
    rng.shuffle(rows)
    return rows[:count]


def _vary_name(rng: random.Random, name: str) -> str:
    surname, given = name[0], name[1:]
    kind = rng.choice(("homophone", "homophone", "near form", "drop", "swap"))
    if kind == "swap" and len(given) == 2:
        return surname + given[::-1]
    if kind == "drop" and len(given) == 2:
        return surname + given[rng.randrange(2)]
    positions = list(range(len(name)))
    rng.shuffle(positions)
    for position in positions:
        character = name[position]
        if kind == "near form" and character in NEAR_FORMS:
            return name[:position] + NEAR_FORMS[character] + name[position + 1 :]
        group = _HOMOPHONE_OF.get(character)
        if group and position > 0:
            choice = rng.choice([other for other in group if other != character])
            return name[:position] + choice + name[position + 1 :]
    return surname + given[:-1] + rng.choice("明华伟丽英军")  # a plain typo as the last resort


def _digit_error(rng: random.Random, digits: str, last: int) -> str:
    last = min(last, len(digits) - 1)
    position = rng.randrange(last)
    choice = rng.choice([d for d in "0123456789" if d != digits[position]])
    return digits[:position] + choice + digits[position + 1 :]


def _transpose(rng: random.Random, digits: str, last: int) -> str:
    last = min(last, len(digits) - 1)
    positions = [p for p in range(last - 1) if digits[p] != digits[p + 1]]
    if not positions:
        return digits
    p = rng.choice(positions)
    return digits[:p] + digits[p + 1] + digits[p] + digits[p + 2 :]


ERRORS = (
    ("name", 30), ("id digit", 10), ("id transposition", 10), ("id 15 digits", 8),
    ("phone digit", 8), ("phone transposition", 6), ("phone missing", 10), ("move", 12),
    ("date swap", 6),
)  # fmt: skip


def duplicate(rng: random.Random, original: dict[str, str], villages: list[str]) -> dict[str, str]:
    """A copy with one to three errors."""
    row = dict(original)
    kinds = [kind for kind, _ in ERRORS]
    weights = [weight for _, weight in ERRORS]
    chosen = sorted(
        set(rng.choices(kinds, weights, k=1 + (rng.random() < 0.5) + (rng.random() < 0.2)))
    )
    for kind in chosen:
        if kind == "name":
            row["name"] = _vary_name(rng, row["name"])
        elif kind == "id digit":
            row["citizen_id"] = _digit_error(rng, row["citizen_id"], 17)
        elif kind == "id transposition":
            row["citizen_id"] = _transpose(rng, row["citizen_id"], 17)
        elif kind == "id 15 digits" and row["citizen_id"][6:8] == "19":
            row["citizen_id"] = row["citizen_id"][:6] + row["citizen_id"][8:17]
        elif kind == "phone digit" and row["phone"]:
            row["phone"] = _digit_error(rng, row["phone"], 11)
        elif kind == "phone transposition" and row["phone"]:
            row["phone"] = _transpose(rng, row["phone"], 11)
        elif kind == "phone missing":
            row["phone"] = ""
        elif kind == "move":
            same_township = [v for v in villages if v[:9] == row["village_code"][:9]]
            pool = same_township if rng.random() < 0.6 and len(same_township) > 1 else villages
            row["village_code"] = rng.choice([v for v in pool if v != row["village_code"]])
        elif kind == "date swap":
            born = date.fromisoformat(row["birth_date"])
            if born.day <= 12 and born.day != born.month:
                row["birth_date"] = date(born.year, born.day, born.month).isoformat()
    return row


def build(records: int, seed: int, directory: Path) -> int:
    """Write ``records.csv`` (raw, for our matcher), ``splink.csv`` (normalised, with pinyin and
    derived columns) and ``truth.csv``; return the number of true pairs."""
    _setup_django()
    from residents.matching import record_from_mapping
    from residents.names import name_pinyin

    duplicates = round(records * DUPLICATE_SHARE)
    originals = people(records - duplicates, seed)
    villages = sorted({row["village_code"] for row in originals})
    rng = random.Random(f"{seed}:duplicates")
    sources = rng.sample(range(len(originals)), duplicates)
    rows = [(index, row) for index, row in enumerate(originals)]
    rows += [(source, duplicate(rng, originals[source], villages)) for source in sources]
    rng.shuffle(rows)
    truth: dict[int, list[int]] = {}
    with (
        (directory / "records.csv").open("w", newline="", encoding="utf-8") as raw,
        (directory / "splink.csv").open("w", newline="", encoding="utf-8") as clean,
    ):
        raw_writer = csv.writer(raw)
        raw_writer.writerow(COLUMNS)
        clean_writer = csv.writer(clean)
        clean_writer.writerow(
            (
                "unique_id", "name", "name_pinyin", "initials", "surname", "sex", "birth_date",
                "birth_year", "birth_month", "citizen_id", "id_sorted", "id_tail", "phone",
                "village_code",
            )
        )  # fmt: skip
        for key, (person, row) in enumerate(rows):
            truth.setdefault(person, []).append(key)
            raw_writer.writerow((key, *(row[column] for column in COLUMNS[1:])))
            record = record_from_mapping(row, str(key))
            pinyin, initials = name_pinyin(record.name)
            born = record.birth_date.strftime("%Y%m%d") if record.birth_date else ""
            citizen_id = record.citizen_id
            clean_writer.writerow(
                (
                    key, record.name, pinyin, initials, record.name[:1], record.sex, born,
                    born[:4], born[:6], citizen_id, "".join(sorted(citizen_id[:17])),
                    citizen_id[6:17], record.phone, record.village_code,
                )
            )  # fmt: skip
    pairs = 0
    with (directory / "truth.csv").open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        for keys in truth.values():
            for position, left in enumerate(keys):
                for right in keys[position + 1 :]:
                    writer.writerow(sorted((left, right)))
                    pairs += 1
    return pairs


def run_ours(directory: Path, seed: int) -> list[tuple[int, int]]:
    from residents.matching import Matcher, record_from_mapping

    with (directory / "records.csv").open(encoding="utf-8", newline="") as file:
        raw = list(csv.DictReader(file))
    started = time.monotonic()
    records = [record_from_mapping(row, row["id"]) for row in raw]
    matcher = Matcher.train(records, seed=seed)
    found = [(int(match.left), int(match.right)) for match in matcher.pairs(records)]
    _report(started, found, directory / "ours.pairs")
    return found


def run_splink(directory: Path, seed: int) -> list[tuple[int, int]]:
    import duckdb
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    connection = duckdb.connect()
    started = time.monotonic()
    connection.execute(
        "create table people as select * from read_csv(?, header=true, all_varchar=true)",
        [str(directory / "splink.csv")],
    )
    connection.execute(
        "update people set unique_id = unique_id, "
        + ", ".join(
            f"{column} = nullif({column}, '')"
            for column in ("name", "name_pinyin", "sex", "birth_date", "citizen_id", "phone")
        )
    )
    database = DuckDBAPI(connection)
    table = database.register("people")
    village = cl.CustomComparison(
        output_column_name="village_code",
        comparison_levels=[
            cll.NullLevel("village_code"),
            cll.ExactMatchLevel("village_code"),
            cll.CustomLevel(
                "substr(village_code_l, 1, 9) = substr(village_code_r, 1, 9)", "same township"
            ),
            cll.CustomLevel(
                "substr(village_code_l, 1, 6) = substr(village_code_r, 1, 6)", "same county"
            ),
            cll.ElseLevel(),
        ],
    )
    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=[
            cl.JaroWinklerAtThresholds("name_pinyin", [0.92, 0.85]),
            cl.DamerauLevenshteinAtThresholds("citizen_id", [1, 2]),
            cl.DamerauLevenshteinAtThresholds("birth_date", [1, 2]),
            cl.ExactMatch("sex"),
            cl.DamerauLevenshteinAtThresholds("phone", [1, 2]),
            village,
        ],
        blocking_rules_to_generate_predictions=[
            block_on("citizen_id"),
            block_on("id_sorted"),
            block_on("id_tail"),
            block_on("birth_date", "sex"),
            block_on("name_pinyin", "birth_year"),
            block_on("phone"),
            block_on("initials", "birth_month"),
            block_on("village_code", "surname"),
        ],
        retain_intermediate_calculation_columns=False,
    )
    linker = Linker(table, settings, log_level="WARNING")
    linker.training.estimate_probability_two_random_records_match(
        [block_on("citizen_id")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=seed)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("citizen_id"))
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("name_pinyin", "birth_year")
    )
    predictions = linker.inference.predict(threshold_match_probability=0.5)
    rows = predictions.as_duckdbpyrelation().select("unique_id_l, unique_id_r").fetchall()
    found = [(int(left), int(right)) for left, right in rows]
    _report(started, found, directory / "splink.pairs")
    return found


def _report(started: float, found: list[tuple[int, int]], path: Path) -> None:
    seconds = time.monotonic() - started
    with path.open("w", encoding="utf-8") as file:
        file.writelines(f"{min(pair)},{max(pair)}\n" for pair in found)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    sys.stdout.write(json.dumps({"seconds": seconds, "peak_mb": peak}) + "\n")


def _pairs(path: Path) -> set[tuple[int, int]]:
    with path.open(encoding="utf-8") as file:
        return {
            (int(left), int(right))
            for left, right in (line.strip().split(",") for line in file if line.strip())
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=500_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--engines", default="ours,splink")
    parser.add_argument("--engine", help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.engine:
        directory = Path(args.data)
        if args.engine == "ours":
            _setup_django()
            run_ours(directory, args.seed)
        else:
            run_splink(directory, args.seed)
        return
    with tempfile.TemporaryDirectory(prefix="dedupe-bench-") as temporary:
        directory = Path(temporary)
        started = time.monotonic()
        true_pairs = build(args.records, args.seed, directory)
        print(
            f"{args.records:,} records, {true_pairs:,} true duplicate pairs "
            f"(built in {time.monotonic() - started:.1f} s)"
        )
        truth = {
            tuple(int(value) for value in row)
            for row in csv.reader((directory / "truth.csv").open())
        }
        print(
            f"{'engine':<8} {'seconds':>8} {'peak MB':>8} {'pairs':>8} {'precision':>9} {'recall':>7} {'F1':>6}"
        )
        for engine in args.engines.split(","):
            wall = time.monotonic()
            completed = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--engine",
                    engine,
                    "--data",
                    temporary,
                    "--seed",
                    str(args.seed),
                ],
                capture_output=True,
                text=True,
                check=False,
            )
            wall = time.monotonic() - wall
            if completed.returncode:
                print(f"{engine:<8} failed after {wall:.1f} s:\n{completed.stderr[-3000:]}")
                continue
            figures = json.loads(completed.stdout.strip().splitlines()[-1])
            found = _pairs(directory / f"{engine}.pairs")
            hits = len(found & truth)
            precision = hits / len(found) if found else 0.0
            recall = hits / len(truth) if truth else 0.0
            f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
            print(
                f"{engine:<8} {figures['seconds']:>8.1f} {figures['peak_mb']:>8.0f} {len(found):>8,} "
                f"{precision:>9.4f} {recall:>7.4f} {f1:>6.4f}   (process wall {wall:.1f} s)"
            )


if __name__ == "__main__":
    main()
