from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Staff(models.Model):
    """A health worker of the county (HR-1). Later issues add certificates, posts and training."""

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

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        ordering = ["institution_id", "name"]

    def __str__(self) -> str:
        return self.name
