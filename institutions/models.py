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
