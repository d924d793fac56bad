"""Transcriptions automatiques, pistes de sous-titres et répliques.

- TranscriptionJob : un passage de Whisper sur un fichier (état, progression, langue détectée,
  transcription brute avec mots horodatés). Il ne publie jamais rien lui-même.
- SubtitleTrack : une piste par œuvre et par langue (fr, bm, en), qui passe par « brouillon
  automatique » → « en relecture » → « approuvée ». Seule une piste approuvée atteint le public, et
  toujours par la porte (media_library.gate) : à l'approbation, le WebVTT et le SRT sont écrits dans
  le stockage privé.
- Cue : une réplique (temps en millisecondes, jamais négatifs), avec qui l'a écrite : un modèle
  (nommé), une personne, un fichier importé, ou personne encore (« à transcrire », réplique vide).
"""

import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import subtitles as subs


class SubtitleLanguage(models.TextChoices):
    FR = "fr", _("Français")
    BM = "bm", _("Bambara (bamanankan)")
    EN = "en", _("Anglais")


class TranscriptionJob(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("En attente")
        RUNNING = "running", _("En cours")
        DONE = "done", _("Terminée")
        NO_SPEECH = "no_speech", _("Aucune parole détectée")
        MANUAL = "manual", _("Transcription manuelle requise")
        FAILED = "failed", _("Échec")
        CANCELLED = "cancelled", _("Annulée")

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    work = models.ForeignKey(
        "media_library.Work", verbose_name=_("œuvre"), on_delete=models.CASCADE, related_name="transcription_jobs"
    )
    media_file = models.ForeignKey(
        "media_library.MediaFile", verbose_name=_("fichier"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="transcription_jobs",
    )
    language = models.CharField(_("langue demandée"), max_length=8, blank=True,
                                help_text=_("Vide : la langue est détectée."))
    status = models.CharField(_("état"), max_length=12, choices=Status.choices, default=Status.QUEUED, db_index=True)
    progress = models.FloatField(_("progression (%)"), default=0)
    message = models.TextField(_("message"), blank=True)
    cancel_requested = models.BooleanField(_("annulation demandée"), default=False)
    detected_language = models.CharField(_("langue détectée"), max_length=8, blank=True)
    language_probability = models.FloatField(_("probabilité de la langue"), null=True, blank=True)
    model_name = models.CharField(_("modèle"), max_length=200, blank=True)
    segments = models.JSONField(_("transcription (segments)"), default=list, blank=True)
    language_segments = models.JSONField(
        _("passages par langue"), default=list, blank=True,
        help_text=_("Détection de la langue passage par passage : début, fin, langue, probabilités, modèle."))
    removed_segments = models.PositiveIntegerField(_("répétitions supprimées"), default=0)
    elapsed = models.FloatField(_("durée du calcul (s)"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("demandée le"), default=timezone.now)
    started_at = models.DateTimeField(_("commencée le"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finie le"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("transcription automatique")
        verbose_name_plural = _("transcriptions automatiques")

    def __str__(self):
        return f"{self.work} ({self.get_status_display()})"

    @property
    def is_active(self):
        return self.status in self.ACTIVE

    @property
    def text(self):
        return "\n".join(s.get("text", "") for s in self.segments)

    def request_cancel(self):
        """Demande l'arrêt : le travail s'arrête entre deux segments ; en attente, il est annulé tout de suite."""
        updated = TranscriptionJob.objects.filter(pk=self.pk, status=self.Status.QUEUED).update(
            status=self.Status.CANCELLED, cancel_requested=True, finished_at=timezone.now(),
            message=str(_("Annulée avant de commencer.")),
        )
        if not updated:
            TranscriptionJob.objects.filter(pk=self.pk, status=self.Status.RUNNING).update(cancel_requested=True)
        self.refresh_from_db()


def track_upload_to(instance, filename):
    return f"subtitles/{instance.work_id}/{uuid.uuid4().hex}-{filename}"


class SubtitleTrack(models.Model):
    class Status(models.TextChoices):
        MACHINE_DRAFT = "machine_draft", _("Brouillon automatique")
        IN_REVIEW = "in_review", _("En relecture")
        APPROVED = "approved", _("Approuvée")

    class Source(models.TextChoices):
        MACHINE = "machine", _("Whisper (automatique)")
        HUMAN = "human", _("Saisie humaine")
        IMPORT = "import", _("Fichier importé")
        TIMING = "timing", _("Minutage copié d'une autre piste")

    work = models.ForeignKey(
        "media_library.Work", verbose_name=_("œuvre"), on_delete=models.CASCADE, related_name="subtitle_tracks"
    )
    language = models.CharField(_("langue"), max_length=8, choices=SubtitleLanguage.choices)
    status = models.CharField(_("état"), max_length=16, choices=Status.choices, default=Status.MACHINE_DRAFT,
                              db_index=True)
    source = models.CharField(_("origine"), max_length=10, choices=Source.choices, default=Source.HUMAN)
    job = models.ForeignKey(TranscriptionJob, null=True, blank=True, on_delete=models.SET_NULL, related_name="tracks")
    # Version publiée (écrite à l'approbation), servie seulement par la porte.
    vtt_file = models.FileField(_("WebVTT publié"), upload_to=track_upload_to, blank=True, max_length=255)
    srt_file = models.FileField(_("SRT publié"), upload_to=track_upload_to, blank=True, max_length=255)
    accepted_issues = models.JSONField(_("écarts aux normes acceptés"), default=list, blank=True)
    approved_at = models.DateTimeField(_("approuvée le"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        ordering = ["work", "language"]
        verbose_name = _("piste de sous-titres")
        verbose_name_plural = _("pistes de sous-titres")
        constraints = [models.UniqueConstraint(fields=["work", "language"], name="one_track_per_language")]

    def __str__(self):
        return f"{self.work} — {self.get_language_display()} ({self.get_status_display()})"

    @property
    def is_approved(self):
        return self.status == self.Status.APPROVED

    @property
    def is_published(self):
        return self.is_approved and bool(self.vtt_file)

    def get_cues(self):
        return [c.as_subtitle() for c in self.cues.all()]

    def origin_counts(self):
        """{origine: nombre de répliques} (machine, person, import, todo)."""
        counts = {}
        for origin in self.cues.values_list("origin", flat=True):
            counts[origin] = counts.get(origin, 0) + 1
        return counts

    def machine_models(self):
        return sorted(set(self.cues.filter(origin=Cue.Origin.MACHINE).exclude(model_name="")
                          .values_list("model_name", flat=True)))

    def issues(self):
        return subs.validate(self.get_cues(), self.language)

    def get_serve_url(self, channel="website", fmt="vtt", link=None):
        from media_library.links import file_url

        path = reverse("transcription:serve_track",
                       kwargs={"pk": self.pk, "filename": f"{self.work.slug or 'oeuvre'}.{self.language}.{fmt}"})
        return file_url(path, channel, link=link)

    def get_window_url(self, start, end, channel="website", link=None):
        """Les sous-titres de l'extrait [start, end] (secondes) : seules ses répliques, qui commencent à 0."""
        from media_library.links import file_url

        path = reverse("transcription:serve_track_window", kwargs={
            "pk": self.pk, "start_ms": int(round(float(start) * 1000)), "end_ms": int(round(float(end) * 1000)),
            "filename": f"{self.work.slug or 'oeuvre'}.{self.language}.vtt"})
        return file_url(path, channel, link=link)

    # --- États --------------------------------------------------------------------------------

    def _unpublish(self):
        for field in (self.vtt_file, self.srt_file):
            if field:
                field.delete(save=False)

    def send_to_review(self):
        if self.status == self.Status.APPROVED:
            self._unpublish()
        self.status = self.Status.IN_REVIEW
        self.approved_at = None
        self.save()

    def publish_files(self, cues, issues=()):
        """Écrit les fichiers publiés (WebVTT et SRT) ; appelée à l'approbation et après pseudonymisation."""
        old = [f.name for f in (self.vtt_file, self.srt_file) if f]
        notes = [str(_("Écart accepté : #%(n)d %(m)s") % {"n": i.index, "m": i.message}) for i in issues]
        self.vtt_file.save(f"{self.language}.vtt", ContentFile(subs.to_vtt(cues, notes).encode("utf-8")), save=False)
        self.srt_file.save(f"{self.language}.srt", ContentFile(subs.to_srt(cues).encode("utf-8")), save=False)
        self.save()
        storage = self.vtt_file.storage
        for name in old:
            transaction.on_commit(lambda name=name: storage.delete(name))

    def approve(self, user=None, allow_issues=False):
        """Approuve la piste : lignes redécoupées, normes vérifiées, fichiers publiés. Lève NormError."""
        cues, issues = subs.prepare_export(self.get_cues(), self.language, allow_issues=allow_issues)
        if not cues:
            raise subs.NormError([subs.Issue(0, "empty", str(_("la piste n'a aucune réplique")))])
        with transaction.atomic():
            self.replace_cues(cues)
            self.status = self.Status.APPROVED
            self.approved_at = timezone.now()
            self.approved_by = user if user and user.is_authenticated else None
            self.accepted_issues = [i.as_dict() for i in issues]
            self.publish_files(cues, issues)

    def replace_cues(self, cues, origin=subs.ORIGIN_PERSON):
        """Remplace les répliques. Chaque réplique garde son origine ; sans origine, `origin` (une
        réplique vide est toujours « à transcrire »)."""
        from .engine import normalise

        self.cues.all().delete()
        Cue.objects.bulk_create(
            Cue(track=self, position=n, start_ms=int(round(c.start * 1000)), end_ms=int(round(c.end * 1000)),
                text=c.text, search_text=normalise(c.text),
                origin=Cue.Origin.TODO if not c.text.strip() else ((c.origin if c.origin != subs.ORIGIN_TODO else "")
                                                                   or origin),
                model_name=(c.model if c.origin == subs.ORIGIN_MACHINE else "")[:200],
                language=(c.language or "")[:8])
            for n, c in enumerate(cues)
        )


class Cue(models.Model):
    class Origin(models.TextChoices):
        MACHINE = subs.ORIGIN_MACHINE, _("écrite par une machine")
        PERSON = subs.ORIGIN_PERSON, _("écrite par une personne")
        IMPORT = subs.ORIGIN_IMPORT, _("importée d'un fichier")
        TODO = subs.ORIGIN_TODO, _("à transcrire")

    track = models.ForeignKey(SubtitleTrack, on_delete=models.CASCADE, related_name="cues")
    position = models.PositiveIntegerField(default=0)
    start_ms = models.PositiveIntegerField(_("début (ms)"))
    end_ms = models.PositiveIntegerField(_("fin (ms)"))
    text = models.TextField(_("texte"), blank=True)
    # Texte sans accents ni majuscules, pour une recherche qui marche en SQLite comme en PostgreSQL.
    search_text = models.TextField(blank=True, editable=False)
    origin = models.CharField(_("écrite par"), max_length=8, choices=Origin.choices, default=Origin.PERSON)
    model_name = models.CharField(_("modèle"), max_length=200, blank=True,
                                  help_text=_("Le modèle qui a écrit la réplique (origine « machine »)."))
    language = models.CharField(_("langue parlée"), max_length=8, blank=True,
                                help_text=_("Langue du passage (détectée ou supposée) ; vide : celle de la piste."))

    class Meta:
        ordering = ["track", "position", "start_ms"]
        verbose_name = _("réplique")
        verbose_name_plural = _("répliques")

    def __str__(self):
        return self.text[:60]

    @staticmethod
    def spoken_text(text):
        """Texte gardé → texte lisible : « Awa : … » pour chaque voix, sans balise (pour les autres
        applications, qui lisent ce modèle par apps.get_model sans importer transcription)."""
        return subs.spoken_text(text)

    @property
    def start(self):
        return self.start_ms / 1000

    @property
    def end(self):
        return self.end_ms / 1000

    @property
    def is_todo(self):
        return self.origin == self.Origin.TODO

    def as_subtitle(self):
        return subs.Cue(self.start_ms / 1000, self.end_ms / 1000, self.text, origin=self.origin,
                        model=self.model_name, language=self.language)


class SubtitledRendition(models.Model):
    """Version téléphone avec les sous-titres incrustés (640x360), pour les téléphones et la télévision."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("En attente")
        RUNNING = "running", _("En cours")
        READY = "ready", _("Prête")
        FAILED = "failed", _("Échec")

    track = models.ForeignKey(SubtitleTrack, on_delete=models.CASCADE, related_name="burned_renditions")
    media_file = models.ForeignKey("media_library.MediaFile", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(_("état"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.FloatField(_("progression (%)"), default=0)
    file = models.FileField(_("fichier"), upload_to="renditions/subtitled/", blank=True, max_length=255)
    size = models.BigIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    track_approved_at = models.DateTimeField(null=True, blank=True,
                                             help_text=_("Version de la piste incrustée (date d'approbation)."))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("version téléphone sous-titrée")
        verbose_name_plural = _("versions téléphone sous-titrées")

    def __str__(self):
        return f"{self.track} — 360p"

    @property
    def work(self):
        return self.track.work

    @property
    def filename(self):
        return f"{self.track.work.slug or 'oeuvre'}-{self.track.language}-360p.mp4"

    @property
    def is_current(self):
        return self.track.is_approved and self.track_approved_at == self.track.approved_at

    def get_serve_url(self, channel="website", link=None):
        from media_library.links import file_url

        path = reverse("transcription:serve_subtitled", kwargs={"pk": self.pk, "filename": self.filename})
        return file_url(path, channel, link=link)
