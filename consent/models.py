"""Participants, consentements, retraits, déclarations et journal d'audit.

Règles clés (voir consent.access pour la décision elle-même) :
- Le statut de mineur·e n'est jamais stocké : il se calcule à la date d'usage à partir de l'année de
  naissance (voir `Participant.is_minor`).
- Un consentement ne se supprime jamais : on le retire (Withdrawal) ou on le remplace (superseded_by).
- Les attributs sensibles vivent dans leur propre table (SensitiveAttributes) avec leur propre
  permission ; ils ne sont ni affichés publiquement ni exportés.
- Toute modification d'un participant, d'un consentement, d'un retrait ou d'une déclaration écrit une
  entrée d'audit (AuditEntry : qui, quand, avant/après), non modifiable.
"""

import datetime
import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .audit import current_user, diff, snapshot
from .channels import Channel

ADULT_AGE = 18


# Journal d'audit : l'enregistrement d'un objet audité écrit son entrée (AuditEntry, plus bas).


def write_entry(action, instance, changes, user=None):
    return AuditEntry.objects.create(
        user=user or current_user(),
        action=action,
        model=instance._meta.label_lower,
        object_id=str(instance.pk),
        object_repr=str(instance)[:255],
        changes=changes,
    )


class AuditedModel(models.Model):
    audit_masked_fields = ()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        before = {}
        creating = self._state.adding or self.pk is None
        if not creating:
            old = type(self)._base_manager.filter(pk=self.pk).first()
            if old is None:
                creating = True
            else:
                before = snapshot(old)
        super().save(*args, **kwargs)
        after = snapshot(self)
        changes = diff(before, after, self.audit_masked_fields)
        if creating or changes:
            write_entry("création" if creating else "modification", self, changes)


def today():
    return timezone.localdate()


def evidence_upload_to(instance, filename):
    ext = PurePath(filename).suffix.lower()[:10]
    return f"consent-evidence/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{ext}"


class Participant(AuditedModel):
    """Une personne qui a fait une œuvre ou y apparaît."""

    pseudonym = models.CharField(
        _("pseudonyme public"), max_length=120, help_text=_("Le seul nom qui peut apparaître en public.")
    )
    legal_name = models.CharField(
        _("nom légal"), max_length=200, blank=True,
        help_text=_("Visible uniquement par les responsables du consentement."),
    )
    contact = models.TextField(
        _("contact"), blank=True, help_text=_("Téléphone, adresse, personne relais. Visible uniquement par les responsables du consentement.")
    )
    birth_year = models.PositiveSmallIntegerField(
        _("année de naissance"),
        help_text=_(
            "Le statut de mineur·e est calculé à chaque usage. Avec la seule année connue, une personne est "
            "comptée mineure jusqu'à la fin de l'année de ses 18 ans (par prudence)."
        ),
    )
    guardian_name = models.CharField(_("tuteur ou tutrice légal·e"), max_length=200, blank=True)
    guardian_contact = models.CharField(_("contact du tuteur"), max_length=200, blank=True)
    partner = models.ForeignKey(
        "media_library.PartnerOrganisation",
        verbose_name=_("organisation partenaire"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="participants",
    )
    notes = models.TextField(_("notes internes"), blank=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        ordering = ["pseudonym", "pk"]
        verbose_name = _("participant·e")
        verbose_name_plural = _("participant·es")
        default_permissions = ("add", "change", "view")
        permissions = [
            ("view_legal_identity", _("Voir les noms légaux, contacts et preuves de consentement")),
            ("access_internal_archive", _("Accéder à l'archive interne (fiches et fichiers selon les consentements)")),
        ]

    def __str__(self):
        return self.pseudonym

    def is_minor(self, on=None):
        """Mineur·e à la date `on` (par prudence : jusqu'au 31 décembre de l'année de ses 18 ans)."""
        on = on or today()
        if isinstance(on, datetime.datetime):
            on = timezone.localtime(on).date() if timezone.is_aware(on) else on.date()
        return on.year - self.birth_year <= ADULT_AGE

    def clean(self):
        super().clean()
        errors = {}
        current = today().year
        if self.birth_year is not None:
            if self.birth_year > current:
                errors["birth_year"] = _("L'année de naissance ne peut pas être dans le futur.")
            elif self.birth_year < current - 120:
                errors["birth_year"] = _("Cette année de naissance n'est pas plausible.")
            elif self.is_minor() and not self.guardian_name.strip():
                errors["guardian_name"] = _(
                    "Cette personne est mineure : indiquez son tuteur ou sa tutrice légal·e."
                )
        if not (self.pseudonym or "").strip():
            errors["pseudonym"] = _("Le pseudonyme public est obligatoire.")
        elif self.legal_name and self.pseudonym.strip().casefold() == self.legal_name.strip().casefold():
            errors["pseudonym"] = _("Le pseudonyme ne doit pas être le nom légal.")
        if errors:
            raise ValidationError(errors)


class SensitiveAttributes(AuditedModel):
    """Attributs sensibles d'une personne : table séparée, permission séparée, jamais exportés."""

    participant = models.OneToOneField(
        Participant, on_delete=models.CASCADE, related_name="sensitive", verbose_name=_("participant·e")
    )
    gender_minority = models.BooleanField(_("minorité de genre"), default=False)
    sex_work = models.BooleanField(_("travail du sexe"), default=False)
    displaced_site_location = models.CharField(_("lieu exact du site de déplacé·es"), max_length=255, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    # Le journal note qu'un attribut a changé, jamais sa valeur.
    audit_masked_fields = ("gender_minority", "sex_work", "displaced_site_location", "notes")

    class Meta:
        verbose_name = _("attributs sensibles")
        verbose_name_plural = _("attributs sensibles")
        default_permissions = ("add", "change", "view")

    def __str__(self):
        return str(_("Attributs sensibles de %(p)s") % {"p": self.participant})


class Role(models.TextChoices):
    AUTHOR = "author", _("Auteur·e")
    IN_IMAGE = "in_image", _("Apparaît à l'image")
    VOICE = "voice", _("Voix")
    NAMED_IN_TEXT = "named_in_text", _("Nommé·e dans le texte")


class Participation(models.Model):
    """Lien « cette personne est dans cette œuvre », même sans consentement encore enregistré.

    Une personne liée sans consentement valide bloque tous les canaux : une réponse manquante vaut non.
    """

    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="participations")
    work = models.ForeignKey("media_library.Work", on_delete=models.CASCADE, related_name="participations")
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices, default=Role.AUTHOR)
    chapters = models.ManyToManyField(
        "media_library.Chapter", verbose_name=_("n'apparaît que dans ces chapitres"), blank=True,
        related_name="participations",
        help_text=_("Aucun coché : la personne paraît dans toute l'œuvre. Un extrait qui ne touche aucun de ces "
                    "chapitres ne demande pas son consentement ; l'œuvre entière, toujours."),
    )

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [models.UniqueConstraint(fields=["participant", "work", "role"], name="participation_unique")]

    def __str__(self):
        return f"{self.participant} — {self.work} ({self.get_role_display()})"


class EvidenceKind(models.TextChoices):
    WRITTEN = "written", _("Formulaire signé (scanné)")
    ORAL = "oral", _("Consentement oral enregistré, avec témoin")


class ConsentRecordQuerySet(models.QuerySet):
    def delete(self):
        raise ValidationError(_("Un consentement ne se supprime pas : retirez-le ou remplacez-le."))

    def update(self, **kwargs):
        # Chaque modification passe par save() pour être journalisée.
        raise ValidationError(_("Modifiez les consentements un par un : chaque changement est journalisé."))

    def active(self):
        return self.filter(superseded_by__isnull=True)


class ConsentRecord(AuditedModel):
    """Ce qu'une personne a accepté pour une œuvre, ou pour toutes les œuvres d'un atelier."""

    participant = models.ForeignKey(
        Participant, verbose_name=_("participant·e"), on_delete=models.PROTECT, related_name="consents"
    )
    work = models.ForeignKey(
        "media_library.Work", verbose_name=_("œuvre"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="consents",
    )
    workshop = models.ForeignKey(
        "media_library.Workshop", verbose_name=_("toutes les œuvres de l'atelier"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="consents",
    )
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices, default=Role.AUTHOR)
    channels = models.JSONField(
        _("canaux accordés"), default=list, blank=True,
        help_text=_("Un canal non coché est refusé : une réponse manquante vaut non."),
    )
    # Conditions : elles doivent être remplies par ce qui est servi, pas seulement notées.
    pseudonym_only = models.BooleanField(_("pseudonyme uniquement"), default=False)
    face_blurred = models.BooleanField(_("visage flouté"), default=False)
    voice_altered = models.BooleanField(_("voix modifiée"), default=False)
    no_place_named = models.BooleanField(_("aucun lieu nommé"), default=False)

    evidence_kind = models.CharField(_("type de preuve"), max_length=10, choices=EvidenceKind.choices, default=EvidenceKind.WRITTEN)
    evidence_file = models.FileField(
        _("preuve (formulaire scanné ou enregistrement audio)"), upload_to=evidence_upload_to, max_length=255, blank=True
    )
    witness_name = models.CharField(_("témoin"), max_length=200, blank=True)

    guardian_consent = models.BooleanField(_("accord du tuteur ou de la tutrice"), default=False)
    child_assent = models.BooleanField(_("assentiment de l'enfant"), default=False)

    given_on = models.DateField(_("donné le"), default=today)
    expires_on = models.DateField(_("expire le"), null=True, blank=True, help_text=_("Le consentement ne vaut plus à partir de ce jour."))
    review_on = models.DateField(_("à revoir le"), null=True, blank=True)

    superseded_by = models.ForeignKey(
        "self", verbose_name=_("remplacé par"), null=True, blank=True, on_delete=models.PROTECT, related_name="supersedes",
        editable=False,
    )
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("enregistré le"), default=timezone.now, editable=False)

    objects = ConsentRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-given_on", "-pk"]
        verbose_name = _("consentement")
        verbose_name_plural = _("consentements")
        # Pas de permission de suppression : l'historique ne se perd jamais.
        default_permissions = ("add", "change", "view")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(work__isnull=False, workshop__isnull=True) | models.Q(work__isnull=True, workshop__isnull=False)),
                name="consent_work_xor_workshop",
            )
        ]

    def __str__(self):
        target = self.work or self.workshop
        return str(_("Consentement de %(p)s pour %(t)s") % {"p": self.participant, "t": target})

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Un consentement ne se supprime pas : retirez-le ou remplacez-le."))

    @property
    def channel_set(self):
        return {str(c) for c in (self.channels or [])}

    def get_channels_display(self):
        labels = dict(Channel.choices)
        return ", ".join(str(labels.get(c, c)) for c in self.channels or []) or str(_("aucun"))

    @property
    def conditions(self):
        return {name for name in ("pseudonym_only", "face_blurred", "voice_altered", "no_place_named") if getattr(self, name)}

    def clean(self):
        super().clean()
        errors = {}
        if bool(self.work_id) == bool(self.workshop_id):
            errors["work"] = _("Choisissez soit une œuvre, soit un atelier (toutes ses œuvres), mais pas les deux.")
        unknown = [c for c in (self.channels or []) if c not in Channel.values]
        if unknown:
            errors["channels"] = _("Canal inconnu : %(c)s.") % {"c": ", ".join(map(str, unknown))}
        if self.given_on and self.given_on > today():
            errors["given_on"] = _("La date du consentement ne peut pas être dans le futur.")
        if self.given_on and self.expires_on and self.expires_on <= self.given_on:
            errors["expires_on"] = _("La date d'expiration doit être postérieure à la date du consentement.")
        if self.given_on and self.review_on and self.review_on < self.given_on:
            errors["review_on"] = _("La date de révision ne peut pas précéder la date du consentement.")
        if self.evidence_kind == EvidenceKind.ORAL and not self.witness_name.strip():
            errors["witness_name"] = _("Un consentement oral doit avoir un témoin.")
        if self.participant_id and self.given_on:
            participant = self.participant
            if participant.is_minor(self.given_on) and not participant.guardian_name.strip():
                errors["participant"] = _(
                    "Cette personne était mineure à cette date : renseignez d'abord son tuteur ou sa tutrice sur sa fiche."
                )
        if errors:
            raise ValidationError(errors)

    def covers(self, work):
        if self.work_id:
            return self.work_id == work.pk
        return bool(self.workshop_id) and self.workshop_id == work.workshop_id

    def supersede(self, new_record, *, user=None):
        """Remplace ce consentement par `new_record` (déjà enregistré) ; l'ancien reste dans l'historique."""
        if new_record.pk == self.pk:
            raise ValidationError(_("Un consentement ne peut pas se remplacer lui-même."))
        self.superseded_by = new_record
        self.save(update_fields=["superseded_by"])


class WithdrawalQuerySet(models.QuerySet):
    def delete(self):
        raise ValidationError(_("Un retrait ne se supprime pas."))


class Withdrawal(AuditedModel):
    """Retrait total ou partiel (certains canaux, certaines œuvres). Vaut dès la requête suivante."""

    participant = models.ForeignKey(
        Participant, verbose_name=_("participant·e"), on_delete=models.PROTECT, related_name="withdrawals"
    )
    works = models.ManyToManyField(
        "media_library.Work", verbose_name=_("œuvres concernées"), blank=True, related_name="consent_withdrawals",
        help_text=_("Aucune œuvre choisie : le retrait vaut pour toutes ses œuvres."),
    )
    channels = models.JSONField(
        _("canaux retirés"), default=list, blank=True, help_text=_("Aucun canal choisi : le retrait vaut pour tous les canaux.")
    )
    effective_on = models.DateField(_("prend effet le"), default=today)
    reason = models.TextField(_("motif (interne)"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("enregistré le"), default=timezone.now, editable=False)

    objects = WithdrawalQuerySet.as_manager()

    class Meta:
        ordering = ["-effective_on", "-pk"]
        verbose_name = _("retrait de consentement")
        verbose_name_plural = _("retraits de consentement")
        default_permissions = ("add", "view")

    def __str__(self):
        return str(_("Retrait de %(p)s le %(d)s") % {"p": self.participant, "d": self.effective_on})

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Un retrait ne se supprime pas."))

    @property
    def is_full(self):
        return not self.channels and not self.works.exists()

    def clean(self):
        super().clean()
        errors = {}
        if self.effective_on and self.effective_on > today():
            errors["effective_on"] = _(
                "Un retrait ne peut pas être daté dans le futur : il prend effet aujourd'hui au plus tard."
            )
        unknown = [c for c in (self.channels or []) if c not in Channel.values]
        if unknown:
            errors["channels"] = _("Canal inconnu : %(c)s.") % {"c": ", ".join(map(str, unknown))}
        if errors:
            raise ValidationError(errors)


class NoIdentifiablePersonDeclaration(AuditedModel):
    """Déclaration, par un·e responsable du consentement, qu'aucune personne identifiable n'est dans l'œuvre."""

    work = models.ForeignKey(
        "media_library.Work", verbose_name=_("œuvre"), on_delete=models.CASCADE, related_name="no_person_declarations"
    )
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )
    declared_on = models.DateField(_("déclaré le"), default=today)
    note = models.TextField(_("justification"), blank=True)
    revoked_on = models.DateField(_("révoquée le"), null=True, blank=True)

    class Meta:
        ordering = ["-declared_on", "-pk"]
        verbose_name = _("déclaration « aucune personne identifiable »")
        verbose_name_plural = _("déclarations « aucune personne identifiable »")
        default_permissions = ("add", "change", "view")

    def __str__(self):
        return str(_("Aucune personne identifiable : %(w)s") % {"w": self.work})

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Une déclaration ne se supprime pas : révoquez-la."))

    def clean(self):
        super().clean()
        if self.revoked_on and self.declared_on and self.revoked_on < self.declared_on:
            raise ValidationError({"revoked_on": _("La révocation ne peut pas précéder la déclaration.")})
        if self.work_id and self.revoked_on is None and self.work.participations.exists():
            raise ValidationError(
                {"work": _("Des personnes sont liées à cette œuvre : elle ne peut pas être déclarée sans personne identifiable.")}
            )


class CuratorNotice(models.Model):
    """Avis aux commissaires dans l'administration (après un retrait de consentement)."""

    created_at = models.DateTimeField(_("date"), default=timezone.now)
    message = models.TextField(_("message"))
    works = models.ManyToManyField("media_library.Work", blank=True, related_name="+")
    details = models.JSONField(_("détails"), default=dict, blank=True)
    resolved_at = models.DateTimeField(_("traité le"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("avis aux commissaires")
        verbose_name_plural = _("avis aux commissaires")
        default_permissions = ("view", "change")

    def __str__(self):
        return self.message[:80]


class AuditEntryQuerySet(models.QuerySet):
    def delete(self):
        raise ValidationError(_("Le journal d'audit ne se supprime pas."))

    def update(self, **kwargs):
        raise ValidationError(_("Le journal d'audit ne se modifie pas."))


class AuditEntry(models.Model):
    """Journal : qui a changé quoi, quand, avant et après. Jamais modifié, jamais supprimé."""

    created_at = models.DateTimeField(_("date"), default=timezone.now, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(_("action"), max_length=20)
    model = models.CharField(_("objet"), max_length=60)
    object_id = models.CharField(_("identifiant"), max_length=40)
    object_repr = models.CharField(_("description"), max_length=255, blank=True)
    changes = models.JSONField(_("avant / après"), default=dict, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("entrée du journal d'audit")
        verbose_name_plural = _("journal d'audit du consentement")
        default_permissions = ("view",)
        indexes = [models.Index(fields=["model", "object_id"])]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.model}#{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk:
            raise ValidationError(_("Le journal d'audit ne se modifie pas."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Le journal d'audit ne se supprime pas."))
