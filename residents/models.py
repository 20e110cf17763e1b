from typing import Any

from django.db import models
from django.db.models.functions import Right
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from residents.completeness import completeness
from residents.names import name_pinyin


class Household(models.Model):
    """A registered household (户) of a village or community."""

    number = models.CharField(_("household number"), max_length=24, unique=True)
    village = models.ForeignKey(
        "divisions.Division",
        verbose_name=_("village or community"),
        on_delete=models.PROTECT,
        related_name="households",
    )
    address = models.CharField(_("address"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")

    def __str__(self) -> str:
        return self.number


class IdStatus(models.TextChoices):
    VALID = "valid", _("valid")
    UPGRADED = "upgraded", _("upgraded from 15 digits")
    FLAGGED = "flagged", _("flagged: invalid")
    MISSING = "missing", _("missing")


class ResidenceStatus(models.TextChoices):
    """JC-29, XZ-10: records for permanent residents and migrants of six months or more."""

    PERMANENT = "permanent", _("permanent resident (户籍)")
    MIGRANT = "migrant", _("migrant, 6 months or more")
    TEMPORARY = "temporary", _("temporary, under 6 months")


class Insurance(models.TextChoices):
    EMPLOYEE = "employee", _("employee medical insurance (职工医保)")
    RESIDENT = "resident", _("resident medical insurance (居民医保)")
    ASSISTANCE = "assistance", _("medical assistance (医疗救助)")
    COMMERCIAL = "commercial", _("commercial insurance")
    PUBLIC = "public", _("publicly funded (公费)")
    SELF_PAY = "self_pay", _("fully self-paid")
    OTHER = "other", _("other")


class BloodGroup(models.TextChoices):
    A = "A", "A"
    B = "B", "B"
    O = "O", "O"  # noqa: E741 — the blood group's name
    AB = "AB", "AB"
    UNKNOWN = "unknown", _("unknown")


class MaritalStatus(models.TextChoices):
    SINGLE = "single", _("never married")
    MARRIED = "married", _("married")
    WIDOWED = "widowed", _("widowed")
    DIVORCED = "divorced", _("divorced")
    UNSTATED = "unstated", _("not stated")


class Education(models.TextChoices):
    NONE = "none", _("illiterate or semi-literate")
    PRIMARY = "primary", _("primary school")
    JUNIOR = "junior", _("junior secondary")
    SENIOR = "senior", _("senior secondary or vocational")
    COLLEGE = "college", _("college or above")
    UNKNOWN = "unknown", _("unknown")


class KitchenVentilation(models.TextChoices):
    NONE = "none", _("none")
    HOOD = "hood", _("range hood")
    FAN = "fan", _("extractor fan")
    CHIMNEY = "chimney", _("chimney")


class Fuel(models.TextChoices):
    GAS = "gas", _("liquefied gas or natural gas")
    COAL = "coal", _("coal")
    BIOGAS = "biogas", _("biogas")
    ELECTRICITY = "electricity", _("electricity")
    WOOD = "wood", _("firewood")
    OTHER = "other", _("other")


class Water(models.TextChoices):
    TAP = "tap", _("tap water")
    PURIFIED = "purified", _("purified water")
    WELL = "well", _("well water")
    RIVER = "river", _("river or lake")
    POND = "pond", _("pond")
    OTHER = "other", _("other")


class Toilet(models.TextChoices):
    SANITARY = "sanitary", _("sanitary toilet")
    ONE_PIT = "one_pit", _("single-pit latrine")
    PIT = "pit", _("pit latrine")
    OPEN = "open", _("open pit")
    SIMPLE = "simple", _("simple shed")


class LivestockPen(models.TextChoices):
    NONE = "none", _("none")
    INDOOR = "indoor", _("indoor")
    OUTDOOR = "outdoor", _("outdoor")


class RecordStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("record status", "active")
    MOVED_OUT = "moved_out", _("moved out")
    DECEASED = "deceased", _("deceased")


class Resident(models.Model):
    """A person living in the county and their health record's core (PH-1, IT-1).

    Personal data: read it only through ``accounts.scope``. A record merged into another
    (``merged_into``) and a record that moved out or whose holder died (``record_status``) leave
    every list and work list; the first can be unmerged exactly (``residents.mpi``).
    """

    class Sex(models.TextChoices):
        MALE = "male", _("male")
        FEMALE = "female", _("female")

    class Relation(models.TextChoices):
        HEAD = "head", _("head of household")
        SPOUSE = "spouse", _("spouse")
        CHILD = "child", _("child")
        PARENT = "parent", _("parent")
        GRANDCHILD = "grandchild", _("grandchild")
        SIBLING = "sibling", _("sibling")
        OTHER = "other", _("other relative")

    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    sex = models.CharField(_("sex"), max_length=6, choices=Sex.choices)
    birth_date = models.DateField(_("birth date"))
    citizen_id = models.CharField(
        _("citizen ID number"),
        max_length=18,
        blank=True,
        help_text=_("18 characters; a 15-character number is upgraded on entry (GB 11643)."),
    )
    id_status = models.CharField(
        _("ID number status"), max_length=10, choices=IdStatus.choices, default=IdStatus.VALID
    )
    id_problems = models.JSONField(
        _("ID number problems"),
        default=list,
        blank=True,
        help_text=_("Why the number is flagged; a flagged record is kept, never dropped (IT-1)."),
    )
    name_pinyin = models.CharField(
        _("name in pinyin"), max_length=120, blank=True, db_index=True, editable=False
    )
    name_initials = models.CharField(
        _("pinyin initials"), max_length=20, blank=True, db_index=True, editable=False
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    phone_last4 = models.GeneratedField(
        expression=Right("phone", 4),
        output_field=models.CharField(max_length=4),
        db_persist=True,
        db_index=True,
        verbose_name=_("last four digits of the phone"),
    )
    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    relation_to_head = models.CharField(
        _("relation to head of household"),
        max_length=12,
        choices=Relation.choices,
        default=Relation.HEAD,
    )
    village = models.ForeignKey(
        "divisions.Division",
        verbose_name=_("village of residence"),
        on_delete=models.PROTECT,
        related_name="residents",
    )
    # Personal basic information of the national health record specification (PH-1).
    ethnicity = models.CharField(_("ethnicity"), max_length=20, blank=True, default="汉族")
    residence_status = models.CharField(
        _("residence status"),
        max_length=10,
        choices=ResidenceStatus.choices,
        default=ResidenceStatus.PERMANENT,
    )
    insurance_type = models.CharField(
        _("medical insurance"), max_length=12, choices=Insurance.choices, blank=True
    )
    blood_group = models.CharField(
        _("blood group"), max_length=8, choices=BloodGroup.choices, blank=True
    )
    rh_negative = models.BooleanField(_("Rh negative"), null=True, blank=True)
    marital_status = models.CharField(
        _("marital status"), max_length=10, choices=MaritalStatus.choices, blank=True
    )
    education = models.CharField(
        _("education"), max_length=12, choices=Education.choices, blank=True
    )
    occupation = models.CharField(_("occupation"), max_length=50, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    allergies = models.JSONField(
        _("drug allergies"),
        default=list,
        blank=True,
        help_text=_("Codes from the record specification: penicillin, sulfonamides, …"),
    )
    allergies_other = models.CharField(_("other allergies"), max_length=100, blank=True)
    disabilities = models.JSONField(_("disabilities"), default=list, blank=True)
    kitchen_ventilation = models.CharField(
        _("kitchen ventilation"), max_length=12, choices=KitchenVentilation.choices, blank=True
    )
    fuel = models.CharField(_("cooking fuel"), max_length=12, choices=Fuel.choices, blank=True)
    water = models.CharField(_("drinking water"), max_length=12, choices=Water.choices, blank=True)
    toilet = models.CharField(_("toilet"), max_length=12, choices=Toilet.choices, blank=True)
    livestock_pen = models.CharField(
        _("livestock pen"), max_length=12, choices=LivestockPen.choices, blank=True
    )
    record_status = models.CharField(
        _("record status"),
        max_length=10,
        choices=RecordStatus.choices,
        default=RecordStatus.ACTIVE,
    )
    status_date = models.DateField(
        _("status since"),
        null=True,
        blank=True,
        help_text=_("Date of moving out or of death: from then on the person leaves work lists."),
    )
    completeness = models.PositiveSmallIntegerField(
        _("record completeness (%)"), default=0, editable=False
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,  # a partial index below: nearly every row is NULL
        related_name="absorbed",
        help_text=_("Set when this record was found to be a duplicate; undone by unmerging."),
    )
    source = models.CharField(
        _("source"),
        max_length=100,
        blank=True,
        help_text=_("The institution or system the record came from."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(
        excluded_fields=[
            "name_pinyin",
            "name_initials",
            "phone_last4",
            "completeness",
            "updated_at",
        ],
        verbose_name=_("resident record version"),
    )

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        ordering = ["village_id", "id"]
        indexes = [
            models.Index(fields=["name"]),
            models.Index(fields=["phone"]),
            models.Index(fields=["citizen_id"]),
            models.Index(fields=["birth_date"]),
            models.Index(
                fields=["merged_into"],
                condition=models.Q(merged_into__isnull=False),
                name="resident_merged_into_idx",
            ),
        ]
        constraints = [
            # One live record per ID number: a second one is a duplicate for the review queue.
            models.UniqueConstraint(
                fields=["citizen_id"],
                condition=models.Q(merged_into__isnull=True) & ~models.Q(citizen_id=""),
                name="one_live_record_per_citizen_id",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Keeps the pinyin search keys and the completeness score in step with the record."""
        self.name_pinyin, self.name_initials = name_pinyin(self.name)
        values = {
            field.attname: getattr(self, field.attname)
            for field in self._meta.concrete_fields
            if not field.generated
        }
        self.completeness = completeness(values, today=timezone.localdate())
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {
                *update_fields,
                "name_pinyin",
                "name_initials",
                "completeness",
            }
        super().save(*args, **kwargs)


class HistoryItem(models.Model):
    """Past history: a disease (ICD-10), surgery, trauma or transfusion, with its date."""

    class Kind(models.TextChoices):
        DISEASE = "disease", _("disease")
        SURGERY = "surgery", _("surgery")
        TRAUMA = "trauma", _("trauma")
        TRANSFUSION = "transfusion", _("transfusion")

    resident = models.ForeignKey(
        Resident,
        verbose_name=_("resident"),
        on_delete=models.CASCADE,
        related_name="past_history",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    icd10 = models.CharField(_("ICD-10 code"), max_length=10, blank=True)
    name = models.CharField(pgettext_lazy("history item", "name"), max_length=100)
    date = models.DateField(_("date"), null=True, blank=True)

    class Meta:
        verbose_name = _("past history item")
        verbose_name_plural = _("past history")
        ordering = ["resident_id", "date"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.name}"


class FamilyHistory(models.Model):
    """A disease of a close relative, from the record specification's list."""

    class Relative(models.TextChoices):
        FATHER = "father", _("father")
        MOTHER = "mother", _("mother")
        SIBLING = "sibling", _("brother or sister")
        CHILD = "child", _("child")

    resident = models.ForeignKey(
        Resident,
        verbose_name=_("resident"),
        on_delete=models.CASCADE,
        related_name="family_history",
    )
    relative = models.CharField(_("relative"), max_length=8, choices=Relative.choices)
    condition = models.CharField(_("condition"), max_length=50)
    icd10 = models.CharField(_("ICD-10 code"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("family history item")
        verbose_name_plural = _("family history")

    def __str__(self) -> str:
        return f"{self.get_relative_display()}: {self.condition}"


class IncomingRecord(models.Model):
    """A roster row that looked like an existing resident: it waits in the review queue instead
    of becoming a second record (IT-1)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for review")
        MERGED = "merged", _("merged into the existing record")
        CREATED = "created", _("created as a new resident")
        DISCARDED = "discarded", _("discarded")

    source = models.CharField(_("source"), max_length=100)
    row = models.PositiveIntegerField(_("row"))
    fingerprint = models.CharField(
        _("row fingerprint"),
        max_length=64,
        unique=True,
        help_text=_("SHA-256 of the row's values, so importing the same file again adds nothing."),
    )
    data = models.JSONField(_("values"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    resident = models.ForeignKey(
        Resident,
        verbose_name=_("resulting record"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("incoming record")
        verbose_name_plural = _("incoming records")

    def __str__(self) -> str:
        return f"{self.source} #{self.row}"


class MatchCandidate(models.Model):
    """A possible duplicate: two residents, or an incoming row and a resident, with the score
    and the evidence field by field (IT-1)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for review")
        MERGED = "merged", _("merged")
        AUTO_MERGED = "auto_merged", _("merged automatically")
        DISTINCT = "distinct", _("different people")

    resident = models.ForeignKey(
        Resident,
        verbose_name=_("resident"),
        on_delete=models.CASCADE,
        related_name="match_candidates",
    )
    other = models.ForeignKey(
        Resident,
        verbose_name=_("possible duplicate"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    incoming = models.ForeignKey(
        IncomingRecord,
        verbose_name=_("incoming record"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="candidates",
    )
    score = models.FloatField(_("match probability"))
    evidence = models.JSONField(_("evidence"), default=dict)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("match candidate")
        verbose_name_plural = _("match candidates")
        ordering = ["-score"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(other__isnull=False) ^ models.Q(incoming__isnull=False),
                name="candidate_pairs_with_a_resident_or_an_incoming_row",
            ),
            models.UniqueConstraint(
                fields=["resident", "other"],
                condition=models.Q(other__isnull=False),
                name="one_candidate_per_pair",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resident_id} ~ {self.other_id or self.incoming_id} ({self.score:.2f})"


class Merge(models.Model):
    """One merge of a duplicate into the record that survives, with everything needed to undo
    it exactly: the absorbed record's values and every link that was moved (IT-1)."""

    survivor = models.ForeignKey(
        Resident, verbose_name=_("kept record"), on_delete=models.PROTECT, related_name="merges"
    )
    absorbed = models.ForeignKey(
        Resident, verbose_name=_("merged record"), on_delete=models.PROTECT, related_name="+"
    )
    candidate = models.ForeignKey(
        MatchCandidate,
        verbose_name=_("match candidate"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    snapshot = models.JSONField(
        _("snapshot"),
        help_text=_("Both records' values before the merge and the links moved, by table."),
    )
    merged_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("merged by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    merged_at = models.DateTimeField(_("merged at"))
    undone_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("unmerged by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    undone_at = models.DateTimeField(_("unmerged at"), null=True, blank=True)

    class Meta:
        verbose_name = _("merge")
        verbose_name_plural = _("merges")
        ordering = ["-merged_at"]

    def __str__(self) -> str:
        return f"{self.absorbed_id} → {self.survivor_id}"
