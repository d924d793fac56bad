from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParolesConfig(AppConfig):
    name = "paroles"
    label = "paroles"
    verbose_name = _("Paroles")
