"""Les copies hors ligne de la boîte à outils : quel téléphone garde quel support, confirmé quand, rappelé quand.

- `OfflineDevice` : un téléphone (identifiant créé sur le téléphone, jamais un identifiant matériel),
  avec la date de sa dernière synchronisation.
- `HeldCopy` : un support (fichier téléphone, pistes de sous-titres, guide) gardé dans l'application
  hors ligne d'un téléphone. `confirmed_at` : dernière fois que la politique de consentement a dit
  « vous pouvez le garder » ; `recalled_at` : le serveur a demandé de l'effacer ; `deleted_at` : le
  téléphone a confirmé l'effacement. Voir exhibitions.flows.offline_sync.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OfflineDevice(models.Model):
    id = models.UUIDField(_("identifiant du téléphone"), primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("compte"), on_delete=models.CASCADE,
                             related_name="offline_devices")
    created_at = models.DateTimeField(_("première synchronisation"), default=timezone.now, editable=False)
    last_sync_at = models.DateTimeField(_("dernière synchronisation"), default=timezone.now)

    class Meta:
        verbose_name = _("téléphone hors ligne")
        verbose_name_plural = _("téléphones hors ligne")

    def __str__(self):
        return f"{self.user} · {self.short_id}"

    @property
    def short_id(self):
        return str(self.id)[:8]


class HeldCopy(models.Model):
    class Reason(models.TextChoices):
        REFUSED = "refused", _("refusé par la politique du consentement")
        UNKNOWN = "unknown", _("support introuvable ou hors de portée")

    device = models.ForeignKey(OfflineDevice, verbose_name=_("téléphone"), on_delete=models.CASCADE,
                               related_name="copies")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("compte"), on_delete=models.CASCADE,
                             related_name="held_copies")
    item_id = models.CharField(_("support"), max_length=40)
    material = models.ForeignKey("exhibitions.ToolkitMaterial", verbose_name=_("support de causerie"), null=True,
                                 blank=True, on_delete=models.SET_NULL, related_name="held_copies")
    work = models.ForeignKey("media_library.Work", verbose_name=_("œuvre"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="held_copies")
    files = models.JSONField(_("fichiers gardés"), default=list, blank=True)
    first_confirmed_at = models.DateTimeField(_("gardé depuis"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("dernière confirmation"), null=True, blank=True)
    recalled_at = models.DateTimeField(_("rappelé le"), null=True, blank=True, db_index=True)
    recall_reason = models.CharField(_("raison du rappel"), max_length=10, choices=Reason.choices, blank=True)
    deleted_at = models.DateTimeField(_("effacement confirmé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("copie hors ligne")
        verbose_name_plural = _("copies hors ligne")
        # Une ligne par garde : une copie rappelée puis reprise (consentement rendu) en ouvre une nouvelle, l'ancienne
        # reste pour la page d'impact.
        indexes = [models.Index(fields=["device", "item_id"]), models.Index(fields=["work", "recalled_at"])]

    def __str__(self):
        return f"{self.item_id} · {self.device}"
