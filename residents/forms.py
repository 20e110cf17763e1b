"""Forms of the health record (PH-1, IT-1): the cover page and personal basic information, past
history and family history. The pages and the API validate with the same forms, so a value is
refused for the same reason, with the same message, on the field at fault.

A changed record is saved through ``Resident.save`` (pinyin and completeness recomputed), its
version kept by django-simple-history with the user, and the change audited with the names of
the fields that changed (IT-4).
"""

import re
from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from django import forms
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import audit
from accounts.models import AuditEntry, Role, User
from jiceng.dates import age_on
from residents.models import FamilyHistory, HistoryItem, IdStatus, RecordStatus, Resident
from residents.rules import parse_citizen_id

if TYPE_CHECKING:
    _RecordForm = forms.ModelForm[Resident]
    _HistoryItemForm = forms.ModelForm[HistoryItem]
    _FamilyHistoryForm = forms.ModelForm[FamilyHistory]
else:  # the form classes are not subscriptable at run time
    _RecordForm = _HistoryItemForm = _FamilyHistoryForm = forms.ModelForm

RESIDENT = "residents.resident"
EDITOR_ROLES = frozenset({Role.VILLAGE_DOCTOR, Role.TOWNSHIP_STAFF, Role.COUNTY_HEALTH})
"""Who may change a record in their scope: village doctors (their villages), township staff (the
villages their centre serves) and the county health commission. Others only read."""

MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")
ICD10 = re.compile(r"^[A-Z]\d{2}(\.[0-9A-Z]{1,4})?$")
MARRIAGEABLE_AGE = 18

ALLERGIES = (
    ("none", _("none")),
    ("penicillin", _("penicillin")),
    ("sulfonamides", _("sulfonamides")),
    ("streptomycin", _("streptomycin")),
    ("other", _("other")),
)
DISABILITIES = (
    ("none", _("no disability")),
    ("visual", _("visual")),
    ("hearing", _("hearing")),
    ("speech", _("speech")),
    ("physical", _("physical")),
    ("intellectual", _("intellectual")),
    ("mental", _("mental")),
    ("other", _("other")),
)
RECORD_FIELDS = (
    "name", "sex", "birth_date", "citizen_id", "phone", "contact_name", "contact_phone",
    "relation_to_head", "ethnicity", "residence_status", "insurance_type", "blood_group",
    "rh_negative", "marital_status", "education", "occupation", "allergies", "allergies_other",
    "disabilities", "kitchen_ventilation", "fuel", "water", "toilet", "livestock_pen",
    "record_status", "status_date",
)  # fmt: skip


def can_edit(user: User) -> bool:
    """Whether ``user`` may change the records they can see (the scope decides which)."""
    return bool(user.is_authenticated and user.is_active and user.role in EDITOR_ROLES)


def label_of(code: str, choices: tuple[tuple[str, Any], ...]) -> str:
    return str(dict(choices).get(code, code))


def _phone(value: str) -> str:
    value = value.strip().replace(" ", "")
    if value and not (MOBILE.match(value) or LANDLINE.match(value)):
        raise forms.ValidationError(
            _("Enter an 11-digit mobile number (13…–19…) or a landline with its area code."),
            code="phone_format",
        )
    return value


def _none_alone(values: list[str], message: Any) -> list[str]:
    if "none" in values and len(values) > 1:
        raise forms.ValidationError(message, code="none_with_others")
    return values


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class ResidentRecordForm(_RecordForm):
    """Cover page and personal basic information; ``today`` fixes what "in the future" means."""

    allergies = forms.MultipleChoiceField(
        label=_("drug allergies"),
        choices=ALLERGIES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    disabilities = forms.MultipleChoiceField(
        label=_("disabilities"),
        choices=DISABILITIES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    keep_flagged_id = forms.BooleanField(
        label=_("Keep this ID number although it does not check out (the record is flagged)"),
        required=False,
    )

    class Meta:
        model = Resident
        fields = RECORD_FIELDS
        widgets = {
            "birth_date": DateInput(),
            "status_date": DateInput(),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            "contact_phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            "citizen_id": forms.TextInput(attrs={"autocomplete": "off", "class": "mono"}),
        }

    def __init__(self, *args: Any, today: date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        self.id_problems: list[str] = []
        self.id_status = self.instance.id_status
        self.original_id = (self.instance.id_status, list(self.instance.id_problems or []))
        if self.instance.pk is not None and not self.is_bound:
            self.initial["keep_flagged_id"] = self.instance.id_status == IdStatus.FLAGGED
        # 15 characters are upgraded to 18 in ``clean``; the model checks the final length.
        self.fields["citizen_id"].validators = []
        self.fields["citizen_id"].widget.attrs["maxlength"] = "20"

    def clean_birth_date(self) -> date:
        born: date = self.cleaned_data["birth_date"]
        if born > self.today:
            raise forms.ValidationError(_("The birth date is in the future."), code="future")
        return born

    def clean_phone(self) -> str:
        return _phone(self.cleaned_data.get("phone") or "")

    def clean_contact_phone(self) -> str:
        return _phone(self.cleaned_data.get("contact_phone") or "")

    def clean_citizen_id(self) -> str:
        return str(self.cleaned_data.get("citizen_id") or "").strip().upper().replace(" ", "")

    def clean_allergies(self) -> list[str]:
        return _none_alone(
            list(self.cleaned_data["allergies"]),
            _("“None” cannot be ticked together with an allergy."),
        )

    def clean_disabilities(self) -> list[str]:
        return _none_alone(
            list(self.cleaned_data["disabilities"]),
            _("“No disability” cannot be ticked together with a disability."),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self._check_citizen_id(data)
        self._check_status(data)
        self._check_marital_status(data)
        # Not form fields: set on the record here, saved with it.
        self.instance.id_status = self.id_status
        self.instance.id_problems = self.id_problems
        return data

    def _check_citizen_id(self, data: dict[str, Any]) -> None:
        """GB 11643: 15 digits upgraded; an invalid number or one that disagrees with the
        person's birth date or sex is refused with the reason, unless kept as flagged (IT-1)."""
        value = data.get("citizen_id", "")
        if "citizen_id" in self.errors:
            return
        if not value:
            self.id_status, self.id_problems = IdStatus.MISSING, []
            return
        parsed = parse_citizen_id(value, today=self.today)
        problems = list(parsed.errors)
        if parsed.valid and parsed.id18 is not None:
            data["citizen_id"] = parsed.id18
            born, sex = data.get("birth_date"), data.get("sex")
            if born is not None and parsed.birth_date != born:
                problems.append(
                    str(
                        _("the birth date in the ID number (%(id)s) is not the person's (%(born)s)")
                        % {"id": parsed.birth_date, "born": born}
                    )
                )
            if sex and parsed.sex != sex:
                problems.append(str(_("the sex in the ID number is not the person's")))
        if not problems and self._taken(data["citizen_id"]):
            self.add_error(
                "citizen_id",
                forms.ValidationError(
                    _("Another record already has this ID number: report it as a duplicate."),
                    code="duplicate_citizen_id",
                ),
            )
            return
        if not problems:
            self.id_problems = []
            self.id_status = IdStatus.UPGRADED if len(value) == 15 else IdStatus.VALID
            return
        if data.get("keep_flagged_id"):
            self.id_status, self.id_problems = IdStatus.FLAGGED, problems
            return
        self.add_error(
            "citizen_id",
            forms.ValidationError(
                _("This ID number is refused: %(reasons)s. Correct it, or keep it as flagged."),
                code="invalid_citizen_id",
                params={"reasons": "; ".join(problems)},
            ),
        )

    def _taken(self, citizen_id: str) -> bool:
        others = Resident.objects.filter(citizen_id=citizen_id, merged_into__isnull=True)
        if self.instance.pk is not None:
            others = others.exclude(pk=self.instance.pk)
        return others.exists()

    def _check_status(self, data: dict[str, Any]) -> None:
        """A moved-out or deceased record needs the date it happened: not in the future, not
        before birth. From that date the person leaves every work list."""
        status, when = data.get("record_status"), data.get("status_date")
        if status == RecordStatus.ACTIVE:
            data["status_date"] = None
            return
        if status is None:
            return
        if when is None:
            self.add_error(
                "status_date",
                forms.ValidationError(
                    _("Give the date of moving out or of death."), code="required"
                ),
            )
        elif when > self.today:
            self.add_error(
                "status_date",
                forms.ValidationError(_("The date is in the future."), code="future"),
            )
        elif data.get("birth_date") is not None and when < data["birth_date"]:
            self.add_error(
                "status_date",
                forms.ValidationError(_("The date is before the birth date."), code="before_birth"),
            )

    def _check_marital_status(self, data: dict[str, Any]) -> None:
        born, marital = data.get("birth_date"), data.get("marital_status")
        if born is None or marital in ("", None, "single", "unstated"):
            return
        if age_on(born, self.today) < MARRIAGEABLE_AGE:
            self.add_error(
                "marital_status",
                forms.ValidationError(
                    _("A person under 18 cannot be married, widowed or divorced."),
                    code="too_young",
                ),
            )


class HistoryItemForm(_HistoryItemForm):
    """One past-history item: a disease needs its ICD-10 code; dates not in the future."""

    class Meta:
        model = HistoryItem
        fields = ("kind", "icd10", "name", "date")
        widgets = {"date": DateInput()}

    def __init__(
        self, *args: Any, resident: Resident, today: date | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.resident = resident
        self.today = today or timezone.localdate()

    def clean_icd10(self) -> str:
        code = str(self.cleaned_data.get("icd10") or "").strip().upper()
        if code and not ICD10.match(code):
            raise forms.ValidationError(
                _("An ICD-10 code is a letter and two digits, then optionally a dot: I10, E11.9."),
                code="icd10_format",
            )
        return code

    def clean_date(self) -> date | None:
        when: date | None = self.cleaned_data.get("date")
        if when is not None and when > self.today:
            raise forms.ValidationError(_("The date is in the future."), code="future")
        if when is not None and when < self.resident.birth_date:
            raise forms.ValidationError(
                _("The date is before the birth date."), code="before_birth"
            )
        return when

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        needs_code = data.get("kind") == HistoryItem.Kind.DISEASE and not data.get("icd10")
        if needs_code and "icd10" not in self.errors:
            self.add_error(
                "icd10",
                forms.ValidationError(_("A disease needs its ICD-10 code."), code="icd10_required"),
            )
        return data


class FamilyHistoryForm(_FamilyHistoryForm):
    class Meta:
        model = FamilyHistory
        fields = ("relative", "condition", "icd10")

    def clean_icd10(self) -> str:
        code = str(self.cleaned_data.get("icd10") or "").strip().upper()
        if code and not ICD10.match(code):
            raise forms.ValidationError(
                _("An ICD-10 code is a letter and two digits, then optionally a dot: I10, E11.9."),
                code="icd10_format",
            )
        return code


def first_error(form: forms.BaseForm) -> tuple[str, str, str | None]:
    """(code, message, field) of a form's first error, for the API's error format."""
    for field, errors in form.errors.as_data().items():
        error = errors[0]
        message = next(iter(error.messages), "")
        return error.code or "invalid", message, None if field == "__all__" else field
    return "invalid", "", None


def record_values(resident: Resident) -> dict[str, Any]:
    """The editable values of a record, as a form's data (for a PATCH merged over them)."""
    values: dict[str, Any] = {}
    for name in RECORD_FIELDS:
        value = getattr(resident, name)
        if isinstance(value, date):
            value = value.isoformat()
        values[name] = "" if value is None and name != "rh_negative" else value
    values["keep_flagged_id"] = resident.id_status == IdStatus.FLAGGED
    return values


def save_record(
    form: ResidentRecordForm, user: User, *, request: HttpRequest | None, purpose: str
) -> list[str]:
    """Save a valid record form and audit the change; returns the changed fields (none: no
    save, no entry)."""
    changed = [name for name in form.changed_data if name != "keep_flagged_id"]
    resident = form.instance
    if (resident.id_status, resident.id_problems) != form.original_id:
        changed.append("id_status")
    if not changed:
        return []
    with transaction.atomic():
        resident._history_user = user  # type: ignore[attr-defined]  # simple-history's hook
        form.save()
        audit.record(
            user,
            AuditEntry.Action.UPDATE,
            RESIDENT,
            resident.pk,
            purpose=purpose,
            request=request,
            detail={"fields": sorted(changed)},
        )
    return sorted(changed)


def add_item(
    form: HistoryItemForm | FamilyHistoryForm,
    resident: Resident,
    user: User,
    *,
    request: HttpRequest | None,
    purpose: str,
) -> None:
    item = form.save(commit=False)
    item.resident = resident
    kind = "past_history" if isinstance(item, HistoryItem) else "family_history"
    with transaction.atomic():
        item.save()
        audit.record(
            user,
            AuditEntry.Action.CREATE,
            RESIDENT,
            resident.pk,
            purpose=purpose,
            request=request,
            detail={"fields": [kind], "item_id": item.pk},
        )


def remove_item(
    item: HistoryItem | FamilyHistory,
    user: User,
    *,
    request: HttpRequest | None,
    purpose: str,
) -> None:
    kind = "past_history" if isinstance(item, HistoryItem) else "family_history"
    with transaction.atomic():
        item_id, resident_id = item.pk, item.resident_id
        item.delete()
        audit.record(
            user,
            AuditEntry.Action.DELETE,
            RESIDENT,
            resident_id,
            purpose=purpose,
            request=request,
            detail={"fields": [kind], "item_id": item_id},
        )


def clean_patch(resident: Resident, changes: Mapping[str, Any]) -> dict[str, Any]:
    """A form's data: the record's values with ``changes`` laid over them."""
    data = record_values(resident)
    for name, value in changes.items():
        data[name] = value.isoformat() if isinstance(value, date) else value
    return data
