"""The dashboard's chart: rules by category and status, drawn on the server (pygal, no script)."""

from collections import Counter

import pygal
from django.utils.translation import gettext as _

from jiceng.charts import chart_config
from supervision.catalogue import CATEGORIES
from supervision.results import FAIL, NOT_ENOUGH_DATA, PASS, Result

STATUS_COLOURS = {PASS: "#3a7d44", FAIL: "#c8553d", NOT_ENOUGH_DATA: "#9a9a9a"}


def status_labels() -> dict[str, str]:
    return {PASS: _("pass"), FAIL: _("fail"), NOT_ENOUGH_DATA: _("not enough data")}


def status_by_category_svg(results: list[Result]) -> bytes:
    """A stacked bar per category: how many of its rules pass, fail, or lack data."""
    counts = Counter((result.category, result.status) for result in results)
    categories = [code for code in CATEGORIES if any(r.category == code for r in results)]
    labels = status_labels()
    config = chart_config(
        colours=tuple(STATUS_COLOURS.values()),
        width=720,
        height=360,
        title=_("Rules by category and status"),
        no_data_text=_("No rules in force"),
        font_size=15,
        legend_at_bottom_columns=3,
        print_values=True,
        print_zeroes=False,
        y_title=_("Number of rules"),
    )
    chart = pygal.StackedBar(config)
    chart.x_labels = [str(CATEGORIES[code]) for code in categories]
    for status in STATUS_COLOURS:
        chart.add(labels[status], [counts[(code, status)] or None for code in categories])
    svg: bytes = chart.render()
    return svg
