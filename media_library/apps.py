from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediaLibraryConfig(AppConfig):
    name = "media_library"
    verbose_name = _("Fonds d'archives")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signal_handlers, signals, tasks  # noqa: F401  (tasks : branche la file sur les signaux)
