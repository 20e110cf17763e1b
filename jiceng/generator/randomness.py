import random


def seeded(*parts: object) -> random.Random:
    """A generator of its own for one part of the county, so parts do not shift each other.

    Seeding with a string is stable across runs and platforms (it is hashed with SHA-512).
    """
    return random.Random(":".join(str(part) for part in parts))  # noqa: S311 — synthetic data
