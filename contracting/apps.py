from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractingConfig(AppConfig):
    name = "contracting"
    verbose_name = _("Family doctor contracting")
