"""Family doctor teams (FD-1): the unit that signs residents and manages key populations.

Contracts, service packages and fees (FD-*) will live here too; the programmes already use the
team as one of the levels their indicators are reported at (PH-2).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from divisions.models import Division
from institutions.models import Institution
from workforce.models import Staff


class Team(models.Model):
    """A family doctor team: a township or community doctor leading village doctors and nurses."""

    name = models.CharField(_("team name"), max_length=100)
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="teams",
    )
    leader = models.ForeignKey(
        Staff,
        verbose_name=_("team leader"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_teams",
    )
    members = models.ManyToManyField(
        Staff, verbose_name=_("members"), related_name="teams", blank=True
    )
    villages = models.ManyToManyField(
        Division, verbose_name=_("villages served"), related_name="teams", blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("family doctor team")
        verbose_name_plural = _("family doctor teams")
        ordering = ["institution", "name"]

    def __str__(self) -> str:
        return self.name
