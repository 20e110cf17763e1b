"""Forms of the registry pages: an institution and its capabilities (ORG-1, MED-8), designations,
medical group membership (ORG-3) and village service exceptions (ORG-6)."""

from datetime import date
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from divisions.models import Division
from institutions import rules
from institutions.actions import would_loop
from institutions.models import (
    Capabilities,
    Designation,
    GroupMembership,
    Institution,
    MedicalGroup,
    PracticeSubject,
    VillageServiceException,
)
from institutions.roster import split_codes

if TYPE_CHECKING:
    _DivisionChoice = forms.ModelChoiceField[Division]
    _DivisionsChoice = forms.ModelMultipleChoiceField[Division]
    _InstitutionChoice = forms.ModelChoiceField[Institution]
    _InstitutionForm = forms.ModelForm[Institution]
    _CapabilitiesForm = forms.ModelForm[Capabilities]
    _DesignationForm = forms.ModelForm[Designation]
    _MembershipForm = forms.ModelForm[GroupMembership]
    _ExceptionForm = forms.ModelForm[VillageServiceException]
else:  # the form classes are not subscriptable at run time
    _DivisionChoice = _InstitutionChoice = forms.ModelChoiceField
    _DivisionsChoice = forms.ModelMultipleChoiceField
    _InstitutionForm = _CapabilitiesForm = _DesignationForm = forms.ModelForm
    _MembershipForm = _ExceptionForm = forms.ModelForm


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class DivisionChoiceField(_DivisionChoice):
    def label_from_instance(self, obj: Division) -> str:
        return f"{obj.name} · {obj.parent.name}" if obj.parent else obj.name


class DivisionsChoiceField(_DivisionsChoice):
    def label_from_instance(self, obj: Division) -> str:
        return f"{obj.name} · {obj.parent.name}" if obj.parent else obj.name


class InstitutionChoiceField(_InstitutionChoice):
    def label_from_instance(self, obj: Institution) -> str:
        return f"{obj.name} ({obj.code})"


def _divisions() -> Any:
    return Division.objects.select_related("parent").order_by("code")


def _institutions() -> Any:
    return Institution.objects.order_by("path")


class InstitutionForm(_InstitutionForm):
    """An institution's registry entry (ORG-1). Changing the managing institution moves the
    institution and everything it manages along the management line."""

    parent = InstitutionChoiceField(
        label=_("Managing institution"), queryset=Institution.objects.none(), required=False
    )
    division = DivisionChoiceField(label=_("Located in"), queryset=Division.objects.none())
    served_divisions = DivisionsChoiceField(
        label=_("Divisions served"),
        queryset=Division.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    class Meta:
        model = Institution
        fields = [
            "code",
            "name",
            "type",
            "is_central",
            "ownership",
            "is_legal_entity",
            "parent",
            "division",
            "served_divisions",
            "latitude",
            "longitude",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parent = self.fields["parent"]
        assert isinstance(parent, forms.ModelChoiceField)
        parent.queryset = _institutions().exclude(pk=self.instance.pk)
        for name in ("division", "served_divisions"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = _divisions()

    def clean_parent(self) -> Institution | None:
        parent: Institution | None = self.cleaned_data.get("parent")
        if would_loop(self.instance, parent):
            raise forms.ValidationError(
                _("An institution cannot be managed by itself or by one below it.")
            )
        return parent


class CapabilitiesForm(_CapabilitiesForm):
    """What the institution has and may do (ORG-1, ORG-9, ORG-10, ORG-11, MED-8)."""

    approved_scope = forms.MultipleChoiceField(
        label=_("approved practice subjects"),
        choices=PracticeSubject.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    specialty_departments = forms.CharField(
        label=_("specialty departments"),
        help_text=_("Separate the departments with commas."),
        required=False,
        max_length=500,
    )

    class Meta:
        model = Capabilities
        fields = [
            "hospital_level",
            "approved_scope",
            "has_tcm_hall",
            "stocks_chinese_patent_medicines",
            "fever_clinic",
            "negative_pressure_ambulances",
            "has_infectious_disease_department",
            "has_vaccination_clinic",
            "is_emergency_point",
            "emergency_teams",
            "offers_iv",
            "iv_authorised",
            "beds_general",
            "beds_rehabilitation",
            "beds_nursing",
            "beds_hospice",
            "beds_elderly_care",
            "specialty_departments",
            "characteristic_specialty",
            "staffing_quota",
            "professional_quota",
            "quota_reviewed_on",
        ]
        widgets = {"quota_reviewed_on": DateInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["specialty_departments"] = "、".join(
                self.instance.specialty_departments or []
            )

    def clean_approved_scope(self) -> list[str]:
        return sorted(set(self.cleaned_data.get("approved_scope") or []))

    def clean_specialty_departments(self) -> list[str]:
        return split_codes(self.cleaned_data.get("specialty_departments") or "")


class DesignationForm(_DesignationForm):
    class Meta:
        model = Designation
        fields = ["kind", "since"]
        widgets = {"since": DateInput()}

    def __init__(self, *args: Any, institution: Institution, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.institution = institution

    def clean_kind(self) -> str:
        kind: str = self.cleaned_data["kind"]
        if Designation.objects.filter(institution=self.institution, kind=kind).exists():
            raise forms.ValidationError(_("The institution holds this designation already."))
        return kind

    def clean_since(self) -> date:
        since: date = self.cleaned_data["since"]
        if since > timezone.localdate():
            raise forms.ValidationError(_("The date is in the future."))
        return since


class MembershipForm(_MembershipForm):
    """Add an institution to a medical group (ORG-3): one group per institution; the lead role
    belongs to the group's lead hospital and the cooperating role to social institutions."""

    institution = InstitutionChoiceField(
        label=_("institution"), queryset=Institution.objects.none()
    )

    class Meta:
        model = GroupMembership
        fields = ["institution", "role", "joined_on", "keeps_legal_status"]
        widgets = {"joined_on": DateInput()}

    def __init__(self, *args: Any, group: MedicalGroup, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.group = group
        field = self.fields["institution"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = _institutions().filter(group_membership__isnull=True)

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean() or {}
        institution: Institution | None = cleaned.get("institution")
        role = cleaned.get("role")
        if institution is None:
            return cleaned
        if role == GroupMembership.Role.LEAD and institution.pk != self.group.lead_id:
            self.add_error("role", _("Only the group's lead hospital has the lead role."))
        if (
            role == GroupMembership.Role.COOPERATING
            and institution.ownership != Institution.Ownership.SOCIAL
        ):
            self.add_error("role", _("Cooperating members are social (private) institutions."))
        return cleaned


class ExceptionForm(_ExceptionForm):
    """Why a village has no clinic of its own (ORG-6); checked by ``rules.exception_problems``."""

    village = DivisionChoiceField(label=_("village"), queryset=Division.objects.none())
    served_by = InstitutionChoiceField(
        label=_("served by"), queryset=Institution.objects.none(), required=False
    )

    class Meta:
        model = VillageServiceException
        fields = ["village", "kind", "served_by", "reason", "recorded_on"]
        widgets = {"recorded_on": DateInput(), "reason": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        village = self.fields["village"]
        assert isinstance(village, forms.ModelChoiceField)
        village.queryset = _divisions().filter(level=Division.Level.VILLAGE)
        served_by = self.fields["served_by"]
        assert isinstance(served_by, forms.ModelChoiceField)
        served_by.queryset = _institutions()
        if not self.is_bound and self.instance._state.adding:
            self.initial.setdefault("recorded_on", timezone.localdate())

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean() or {}
        village: Division | None = cleaned.get("village")
        served_by: Institution | None = cleaned.get("served_by")
        kind = cleaned.get("kind")
        if not kind:
            return cleaned
        problems = rules.exception_problems(
            kind,
            village.level if village is not None else None,
            rules.Serving(served_by.type, served_by.is_central) if served_by else None,
            cleaned.get("recorded_on"),
            timezone.localdate(),
        )
        for field, message in problems:
            if field not in self.errors:
                self.add_error(field, message)
        return cleaned
