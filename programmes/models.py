"""Key-population programmes (PH-2, PH-3, PH-6, PH-8; public-health-services.md).

An ``Enrolment`` is one episode of a person in one programme (a pregnancy, a course of TB
treatment, hypertension for life). It is proposed from the record (age reached, diagnosis,
registered pregnancy, TB notification), confirmed by a person, and closed with a reason and date.
It carries its next scheduled contact (``next_contact``, ``next_due_on``, ``window_start``,
``window_end``), recomputed by ``programmes.services`` from the versioned schedule each time a
visit is recorded: today's work lists are then one indexed query, not a loop over people.

Enrolments, visits and path events are personal data: read them only through
``programmes.access`` (scoped to the user's jurisdiction and audited).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from contracting.models import Team
from institutions.models import Institution
from programmes.contacts import contact_label
from residents.models import Resident
from workforce.models import Staff

DEFAULT_SCHEDULE = "BPHS3-2017"


class Programme(models.TextChoices):
    CHILD = "child", _("children 0–6")
    MATERNAL = "maternal", _("pregnant and postpartum women")
    ELDERLY = "elderly", _("elderly 65 and over")
    HYPERTENSION = "hypertension", _("hypertension")
    DIABETES = "diabetes", _("type 2 diabetes")
    SMD = "smd", _("severe mental disorders")
    TB = "tb", _("pulmonary tuberculosis")


class Enrolment(models.Model):
    """One person's episode in one programme, with the next contact the schedule owes them."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposed, to confirm")
        ACTIVE = "active", pgettext_lazy("enrolment status", "under management")
        EXITED = "exited", _("exited")
        DECLINED = "declined", _("not enrolled")

    class Reason(models.TextChoices):
        """Why the record proposed this enrolment."""

        AGE = "age", _("age reached")
        DIAGNOSIS = "diagnosis", _("diagnosis on the record")
        PREGNANCY = "pregnancy", _("pregnancy registered")
        BIRTH = "birth", _("birth registered")
        NOTIFICATION = "notification", _("notified by the designated TB institution")
        MANUAL = "manual", _("entered by a doctor")

    class ExitReason(models.TextChoices):
        MOVED_OUT = "moved_out", _("moved out")
        DECEASED = "deceased", _("deceased")
        CURED = "cured", _("cured")
        TREATMENT_COMPLETED = "treatment_completed", _("treatment completed")
        AGED_OUT = "aged_out", _("aged out")
        EPISODE_ENDED = "episode_ended", _("postpartum care completed")
        DIAGNOSIS_REVISED = "diagnosis_revised", _("diagnosis revised")
        REFUSED = "refused", _("refused management")
        OTHER = "other", _("other")

    class TbPhase(models.TextChoices):
        INTENSIVE = "intensive", _("intensive phase")
        CONTINUATION = "continuation", _("continuation phase")

    class TbSupervisor(models.TextChoices):
        MEDICAL_STAFF = "medical_staff", _("medical staff")
        FAMILY_MEMBER = "family_member", _("family member")

    resident = models.ForeignKey(
        Resident, verbose_name=_("resident"), on_delete=models.CASCADE, related_name="enrolments"
    )
    programme = models.CharField(_("programme"), max_length=16, choices=Programme.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    proposed_on = models.DateField(_("proposed on"))
    reason = models.CharField(
        _("reason proposed"), max_length=12, choices=Reason.choices, default=Reason.MANUAL
    )
    reason_detail = models.CharField(_("reason detail"), max_length=60, blank=True)
    enrolled_on = models.DateField(_("enrolled on"), null=True, blank=True)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    exited_on = models.DateField(_("exited on"), null=True, blank=True)
    exit_reason = models.CharField(
        _("exit reason"), max_length=20, choices=ExitReason.choices, blank=True
    )
    exit_note = models.CharField(_("exit note"), max_length=200, blank=True)
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("managing institution"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enrolments",
    )
    team = models.ForeignKey(
        Team,
        verbose_name=_("family doctor team"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="enrolments",
    )
    doctor = models.ForeignKey(
        Staff,
        verbose_name=_("responsible doctor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="enrolments",
    )
    schedule = models.CharField(_("schedule version"), max_length=20, default=DEFAULT_SCHEDULE)

    # What the programme's schedule is computed from.
    diagnosis_icd10 = models.CharField(_("diagnosis (ICD-10)"), max_length=10, blank=True)
    diagnosed_on = models.DateField(_("diagnosed on"), null=True, blank=True)
    lmp_date = models.DateField(_("last menstrual period"), null=True, blank=True)
    delivery_date = models.DateField(_("delivery date"), null=True, blank=True)
    discharge_date = models.DateField(_("discharge date"), null=True, blank=True)
    high_risk = models.BooleanField(_("high risk"), default=False)
    tb_phase = models.CharField(
        _("TB treatment phase"), max_length=12, choices=TbPhase.choices, blank=True
    )
    tb_supervisor = models.CharField(
        _("TB dose supervisor"), max_length=14, choices=TbSupervisor.choices, blank=True
    )
    tb_doses_planned = models.PositiveSmallIntegerField(
        _("TB doses prescribed"), null=True, blank=True
    )
    tb_doses_taken = models.PositiveSmallIntegerField(_("TB doses taken"), null=True, blank=True)

    # The next contact the schedule owes: recomputed by programmes.services, read by work lists.
    next_contact = models.CharField(_("next contact"), max_length=16, blank=True)
    next_due_on = models.DateField(_("next due on"), null=True, blank=True)
    window_start = models.DateField(_("window opens"), null=True, blank=True)
    window_end = models.DateField(_("window closes"), null=True, blank=True)
    last_visit_on = models.DateField(_("last visit on"), null=True, blank=True)
    last_classification = models.CharField(_("last classification"), max_length=20, blank=True)

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("programme enrolment")
        verbose_name_plural = _("programme enrolments")
        ordering = ["programme", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["resident", "programme"],
                condition=Q(status__in=["proposed", "active"]),
                name="one_open_enrolment_per_programme",
            ),
            models.CheckConstraint(
                condition=~Q(status="exited") | Q(exited_on__isnull=False),
                name="exited_enrolment_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_due_on"], name="enrolment_work_idx"),
            models.Index(fields=["programme", "status"], name="enrolment_programme_idx"),
            models.Index(fields=["doctor", "status"], name="enrolment_doctor_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_programme_display()} · {self.resident_id}"

    @property
    def next_contact_label(self) -> str:
        return contact_label(self.next_contact)


class Visit(models.Model):
    """A follow-up, check or home visit of an enrolment (spec §2–§4).

    The measurements the indicators read are columns; the rest of the form (lifestyle, symptoms,
    medication, child and pregnancy details) is kept in ``data`` under the field names of
    ``programmes.ranges``.
    """

    class Way(models.TextChoices):
        CLINIC = "clinic", _("at the clinic")
        HOME = "home", _("home visit")
        PHONE = "phone", _("by phone")

    # Both are the first column of a composite index below, which serves their lookups too.
    enrolment = models.ForeignKey(
        Enrolment,
        verbose_name=_("enrolment"),
        on_delete=models.CASCADE,
        related_name="visits",
        db_index=False,
    )
    resident = models.ForeignKey(
        Resident,
        verbose_name=_("resident"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    programme = models.CharField(_("programme"), max_length=16, choices=Programme.choices)
    contact = models.CharField(_("contact"), max_length=16)
    date = models.DateField(_("visit date"))
    way = models.CharField(_("way"), max_length=8, choices=Way.choices, default=Way.CLINIC)
    performed_by = models.ForeignKey(
        Staff,
        verbose_name=_("doctor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="programme_visits",
    )
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    sbp = models.PositiveSmallIntegerField(_("systolic BP (mmHg)"), null=True, blank=True)
    dbp = models.PositiveSmallIntegerField(_("diastolic BP (mmHg)"), null=True, blank=True)
    heart_rate = models.PositiveSmallIntegerField(_("heart rate (/min)"), null=True, blank=True)
    weight_kg = models.FloatField(_("weight (kg)"), null=True, blank=True)
    height_cm = models.FloatField(_("height (cm)"), null=True, blank=True)
    fpg_mmol_l = models.FloatField(_("fasting glucose (mmol/L)"), null=True, blank=True)
    risk_level = models.PositiveSmallIntegerField(_("risk level"), null=True, blank=True)
    classification = models.CharField(_("classification"), max_length=20, blank=True)
    referral = models.BooleanField(_("referred"), default=False)
    urgent_referral = models.BooleanField(_("urgent referral"), default=False)
    doses_missed = models.PositiveSmallIntegerField(
        _("TB doses missed since the last visit"), null=True, blank=True
    )
    next_due_on = models.DateField(_("next visit by"), null=True, blank=True)
    data = models.JSONField(_("other fields"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("programme visit")
        verbose_name_plural = _("programme visits")
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["enrolment", "date"], name="visit_enrolment_idx"),
            models.Index(fields=["programme", "date"], name="visit_programme_idx"),
            models.Index(fields=["resident", "date"], name="visit_resident_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.contact} · {self.date}"

    @property
    def contact_label(self) -> str:
        return contact_label(self.contact)


class PathEvent(models.Model):
    """One step of the chronic-disease path (PH-8, SXI-11): screening → suspected → referred →
    confirmed → enrolled → followed up, across county, township and village."""

    class Condition(models.TextChoices):
        HYPERTENSION = "hypertension", _("hypertension")
        DIABETES = "diabetes", _("type 2 diabetes")

    class Stage(models.TextChoices):
        SCREENED = "screened", _("screened")
        SUSPECTED = "suspected", _("suspected")
        REFERRED = "referred", _("referred to confirm")
        CONFIRMED = "confirmed", _("diagnosis confirmed")
        RULED_OUT = "ruled_out", _("ruled out")

    resident = models.ForeignKey(
        Resident, verbose_name=_("resident"), on_delete=models.CASCADE, related_name="path_events"
    )
    condition = models.CharField(_("condition"), max_length=12, choices=Condition.choices)
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices)
    date = models.DateField(_("date"))
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    staff = models.ForeignKey(
        Staff,
        verbose_name=_("doctor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    sbp = models.PositiveSmallIntegerField(_("systolic BP (mmHg)"), null=True, blank=True)
    dbp = models.PositiveSmallIntegerField(_("diastolic BP (mmHg)"), null=True, blank=True)
    fpg_mmol_l = models.FloatField(_("fasting glucose (mmol/L)"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("chronic disease path event")
        verbose_name_plural = _("chronic disease path events")
        ordering = ["date", "id"]
        indexes = [models.Index(fields=["resident", "date"], name="path_resident_idx")]

    def __str__(self) -> str:
        return f"{self.condition} {self.stage} · {self.date}"


class EducationActivity(models.Model):
    """A health-education activity (PH-6, JC-30): lectures, bulletin boards, consultations."""

    class Kind(models.TextChoices):
        MATERIALS = "materials", _("printed materials handed out")
        VIDEO = "video", _("audio-visual materials played")
        BULLETIN = "bulletin", _("bulletin board")
        CONSULTATION = "consultation", _("public consultation")
        LECTURE = "lecture", _("health knowledge lecture")
        INDIVIDUAL = "individual", _("individual education")

    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="education_activities",
    )
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)
    topic = models.CharField(_("topic"), max_length=100)
    audience = models.CharField(
        _("target population"), max_length=16, choices=Programme.choices, blank=True
    )
    place = models.CharField(_("place"), max_length=100)
    date = models.DateField(_("date"))
    attendance = models.PositiveIntegerField(_("attendance"), default=0)
    materials = models.CharField(_("materials"), max_length=200, blank=True)
    materials_count = models.PositiveIntegerField(_("materials handed out"), default=0)
    held_by = models.ForeignKey(
        Staff,
        verbose_name=_("held by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("health education activity")
        verbose_name_plural = _("health education activities")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["institution", "date"], name="education_idx")]

    def __str__(self) -> str:
        return f"{self.topic} · {self.date}"
