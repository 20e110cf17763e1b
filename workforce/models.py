from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Employment(models.TextChoices):
    """HR-1: inside the staffing quota (编制) or on contract."""

    QUOTA = "quota", pgettext_lazy("employment", "staffing quota (编制)")
    CONTRACT = "contract", _("contract (合同)")
    GROUP_CONTRACT = "group", _("contract with the medical group")
    OTHER = "other", _("other")


class HireRoute(models.TextChoices):
    """HR-1: how the person was recruited (JC-9, SXM-24..30, WD-5)."""

    OPEN = "open", _("open recruitment")
    COUNTY_HIRE_TOWNSHIP_USE = "county_township", _("hired by county, used in township (县招乡用)")
    TOWNSHIP_HIRE_VILLAGE_USE = (
        "township_village",
        _("hired by township, used in village (乡招村用)"),
    )
    TOWN_HIRE_VILLAGE_USE = "town_village", _("hired by town, used in village (镇聘村用)")
    GRADUATE_VILLAGE_DOCTOR = "graduate", _("graduate village doctor (大学生乡村医生)")
    DIRECTED_TRAINING = "directed", _("directed training (订单定向)")


class PensionCategory(models.TextChoices):
    """HR-10: which pension and insurance scheme a person is in."""

    PUBLIC_INSTITUTION = "public", _("public institution staff (事业编)")
    EMPLOYEE = "employee", _("employee schemes (职工养老保险)")
    RESIDENT = "resident", _("resident schemes with subsidy (城乡居民养老保险)")
    NONE = "none", _("none recorded")


class Staff(models.Model):
    """A health worker of the county (HR-1): home institution, profession, title, employment.

    ``institution`` is the home post; multi-site practice (HR-2) is in ``StaffPost``.
    """

    class Profession(models.TextChoices):
        DOCTOR = "doctor", _("licensed physician")
        ASSISTANT_DOCTOR = "assistant_doctor", _("licensed assistant physician")
        RURAL_GP_ASSISTANT = "rural_gp_assistant", _("rural GP assistant")
        VILLAGE_DOCTOR = "village_doctor", _("village doctor")
        NURSE = "nurse", _("nurse")
        PHARMACIST = "pharmacist", _("pharmacist")
        TECHNICIAN = "technician", _("medical technician")
        PUBLIC_HEALTH = "public_health", _("public-health physician")
        MANAGER = "manager", _("administrator")

    class TitleLevel(models.TextChoices):
        NONE = "none", _("no title")
        JUNIOR = "junior", _("junior (初级)")
        INTERMEDIATE = "intermediate", _("intermediate (中级)")
        ASSOCIATE_SENIOR = "associate_senior", _("associate senior (副高)")
        SENIOR = "senior", _("senior (正高)")

    class Sex(models.TextChoices):
        MALE = "male", _("male")
        FEMALE = "female", _("female")

    code = models.CharField(
        _("staff number"),
        max_length=32,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Stable key of the staff roster (工号), so a roster can be imported again."),
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    sex = models.CharField(_("sex"), max_length=6, choices=Sex.choices)
    birth_date = models.DateField(_("birth date"))
    profession = models.CharField(_("profession"), max_length=24, choices=Profession.choices)
    title_level = models.CharField(
        _("title level"), max_length=20, choices=TitleLevel.choices, default=TitleLevel.NONE
    )
    department = models.CharField(_("department"), max_length=50, blank=True)
    institution = models.ForeignKey(
        "institutions.Institution",
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="staff",
    )
    is_active = models.BooleanField(_("in post"), default=True)
    employment = models.CharField(
        _("employment"), max_length=12, choices=Employment.choices, default=Employment.CONTRACT
    )
    hire_route = models.CharField(
        _("hire route"), max_length=24, choices=HireRoute.choices, default=HireRoute.OPEN
    )
    obligation_ends_on = models.DateField(
        _("service obligation ends"),
        null=True,
        blank=True,
        help_text=_("For directed-training (订单定向) graduates: end of the service obligation."),
    )
    pension_category = models.CharField(
        _("pension and insurance category"),
        max_length=12,
        choices=PensionCategory.choices,
        default=PensionCategory.EMPLOYEE,
    )
    liability_insured = models.BooleanField(_("medical liability insurance"), default=False)
    monthly_salary = models.DecimalField(
        _("average monthly salary (yuan)"), max_digits=9, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        ordering = ["institution_id", "name"]

    def __str__(self) -> str:
        return self.name


class Certificate(models.Model):
    """A qualification certificate and its practice scope (HR-1)."""

    class Kind(models.TextChoices):
        PHYSICIAN = "physician", _("physician practice licence (医师执业证书)")
        ASSISTANT_PHYSICIAN = "assistant", _("assistant physician licence (执业助理医师)")
        RURAL_GP_ASSISTANT = "rural_gp", _("rural GP assistant (乡村全科执业助理医师)")
        VILLAGE_DOCTOR = "village_doctor", _("village doctor certificate (乡村医生执业证书)")
        NURSE = "nurse", _("nurse licence (护士执业证书)")
        PHARMACIST = "pharmacist", _("licensed pharmacist (执业药师)")
        TECHNICIAN = "technician", _("technician qualification")

    class Scope(models.TextChoices):
        CLINICAL = "clinical", _("clinical")
        TCM = "tcm", _("traditional Chinese medicine")
        PUBLIC_HEALTH = "public_health", _("public health")
        DENTAL = "dental", _("dental")
        NONE = "", _("not applicable")

    staff = models.ForeignKey(
        Staff, verbose_name=_("staff member"), on_delete=models.CASCADE, related_name="certificates"
    )
    kind = models.CharField(_("certificate"), max_length=16, choices=Kind.choices)
    number = models.CharField(_("certificate number"), max_length=40, blank=True)
    scope = models.CharField(_("practice scope"), max_length=16, choices=Scope.choices, blank=True)
    general_practice_added = models.BooleanField(
        _("general practice added (加注全科)"), default=False
    )
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")

    def __str__(self) -> str:
        return f"{self.staff}: {self.get_kind_display()}"


LICENSED_PHYSICIAN_CERTIFICATES = (
    Certificate.Kind.PHYSICIAN,
    Certificate.Kind.ASSISTANT_PHYSICIAN,
    Certificate.Kind.RURAL_GP_ASSISTANT,
)
"""Certificates that count as a (assistant) physician licence for HR-8."""


class StaffPost(models.Model):
    """Where a person works, and from when: the home post, and multi-site practice up or down
    (HR-2). The history of posts gives years of grassroots service (HR-12)."""

    class Kind(models.TextChoices):
        HOME = "home", _("home post")
        DOWN = "down", _("multi-site practice down (下沉)")
        UP = "up", _("multi-site practice up")

    staff = models.ForeignKey(
        Staff, verbose_name=_("staff member"), on_delete=models.CASCADE, related_name="posts"
    )
    institution = models.ForeignKey(
        "institutions.Institution",
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="staff_posts",
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.HOME)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["staff_id", "started_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="post_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff} @ {self.institution}"


class TrainingRecord(models.Model):
    """Training a person received (HR-5, HR-13)."""

    class Level(models.TextChoices):
        TOWNSHIP = "township", _("township")
        COUNTY = "county", _("county")
        CITY = "city", _("city")
        PROVINCE = "province", _("province")
        TERTIARY = "tertiary", _("tertiary hospital")

    staff = models.ForeignKey(
        Staff, verbose_name=_("staff member"), on_delete=models.CASCADE, related_name="trainings"
    )
    topic = models.CharField(_("topic"), max_length=100)
    provider = models.CharField(_("provider"), max_length=100, blank=True)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"))
    is_free = models.BooleanField(_("free of charge"), default=True)

    class Meta:
        verbose_name = _("training record")
        verbose_name_plural = _("training records")
        ordering = ["-started_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__gte=models.F("started_on")),
                name="training_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff}: {self.topic}"

    @property
    def days(self) -> int:
        return (self.ended_on - self.started_on).days + 1


class GuidanceVisit(models.Model):
    """Guidance and support given at a grassroots institution (HR-3, HR-4, HR-13)."""

    class Kind(models.TextChoices):
        POSTING = "posting", _("posting (挂职)")
        EXPERT_CLINIC = "expert_clinic", _("expert clinic (专家门诊)")
        ROUNDS = "rounds", _("sitting-in and rounds (坐诊巡诊)")
        TRAINING = "training", _("training session")
        TEACHING_ROUND = "teaching_round", _("teaching ward round (教学查房)")

    staff = models.ForeignKey(
        Staff,
        verbose_name=_("staff member"),
        on_delete=models.CASCADE,
        related_name="guidance_visits",
    )
    host = models.ForeignKey(
        "institutions.Institution",
        verbose_name=_("host institution"),
        on_delete=models.PROTECT,
        related_name="guidance_received",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"))
    is_retired_expert = models.BooleanField(_("retired professional with subsidy"), default=False)
    as_deputy_head = models.BooleanField(_("posted as deputy head"), default=False)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("guidance visit")
        verbose_name_plural = _("guidance visits")
        ordering = ["-started_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__gte=models.F("started_on")),
                name="guidance_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff} → {self.host}"
