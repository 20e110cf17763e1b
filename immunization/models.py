"""Vaccination clinics, bookable time slots, vaccine stock and the doses given (PH-4, JC-32).

The schedule engine (``immunization.rules``) stays pure; these rows are what it is fed with
(``Vaccination``) and what a booking consumes (``TimeSlot.booked``, ``VaccineBatch`` stock).
Writes go through ``immunization.actions``.
"""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from immunization.schedules import VACCINES

VACCINE_CHOICES = [(vaccine.code, vaccine.code) for vaccine in VACCINES]


class VaccinationClinic(models.Model):
    """A vaccination clinic (预防接种门诊) run by a THC or CHSC."""

    institution = models.ForeignKey(
        "institutions.Institution",
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="vaccination_clinics",
    )
    name = models.CharField(_("name"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("vaccination clinic")
        verbose_name_plural = _("vaccination clinics")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class ClinicSession(models.Model):
    """One opening of a clinic on one day."""

    clinic = models.ForeignKey(
        VaccinationClinic,
        verbose_name=_("vaccination clinic"),
        on_delete=models.CASCADE,
        related_name="sessions",
    )
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("start time"))
    end_time = models.TimeField(_("end time"))

    class Meta:
        verbose_name = _("clinic session")
        verbose_name_plural = _("clinic sessions")
        ordering = ["date", "start_time"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=F("start_time")), name="session_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.clinic} {self.date} {self.start_time:%H:%M}"


class TimeSlot(models.Model):
    """A bookable part of a session. ``booked`` never exceeds ``capacity``: the booking action
    increments it with one conditional UPDATE, and the database refuses anything above."""

    session = models.ForeignKey(
        ClinicSession,
        verbose_name=_("clinic session"),
        on_delete=models.CASCADE,
        related_name="slots",
    )
    starts_at = models.TimeField(_("starts at"))
    ends_at = models.TimeField(_("ends at"))
    capacity = models.PositiveSmallIntegerField(_("capacity"))
    booked = models.PositiveSmallIntegerField(_("booked"), default=0)

    class Meta:
        verbose_name = _("time slot")
        verbose_name_plural = _("time slots")
        ordering = ["session__date", "starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(booked__lte=F("capacity")), name="slot_booked_within_capacity"
            )
        ]

    def __str__(self) -> str:
        return f"{self.session.date} {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"

    @property
    def free(self) -> int:
        return self.capacity - self.booked


class VaccineBatch(models.Model):
    """A batch (批号) of one vaccine held by a clinic; stock never goes below zero."""

    clinic = models.ForeignKey(
        VaccinationClinic,
        verbose_name=_("vaccination clinic"),
        on_delete=models.CASCADE,
        related_name="batches",
    )
    vaccine = models.CharField(_("vaccine"), max_length=10, choices=VACCINE_CHOICES)
    product_name = models.CharField(_("product name"), max_length=100)
    manufacturer = models.CharField(_("manufacturer"), max_length=100)
    batch_number = models.CharField(_("batch number"), max_length=40)
    expires_on = models.DateField(_("expires on"))
    doses_in_stock = models.IntegerField(_("doses in stock"), default=0)

    class Meta:
        verbose_name = _("vaccine batch")
        verbose_name_plural = _("vaccine batches")
        ordering = ["vaccine", "expires_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(doses_in_stock__gte=0), name="batch_stock_not_negative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.vaccine} {self.batch_number}"


class Appointment(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked", _("booked")
        CANCELLED = "cancelled", _("cancelled")
        ATTENDED = "attended", _("attended")

    slot = models.ForeignKey(
        TimeSlot, verbose_name=_("time slot"), on_delete=models.PROTECT, related_name="appointments"
    )
    # The session is copied from the slot so the database can refuse a second active booking.
    session = models.ForeignKey(
        ClinicSession,
        verbose_name=_("clinic session"),
        on_delete=models.PROTECT,
        related_name="appointments",
    )
    resident = models.ForeignKey(
        "residents.Resident",
        verbose_name=_("resident"),
        on_delete=models.PROTECT,
        related_name="vaccination_appointments",
    )
    doses = models.JSONField(_("doses"), default=list)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.BOOKED
    )
    booked_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("booked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["slot__session__date", "slot__starts_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["resident", "session"],
                condition=Q(status="booked"),
                name="one_active_appointment_per_session",
            )
        ]

    def __str__(self) -> str:
        return f"{self.resident_id} @ {self.slot_id} ({self.status})"


class Vaccination(models.Model):
    """A dose given (接种记录); the engine's history of a child."""

    class Route(models.TextChoices):
        IM = "IM", _("intramuscular")
        SC = "SC", _("subcutaneous")
        ID = "ID", _("intradermal")
        ORAL = "oral", _("oral")

    resident = models.ForeignKey(
        "residents.Resident",
        verbose_name=_("resident"),
        on_delete=models.PROTECT,
        related_name="vaccinations",
    )
    vaccine = models.CharField(_("vaccine"), max_length=10, choices=VACCINE_CHOICES)
    dose = models.CharField(_("dose"), max_length=16)
    given_on = models.DateField(_("given on"))
    batch = models.ForeignKey(
        VaccineBatch,
        verbose_name=_("batch"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="vaccinations",
    )
    site = models.CharField(_("injection site"), max_length=40, blank=True)
    route = models.CharField(_("route"), max_length=4, choices=Route.choices)
    staff = models.ForeignKey(
        "accounts.User",
        verbose_name=_("given by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    appointment = models.ForeignKey(
        Appointment,
        verbose_name=_("appointment"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="vaccinations",
    )

    class Meta:
        verbose_name = _("vaccination")
        verbose_name_plural = _("vaccinations")
        ordering = ["given_on", "id"]

    def __str__(self) -> str:
        return f"{self.dose} {self.given_on}"


class AdverseEvent(models.Model):
    """An adverse event following immunization (AEFI, 疑似预防接种异常反应)."""

    class Severity(models.TextChoices):
        MILD = "mild", _("mild")
        MODERATE = "moderate", _("moderate")
        SEVERE = "severe", _("severe")

    vaccination = models.ForeignKey(
        Vaccination,
        verbose_name=_("vaccination"),
        on_delete=models.PROTECT,
        related_name="adverse_events",
    )
    onset_on = models.DateField(_("onset on"))
    description = models.TextField(_("description"))
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    reported_at = models.DateTimeField(_("reported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("adverse event")
        verbose_name_plural = _("adverse events")
        ordering = ["-reported_at"]

    def __str__(self) -> str:
        return f"{self.get_severity_display()} {self.onset_on}"
