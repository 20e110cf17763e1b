"""The work-list overview's chart: what is owed per township, by bucket (pygal, no script)."""

from collections import defaultdict

import pygal
from django.utils.translation import gettext as _

from jiceng.charts import chart_config
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
    config = chart_config(
        colours=BUCKET_COLOURS,
        width=900,
        height=420,
        title=_("Work lists by township"),
        no_data_text=_("Nothing owed"),
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
