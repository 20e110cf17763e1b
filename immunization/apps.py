from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImmunizationConfig(AppConfig):
    name = "immunization"
    verbose_name = _("Immunization")
