"""Probabilistic record linkage for the master patient index (IT-1, PH-1). Pure Python, no ORM.

The model (Fellegi–Sunter, as in Splink)
----------------------------------------
Two records are compared field by field; each comparison falls into one *level*:

============  ==========================================================================
name          same · homophone (same pinyin: 王晓明/王小明) · similar (pinyin Jaro-Winkler
              ≥ 0.92, or one character dropped/added, or two characters swapped) · same
              surname and initials · different
citizen_id    same (after 15→18 upgrade) · one digit differs · adjacent digits transposed ·
              different
birth_date    same · day and month swapped · one part differs (year, month or day) · different
sex           same · different
phone         same · one digit differs · adjacent digits transposed · different
village       same village · same township (first 9 digits) · same county (first 6) · different
============  ==========================================================================

Each field also has the level ``missing`` (one side empty): its weight is 0, so a missing value
is never evidence for or against. For every other level ``m`` = P(level | same person) and
``u`` = P(level | different people); the level contributes ``log2(m / u)`` to the match weight
and the fields are assumed independent given the match status.

``u`` is estimated from random pairs of the input (``estimate_u_using_random_sampling`` in
Splink): at most ``U_SAMPLE_PAIRS`` pairs, which are nearly all different people. Rare levels
(two different valid IDs one digit apart cannot exist: GB 11643's check digit catches every
single-digit error and adjacent transposition) are smoothed towards stated priors, so they are
never zero.

``m`` starts from stated priors and is refined by expectation maximisation, in two sessions like
Splink's: one over pairs blocked on the citizen ID (which estimates every field but the ID) and
one over pairs blocked on name pinyin and birth year (which estimates every field but name and
birth date). A field blocked on is left out of its session, since blocking makes it agree by
construction. EM runs on the counts of distinct comparison patterns, so it costs nothing however
many pairs there are; the priors act as pseudo-counts (``M_PRIOR_STRENGTH``), which keeps tiny
inputs sane.

The prior λ (the probability that two random records are the same person) is the expected number
of matches among the training pairs divided by the number of all pairs, corrected for the share
of true matches those two blockings can find. The match weight is ``log2(λ / (1 − λ))`` plus the
field weights; the probability is ``2^w / (1 + 2^w)``.

Blocking
--------
Comparing every pair of 500,000 records (1.25 × 10¹¹ pairs) is impossible, so only pairs sharing
at least one blocking key are compared; the union of the keys in ``BLOCKING_KEYS`` is taken and
each pair is scored once. A block larger than its window is not compared in full: its records are
sorted on a second key and each is compared with its ``window − 1`` neighbours (sorted
neighbourhood), so one huge block (every 王伟 born in 1980, a shared household phone) costs
``n × window`` comparisons, not ``n²``. Records missing a key's value are left out of that key.

Everything is deterministic for a seed: random sampling uses ``random.Random(seed)`` and blocks
are sorted.
"""

import math
import random
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from rapidfuzz.distance import OSA, Hamming, Indel, JaroWinkler

from residents.names import name_pinyin
from residents.rules import CitizenIdError, check_character

DEFAULT_THRESHOLD = 0.5
"""Pairs at or above this probability are reported as candidates for review."""
AUTO_MERGE_THRESHOLD = 0.99
"""Pairs at or above this probability may be merged without review (where that is allowed)."""

U_SAMPLE_PAIRS = 1_000_000
U_PRIOR_STRENGTH = 1_000.0
"""Pseudo-pairs of the ``u`` priors added to the random sample."""
M_PRIOR_STRENGTH = 50.0
"""Pseudo-matches of the ``m`` priors added in every EM step."""
EM_ITERATIONS = 40
SIMILAR_PINYIN = 0.92
PROBABILITY_FLOOR = 1e-9

MALE, FEMALE = "male", "female"

# Field order, levels (the last one of each field is "missing") and their evidence names.
FIELDS = ("name", "citizen_id", "birth_date", "sex", "phone", "village")
LEVELS: dict[str, tuple[str, ...]] = {
    "name": ("same", "homophone", "similar", "same surname and initials", "different"),
    "citizen_id": ("same", "one digit differs", "adjacent digits transposed", "different"),
    "birth_date": ("same", "day and month swapped", "one part differs", "different"),
    "sex": ("same", "different"),
    "phone": ("same", "one digit differs", "adjacent digits transposed", "different"),
    "village": ("same village", "same township", "same county", "different"),
}
MISSING = "missing"

# Priors. m: how often a duplicate's field falls in each level (roster errors are rare, but
# homophones, ID typos and moves happen); u: how often two different people of one county do.
M_PRIORS: dict[str, tuple[float, ...]] = {
    "name": (0.85, 0.05, 0.05, 0.03, 0.02),
    "citizen_id": (0.90, 0.04, 0.04, 0.02),
    "birth_date": (0.93, 0.02, 0.04, 0.01),
    "sex": (0.99, 0.01),
    "phone": (0.88, 0.04, 0.04, 0.04),
    "village": (0.85, 0.07, 0.06, 0.02),
}
U_PRIORS: dict[str, tuple[float, ...]] = {
    "name": (0.001, 0.0003, 0.01, 0.005, 0.9837),
    "citizen_id": (1e-7, 1e-7, 1e-7, 1 - 3e-7),
    "birth_date": (4e-5, 1e-6, 0.003, 0.996959),
    "sex": (0.5, 0.5),
    "phone": (1e-5, 1e-7, 1e-7, 1 - 1.02e-5),
    "village": (0.005, 0.05, 0.8, 0.145),
}

_SIZES = tuple(len(LEVELS[field]) + 1 for field in FIELDS)  # + missing
_PATTERNS = math.prod(_SIZES)

_SEXES = {
    "male": MALE, "m": MALE, "1": MALE, "男": MALE, "男性": MALE,
    "female": FEMALE, "f": FEMALE, "2": FEMALE, "女": FEMALE, "女性": FEMALE,
}  # fmt: skip


@dataclass(frozen=True)
class MatchRecord:
    """One person as the matcher sees it; ``key`` identifies the row or resident."""

    key: str
    name: str
    sex: str
    """"male", "female" or ""."""
    birth_date: date | None
    citizen_id: str
    phone: str
    village_code: str
    """12-digit division code, or ""."""


@dataclass(frozen=True)
class Match:
    """A scored pair: probability, match weight (log2 odds) and the level of every field."""

    left: str
    right: str
    probability: float
    weight: float
    evidence: dict[str, str]


# --- Normalising messy input -------------------------------------------------------------------


def normalise_citizen_id(raw: str) -> str:
    """Upper case without spaces; a 15-digit number upgraded to 18 (GB 11643), even if its date
    is wrong, so that it compares with the 18-digit form of the same number."""
    value = "".join(raw.split()).upper()
    if len(value) == 15 and value.isdigit():
        first17 = value[:6] + "19" + value[6:]
        try:
            return first17 + check_character(first17)
        except CitizenIdError:  # pragma: no cover — 17 digits always have one
            return first17
    return value


def normalise_phone(raw: str) -> str:
    """Digits only, without the +86 / 0086 country prefix."""
    digits = "".join(character for character in raw if character.isdigit())
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            return digits[len(prefix) :]
    return digits


def parse_date(raw: str) -> date | None:
    """YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD or YYYYMMDD (a time after a space is ignored)."""
    value = raw.strip().split(" ")[0].split("T")[0]
    if not value:
        return None
    for separator in ("-", "/", "."):
        if separator in value:
            parts = value.split(separator)
            break
    else:
        parts = [value[:4], value[4:6], value[6:8]] if len(value) == 8 else []
    if len(parts) != 3 or not all(part.isdigit() for part in parts):
        return None
    try:
        return date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        return None


def normalise_sex(raw: str) -> str:
    return _SEXES.get(raw.strip().lower(), "")


def _id_birth_and_sex(citizen_id: str) -> tuple[date | None, str]:
    if len(citizen_id) != 18 or not citizen_id[:17].isdigit():
        return None, ""
    born = parse_date(citizen_id[6:14])
    return born, MALE if int(citizen_id[16]) % 2 else FEMALE


def record_from_mapping(row: Mapping[str, str], key: str) -> MatchRecord:
    """A record from loosely formatted values keyed ``name``, ``sex``, ``birth_date``,
    ``citizen_id``, ``phone`` and ``village_code`` (any may be absent). A missing birth date or
    sex is taken from an 18-digit ID that carries one; nothing else is guessed."""
    citizen_id = normalise_citizen_id(row.get("citizen_id", ""))
    birth_date = parse_date(row.get("birth_date", ""))
    sex = normalise_sex(row.get("sex", ""))
    if birth_date is None or not sex:
        id_birth, id_sex = _id_birth_and_sex(citizen_id)
        birth_date = birth_date or id_birth
        sex = sex or id_sex
    village = "".join(row.get("village_code", "").split())
    return MatchRecord(
        key=key,
        name="".join(row.get("name", "").split()),
        sex=sex,
        birth_date=birth_date,
        citizen_id=citizen_id,
        phone=normalise_phone(row.get("phone", "")),
        village_code=village if village.isdigit() else "",
    )


# --- Comparisons -------------------------------------------------------------------------------

Features = tuple[str, str, str, str, str, str, tuple[int, int, int] | None, str, str, str]
"""name, pinyin, initials, surname, sorted characters, citizen ID, (y, m, d), sex, phone,
village: what every comparison needs, computed once per record."""


def _features(record: MatchRecord) -> Features:
    pinyin, initials = name_pinyin(record.name) if record.name else ("", "")
    born = record.birth_date
    return (
        record.name,
        pinyin,
        initials,
        record.name[:1],
        "".join(sorted(record.name)),
        record.citizen_id,
        (born.year, born.month, born.day) if born else None,
        record.sex,
        record.phone,
        record.village_code,
    )


def _name_level(a: Features, b: Features) -> int:
    if not a[0] or not b[0]:
        return 5
    if a[0] == b[0]:
        return 0
    if a[1] == b[1]:
        return 1
    if (
        JaroWinkler.similarity(a[1], b[1]) >= SIMILAR_PINYIN
        or (Indel.distance(a[0], b[0]) == 1 and max(len(a[0]), len(b[0])) >= 3)
        or (a[4] == b[4] and OSA.distance(a[0], b[0]) == 1)
    ):
        return 2
    if a[3] == b[3] and a[2] == b[2]:
        return 3
    return 4


def _digits_level(a: str, b: str) -> int:
    """Same · one digit differs · adjacent transposition · different · missing (IDs, phones)."""
    if not a or not b:
        return 4
    if a == b:
        return 0
    if len(a) == len(b):
        differing = Hamming.distance(a, b)
        if differing == 1:
            return 1
        if differing == 2 and OSA.distance(a, b) == 1:
            return 2
    return 3


def _date_level(a: tuple[int, int, int] | None, b: tuple[int, int, int] | None) -> int:
    if a is None or b is None:
        return 4
    if a == b:
        return 0
    if a[0] == b[0] and a[1] == b[2] and a[2] == b[1]:
        return 1
    if (a[0] == b[0]) + (a[1] == b[1]) + (a[2] == b[2]) == 2:
        return 2
    return 3


def _village_level(a: str, b: str) -> int:
    if not a or not b:
        return 4
    if a == b:
        return 0
    if a[:9] == b[:9]:
        return 1
    if a[:6] == b[:6]:
        return 2
    return 3


def _pattern(a: Features, b: Features) -> int:
    """The comparison levels of every field, packed into one integer (mixed radix)."""
    sex = 2 if not a[7] or not b[7] else (0 if a[7] == b[7] else 1)
    code = _name_level(a, b)
    code = code * 5 + _digits_level(a[5], b[5])
    code = code * 5 + _date_level(a[6], b[6])
    code = code * 3 + sex
    code = code * 5 + _digits_level(a[8], b[8])
    return code * 5 + _village_level(a[9], b[9])


def unpack(pattern: int) -> tuple[int, ...]:
    """Levels of a packed pattern, in ``FIELDS`` order."""
    levels: list[int] = []
    for size in reversed(_SIZES):
        pattern, level = divmod(pattern, size)
        levels.append(level)
    return tuple(reversed(levels))


# --- Blocking ----------------------------------------------------------------------------------

KeyFunction = Callable[[Features], str | None]


@dataclass(frozen=True)
class BlockingKey:
    """Records sharing ``key`` are compared, each with its ``window - 1`` neighbours in the
    order of ``order`` when the block is larger than ``window``."""

    name: str
    key: KeyFunction
    order: KeyFunction
    window: int
    survives: str


def _year(f: Features) -> str | None:
    return str(f[6][0]) if f[6] else None


def _date_text(f: Features) -> str:
    return "{:04d}{:02d}{:02d}".format(*f[6]) if f[6] else ""


def _joined(*parts: str | None) -> str | None:
    return "|".join(parts) if all(parts) else None  # type: ignore[arg-type]


BLOCKING_KEYS: tuple[BlockingKey, ...] = (
    BlockingKey(
        "citizen ID",
        lambda f: f[5][:17] or None,
        lambda f: f[1],
        20,
        "every error outside the ID (name, date, phone, moves); a wrong check digit",
    ),
    BlockingKey(
        "ID digits as a multiset",
        lambda f: "".join(sorted(f[5][:17])) if len(f[5]) >= 17 else None,
        lambda f: f[1],
        8,
        "transposed ID digits together with a name, phone or move error",
    ),
    BlockingKey(
        "ID without address code",
        lambda f: f[5][6:17] if len(f[5]) >= 17 else None,
        lambda f: f[1],
        8,
        "a digit error in the ID's address part, with other errors",
    ),
    BlockingKey(
        "birth date and sex",
        lambda f: _joined(_date_text(f), f[7]),
        lambda f: f[1],
        10,
        "ID errors with name variants of any kind (dropped or swapped characters)",
    ),
    BlockingKey(
        "name pinyin and birth year",
        lambda f: _joined(f[1], _year(f)),
        _date_text,
        10,
        "ID errors and day/month errors in the date, homophones (same pinyin)",
    ),
    BlockingKey(
        "phone",
        lambda f: f[8] or None,
        _date_text,
        6,
        "ID, name and date errors of a person who kept their phone",
    ),
    BlockingKey(
        "initials and birth month",
        lambda f: _joined(f[2], _date_text(f)[:6]),
        lambda f: f[1],
        6,
        "near-form name typos (different pinyin, same initials) with ID and day errors",
    ),
    BlockingKey(
        "village and surname",
        lambda f: _joined(f[9], f[3]),
        lambda f: f[1],
        5,
        "an ID error with a date swap in the same village (sorted by pinyin)",
    ),
)


def _blocked_pairs(
    features: Sequence[Features], keys: Sequence[BlockingKey], sides: Sequence[int] | None = None
) -> set[int]:
    """Candidate pairs ``i * n + j`` with ``i < j``, union over ``keys``. With ``sides`` (0 or 1
    per record) only pairs across the two sides are kept."""
    n = len(features)
    pairs: set[int] = set()
    for blocking in keys:
        blocks: dict[str, list[int]] = defaultdict(list)
        key = blocking.key
        for index, feature in enumerate(features):
            value = key(feature)
            if value:
                blocks[value].append(index)
        window = blocking.window
        order = blocking.order
        for members in blocks.values():
            size = len(members)
            if size < 2:
                continue
            if size > window:
                members.sort(key=lambda index: (order(features[index]), index))
            for position, i in enumerate(members):
                for j in members[position + 1 : position + window]:
                    if sides is not None and sides[i] == sides[j]:
                        continue
                    pairs.add(i * n + j if i < j else j * n + i)
    return pairs


# --- Estimation --------------------------------------------------------------------------------


def _pattern_counts(features: Sequence[Features], pairs: Iterator[tuple[int, int]]) -> list[int]:
    counts = [0] * _PATTERNS
    for i, j in pairs:
        counts[_pattern(features[i], features[j])] += 1
    return counts


def _field_counts(
    counts: Sequence[int], weights: Sequence[float] | None = None
) -> list[list[float]]:
    """Per field, the (weighted) number of pairs at each level, missing excluded later."""
    totals = [[0.0] * size for size in _SIZES]
    for pattern, count in enumerate(counts):
        if not count:
            continue
        value = count * (weights[pattern] if weights is not None else 1.0)
        for field, level in enumerate(unpack(pattern)):
            totals[field][level] += value
    return totals


def _normalised(values: Sequence[float]) -> tuple[float, ...]:
    total = sum(values)
    return tuple(max(value / total, PROBABILITY_FLOOR) for value in values)


@dataclass(frozen=True)
class _Session:
    """One EM session: the pairs of one blocking key, with the fields it fixes left out."""

    key: BlockingKey
    excluded: frozenset[str]


_SESSIONS = (
    _Session(BLOCKING_KEYS[0], frozenset({"citizen_id"})),
    _Session(BLOCKING_KEYS[4], frozenset({"name", "birth_date"})),
)


def _em(
    counts: Sequence[int],
    m: dict[str, tuple[float, ...]],
    u: Mapping[str, tuple[float, ...]],
    excluded: frozenset[str],
) -> tuple[dict[str, tuple[float, ...]], float, float]:
    """EM over pattern counts with ``u`` fixed. Returns the new ``m`` of the fields not
    excluded, the share of matches λ and the expected number of matches."""
    observed = [(pattern, count, unpack(pattern)) for pattern, count in enumerate(counts) if count]
    total = sum(count for _, count, _ in observed)
    if not total:
        return {}, 0.0, 0.0
    active = [index for index, field in enumerate(FIELDS) if field not in excluded]
    share = 0.1
    estimated = {FIELDS[index]: m[FIELDS[index]] for index in active}
    expected = 0.0
    for _ in range(EM_ITERATIONS):
        sums = {FIELDS[index]: [0.0] * (_SIZES[index] - 1) for index in active}
        expected = 0.0
        for _pattern_code, count, levels in observed:
            ratio = share / (1 - share)
            for index in active:
                level = levels[index]
                if level < _SIZES[index] - 1:
                    field = FIELDS[index]
                    ratio *= estimated[field][level] / u[field][level]
            posterior = ratio / (1 + ratio) if ratio != math.inf else 1.0
            matched = posterior * count
            expected += matched
            for index in active:
                level = levels[index]
                if level < _SIZES[index] - 1:
                    sums[FIELDS[index]][level] += matched
        share = min(max(expected / total, 1e-9), 1 - 1e-9)
        estimated = {
            field: _normalised(
                [
                    value + M_PRIOR_STRENGTH * prior
                    for value, prior in zip(level_sums, M_PRIORS[field], strict=True)
                ]
            )
            for field, level_sums in sums.items()
        }
    return estimated, share, expected


class Matcher:
    """A trained Fellegi–Sunter model: ``Matcher.train(records)``, then ``score``, ``pairs``
    (de-duplicate one set) or ``link`` (one set against another)."""

    def __init__(
        self,
        m: Mapping[str, tuple[float, ...]],
        u: Mapping[str, tuple[float, ...]],
        prior: float,
    ) -> None:
        self.m = dict(m)
        self.u = dict(u)
        self.prior = prior
        self.prior_weight = math.log2(prior / (1 - prior))
        self.field_weights: dict[str, tuple[float, ...]] = {}
        for field in FIELDS:
            weights = [
                math.log2(mi / ui) for mi, ui in zip(self.m[field], self.u[field], strict=True)
            ]
            # Disagreement is never evidence for a match, even where the sample never saw it
            # (two villages of different counties in a one-county roster).
            weights[-1] = min(weights[-1], 0.0)
            self.field_weights[field] = (*weights, 0.0)
        self._weights: dict[int, float] = {}
        self.compared = 0
        """Candidate pairs compared by the last ``pairs`` or ``link``."""

    # Training ----------------------------------------------------------------------------------

    @classmethod
    def train(cls, records: Sequence[MatchRecord], *, seed: int = 1) -> "Matcher":
        """Estimate u by random sampling and m by EM (see the module docstring)."""
        features = [_features(record) for record in records]
        n = len(features)
        rng = random.Random(seed)  # noqa: S311 — sampling, not security
        all_pairs = n * (n - 1) // 2
        samples: list[tuple[int, int]] = []
        if all_pairs <= U_SAMPLE_PAIRS:
            samples = [(i, j) for i in range(n) for j in range(i + 1, n)]
        else:
            for _ in range(U_SAMPLE_PAIRS):
                i, j = rng.randrange(n), rng.randrange(n - 1)
                samples.append((i, j + 1 if j >= i else j))
        sampled = _field_counts(_pattern_counts(features, iter(samples)))
        u: dict[str, tuple[float, ...]] = {}
        for index, field in enumerate(FIELDS):
            observed = sampled[index][:-1]
            seen = sum(observed)
            u[field] = _normalised(
                [
                    (count + U_PRIOR_STRENGTH * prior) / (seen + U_PRIOR_STRENGTH)
                    for count, prior in zip(observed, U_PRIORS[field], strict=True)
                ]
            )
        m: dict[str, tuple[float, ...]] = dict(M_PRIORS)
        estimates: dict[str, list[tuple[float, ...]]] = defaultdict(list)
        session_pairs: set[int] = set()
        for session in _SESSIONS:
            pairs = _blocked_pairs(features, [session.key])
            session_pairs |= pairs
            counts = _pattern_counts(features, (divmod(pair, n) for pair in pairs))
            estimated, _share, _expected = _em(counts, m, u, session.excluded)
            for field, values in estimated.items():
                estimates[field].append(values)
        for field, runs in estimates.items():
            m[field] = _normalised([sum(column) / len(runs) for column in zip(*runs, strict=True)])
        prior = cls._estimate_prior(features, session_pairs, m, u)
        return cls(m, u, prior)

    @staticmethod
    def _estimate_prior(
        features: Sequence[Features],
        pairs: set[int],
        m: Mapping[str, tuple[float, ...]],
        u: Mapping[str, tuple[float, ...]],
    ) -> float:
        """λ by fixed point over the training pairs, divided by the share of matches that the
        two training blockings find (same ID, or same pinyin and birth year)."""
        n = len(features)
        all_pairs = max(n * (n - 1) // 2, 1)
        counts = _pattern_counts(features, (divmod(pair, n) for pair in pairs))
        bayes: list[tuple[int, float]] = []
        for pattern, count in enumerate(counts):
            if count:
                log_factor = 0.0
                for field, level in zip(FIELDS, unpack(pattern), strict=True):
                    if level < len(LEVELS[field]):
                        log_factor += math.log2(m[field][level] / u[field][level])
                bayes.append((count, log_factor))
        date = m["birth_date"]
        found_by_name = (m["name"][0] + m["name"][1]) * (date[0] + date[1] + date[2] * 2 / 3)
        recall = 1 - (1 - m["citizen_id"][0]) * (1 - found_by_name)
        prior = min(max(1.0 / all_pairs, 1e-12), 0.5)
        for _ in range(30):
            odds = math.log2(prior / (1 - prior))
            expected = sum(
                count / (1 + 2.0 ** -min(max(odds + factor, -60.0), 60.0))
                for count, factor in bayes
            )
            prior = min(max(expected / recall / all_pairs, 1e-12), 0.5)
        return prior

    # Scoring -----------------------------------------------------------------------------------

    def _weight(self, pattern: int) -> float:
        weight = self._weights.get(pattern)
        if weight is None:
            weight = self.prior_weight + sum(
                self.field_weights[field][level]
                for field, level in zip(FIELDS, unpack(pattern), strict=True)
            )
            self._weights[pattern] = weight
        return weight

    def _match(self, left: str, right: str, pattern: int) -> Match:
        weight = self._weight(pattern)
        evidence = {
            field: LEVELS[field][level] if level < len(LEVELS[field]) else MISSING
            for field, level in zip(FIELDS, unpack(pattern), strict=True)
        }
        return Match(left, right, probability(weight), weight, evidence)

    def score(self, a: MatchRecord, b: MatchRecord) -> Match:
        """The probability that ``a`` and ``b`` are the same person, with the evidence."""
        return self._match(a.key, b.key, _pattern(_features(a), _features(b)))

    def _scored(
        self,
        records: Sequence[MatchRecord],
        threshold: float,
        sides: Sequence[int] | None,
    ) -> Iterator[Match]:
        features = [_features(record) for record in records]
        n = len(features)
        self.compared = 0
        minimum = weight_for(threshold)
        passing = [False] * _PATTERNS
        for pattern in range(_PATTERNS):
            passing[pattern] = self._weight(pattern) >= minimum
        found: list[tuple[int, int, int]] = []
        pattern_of = _pattern
        for pair in _blocked_pairs(features, BLOCKING_KEYS, sides):
            i, j = divmod(pair, n)
            pattern = pattern_of(features[i], features[j])
            if passing[pattern]:
                found.append((i, j, pattern))
            self.compared += 1
        found.sort(key=lambda item: (-self._weight(item[2]), item[0], item[1]))
        for i, j, pattern in found:
            if sides is not None and sides[i] == 1:
                i, j = j, i
            yield self._match(records[i].key, records[j].key, pattern)

    def pairs(
        self, records: Sequence[MatchRecord], *, threshold: float = DEFAULT_THRESHOLD
    ) -> Iterator[Match]:
        """Likely duplicates within ``records``, most probable first."""
        return self._scored(records, threshold, None)

    def link(
        self,
        left: Sequence[MatchRecord],
        right: Sequence[MatchRecord],
        *,
        threshold: float = DEFAULT_THRESHOLD,
    ) -> Iterator[Match]:
        """Likely matches of ``left`` records in ``right`` (``Match.left`` is from ``left``)."""
        sides = [0] * len(left) + [1] * len(right)
        return self._scored([*left, *right], threshold, sides)


def probability(weight: float) -> float:
    """Probability from a match weight (log2 odds)."""
    return 1 / (1 + math.pow(2.0, -min(max(weight, -1000.0), 1000.0)))


def weight_for(probability_: float) -> float:
    """The match weight at which the probability is ``probability_``."""
    if probability_ <= 0:
        return -math.inf
    if probability_ >= 1:
        return math.inf
    return math.log2(probability_ / (1 - probability_))
