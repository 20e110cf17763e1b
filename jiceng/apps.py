from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JicengConfig(AppConfig):
    name = "jiceng"
    verbose_name = _("jiceng platform")
