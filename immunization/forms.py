"""Forms of the staff pages: recording a dose, an adverse event, an emergency campaign (PH-4)."""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _

from immunization.models import (
    VACCINE_CHOICES,
    AdverseEvent,
    Vaccination,
    VaccinationClinic,
    VaccineBatch,
)

MAX_CAMPAIGN_DATES = 14


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class RecordVaccinationForm(forms.Form):
    """``doses`` maps each offered dose to its vaccine; ``batches`` are all the clinic's batches
    (an expired or empty one is refused by the action, with its message on the field), and only
    the usable ones are offered."""

    dose = forms.ChoiceField(label=_("Dose"))
    batch = forms.ModelChoiceField(label=_("Batch"), queryset=VaccineBatch.objects.none())
    site = forms.CharField(label=_("Injection site"), max_length=40, required=False)
    route = forms.ChoiceField(label=_("Route"), choices=Vaccination.Route.choices)
    given_on = forms.DateField(label=_("Date given"), widget=DateInput())

    def __init__(
        self,
        *args: Any,
        doses: dict[str, str],
        batches: QuerySet[VaccineBatch],
        today: date,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("initial", {}).setdefault("given_on", today)
        super().__init__(*args, **kwargs)
        self.doses = doses
        dose_field = self.fields["dose"]
        assert isinstance(dose_field, forms.ChoiceField)
        dose_field.choices = [(name, name) for name in doses]
        batch_field = self.fields["batch"]
        assert isinstance(batch_field, forms.ModelChoiceField)
        batch_field.queryset = batches
        usable = batches.filter(
            vaccine__in=set(doses.values()), expires_on__gte=today, doses_in_stock__gt=0
        )
        batch_field.widget.choices = [("", "---------")] + [
            (batch.pk, _batch_label(batch)) for batch in usable
        ]

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean() or {}
        dose, batch = cleaned.get("dose"), cleaned.get("batch")
        if dose and batch is not None and batch.vaccine != self.doses.get(dose):
            self.add_error(
                "batch",
                _("This batch is %(vaccine)s; the dose needs %(needed)s.")
                % {"vaccine": batch.vaccine, "needed": self.doses.get(dose)},
            )
        return cleaned


def _batch_label(batch: VaccineBatch) -> str:
    return (
        f"{batch.vaccine} · {batch.batch_number} · {batch.product_name} · "
        f"{batch.expires_on:%Y-%m-%d} · {batch.doses_in_stock}"
    )


class AdverseEventForm(forms.Form):
    onset_on = forms.DateField(label=_("Onset date"), widget=DateInput())
    severity = forms.ChoiceField(label=_("Severity"), choices=AdverseEvent.Severity.choices)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}))


class CampaignForm(forms.Form):
    clinic = forms.ModelChoiceField(
        label=_("Vaccination clinic"), queryset=VaccinationClinic.objects.none()
    )
    vaccine = forms.ChoiceField(label=_("Vaccine"), choices=VACCINE_CHOICES)
    birth_from = forms.DateField(label=_("Born from"), widget=DateInput())
    birth_to = forms.DateField(label=_("Born until"), widget=DateInput())
    dates = forms.CharField(
        label=_("Campaign dates"),
        help_text=_("Dates of the clinic's sessions, comma-separated: 2026-05-04, 2026-05-05"),
        max_length=400,
    )

    def __init__(self, *args: Any, clinics: QuerySet[VaccinationClinic], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        clinic_field = self.fields["clinic"]
        assert isinstance(clinic_field, forms.ModelChoiceField)
        clinic_field.queryset = clinics

    def clean_dates(self) -> list[date]:
        return parse_dates(self.cleaned_data["dates"].replace("，", ",").split(","))

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean() or {}
        birth_from, birth_to = cleaned.get("birth_from"), cleaned.get("birth_to")
        if birth_from and birth_to and birth_from > birth_to:
            self.add_error("birth_to", _("The end of the birth date range is before its start."))
        return cleaned


def parse_dates(texts: Iterable[str]) -> list[date]:
    """Distinct dates in the order given; refuses bad, past or too many dates."""
    dates: list[date] = []
    for text in (part.strip() for part in texts):
        if not text:
            continue
        try:
            day = parse_date(text)
        except ValueError:
            day = None
        if day is None:
            raise forms.ValidationError(_("Not a date: %(text)s") % {"text": text})
        if day < timezone.localdate():
            raise forms.ValidationError(
                _("A campaign date is in the past: %(text)s") % {"text": text}
            )
        if day not in dates:
            dates.append(day)
    if not dates:
        raise forms.ValidationError(_("Give at least one date."))
    if len(dates) > MAX_CAMPAIGN_DATES:
        raise forms.ValidationError(_("At most %(count)d dates.") % {"count": MAX_CAMPAIGN_DATES})
    return dates
