from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InteropConfig(AppConfig):
    name = "interop"
    verbose_name = _("Systèmes des partenaires (ODK, API, OAI-PMH, IATI, BagIt)")
