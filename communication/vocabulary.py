"""Vocabulaire d'une fiche de projection : canaux, champs comptés et leurs libellés.

Sans modèle ni base : les règles (`communication.validation`) et les modèles (`communication.models`,
qui réexporte ces noms) le partagent, sans que les règles dépendent des modèles.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CommChannel(models.TextChoices):
    COMMUNITY_TALK = "community_talk", _("Causerie communautaire")
    POLICE_STATION = "police_station", _("Séance au commissariat")
    SCHOOL = "school", _("École")
    HEALTH_CENTRE = "health_centre", _("Centre de santé")
    TV = "tv", _("Diffusion télévisée")
    RADIO = "radio", _("Radio")
    MUSEUM = "museum", _("Exposition au musée")
    PRESS_CONFERENCE = "press_conference", _("Conférence de presse")
    SECURED_EVENT = "secured_event", _("Événement sécurisé")
    SOCIAL_MEDIA = "social_media", _("Réseaux sociaux")


# Ces canaux touchent un public estimé, jamais compté en personnes rencontrées : les deux chiffres
# restent séparés partout (saisie, tableau de bord, export).
BROADCAST_CHANNELS = frozenset({CommChannel.TV, CommChannel.RADIO, CommChannel.SOCIAL_MEDIA})


# Comptages par sexe et tranche d'âge (moins de 18 ans : filles et garçons).
SEX_AGE_FIELDS = ("girls", "boys", "women", "men")
# Comptages par groupe de population : leur somme doit égaler le total.
GROUP_FIELDS = ("migrants", "refugees", "idps", "host_community", "authorities", "media_people", "other_group")
# Groupes sensibles : « dont », chacun au plus égal au total ; visibles seulement avec la permission
# communication.view_sensitive_counts, et jamais en petit nombre (voir communication.dashboard).
SENSITIVE_FIELDS = ("sex_workers", "gender_minorities")
COUNT_FIELDS = SEX_AGE_FIELDS + GROUP_FIELDS + SENSITIVE_FIELDS

# Libellés des champs comptés : les champs de `Screening` les prennent pour verbose_name, les messages
# des règles aussi (une seule définition).
FIELD_LABELS = {
    "girls": _("filles (moins de 18 ans)"),
    "boys": _("garçons (moins de 18 ans)"),
    "women": _("femmes"),
    "men": _("hommes"),
    "people_total": _("personnes présentes"),
    "migrants": _("migrants"),
    "refugees": _("réfugiés et demandeurs d'asile"),
    "idps": _("personnes déplacées internes"),
    "host_community": _("communauté d'accueil"),
    "authorities": _("autorités et police"),
    "media_people": _("professionnels des médias"),
    "other_group": _("autres ou non précisé"),
    "sex_workers": _("dont travailleuses et travailleurs du sexe"),
    "gender_minorities": _("dont minorités de genre"),
    "estimated_audience": _("public estimé (diffusion)"),
    "referrals": _("personnes orientées vers un service"),
}
