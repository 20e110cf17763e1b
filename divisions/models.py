from django.db import models
from django.utils.translation import gettext_lazy as _


class Division(models.Model):
    """An administrative division: county → township/street → village/community (ORG-2).

    ``code`` is the 12-digit statistical division code, right-padded with zeros above village
    level (county 140581 → ``140581000000``), so a subtree is a contiguous range of codes.
    """

    class Level(models.TextChoices):
        COUNTY = "county", _("county")
        TOWNSHIP = "township", _("township or street")
        VILLAGE = "village", _("village or community")

    class Kind(models.TextChoices):
        COUNTY = "county", _("county-level unit")
        STREET = "street", _("street (街道)")
        TOWN = "town", _("town (镇)")
        TOWNSHIP = "township", _("township (乡)")
        OTHER_TOWNSHIP = "other_township", _("other township-level unit")
        COMMUNITY = "community", _("community (居委会)")
        VILLAGE = "village", _("administrative village (村委会)")

    code = models.CharField(_("division code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent division"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    population = models.PositiveIntegerField(_("resident population"), default=0)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )

    class Meta:
        verbose_name = _("division")
        verbose_name_plural = _("divisions")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[0-9]{12}$"), name="division_code_12_digits"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def prefix(self) -> str:
        """The significant digits of the code: 6 for a county, 9 for a township, 12 for a village."""
        return self.code[: {"county": 6, "township": 9}.get(self.level, 12)]

    @property
    def code_range(self) -> tuple[str, str]:
        """First and last 12-digit code inside this division's subtree."""
        return (self.prefix.ljust(12, "0"), self.prefix.ljust(12, "9"))

    @property
    def county_code(self) -> str:
        """The 6-digit GB/T 2260 code of the county this division lies in."""
        return self.code[:6]
