"""The supervision dashboard (SUP-7): every rule of the county's pack, its status, evidence and
the entities that fail, each citation linked to the article's text."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import audit
from accounts.scope import current_user
from jiceng.spreadsheets import xlsx_response
from supervision import articles
from supervision.access import may_supervise
from supervision.catalogue import CATEGORIES
from supervision.charts import status_by_category_svg, status_labels
from supervision.engine import run_pack
from supervision.packs import Pack, the_county
from supervision.results import FAIL, NOT_ENOUGH_DATA, PASS, Result

STATUSES = (PASS, FAIL, NOT_ENOUGH_DATA)


def _results(request: HttpRequest, only: str | None = None) -> tuple[Pack, list[Result]]:
    user = current_user(request)
    if not may_supervise(user):
        raise Http404
    county = the_county()
    if county is None:
        raise Http404
    return run_pack(county, only=only)


def _audit_staff_names(request: HttpRequest, results: list[Result]) -> None:
    """Failing staff are people: showing their names is a read of personal data."""
    named = sorted({f.id for r in results for f in r.failing if f.type == "staff"})
    if named:
        audit.record(
            current_user(request),
            "list",
            "workforce.staff",
            purpose="supervision",
            request=request,
            detail={
                "rules": sorted(
                    {r.id for r in results if any(f.type == "staff" for f in r.failing)}
                ),
                "count": len(named),
            },
        )


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    pack, results = _results(request)
    category = request.GET.get("category", "")
    status = request.GET.get("status", "")
    kind = request.GET.get("kind", "")
    shown = [
        r
        for r in results
        if (not category or r.category == category)
        and (not status or r.status == status)
        and (not kind or r.kind == kind)
    ]
    if request.GET.get("format") == "xlsx":
        _audit_staff_names(request, shown)
        return _export(pack, shown)
    totals = {s: sum(1 for r in results if r.status == s) for s in STATUSES}
    labels = status_labels()
    return render(
        request,
        "supervision/dashboard.html",
        {
            "pack": pack,
            "results": shown,
            "total": len(results),
            "totals": [(s, labels[s], totals[s]) for s in STATUSES],
            "categories": [(code, label) for code, label in CATEGORIES.items()],
            "statuses": [(s, labels[s]) for s in STATUSES],
            "chosen": {"category": category, "status": status, "kind": kind},
            "status_labels": labels,
            "today": timezone.localdate(),
        },
    )


def _export(pack: Pack, results: list[Result]) -> HttpResponse:
    """One row per failing entity (a rule without any: one row), for the county's files."""
    labels = status_labels()
    rows: list[list[object]] = []
    for r in results:
        common = [r.id, r.title, labels[r.status], r.display, r.threshold, "、".join(r.citation)]
        deadline = r.progress.deadline if r.progress else None
        named = [(entity.name, entity.reason) for entity in r.failing] or [("", "")]
        rows.extend([*common, deadline, name, reason] for name, reason in named)
    return xlsx_response(
        f"{_('Supervision')}-{pack.code.replace('/', '-')}-{timezone.localdate():%Y-%m-%d}.xlsx",
        [
            _("Rule"),
            _("Requirement"),
            _("Status"),
            _("Value"),
            _("Threshold"),
            _("Citation"),
            _("Deadline"),
            _("Failing entity"),
            _("Why"),
        ],
        rows,
        title=_("Supervision"),
    )


@login_required
def chart(request: HttpRequest) -> HttpResponse:
    _, results = _results(request)
    response = HttpResponse(status_by_category_svg(results), content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=60"
    return response


@login_required
def rule_detail(request: HttpRequest, rule_id: str) -> HttpResponse:
    pack, results = _results(request, only=rule_id)
    if not results:
        raise Http404
    result = results[0]
    _audit_staff_names(request, [result])
    return render(
        request,
        "supervision/rule.html",
        {
            "pack": pack,
            "result": result,
            "rule": pack.rules[rule_id],
            "status_label": status_labels()[result.status],
            "cited": [(c, articles.article(c)) for c in result.citation],
        },
    )


@login_required
def article_text(request: HttpRequest, citation: str) -> HttpResponse:
    found = articles.article(citation)
    if found is None:
        raise Http404
    return render(request, "supervision/article.html", {"article": found, "citation": citation})
