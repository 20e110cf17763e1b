"""Residents and households of one village, drawn in memory; no ORM here.

A village's people are first drawn from the census age–sex table, then grouped into households,
so the age structure is the census's whatever the grouping. Children are placed first: each minor
gets a parent (20–42 years older) or, for some, a grandparent (40–75 years older) as head, often
with a spouse, siblings and a grandparent; the adults left over form couples, singles and
households with a grown child or an old parent. Households have 1–6 members.
"""

import random
from dataclasses import dataclass
from datetime import date

from jiceng.dates import years_before
from jiceng.generator.census import FEMALE, MALE, OLDEST_AGE, sample_sex_and_age
from jiceng.generator.names import random_given_name, random_surname
from jiceng.generator.randomness import seeded
from residents.models import Resident
from residents.rules import make_citizen_id

HEAD = Resident.Relation.HEAD.value
SPOUSE = Resident.Relation.SPOUSE.value
CHILD = Resident.Relation.CHILD.value
PARENT = Resident.Relation.PARENT.value
GRANDCHILD = Resident.Relation.GRANDCHILD.value
OTHER = Resident.Relation.OTHER.value

ADULT_AGE = 18
LARGEST_HOUSEHOLD = 6
LOCAL_REGISTRATION_SHARE = 0.92
"""Share of residents whose ID carries the county's own address code."""

_SEXES = (MALE, FEMALE)
_MOBILE_PREFIXES = (
    *(str(prefix) for prefix in range(130, 140)),
    "150", "151", "152", "153", "155", "156", "157", "158", "159",
    *(str(prefix) for prefix in range(180, 190)),
    "191", "193", "195", "197", "198", "199",
)  # fmt: skip


@dataclass(frozen=True)
class Person:
    name: str
    sex: str
    birth_date: date
    citizen_id: str
    phone: str
    relation: str


@dataclass(frozen=True)
class HouseholdDraft:
    number: str
    address: str
    members: tuple[Person, ...]
    """Head first."""


class CitizenIds:
    """Issues GB 11643 numbers unique across the county: a taken sequence moves on by two."""

    def __init__(self, county_code: str, other_county_codes: tuple[str, ...]) -> None:
        self.county_code = county_code
        self.other_county_codes = other_county_codes or (county_code,)
        self.issued: set[str] = set()

    def issue(self, rng: random.Random, birth_date: date, sex: str) -> str:
        address = self.county_code
        if rng.random() >= LOCAL_REGISTRATION_SHARE:
            address = rng.choice(self.other_county_codes)
        stem = f"{address}{birth_date.year:04d}{birth_date.month:02d}{birth_date.day:02d}"
        # Men odd 1–999, women even 2–998 (sequence 000 is not issued).
        sequence = rng.randrange(500) * 2 + 1 if sex == MALE else rng.randrange(1, 500) * 2
        for _ in range(500):
            key = f"{stem}{sequence:03d}"
            if key not in self.issued:
                self.issued.add(key)
                return make_citizen_id(address, birth_date, sequence)
            sequence += 2
            if sequence > 999:
                sequence = 1 if sex == MALE else 2
        raise RuntimeError(f"all sequence numbers of {stem} are taken")


class _Pool:
    """Undrawn people of a village, counted by sex and age."""

    def __init__(self, people: list[tuple[str, int]]) -> None:
        self.counts = {MALE: [0] * (OLDEST_AGE + 1), FEMALE: [0] * (OLDEST_AGE + 1)}
        for sex, age in people:
            self.counts[sex][age] += 1

    def people(self, low: int, high: int) -> list[tuple[str, int]]:
        return [
            (sex, age)
            for sex in _SEXES
            for age in range(low, high + 1)
            for _ in range(self.counts[sex][age])
        ]

    def take(self, sex: str, age: int) -> bool:
        row = self.counts[sex]
        if row[age]:
            row[age] -= 1
            return True
        return False

    def nearest(
        self, sex: str, target: int, low: int, high: int, avoid: frozenset[int] = frozenset()
    ) -> int | None:
        """Draw the person of ``sex`` whose age is nearest ``target`` within [low, high] and not
        in ``avoid``."""
        low, high = max(low, 0), min(high, OLDEST_AGE)
        if low > high:
            return None
        target = min(max(target, low), high)
        row = self.counts[sex]
        for distance in range(high - low + 1):
            for age in (target + distance, target - distance):
                if low <= age <= high and row[age] and age not in avoid:
                    row[age] -= 1
                    return age
        return None

    def nearest_either(
        self, sex: str, target: int, low: int, high: int, avoid: frozenset[int] = frozenset()
    ) -> tuple[str, int] | None:
        for candidate in (sex, FEMALE if sex == MALE else MALE):
            age = self.nearest(candidate, target, low, high, avoid)
            if age is not None:
                return candidate, age
        return None


def _other(sex: str) -> str:
    return FEMALE if sex == MALE else MALE


Member = tuple[str, int, str]
"""(sex, age, relation to head); the head is the first member."""


def _spouse(rng: random.Random, pool: _Pool, head_sex: str, head_age: int) -> Member | None:
    gap = rng.randint(0, 4)
    target = head_age - gap if head_sex == MALE else head_age + gap
    age = pool.nearest(_other(head_sex), target, max(ADULT_AGE, head_age - 10), head_age + 10)
    return None if age is None else (_other(head_sex), age, SPOUSE)


def _household_around_child(rng: random.Random, pool: _Pool, sex: str, age: int) -> list[Member]:
    by_grandparent = rng.random() < 0.15
    relation = GRANDCHILD if by_grandparent else CHILD
    head: tuple[str, int] | None = None
    preferred = MALE if rng.random() < 0.7 else FEMALE
    if by_grandparent:
        head = pool.nearest_either(preferred, age + rng.randint(48, 60), age + 40, age + 75)
    if head is None:
        relation = CHILD
        head = pool.nearest_either(preferred, age + rng.randint(24, 32), age + 20, age + 42)
    if head is None:
        # Too few adults in a tiny village: the child lives with whichever relative is left.
        relation = OTHER
        head = pool.nearest_either(preferred, age + 30, ADULT_AGE, OLDEST_AGE)
    if head is None:
        return [(sex, age, HEAD)]
    head_sex, head_age = head
    members: list[Member] = [(head_sex, head_age, HEAD), (sex, age, relation)]
    spouse = _spouse(rng, pool, head_sex, head_age) if rng.random() < 0.88 else None
    if spouse:
        members.append(spouse)
    if relation == OTHER:
        return members
    if relation == CHILD:
        youngest, oldest = head_age - 42, head_age - 20  # ages the head's children may have
    else:
        youngest, oldest = head_age - 75, head_age - 40
    siblings = rng.choices((0, 1, 2), weights=(40, 45, 15) if relation == CHILD else (60, 35, 5))
    born = [age]
    for _ in range(siblings[0]):
        if len(members) >= LARGEST_HOUSEHOLD:
            break
        # Siblings at least two years apart in age: no births months apart.
        avoid = frozenset(other + step for other in born for step in (-1, 0, 1))
        sibling = pool.nearest_either(
            MALE if rng.random() < 0.52 else FEMALE,
            age + rng.choice((-1, 1)) * rng.randint(2, 8),
            youngest,
            oldest,
            avoid,
        )
        if sibling:
            members.append((*sibling, relation))
            born.append(sibling[1])
    if relation == GRANDCHILD and rng.random() < 0.3 and len(members) < LARGEST_HOUSEHOLD:
        middle = pool.nearest_either(
            preferred, head_age - rng.randint(24, 30), max(ADULT_AGE, head_age - 42), head_age - 20
        )
        if middle:
            members.append((*middle, CHILD))
    if relation == CHILD and rng.random() < 0.25:
        for parent_sex in (MALE, FEMALE) if rng.random() < 0.4 else (rng.choice(_SEXES),):
            if len(members) >= LARGEST_HOUSEHOLD:
                break
            parent_age = pool.nearest(
                parent_sex, head_age + rng.randint(24, 30), head_age + 20, head_age + 42
            )
            if parent_age is not None:
                members.append((parent_sex, parent_age, PARENT))
    return members


def _adult_household(rng: random.Random, pool: _Pool, sex: str, age: int) -> list[Member]:
    if age < 25:
        weights = (80, 15, 5, 0)
    elif age < 65:
        weights = (22, 50, 20, 8)
    else:
        weights = (38, 52, 8, 2)
    size = rng.choices((1, 2, 3, 4), weights=weights)[0]
    members: list[Member] = [(sex, age, HEAD)]
    if size >= 2:
        spouse = _spouse(rng, pool, sex, age)
        if spouse:
            members.append(spouse)
    parent_sexes: list[str] = []
    while len(members) < size:
        relative: tuple[str, int] | None = None
        relation = CHILD
        if age >= 40:
            relative = pool.nearest_either(
                rng.choice(_SEXES), age - rng.randint(24, 32), max(ADULT_AGE, age - 42), age - 20
            )
        if relative is None and age <= 60 and len(parent_sexes) < 2:
            relation = PARENT
            parent_sex = _other(parent_sexes[0]) if parent_sexes else rng.choice(_SEXES)
            parent_age = pool.nearest(parent_sex, age + rng.randint(24, 30), age + 20, age + 42)
            if parent_age is not None:
                relative = (parent_sex, parent_age)
                parent_sexes.append(parent_sex)
        if relative is None:
            break
        members.append((*relative, relation))
    return members


def group_households(rng: random.Random, people: list[tuple[str, int]]) -> list[list[Member]]:
    """Every person of ``people`` placed in exactly one household, head first."""
    pool = _Pool(people)
    households: list[list[Member]] = []
    minors = pool.people(0, ADULT_AGE - 1)
    rng.shuffle(minors)
    for sex, age in minors:
        if pool.take(sex, age):
            households.append(_household_around_child(rng, pool, sex, age))
    # Heads in the prime of life first, so the young adults left over can still join them.
    settled = pool.people(25, OLDEST_AGE)
    young = pool.people(ADULT_AGE, 24)
    rng.shuffle(settled)
    rng.shuffle(young)
    for sex, age in settled + young:
        if pool.take(sex, age):
            households.append(_adult_household(rng, pool, sex, age))
    return households


class Births:
    """Birth dates giving an exact age on the reference day."""

    def __init__(self, as_of: date) -> None:
        self.ranges: list[tuple[int, int]] = []
        for age in range(OLDEST_AGE + 1):
            first = years_before(as_of, age + 1).toordinal() + 1
            last = years_before(as_of, age).toordinal()
            self.ranges.append((first, last - first + 1))

    def draw(self, rng: random.Random, age: int) -> date:
        first, days = self.ranges[age]
        return date.fromordinal(first + rng.randrange(days))


def _phone(rng: random.Random) -> str:
    return f"{rng.choice(_MOBILE_PREFIXES)}{rng.randrange(100_000_000):08d}"


def _has_own_phone(rng: random.Random, age: int) -> bool:
    if age >= 75:
        return rng.random() < 0.7
    return rng.random() < 0.98


def village_households(
    seed: int,
    village_code: str,
    address_label: str,
    population: int,
    births: Births,
    citizen_ids: CitizenIds,
) -> list[HouseholdDraft]:
    """The households of one village, ``population`` people in all; numbered village code + 4
    digits. Minors carry their head's phone as guardian contact, about 10 % none."""
    rng = seeded(seed, village_code)
    grouped = group_households(rng, sample_sex_and_age(rng, population))
    if sum(len(members) for members in grouped) != population:
        raise RuntimeError(f"village {village_code}: households do not add up to {population}")
    drafts: list[HouseholdDraft] = []
    for number, members in enumerate(grouped, start=1):
        head_sex = members[0][0]
        head_surname = random_surname(rng)
        spouse_surname = random_surname(rng)
        has_husband = head_sex == FEMALE and any(m[2] == SPOUSE for m in members)
        family = spouse_surname if has_husband else head_surname
        head_phone = ""
        people: list[Person] = []
        for sex, age, relation in members:
            birth_date = births.draw(rng, age)
            if relation == HEAD or (relation == PARENT and sex == MALE):
                surname = head_surname
            elif relation == SPOUSE:
                surname = spouse_surname
            elif relation in (CHILD, GRANDCHILD):
                surname = family
            else:
                surname = random_surname(rng)
            if age < ADULT_AGE:
                phone = head_phone if rng.random() < 0.9 else ""
            else:
                phone = _phone(rng) if _has_own_phone(rng, age) else ""
            if relation == HEAD:
                head_phone = phone
            people.append(
                Person(
                    surname + random_given_name(rng, sex, birth_date.year),
                    sex,
                    birth_date,
                    citizen_ids.issue(rng, birth_date, sex),
                    phone,
                    relation,
                )
            )
        drafts.append(
            HouseholdDraft(
                f"{village_code}{number:04d}", f"{address_label}{number}号", tuple(people)
            )
        )
    return drafts
