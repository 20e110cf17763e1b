"""The programme indicators dashboard (PH-2, public-health-services.md §5): period and level
chosen in a GET form, one bar chart per programme group (SVG drawn on the server), the table of
numerators, denominators and rates with each definition, and the same rows as an Excel file."""

from typing import Any

import pygal
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role, User
from accounts.scope import current_user, division_ranges
from jiceng.charts import chart_config
from jiceng.spreadsheets import xlsx_response
from programmes.indicators import (
    GROUPS,
    INDICATORS,
    LEVELS,
    Level,
    Period,
    PeriodError,
    Result,
    indicators_for,
    parse_period,
)

CHART_WIDTH = 900
CHART_ROWS = 40  # more rows than this go to the table only: a chart of 300 villages is unreadable
SERIES_COLOURS = ("#2f6f9f", "#c8553d", "#3a7d44", "#d9a441", "#7a5195")
CONFIDENCE = {
    "V": gettext_lazy("V: checked against the text"),
    "C": gettext_lazy("C: from secondary summaries"),
    "U": gettext_lazy("U: unverified, configurable"),
}


def _viewer(request: HttpRequest) -> User:
    """Staff who may see residents: residents and specialists, and users without any division
    in scope, get a 404 as for a page that does not exist."""
    user = current_user(request)
    if user.role in (Role.RESIDENT, Role.SPECIALIST) or not division_ranges(user):
        raise Http404
    return user


def _choices(request: HttpRequest) -> tuple[str, str]:
    period = request.GET.get("period", "").strip() or str(timezone.localdate().year)
    level = request.GET.get("level", "")
    return period, level if level in LEVELS else Level.COUNTY


def _sections(results: list[Result]) -> list[tuple[str, str, list[Result]]]:
    return [
        (code, str(label), [r for r in results if r.indicator.group == code])
        for code, label in GROUPS.items()
        if any(r.indicator.group == code for r in results)
    ]


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    user = _viewer(request)
    text, level = _choices(request)
    context: dict[str, Any] = {
        "period_text": text,
        "level": level,
        "levels": [(code, str(label)) for code, label in LEVELS.items()],
    }
    try:
        period = parse_period(text)
    except PeriodError as error:
        context["error"] = error.message
        return render(request, "programmes/indicators/dashboard.html", context, status=400)
    exporting = request.GET.get("format") == "xlsx"
    results = indicators_for(
        user, period, level, request=request, action="export" if exporting else "list"
    )
    if exporting:
        return _export(period, level, results)
    context.update(
        {
            "period": period,
            "level_label": LEVELS[level],
            "sections": _sections(results),
            "confidence": CONFIDENCE,
            "rows_shown": len(results[0].rows) if results else 0,
            "chart_rows": CHART_ROWS,
        }
    )
    return render(request, "programmes/indicators/dashboard.html", context)


def _export(period: Period, level: str, results: list[Result]) -> HttpResponse:
    level_label = str(LEVELS[level])
    rows = [
        [
            result.indicator.code,
            str(result.indicator.name),
            level_label,
            row.key,
            row.label,
            row.numerator,
            row.denominator,
            row.rate,
            result.indicator.numerator_definition(),
            result.indicator.denominator_definition(),
            result.indicator.citation,
            result.indicator.confidence,
        ]
        for result in results
        for row in result.rows
    ]
    return xlsx_response(
        f"{_('Programme indicators')}-{period.label.replace('..', '_')}-{level}.xlsx",
        [
            _("Code"),
            _("Indicator"),
            _("Level"),
            _("Key"),
            _("Name"),
            _("Numerator"),
            _("Denominator"),
            _("Rate (%)"),
            _("Numerator definition"),
            _("Denominator definition"),
            _("Citation"),
            _("Confidence"),
        ],
        rows,
        title=_("Programme indicators"),
    )


def _chart_height(rows: int, series: int) -> int:
    """Tall enough for a bar per indicator and row, with room for the title and legend."""
    return 200 + min(rows, CHART_ROWS) * (series * 14 + 12)


def _percent(value: Any) -> str:
    return "—" if value is None else f"{value:.1f} %"


def group_chart_svg(title: str, results: list[Result]) -> bytes:
    """Horizontal bars: one per indicator of the group for each row (village, township, …),
    as a percentage; rows without anyone to count are left empty."""
    rows = results[0].rows[:CHART_ROWS] if results else []
    config = chart_config(
        colours=SERIES_COLOURS,
        width=CHART_WIDTH,
        height=_chart_height(len(rows), len(results)),
        title=title,
        no_data_text=_("Nobody to count in this period"),
        legend_at_bottom_columns=2,
        print_values=True,
        range=(0, 100),
        x_title=_("Rate (%)"),
        value_formatter=_percent,
    )
    chart = pygal.HorizontalBar(config)
    # pygal draws the first label at the bottom: reversed, the chart reads like the table.
    chart.x_labels = [row.label for row in reversed(rows)]
    for result in results:
        shown = result.rows[: len(rows)]
        chart.add(str(result.indicator.name), [row.rate for row in reversed(shown)])
    svg: bytes = chart.render()
    return svg


@login_required
def chart(request: HttpRequest, group: str) -> HttpResponse:
    user = _viewer(request)
    if group not in GROUPS:
        raise Http404
    text, level = _choices(request)
    try:
        period = parse_period(text)
    except PeriodError as error:
        return HttpResponseBadRequest(error.message)
    codes = [indicator.code for indicator in INDICATORS if indicator.group == group]
    results = indicators_for(user, period, level, codes=codes, request=request)
    title = f"{GROUPS[group]} · {period.label} · {LEVELS[level]}"
    response = HttpResponse(group_chart_svg(title, results), content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=60"
    return response
