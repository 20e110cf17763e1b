from django.db import models
from django.utils.translation import gettext_lazy as _


class Institution(models.Model):
    """A health institution of the county (ORG-1).

    ``parent`` is the line of management inside the county medical group: village clinics and
    community stations under their THC/CHSC, THCs and CHSCs under the group's lead hospital.
    ``path`` materialises that line (``/3/17/240/``) so an institution subtree is a prefix match.
    """

    class Type(models.TextChoices):
        COUNTY_HOSPITAL = "county_hospital", _("county hospital")
        COUNTY_TCM_HOSPITAL = "county_tcm_hospital", _("county TCM hospital")
        COUNTY_MCH = "county_mch", _("county maternal and child health centre")
        COUNTY_CDC = "county_cdc", _("county CDC")
        CHSC = "chsc", _("community health service centre")
        THC = "thc", _("township health centre")
        THC_BRANCH = "thc_branch", _("township health centre branch")
        CHSS = "chss", _("community health service station")
        VILLAGE_CLINIC = "village_clinic", _("village clinic")
        VILLAGE_SERVICE_POINT = "village_service_point", _("THC-run village service point")

    class Ownership(models.TextChoices):
        PUBLIC = "public", _("public")
        SOCIAL = "social", _("social (private)")

    code = models.CharField(_("institution code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    type = models.CharField(_("type"), max_length=32, choices=Type.choices)
    is_central = models.BooleanField(
        _("central institution"),
        default=False,
        help_text=_("Central THC (中心卫生院) or central/joint village clinic (中心村卫生室)."),
    )
    ownership = models.CharField(
        _("ownership"), max_length=8, choices=Ownership.choices, default=Ownership.PUBLIC
    )
    is_legal_entity = models.BooleanField(_("independent legal entity"), default=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("managing institution"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    path = models.CharField(_("management path"), max_length=255, db_index=True, editable=False)
    division = models.ForeignKey(
        "divisions.Division",
        verbose_name=_("located in"),
        on_delete=models.PROTECT,
        related_name="institutions",
    )
    served_divisions = models.ManyToManyField(
        "divisions.Division",
        verbose_name=_("divisions served"),
        related_name="serving_institutions",
        blank=True,
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )

    class Meta:
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def build_path(self) -> str:
        """The path this institution should have; needs ``pk`` and a saved parent."""
        parent_path = self.parent.path if self.parent else "/"
        return f"{parent_path}{self.pk}/"


class PracticeSubject(models.TextChoices):
    """Approved practice subjects (核准诊疗科目) with their codes in the national catalogue."""

    PREVENTIVE = "01", _("preventive care (预防保健科)")
    GENERAL_PRACTICE = "02", _("general practice (全科医疗科)")
    INTERNAL = "03", _("internal medicine (内科)")
    SURGERY = "04", _("surgery (外科)")
    OBSTETRICS = "05", _("obstetrics and gynaecology (妇产科)")
    WOMENS_HEALTH = "06", _("women's health care (妇女保健科)")
    PAEDIATRICS = "07", _("paediatrics (儿科)")
    CHILD_HEALTH = "09", _("child health care (儿童保健科)")
    OPHTHALMOLOGY = "10", _("ophthalmology (眼科)")
    ENT = "11", _("otorhinolaryngology (耳鼻咽喉科)")
    STOMATOLOGY = "12", _("stomatology (口腔科)")
    PSYCHIATRY = "15", _("psychiatry (精神科)")
    INFECTIOUS = "16", _("infectious diseases (传染科)")
    TUBERCULOSIS = "17", _("tuberculosis (结核病科)")
    EMERGENCY = "20", _("emergency medicine (急诊医学科)")
    REHABILITATION = "21", _("rehabilitation medicine (康复医学科)")
    HOSPICE = "24", _("hospice care (临终关怀科)")
    ANAESTHESIA = "26", _("anaesthesiology (麻醉科)")
    CRITICAL_CARE = "28", _("critical care medicine (重症医学科)")
    LABORATORY = "30", _("laboratory medicine (医学检验科)")
    PATHOLOGY = "31", _("pathology (病理科)")
    IMAGING = "32", _("medical imaging (医学影像科)")
    TCM = "50", _("traditional Chinese medicine (中医科)")
    INTEGRATED = "52", _("integrated Chinese and Western medicine (中西医结合科)")


class FeverClinic(models.TextChoices):
    """ORG-10: a standard fever clinic (发热门诊) or a fever consultation room (发热诊室)."""

    NONE = "none", _("none")
    CONSULTATION_ROOM = "room", _("fever consultation room (发热诊室)")
    STANDARD_CLINIC = "clinic", _("standard fever clinic (发热门诊)")


class HospitalLevel(models.TextChoices):
    NONE = "none", _("not graded")
    LEVEL_1 = "1", _("level 1 (一级)")
    LEVEL_2 = "2", _("level 2 (二级)")
    LEVEL_2A = "2a", _("level 2, grade A (二甲)")
    LEVEL_3 = "3", _("level 3 (三级)")


class Capabilities(models.Model):
    """What an institution has and may do (ORG-1, ORG-9, ORG-10, ORG-11, MED-7, MED-8).

    One row per institution; a missing row means nothing is known, which checks report as
    ``not_enough_data`` rather than as a failure.
    """

    institution = models.OneToOneField(
        Institution,
        verbose_name=_("institution"),
        on_delete=models.CASCADE,
        related_name="capabilities",
    )
    hospital_level = models.CharField(
        _("hospital level"), max_length=4, choices=HospitalLevel.choices, default=HospitalLevel.NONE
    )
    approved_scope = models.JSONField(
        _("approved practice subjects"),
        default=list,
        blank=True,
        help_text=_("Codes of the practice subjects on the licence (核准诊疗科目)."),
    )
    has_tcm_hall = models.BooleanField(_("TCM hall (中医馆) or TCM department"), default=False)
    stocks_chinese_patent_medicines = models.BooleanField(
        _("stocks common Chinese patent medicines"), default=False
    )
    fever_clinic = models.CharField(
        _("fever clinic"), max_length=8, choices=FeverClinic.choices, default=FeverClinic.NONE
    )
    negative_pressure_ambulances = models.PositiveSmallIntegerField(
        _("negative-pressure ambulances"), default=0
    )
    has_infectious_disease_department = models.BooleanField(
        _("infectious disease department"), default=False
    )
    has_vaccination_clinic = models.BooleanField(_("vaccination clinic"), default=False)
    is_emergency_point = models.BooleanField(
        _("emergency point of the rural transfer network"), default=False
    )
    emergency_teams = models.PositiveSmallIntegerField(_("medical emergency teams"), default=0)
    offers_iv = models.BooleanField(_("gives intravenous medication"), default=False)
    iv_authorised = models.BooleanField(_("authorised for intravenous medication"), default=False)
    beds_general = models.PositiveSmallIntegerField(_("general beds"), default=0)
    beds_rehabilitation = models.PositiveSmallIntegerField(_("rehabilitation beds"), default=0)
    beds_nursing = models.PositiveSmallIntegerField(_("nursing beds"), default=0)
    beds_hospice = models.PositiveSmallIntegerField(_("hospice beds"), default=0)
    beds_elderly_care = models.PositiveSmallIntegerField(_("elderly-care beds"), default=0)
    specialty_departments = models.JSONField(_("specialty departments"), default=list, blank=True)
    characteristic_specialty = models.CharField(
        _("characteristic specialty (特色专科)"), max_length=50, blank=True
    )
    staffing_quota = models.PositiveIntegerField(_("staffing quota (编制)"), null=True, blank=True)
    professional_quota = models.PositiveIntegerField(
        _("quota posts for professional and technical staff"),
        null=True,
        blank=True,
        help_text=_("Of the staffing quota, the posts kept for professional and technical staff."),
    )
    quota_reviewed_on = models.DateField(_("staffing quota last reviewed"), null=True, blank=True)

    class Meta:
        verbose_name = _("capabilities")
        verbose_name_plural = _("capabilities")

    def __str__(self) -> str:
        return str(self.institution)


class Designation(models.Model):
    """A designation an institution holds, from a date (ORG-1, ORG-7, ORG-12)."""

    class Kind(models.TextChoices):
        SUB_CENTRE = "sub_centre", _("county medical sub-centre (县域医疗次中心)")
        COMMUNITY_HOSPITAL = "community_hospital", _("community hospital (社区医院)")
        QUALITY_BASIC = "quality_basic", _("quality service, basic standard (优质服务基本标准)")
        QUALITY_RECOMMENDED = (
            "quality_recommended",
            _("quality service, recommended standard (优质服务推荐标准)"),
        )

    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        on_delete=models.CASCADE,
        related_name="designations",
    )
    kind = models.CharField(_("designation"), max_length=24, choices=Kind.choices)
    since = models.DateField(_("since"))

    class Meta:
        verbose_name = _("designation")
        verbose_name_plural = _("designations")
        constraints = [
            models.UniqueConstraint(fields=["institution", "kind"], name="designation_once"),
        ]

    def __str__(self) -> str:
        return f"{self.institution}: {self.get_kind_display()}"


class MedicalGroup(models.Model):
    """A county medical group (县级医疗集团 / 医共体, ORG-3): a lead hospital and members who keep
    their own legal status; optionally held in trust by a tertiary hospital."""

    name = models.CharField(_("name"), max_length=100)
    county = models.ForeignKey(
        "divisions.Division",
        verbose_name=_("county"),
        on_delete=models.PROTECT,
        related_name="medical_groups",
    )
    lead = models.ForeignKey(
        Institution,
        verbose_name=_("lead hospital"),
        on_delete=models.PROTECT,
        related_name="led_groups",
    )
    trustee = models.CharField(
        _("trustee hospital (托管)"),
        max_length=100,
        blank=True,
        help_text=_("The tertiary hospital that holds the group in trust, if any."),
    )
    founded_on = models.DateField(_("founded on"), null=True, blank=True)

    class Meta:
        verbose_name = _("medical group")
        verbose_name_plural = _("medical groups")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class GroupMembership(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", _("lead")
        MEMBER = "member", _("member")
        COOPERATING = "cooperating", _("cooperating social institution")

    group = models.ForeignKey(
        MedicalGroup,
        verbose_name=_("medical group"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    institution = models.OneToOneField(
        Institution,
        verbose_name=_("institution"),
        on_delete=models.CASCADE,
        related_name="group_membership",
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.MEMBER)
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    keeps_legal_status = models.BooleanField(_("keeps its own legal status"), default=True)

    class Meta:
        verbose_name = _("group membership")
        verbose_name_plural = _("group memberships")

    def __str__(self) -> str:
        return f"{self.group}: {self.institution}"


class VillageServiceException(models.Model):
    """Why an administrative village has no clinic of its own (ORG-6, JC-6(3)). Each exception
    must be on record; the ORG-6 check also tests that its condition holds."""

    class Kind(models.TextChoices):
        THC_SEAT = "thc_seat", _("the township health centre is in the village")
        SHARED_CENTRAL_CLINIC = "shared_central", _("shares a central village clinic")
        ITINERANT = "itinerant", _("served by itinerant visits (巡诊)")
        DISPATCH = "dispatch", _("served by dispatched staff (派驻)")
        NEIGHBOUR = "neighbour", _("served by a neighbour clinic's extended service")

    village = models.OneToOneField(
        "divisions.Division",
        verbose_name=_("village"),
        on_delete=models.CASCADE,
        related_name="service_exception",
    )
    kind = models.CharField(_("exception"), max_length=16, choices=Kind.choices)
    served_by = models.ForeignKey(
        Institution,
        verbose_name=_("served by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="exception_villages",
    )
    reason = models.TextField(_("reason"), blank=True)
    recorded_on = models.DateField(_("recorded on"))

    class Meta:
        verbose_name = _("village service exception")
        verbose_name_plural = _("village service exceptions")

    def __str__(self) -> str:
        return f"{self.village}: {self.get_kind_display()}"
