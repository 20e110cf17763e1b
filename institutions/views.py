"""Browse the county's health institutions: public registry data for every signed-in user."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from institutions.models import Institution
from workforce.models import Staff

PAGE_SIZE = 50


@login_required
def institution_list(request: HttpRequest) -> HttpResponse:
    """Institutions, optionally of one type, in management order."""
    chosen_type = request.GET.get("type", "")
    if chosen_type not in Institution.Type.values:
        chosen_type = ""
    institutions = Institution.objects.select_related("division", "parent").order_by("path")
    if chosen_type:
        institutions = institutions.filter(type=chosen_type)
    counts = dict(
        Institution.objects.order_by()
        .values("type")
        .annotate(count=Count("id"))
        .values_list("type", "count")
    )
    types = [
        (value, label, counts.get(value, 0))
        for value, label in Institution.Type.choices
        if counts.get(value)
    ]
    page = Paginator(institutions, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "institutions/list.html",
        {"page_obj": page, "types": types, "chosen_type": chosen_type},
    )


@login_required
def institution_detail(request: HttpRequest, pk: int) -> HttpResponse:
    institution = get_object_or_404(
        Institution.objects.select_related("division__parent", "parent"), pk=pk
    )
    children = institution.children.select_related("division").order_by("path")
    served = institution.served_divisions.select_related("parent").order_by("code")
    staff = Staff.objects.filter(institution=institution).aggregate(
        total=Count("id"), in_post=Count("id", filter=Q(is_active=True))
    )
    return render(
        request,
        "institutions/detail.html",
        {
            "institution": institution,
            "children": children,
            "served": served,
            "staff_total": staff["total"],
            "staff_in_post": staff["in_post"],
        },
    )
