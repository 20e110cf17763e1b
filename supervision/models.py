from django.db import models
from django.utils.translation import gettext_lazy as _


class CountyPolicy(models.Model):
    """The policy pack a county is held to (SUP-7). Without a row, the most specific pack whose
    ``applies_to`` matches the county's code is used."""

    county = models.OneToOneField(
        "divisions.Division",
        verbose_name=_("county"),
        on_delete=models.CASCADE,
        related_name="policy",
    )
    pack = models.CharField(_("policy pack"), max_length=64, help_text=_("e.g. cn/shanxi/jincheng"))

    class Meta:
        verbose_name = _("county policy pack")
        verbose_name_plural = _("county policy packs")

    def __str__(self) -> str:
        return f"{self.county}: {self.pack}"
