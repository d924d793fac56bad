from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IiifConfig(AppConfig):
    name = "iiif"
    verbose_name = _("IIIF (zoom profond, manifestes)")
    default_auto_field = "django.db.models.BigAutoField"
