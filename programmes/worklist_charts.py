"""The work-list overview's chart: what is owed per township, by bucket (pygal, no script)."""

from collections import defaultdict

import pygal
from django.utils.translation import gettext as _
from pygal.style import Style

from jiceng.charts import FONT_FAMILY
from programmes.worklists import BUCKETS, CountRow

BUCKET_COLOURS = ("#2f6f9f", "#6fa8dc", "#c8553d", "#7f2a1d", "#3a7d44")


def by_township_svg(rows: list[CountRow]) -> bytes:
    """A stacked bar per township (the villages' ``parent``): how many are due, overdue, lost or
    newly eligible."""
    per_township: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        for code, value in row.counts.items():
            per_township[row.parent][code] += value
    townships = sorted(per_township)
    config = pygal.Config(
        js=[],
        style=Style(
            font_family=FONT_FAMILY,
            background="#ffffff",
            plot_background="#ffffff",
            colors=BUCKET_COLOURS,
            label_font_size=13,
            major_label_font_size=13,
            legend_font_size=14,
            title_font_size=18,
        ),
        width=900,
        height=420,
        title=_("Work lists by township"),
        no_data_text=_("Nothing owed"),
        legend_at_bottom=True,
        legend_at_bottom_columns=5,
        x_label_rotation=30,
        y_title=_("People"),
    )
    chart = pygal.StackedBar(config)
    chart.x_labels = townships
    for code, label in BUCKETS:
        chart.add(str(label), [per_township[name][code] or None for name in townships])
    svg: bytes = chart.render()
    return svg
