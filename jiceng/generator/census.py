"""Age–sex structure of China's population from the 7th national census (2020-11-01).

The table gives each five-year age group's men and women in millions, rounded to 0.1 million
(0.01 for the 100+ group), from the census tabulation of the 31 provinces. Rounded figures
reproduce the communiqué's headline shares: 0–14 years 17.95 %, 60+ 18.70 %, 65+ 13.50 %, sex ratio
105.07 (men per 100 women), each within 0.1.
"""

import itertools
import random
from dataclasses import dataclass

MALE = "male"
FEMALE = "female"

# (first age of the group, men, women) in millions; the 100+ group is sampled as age 100.
AGE_GROUPS: tuple[tuple[int, float, float], ...] = (
    (0, 41.0, 36.9),
    (5, 48.0, 42.2),
    (10, 45.6, 39.7),
    (15, 39.0, 33.7),
    (20, 39.9, 35.0),
    (25, 47.9, 43.9),
    (30, 63.9, 60.2),
    (35, 50.8, 48.2),
    (40, 48.0, 45.3),
    (45, 58.2, 56.0),
    (50, 61.3, 59.9),
    (55, 51.0, 50.4),
    (60, 36.8, 36.6),
    (65, 36.1, 37.3),
    (70, 24.0, 25.0),
    (75, 14.8, 16.4),
    (80, 9.2, 11.2),
    (85, 4.8, 6.6),
    (90, 1.6, 2.6),
    (95, 0.3, 0.6),
    (100, 0.03, 0.09),
)
OLDEST_AGE = 100

# Headline figures of the census communiqué, for checking a generated population against.
COMMUNIQUE_SHARE_AGED_65_AND_OVER = 0.1350
COMMUNIQUE_SEX_RATIO = 105.07


def _total() -> float:
    return sum(men + women for _, men, women in AGE_GROUPS)


def share_aged_at_least(age: int) -> float:
    """Share of the population aged ``age`` or over, from the table; ``age`` a multiple of 5."""
    return sum(men + women for first, men, women in AGE_GROUPS if first >= age) / _total()


def sex_ratio() -> float:
    """Men per 100 women in the table."""
    men = sum(row[1] for row in AGE_GROUPS)
    women = sum(row[2] for row in AGE_GROUPS)
    return 100 * men / women


@dataclass(frozen=True)
class _Group:
    sex: str
    first_age: int
    width: int


def _groups() -> tuple[tuple[_Group, ...], tuple[float, ...]]:
    groups: list[_Group] = []
    weights: list[float] = []
    for first, men, women in AGE_GROUPS:
        width = 1 if first == OLDEST_AGE else 5
        groups += [_Group(MALE, first, width), _Group(FEMALE, first, width)]
        weights += [men, women]
    return tuple(groups), tuple(itertools.accumulate(weights))


_GROUPS, _CUMULATIVE_WEIGHTS = _groups()


def sample_sex_and_age(rng: random.Random, count: int) -> list[tuple[str, int]]:
    """``count`` people drawn from the census structure, ages uniform within their group."""
    groups = rng.choices(_GROUPS, cum_weights=_CUMULATIVE_WEIGHTS, k=count)
    return [(group.sex, group.first_age + rng.randrange(group.width)) for group in groups]
