"""Forms of the staff pages: filters, the basic record, certificates, posts, trainings, guidance
visits (HR-1, HR-2, HR-3, HR-5) and the roster upload."""

from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from institutions.models import Institution
from workforce.models import (
    Certificate,
    Employment,
    GuidanceVisit,
    HireRoute,
    Staff,
    StaffPost,
    TrainingRecord,
)
from workforce.queries import StaffFilters

MAX_ROSTER_BYTES = 5 * 1024 * 1024

if TYPE_CHECKING:
    _StaffForm = forms.ModelForm[Staff]
    _CertificateForm = forms.ModelForm[Certificate]
    _PostForm = forms.ModelForm[StaffPost]
    _TrainingForm = forms.ModelForm[TrainingRecord]
    _VisitForm = forms.ModelForm[GuidanceVisit]
else:  # ModelForm is not subscriptable at run time
    _StaffForm = _CertificateForm = _PostForm = _TrainingForm = _VisitForm = forms.ModelForm


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


def _blank_first(label: Any, choices: Any) -> list[tuple[str, Any]]:
    return [("", label), *list(choices)]


class StaffFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=50,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("Start of a name, or a staff number"),
                "autocomplete": "off",
            }
        ),
    )
    institution = forms.TypedChoiceField(label=_("Institution"), required=False, coerce=int)
    profession = forms.ChoiceField(
        label=_("Profession"),
        required=False,
        choices=_blank_first(_("All professions"), Staff.Profession.choices),
    )
    title_level = forms.ChoiceField(
        label=_("Title level"),
        required=False,
        choices=_blank_first(_("All title levels"), Staff.TitleLevel.choices),
    )
    employment = forms.ChoiceField(
        label=_("Employment"),
        required=False,
        choices=_blank_first(_("All kinds of employment"), Employment.choices),
    )
    hire_route = forms.ChoiceField(
        label=_("Hire route"),
        required=False,
        choices=_blank_first(_("All hire routes"), HireRoute.choices),
    )
    licensed = forms.ChoiceField(
        label=_("Physician licence"),
        required=False,
        choices=[("", _("Licensed or not")), ("yes", _("Licensed")), ("no", _("Not licensed"))],
    )

    def __init__(self, *args: Any, institutions: QuerySet[Institution], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["institution"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = _blank_first(
            _("All institutions"), [(i.pk, i.name) for i in institutions.order_by("path")]
        )

    def filters(self) -> StaffFilters:
        if not self.is_valid():
            return StaffFilters()
        data = self.cleaned_data
        licensed = {"yes": True, "no": False}.get(data["licensed"])
        return StaffFilters(
            query=data["q"].strip(),
            institution_id=data["institution"] or None,
            profession=data["profession"],
            title_level=data["title_level"],
            employment=data["employment"],
            hire_route=data["hire_route"],
            licensed=licensed,
        )


class StaffForm(_StaffForm):
    """The basic record (HR-1, HR-10); ``institution`` is limited to the editor's scope."""

    class Meta:
        model = Staff
        fields = (
            "code",
            "name",
            "sex",
            "birth_date",
            "profession",
            "title_level",
            "department",
            "institution",
            "is_active",
            "employment",
            "hire_route",
            "obligation_ends_on",
            "pension_category",
            "liability_insured",
            "monthly_salary",
        )
        widgets = {"birth_date": DateInput(), "obligation_ends_on": DateInput()}

    def __init__(self, *args: Any, institutions: QuerySet[Institution], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["institution"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = institutions.order_by("path")

    def clean_code(self) -> str | None:
        code = (self.cleaned_data.get("code") or "").strip()
        return code or None


class CertificateForm(_CertificateForm):
    class Meta:
        model = Certificate
        fields = (
            "kind",
            "number",
            "scope",
            "general_practice_added",
            "issued_on",
            "valid_until",
        )
        widgets = {"issued_on": DateInput(), "valid_until": DateInput()}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        issued, valid = data.get("issued_on"), data.get("valid_until")
        if issued and valid and valid < issued:
            self.add_error("valid_until", _("A certificate cannot expire before it is issued."))
        return data


class _PeriodMixin(forms.BaseForm):
    """``ended_on`` must not be before ``started_on``."""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("started_on"), data.get("ended_on")
        if start and end and end < start:
            self.add_error("ended_on", _("The end cannot be before the start."))
        return data


class PostForm(_PeriodMixin, _PostForm):
    """HR-2: a home post, or multi-site practice up or down."""

    class Meta:
        model = StaffPost
        fields = ("institution", "kind", "started_on", "ended_on")
        widgets = {"started_on": DateInput(), "ended_on": DateInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["institution"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Institution.objects.order_by("path")


class TrainingForm(_PeriodMixin, _TrainingForm):
    """HR-5: a training received."""

    class Meta:
        model = TrainingRecord
        fields = ("topic", "provider", "level", "started_on", "ended_on", "is_free")
        widgets = {"started_on": DateInput(), "ended_on": DateInput()}


class GuidanceVisitForm(_PeriodMixin, _VisitForm):
    """HR-3: guidance given at a grassroots institution."""

    class Meta:
        model = GuidanceVisit
        fields = (
            "host",
            "kind",
            "started_on",
            "ended_on",
            "is_retired_expert",
            "as_deputy_head",
            "note",
        )
        widgets = {"started_on": DateInput(), "ended_on": DateInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["host"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Institution.objects.order_by("path")


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Roster file (.xlsx or .csv)"),
        help_text=_(
            "One row per person; headers in Chinese or English. A row with a staff number "
            "already on record updates that person."
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_ROSTER_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        name = (upload.name or "").lower()
        if not name.endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("Upload an .xlsx or .csv file."))
        return upload
