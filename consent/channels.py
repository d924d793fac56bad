"""Les canaux d'usage d'une œuvre. Un consentement accorde des canaux ; une surface en demande un."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    INTERNAL = "internal", _("Archive interne")
    CLOSED_SCREENING = "closed_screening", _("Projections fermées des partenaires")
    SECURED_EVENT = "secured_event", _("Événements sécurisés uniquement")
    MUSEUM = "museum", _("Exposition au musée")
    WEBSITE = "website", _("Site web public")
    BROADCAST = "broadcast", _("Diffusion télé et radio")
    PRESS_SOCIAL = "press_social", _("Presse et réseaux sociaux")
    FACILITATOR_DOWNLOAD = "facilitator_download", _("Téléchargement par les animateurs")
