"""Calendar ages and intervals: a dose falls due on birth date + N calendar months (spec, age convention)."""

from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta


def add_months(start: date, count: int) -> date:
    """The same day ``count`` calendar months later; a missing day (31 April) becomes the month's last."""
    year, month_index = divmod(start.month - 1 + count, 12)
    year += start.year
    month = month_index + 1
    if start.day <= 28:
        return date(year, month, start.day)
    return date(year, month, min(start.day, monthrange(year, month)[1]))


@dataclass(frozen=True)
class Age:
    """An age or interval in whole calendar months (a year is 12) plus days."""

    months: int = 0
    days: int = 0

    def after(self, start: date) -> date:
        """The date this age is attained by someone born on ``start`` (or this long after it)."""
        return add_months(start, self.months) + timedelta(days=self.days)

    def __str__(self) -> str:
        parts = []
        if self.months and self.months % 12 == 0:
            parts.append(f"{self.months // 12} y")
        elif self.months:
            parts.append(f"{self.months} m")
        if self.days or not parts:
            parts.append(f"{self.days} days")
        return " ".join(parts)


def days(count: int) -> Age:
    return Age(days=count)


def months(count: int) -> Age:
    return Age(months=count)


def years(count: int) -> Age:
    return Age(months=12 * count)


def has_reached(birth_date: date, age: Age, on: date) -> bool:
    """Whether someone born on ``birth_date`` has attained ``age`` on ``on`` (attained age)."""
    return age.after(birth_date) <= on
