"""The tables of immunization-schedule.md, transcribed once for every test module."""

from immunization.ages import days, months, years

# §1 Routine schedule (2021 edition): vaccine, dose number, age, complete before.
ROUTINE_2021 = [
    ("HepB", 1, months(0), days(1)),
    ("HepB", 2, months(1), None),
    ("HepB", 3, months(6), months(12)),
    ("BCG", 1, months(0), months(3)),
    ("IPV", 1, months(2), None),
    ("IPV", 2, months(3), None),
    ("bOPV", 3, months(4), months(12)),
    ("bOPV", 4, years(4), years(5)),
    ("DTaP", 1, months(3), None),
    ("DTaP", 2, months(4), None),
    ("DTaP", 3, months(5), months(12)),
    ("DTaP", 4, months(18), months(24)),
    ("DT", 1, years(6), years(7)),
    ("MMR", 1, months(8), months(12)),
    ("MMR", 2, months(18), months(24)),
    ("JE-L", 1, months(8), months(12)),
    ("JE-L", 2, years(2), years(3)),
    ("JE-I", 1, months(8), None),
    ("JE-I", 2, months(8), months(12)),
    ("JE-I", 3, years(2), years(3)),
    ("JE-I", 4, years(6), years(7)),
    ("MPSV-A", 1, months(6), None),
    ("MPSV-A", 2, months(9), months(18)),
    ("MPSV-AC", 1, years(3), years(4)),
    ("MPSV-AC", 2, years(6), years(7)),
    ("HepA-L", 1, months(18), months(24)),
    ("HepA-I", 1, months(18), months(24)),
    ("HepA-I", 2, years(2), years(3)),
]

# §5: from 2025-01-01 DTaP at 2, 4, 6, 18 m and 6 y; DT is no longer the routine 6-year dose.
DTAP_2025 = [
    ("DTaP", 1, months(2)),
    ("DTaP", 2, months(4)),
    ("DTaP", 3, months(6)),
    ("DTaP", 4, months(18)),
    ("DTaP", 5, years(6)),
]

ROUTINE_2025 = [row for row in ROUTINE_2021 if row[0] not in ("DTaP", "DT")] + [
    (vaccine, number, age, complete_before)
    for (vaccine, number, age), complete_before in zip(
        DTAP_2025, [None, None, months(12), months(24), years(7)], strict=True
    )
]

# The choice of §1: the live products are the default, the others are not given.
LIVE_PRODUCTS = {"JE-L", "HepA-L"}
OTHER_PRODUCTS = {"JE-I", "HepA-I"}

# §2 Minimum intervals between doses of one vaccine: vaccine, from dose, to dose, minimum, conf.
MINIMUM_INTERVALS = [
    ("HepB", 1, 2, days(28), "V"),
    ("HepB", 2, 3, days(60), "V"),
    ("HepB", 1, 3, months(4), "U"),
    ("DTaP", 1, 2, days(28), "V"),
    ("DTaP", 2, 3, days(28), "V"),
    ("DTaP", 3, 4, months(6), "V"),
    ("MMR", 1, 2, days(28), "V"),
    ("JE-L", 1, 2, months(12), "C"),
    ("JE-I", 1, 2, days(7), "C"),
    ("JE-I", 2, 3, months(1), "C"),
    ("JE-I", 3, 4, years(3), "C"),
    ("MPSV-A", 1, 2, months(3), "C"),
    ("MPSV-AC", 1, 2, years(3), "C"),
    ("HepA-I", 1, 2, months(6), "C"),
]

# §2 recommended upper bounds (windows): vaccine, from dose, to dose, maximum.
WINDOWS = [("JE-I", 1, 2, days(10)), ("JE-I", 2, 3, months(12))]

LIVE_INJECTABLE = {"MMR", "JE-L", "HepA-L"}

# §1 route and dose column.
ROUTES = {
    "HepB": "IM, 10 or 20 μg",
    "BCG": "ID 0.1 ml",
    "IPV": "IM 0.5 ml",
    "bOPV": "oral: 1 pill or 2 drops",
    "DTaP": "IM 0.5 ml",
    "DT": "IM 0.5 ml",
    "MMR": "SC 0.5 ml",
    "JE-L": "SC 0.5 ml",
    "JE-I": "IM 0.5 ml",
    "MPSV-A": "SC",
    "MPSV-AC": "SC",
    "HepA-L": "SC",
    "HepA-I": "IM",
}
