"""Resident pages. Every resident comes from ``accounts.scope`` (audited); outside the scope a
record does not exist (404). Lists show masked ID and phone numbers; the full numbers only after
a stated purpose, logged as a reveal."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from csp.constants import NONE, UNSAFE_INLINE
from csp.decorators import csp_replace
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_htmx.middleware import HtmxDetails

from accounts import audit, scope
from accounts.models import User
from accounts.scope import current_user, villages_in_scope
from divisions.models import Division
from jiceng import charts
from jiceng.masking import mask_citizen_id, mask_phone
from programmes.views.records import resident_section
from residents.completeness import missing_items
from residents.forms import (
    ALLERGIES,
    DISABILITIES,
    FamilyHistoryForm,
    HistoryItemForm,
    ResidentRecordForm,
    add_item,
    can_edit,
    label_of,
    remove_item,
    save_record,
)
from residents.models import Resident
from residents.search import search_residents

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
                "placeholder": _("Name, pinyin or initials, ID number, phone or household"),
                "autocomplete": "off",
            }
        ),
    )
    village = forms.TypedChoiceField(label=_("Village"), required=False, coerce=int)
    inactive = forms.BooleanField(label=_("Show moved out and deceased"), required=False)

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


MISSING_LABELS = {
    "citizen_id": _("citizen ID number"),
    "phone": _("phone or contact phone"),
    "household": _("household"),
    "ethnicity": _("ethnicity"),
    "residence_status": _("residence status"),
    "insurance_type": _("medical insurance"),
    "blood_group": _("blood group"),
    "marital_status": _("marital status"),
    "education": _("education"),
    "occupation": _("occupation"),
    "contact_name": _("contact person"),
    "allergies": _("drug allergies"),
    "disabilities": _("disabilities"),
    "living_conditions": _("living conditions"),
}
MASKED_FIELDS = {"citizen_id": mask_citizen_id, "phone": mask_phone, "contact_phone": mask_phone}
CHOICE_LISTS = {"allergies": ALLERGIES, "disabilities": DISABILITIES}


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class Version:
    when: Any
    who: str
    kind: str
    changes: list[FieldChange]
    created: bool


def _shown(name: str, value: object, *, revealed: bool) -> str:
    """A stored value as people read it: choice labels, dates, masked identifiers."""
    if value is None or value in ("", []):
        return "—"
    field = Resident._meta.get_field(name)
    if name in MASKED_FIELDS and not revealed:
        return MASKED_FIELDS[name](str(value))
    if name in CHOICE_LISTS and isinstance(value, list):
        return "、".join(label_of(str(code), CHOICE_LISTS[name]) for code in value)
    if isinstance(value, list):
        return "; ".join(str(item) for item in value)
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, date):
        return value.isoformat()
    choices = dict(getattr(field, "choices", None) or [])
    return str(choices.get(value, value))


def record_changes(resident: Resident, *, revealed: bool, limit: int = 200) -> list[Version]:
    """The record's versions, newest first, each with the fields changed from the one before
    (one query; the differences are computed in memory)."""
    versions = list(
        resident.history.select_related("history_user").order_by("-history_date", "-history_id")[
            : limit + 1
        ]
    )
    result = []
    for index, version in enumerate(versions[:limit]):
        previous = versions[index + 1] if index + 1 < len(versions) else None
        changes: list[FieldChange] = []
        if previous is not None:
            delta = version.diff_against(previous)
            for change in delta.changes:
                field = Resident._meta.get_field(change.field)
                label = str(getattr(field, "verbose_name", change.field))
                changes.append(
                    FieldChange(
                        change.field,
                        label,
                        _shown(change.field, change.old, revealed=revealed),
                        _shown(change.field, change.new, revealed=revealed),
                    )
                )
        user = version.history_user
        who = (user.get_full_name() or user.get_username()) if user is not None else ""
        kind = {"+": _("created"), "~": _("changed"), "-": _("deleted")}[version.history_type]
        result.append(
            Version(version.history_date, who, str(kind), changes, version.history_type == "+")
        )
    return result


def _village_label(village: Division) -> str:
    if village.parent is None:
        return village.name
    return f"{village.parent.name} · {village.name}"


@never_cache
@login_required
def resident_list(request: HtmxHttpRequest) -> HttpResponse:
    """The residents in scope (PH-1, IT-4): one search box for name, pinyin, initials, ID number,
    phone and household number; the same view renders the htmx results table alone."""
    user = current_user(request)
    villages = list(villages_in_scope(user))
    form = SearchForm(request.GET, villages=villages)
    query, village_id, include_inactive = "", None, False
    if form.is_valid():
        query = form.cleaned_data["q"].strip()
        village_id = form.cleaned_data["village"] or None
        include_inactive = bool(form.cleaned_data["inactive"])
    residents = search_residents(
        user,
        request=request,
        purpose="resident list",
        query=query,
        village_id=village_id,
        include_inactive=include_inactive,
        villages=[village.pk for village in villages],
    ).select_related("village__parent")
    page = Paginator(residents, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page_obj": page, "query": query}
    if request.htmx and not request.htmx.boosted:
        return render(request, "residents/partials/_results.html", context)
    return render(request, "residents/list.html", context)


def _missing(resident: Resident) -> list[str]:
    values = {field.attname: getattr(resident, field.attname) for field in Resident._meta.fields}
    return [
        str(MISSING_LABELS.get(name, name))
        for name in missing_items(values, today=timezone.localdate())
    ]


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
    is_own_record = user.resident_id == resident.pk
    context = {
        "resident": resident,
        "members": members,
        "form": form,
        "revealed": revealed,
        "purposes": REVEAL_PURPOSES,
        "is_own_record": is_own_record,
        "can_edit": can_edit(user),
        "missing": _missing(resident),
        "allergies": [label_of(code, ALLERGIES) for code in resident.allergies],
        "disabilities": [label_of(code, DISABILITIES) for code in resident.disabilities],
        "past_history": list(resident.past_history.order_by("date", "pk")),
        "family_history": list(resident.family_history.order_by("relative", "pk")),
        "programmes": resident_section(request, user, resident),
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


def _editable(request: HttpRequest, pk: int, purpose: str) -> tuple[User, Resident]:
    """The record to change: 404 outside the scope, 403 for those who may only read it."""
    user = current_user(request)
    resident = scope.get_resident(user, pk, request=request, purpose=purpose)
    if not can_edit(user):
        raise PermissionDenied
    return user, resident


def _render_edit(
    request: HttpRequest,
    resident: Resident,
    *,
    form: ResidentRecordForm | None = None,
    history_form: HistoryItemForm | None = None,
    family_form: FamilyHistoryForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "resident": resident,
        "form": form or ResidentRecordForm(instance=resident),
        "history_form": history_form or HistoryItemForm(resident=resident, prefix="history"),
        "family_form": family_form or FamilyHistoryForm(prefix="family"),
        "past_history": list(resident.past_history.order_by("date", "pk")),
        "family_history": list(resident.family_history.order_by("relative", "pk")),
    }
    return render(request, "residents/edit.html", context, status=status)


@never_cache
@login_required
def resident_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit the cover page and personal basic information (PH-1), validated field by field."""
    user, resident = _editable(request, pk, "resident edit")
    # The form holds the full ID and phone numbers: logged as a reveal for editing (IT-4).
    audit.record(
        user, "reveal", scope.RESIDENT, resident.pk, purpose="resident edit", request=request
    )
    if request.method != "POST":
        return _render_edit(request, resident)
    form = ResidentRecordForm(request.POST, instance=resident)
    if not form.is_valid():
        return _render_edit(request, resident, form=form, status=400)
    changed = save_record(form, user, request=request, purpose="resident record edit")
    if changed:
        messages.success(request, _("The record was saved."))
    else:
        messages.info(request, _("Nothing was changed."))
    return redirect("residents:detail", pk=resident.pk)


@never_cache
@require_POST
@login_required
def past_history_add(request: HttpRequest, pk: int) -> HttpResponse:
    user, resident = _editable(request, pk, "resident edit")
    form = HistoryItemForm(request.POST, resident=resident, prefix="history")
    if not form.is_valid():
        return _render_edit(request, resident, history_form=form, status=400)
    add_item(form, resident, user, request=request, purpose="past history added")
    messages.success(request, _("The past history item was added."))
    return redirect(reverse("residents:edit", args=[resident.pk]) + "#past-history")


@never_cache
@require_POST
@login_required
def past_history_remove(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    user, resident = _editable(request, pk, "resident edit")
    item = resident.past_history.filter(pk=item_pk).first()
    if item is None:
        raise Http404
    remove_item(item, user, request=request, purpose="past history removed")
    messages.success(request, _("The past history item was removed."))
    return redirect(reverse("residents:edit", args=[resident.pk]) + "#past-history")


@never_cache
@require_POST
@login_required
def family_history_add(request: HttpRequest, pk: int) -> HttpResponse:
    user, resident = _editable(request, pk, "resident edit")
    form = FamilyHistoryForm(request.POST, prefix="family")
    if not form.is_valid():
        return _render_edit(request, resident, family_form=form, status=400)
    add_item(form, resident, user, request=request, purpose="family history added")
    messages.success(request, _("The family history item was added."))
    return redirect(reverse("residents:edit", args=[resident.pk]) + "#family-history")


@never_cache
@require_POST
@login_required
def family_history_remove(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    user, resident = _editable(request, pk, "resident edit")
    item = resident.family_history.filter(pk=item_pk).first()
    if item is None:
        raise Http404
    remove_item(item, user, request=request, purpose="family history removed")
    messages.success(request, _("The family history item was removed."))
    return redirect(reverse("residents:edit", args=[resident.pk]) + "#family-history")


@never_cache
@login_required
def resident_changes(request: HttpRequest, pk: int) -> HttpResponse:
    """The history of changes (django-simple-history): who changed which field from what to
    what, and when. ID and phone numbers stay masked unless revealed for a stated purpose."""
    user = current_user(request)
    form = RevealForm(request.POST or None)
    revealed, status = False, 200
    if request.method == "POST" and form.is_valid():
        resident = scope.reveal_resident(
            user, pk, request=request, purpose=form.cleaned_data["purpose"]
        )
        revealed = True
    else:
        resident = scope.get_resident(
            user, pk, request=request, purpose="resident history of changes"
        )
        status = 400 if request.method == "POST" else 200
    context = {
        "resident": resident,
        "versions": record_changes(resident, revealed=revealed),
        "form": form if status == 400 else RevealForm(),
        "revealed": revealed,
        "purposes": REVEAL_PURPOSES,
        "is_own_record": user.resident_id == resident.pk,
    }
    return render(request, "residents/changes.html", context, status=status)


@login_required
@csp_replace({"default-src": [NONE], "script-src": [NONE], "style-src": [UNSAFE_INLINE]})
def population_pyramid(request: HttpRequest) -> HttpResponse:
    """The age and sex structure of the residents in scope, as an SVG image (counts only)."""
    user = current_user(request)
    groups = charts.age_sex_pyramid(scope.residents_in_scope(user), today=timezone.localdate())
    response = HttpResponse(charts.population_pyramid_svg(groups), content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=300"
    return response
