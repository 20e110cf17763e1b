"""Charts drawn on the server as SVG (pygal): nothing to load in the browser, prints well.

Every chart passes ``js=[]``: pygal otherwise links its tooltip script from the internet, and
county intranets are offline.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

import pygal
from django.db.models import Case, Count, IntegerField, QuerySet, Value, When
from django.utils.translation import gettext as _
from pygal.style import Style

from jiceng.dates import years_before
from residents.models import Resident

AGE_GROUP_YEARS = 5
OLDEST_GROUP_START = 85  # the last group is "85 and over"

FONT_FAMILY = '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif'
MALE_COLOUR = "#2f6f9f"
FEMALE_COLOUR = "#c8553d"


def chart_config(
    *,
    colours: tuple[str, ...],
    width: int,
    height: int,
    title: str,
    no_data_text: str,
    font_size: int = 13,
    **options: Any,
) -> pygal.Config:
    """The house style of a chart drawn on the server: CJK fonts, white ground, no script
    (``js=[]``), legend under the plot; ``options`` are any other pygal settings."""
    style = Style(
        font_family=FONT_FAMILY,
        background="#ffffff",
        plot_background="#ffffff",
        colors=colours,
        label_font_size=font_size,
        major_label_font_size=font_size,
        legend_font_size=font_size + 1,
        title_font_size=18,
        value_font_size=11,
    )
    options.setdefault("legend_at_bottom", True)
    return pygal.Config(
        js=[],
        style=style,
        width=width,
        height=height,
        title=title,
        no_data_text=no_data_text,
        **options,
    )


@dataclass(frozen=True)
class AgeGroup:
    """Residents of one 5-year age group, by sex."""

    start: int
    male: int
    female: int

    @property
    def label(self) -> str:
        if self.start >= OLDEST_GROUP_START:
            return f"{self.start}+"
        return f"{self.start}–{self.start + AGE_GROUP_YEARS - 1}"


def age_group_expression(today: date) -> Case:
    """The start of each resident's 5-year age group on ``today``, computed by the database.

    Someone is at least ``n`` years old exactly when born on or before the same day ``n`` years
    ago, so the first matching bound gives the group; no per-row arithmetic in Python.
    """
    bounds = [
        When(
            birth_date__gt=years_before(today, start + AGE_GROUP_YEARS),
            then=Value(start),
        )
        for start in range(0, OLDEST_GROUP_START, AGE_GROUP_YEARS)
    ]
    return Case(*bounds, default=Value(OLDEST_GROUP_START), output_field=IntegerField())


def age_sex_pyramid(residents: QuerySet[Resident], *, today: date) -> list[AgeGroup]:
    """Counts by 5-year age group and sex in one aggregate query, youngest group first."""
    rows = (
        residents.order_by()
        .annotate(age_group=age_group_expression(today))
        .values("age_group", "sex")
        .annotate(count=Count("id"))
    )
    counts: dict[tuple[int, str], int] = {
        (row["age_group"], row["sex"]): row["count"] for row in rows
    }
    return [
        AgeGroup(
            start,
            counts.get((start, Resident.Sex.MALE), 0),
            counts.get((start, Resident.Sex.FEMALE), 0),
        )
        for start in range(0, OLDEST_GROUP_START + 1, AGE_GROUP_YEARS)
    ]


def _absolute(value: Any) -> str:
    return f"{abs(int(value or 0)):,}"


def symmetric_ticks(largest: int) -> list[int]:
    """Whole-number axis ticks from ``-top`` to ``top`` in steps of 1, 2 or 5 × 10ⁿ."""
    if largest <= 0:
        return [-1, 0, 1]
    magnitude = 10 ** (len(str(largest)) - 1)
    step = magnitude
    for multiple in (1, 2, 5, 10):
        step = multiple * magnitude
        if largest <= 4 * step:
            break
    top = -(-largest // step) * step
    return list(range(-top, top + 1, step))


def population_pyramid_svg(groups: list[AgeGroup]) -> bytes:
    """A population pyramid: men to the left, women to the right, oldest group on top."""
    largest = max((max(group.male, group.female) for group in groups), default=0)
    config = chart_config(
        colours=(MALE_COLOUR, FEMALE_COLOUR),
        width=720,
        height=520,
        title=_("Residents by age group and sex"),
        no_data_text=_("No residents"),
        font_size=15,
        legend_at_bottom_columns=2,
        print_values=False,
        x_title=_("Number of residents"),
        y_title=_("Age group (years)"),
        value_formatter=_absolute,
    )
    chart = pygal.HorizontalStackedBar(config)
    chart.x_labels = [group.label for group in groups]
    if largest:
        ticks = symmetric_ticks(largest)
        chart.config.range = (ticks[0], ticks[-1])
        chart.config.y_labels = ticks
        chart.add(_("Male"), [-group.male for group in groups])
        chart.add(_("Female"), [group.female for group in groups])
    svg: bytes = chart.render()
    return svg
