"""Ce que les interfaces des partenaires gardent en base.

- `ScreeningAttachment` : une pièce jointe d'une fiche envoyée par ODK Collect / KoBoCollect (photo de la
  feuille de présence…), rangée dans le stockage privé et servie seulement par la porte
  (`media_library.gate.serve_gated`), à qui peut voir les fiches de cette organisation.
"""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def attachment_upload_to(instance, filename):
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"odk/{timezone.now():%Y/%m}/{instance.uuid}.{ext}"


class ScreeningAttachment(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    screening = models.ForeignKey(
        "communication.Screening", verbose_name=_("fiche"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("fichier"), upload_to=attachment_upload_to, max_length=255)
    original_filename = models.CharField(_("nom d'origine"), max_length=255)
    mime_type = models.CharField(_("type MIME (détecté)"), max_length=100)
    size = models.BigIntegerField(_("taille (octets)"))
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)
    received_at = models.DateTimeField(_("reçue le"), default=timezone.now)

    class Meta:
        verbose_name = _("pièce jointe d'une fiche")
        verbose_name_plural = _("pièces jointes des fiches")
        constraints = [
            models.UniqueConstraint(fields=["screening", "original_filename"], name="interop_attachment_once_per_name"),
        ]

    def __str__(self):
        return self.original_filename

    def get_serve_url(self):
        from django.urls import reverse

        return reverse("interop_odk:attachment", args=[self.uuid, self.original_filename])


class OaiRecord(models.Model):
    """Pierre tombale OAI-PMH : chaque œuvre déjà exposée au moissonnage garde son identifiant.

    `deletedRecord` est « persistent » : une œuvre qui n'est plus visible du public (retrait, expiration,
    corbeille, purge) reste annoncée comme supprimée, sans aucune métadonnée, pour toujours. L'identifiant
    ne contient que le numéro de l'œuvre. Une œuvre jamais exposée n'a pas de ligne : elle n'existe pas
    pour le moissonneur.
    """

    work_id = models.PositiveBigIntegerField(_("œuvre (numéro)"), unique=True)
    datestamp = models.DateTimeField(_("date du dernier changement"), db_index=True)
    deleted = models.BooleanField(_("supprimée pour le moissonnage"), default=False, db_index=True)
    first_exposed_at = models.DateTimeField(_("exposée pour la première fois le"), default=timezone.now)

    class Meta:
        verbose_name = _("notice OAI-PMH")
        verbose_name_plural = _("notices OAI-PMH")
        ordering = ["datestamp", "work_id"]

    def __str__(self):
        return f"oai:{self.work_id}"


class ConsentSummary(models.Model):
    """Le résumé de consentement d'une œuvre reçue dans un sac BagIt (canaux, conditions, échéance).

    Il informe ; il ne donne aucun droit : l'œuvre importée n'a pas de consentement enregistré ici, elle
    reste donc dans l'archive interne jusqu'à ce qu'un·e responsable enregistre les consentements.
    """

    work = models.OneToOneField("media_library.Work", verbose_name=_("œuvre"), on_delete=models.CASCADE,
                                related_name="imported_consent_summary")
    summary = models.JSONField(_("résumé"), default=dict)
    source = models.CharField(_("sac d'origine"), max_length=255, blank=True)
    imported_at = models.DateTimeField(_("importé le"), default=timezone.now)

    class Meta:
        verbose_name = _("résumé de consentement importé")
        verbose_name_plural = _("résumés de consentement importés")

    def __str__(self):
        return str(self.work)
