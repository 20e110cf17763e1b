"""Resident pages. Every resident comes from ``accounts.scope`` (audited); outside the scope a
record does not exist (404). Lists show masked ID and phone numbers; the full numbers only after
a stated purpose, logged as a reveal."""

from typing import Any

from csp.constants import NONE, UNSAFE_INLINE
from csp.decorators import csp_replace
from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_htmx.middleware import HtmxDetails

from accounts import scope
from accounts.models import User
from accounts.scope import current_user, villages_in_scope
from divisions.models import Division
from jiceng import charts
from residents.models import Resident

PAGE_SIZE = 50


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=50,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("Name, full ID number or phone"),
                "autocomplete": "off",
            }
        ),
    )
    village = forms.TypedChoiceField(label=_("Village"), required=False, coerce=int)

    def __init__(self, *args: Any, villages: list[Division], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[object, object]] = [("", _("All villages"))]
        choices += [(village.pk, _village_label(village)) for village in villages]
        self.fields["village"].choices = choices  # type: ignore[attr-defined]


class RevealForm(forms.Form):
    purpose = forms.CharField(
        label=_("Why is the full number needed?"),
        max_length=200,
        error_messages={"required": _("State why the full number is needed.")},
        widget=forms.TextInput(attrs={"list": "reveal-purposes", "autocomplete": "off"}),
    )

    def clean_purpose(self) -> str:
        purpose = str(self.cleaned_data["purpose"]).strip()
        if not purpose:
            raise forms.ValidationError(_("State why the full number is needed."))
        return purpose


REVEAL_PURPOSES = (
    _("follow-up visit"),
    _("family doctor contract"),
    _("insurance verification"),
    _("referral"),
    _("identity check at the clinic"),
)


def _village_label(village: Division) -> str:
    if village.parent is None:
        return village.name
    return f"{village.parent.name} · {village.name}"


def _matches(query: str) -> Q:
    """Name prefix, or the complete ID number, or the complete phone number."""
    return Q(name__startswith=query) | Q(citizen_id=query.upper()) | Q(phone=query)


@never_cache
@login_required
def resident_list(request: HtmxHttpRequest) -> HttpResponse:
    """The residents in scope; the same view renders the htmx results table alone."""
    user = current_user(request)
    form = SearchForm(request.GET, villages=list(villages_in_scope(user)))
    query, village_id = "", None
    if form.is_valid():
        query = form.cleaned_data["q"].strip()
        village_id = form.cleaned_data["village"] or None
    residents = scope.list_residents(
        user,
        request=request,
        purpose="resident list",
        detail={"query": query, "village_id": village_id},
    )
    if query:
        residents = residents.filter(_matches(query))
    if village_id is not None:
        residents = residents.filter(village_id=village_id)
    residents = residents.select_related("village__parent").order_by("village_id", "id")
    page = Paginator(residents, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page_obj": page, "query": query}
    if request.htmx and not request.htmx.boosted:
        return render(request, "residents/partials/_results.html", context)
    return render(request, "residents/list.html", context)


def _render_detail(
    request: HttpRequest,
    user: User,
    resident: Resident,
    *,
    form: RevealForm,
    revealed: bool,
    status: int = 200,
) -> HttpResponse:
    members: list[Resident] = []
    if resident.household_id is not None:
        members = list(
            scope.list_residents(
                user,
                request=request,
                purpose="household members",
                detail={"household_id": resident.household_id},
            )
            .filter(household_id=resident.household_id)
            .exclude(pk=resident.pk)
            .order_by("birth_date")
        )
    context = {
        "resident": resident,
        "members": members,
        "form": form,
        "revealed": revealed,
        "purposes": REVEAL_PURPOSES,
        "is_own_record": user.resident_id == resident.pk,
    }
    return render(request, "residents/detail.html", context, status=status)


@never_cache
@login_required
def resident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    resident = scope.get_resident(user, pk, request=request, purpose="resident detail")
    return _render_detail(request, user, resident, form=RevealForm(), revealed=False)


@never_cache
@require_POST
@login_required
def resident_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the full ID and phone number once, for the purpose given (audited as a reveal)."""
    user = current_user(request)
    form = RevealForm(request.POST)
    if not form.is_valid():
        resident = scope.get_resident(user, pk, request=request, purpose="resident detail")
        return _render_detail(request, user, resident, form=form, revealed=False, status=400)
    resident = scope.reveal_resident(
        user, pk, request=request, purpose=form.cleaned_data["purpose"]
    )
    return _render_detail(request, user, resident, form=RevealForm(), revealed=True)


@login_required
@csp_replace({"default-src": [NONE], "script-src": [NONE], "style-src": [UNSAFE_INLINE]})
def population_pyramid(request: HttpRequest) -> HttpResponse:
    """The age and sex structure of the residents in scope, as an SVG image (counts only)."""
    user = current_user(request)
    groups = charts.age_sex_pyramid(scope.residents_in_scope(user), today=timezone.localdate())
    response = HttpResponse(charts.population_pyramid_svg(groups), content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=300"
    return response
