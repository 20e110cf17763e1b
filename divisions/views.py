"""Browse the county's divisions: public registry data, open to every signed-in user (ORG-2)."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from divisions.models import Division


@login_required
def division_index(request: HttpRequest) -> HttpResponse:
    """The counties (usually one), each with its townships."""
    counties = (
        Division.objects.filter(level=Division.Level.COUNTY)
        .annotate(child_count=Count("children"))
        .order_by("code")
    )
    return render(request, "divisions/index.html", {"counties": counties})


@login_required
def division_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One division: where it sits, what lies below it, which institutions are there."""
    division = get_object_or_404(Division.objects.select_related("parent__parent"), pk=pk)
    ancestors: list[Division] = []
    parent = division.parent
    while parent is not None:
        ancestors.insert(0, parent)
        parent = parent.parent
    children = division.children.annotate(child_count=Count("children")).order_by("code")
    located = division.institutions.select_related("parent").order_by("path")
    serving = division.serving_institutions.select_related("division").order_by("path")
    return render(
        request,
        "divisions/detail.html",
        {
            "division": division,
            "ancestors": ancestors,
            "children": children,
            "located": located,
            "serving": serving,
        },
    )
