"""Le catalogue des œuvres et de leurs fichiers originaux.

Une œuvre (Work) est une fiche de catalogue, enregistrée comme « snippet » Wagtail : elle n'a pas de
place dans l'arbre des pages, mais elle apparaît dans des pages (expositions, boîte à outils) et dans
les vues publiques des archives. Ses fichiers (MediaFile) sont stockés en privé et servis par la porte.
"""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.images.models import AbstractImage, AbstractRendition, Image
from wagtail.search import index


class NamedModel(models.Model):
    name = models.CharField(_("nom"), max_length=200, unique=True)
    name_bm = models.CharField(_("nom en bambara"), max_length=200, blank=True)
    slug = models.SlugField(_("identifiant"), max_length=200, unique=True, blank=True, allow_unicode=True)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)[:200] or uuid.uuid4().hex[:12]
        super().save(*args, **kwargs)


class Project(NamedModel):
    """Un projet (plusieurs projets partagent la plateforme) ; il regroupe des collections."""

    description = models.TextField(_("description"), blank=True)
    start_date = models.DateField(_("début"), null=True, blank=True)
    end_date = models.DateField(_("fin"), null=True, blank=True)

    class Meta(NamedModel.Meta):
        verbose_name = _("projet")
        verbose_name_plural = _("projets")


class PartnerOrganisation(NamedModel):
    """Une association partenaire. Les comptes d'animateurs y sont rattachés."""

    acronym = models.CharField(_("sigle"), max_length=40, blank=True)
    city = models.CharField(_("ville"), max_length=120, blank=True)
    # Organisation d'une communauté persécutée : ses œuvres ne sont visibles que par elle-même
    # et par les responsables du consentement (voir consent.access).
    is_protected_community = models.BooleanField(
        _("communauté protégée"),
        default=False,
        help_text=_("Ses contenus ne sont visibles que par cette organisation et les responsables du consentement."),
    )
    users = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="partner_organisations",
        verbose_name=_("membres"),
    )

    class Meta(NamedModel.Meta):
        verbose_name = _("organisation partenaire")
        verbose_name_plural = _("organisations partenaires")

    def __str__(self):
        return self.acronym or self.name


class Series(NamedModel):
    project = models.ForeignKey(Project, verbose_name=_("projet"), null=True, blank=True, on_delete=models.SET_NULL)

    class Meta(NamedModel.Meta):
        verbose_name = _("série")
        verbose_name_plural = _("séries")


class Theme(NamedModel):
    class Meta(NamedModel.Meta):
        verbose_name = _("thème")
        verbose_name_plural = _("thèmes")


class Workshop(NamedModel):
    """Atelier d'origine (par exemple l'atelier de body mapping de Faladié)."""

    project = models.ForeignKey(Project, verbose_name=_("projet"), null=True, blank=True, on_delete=models.SET_NULL)
    partner = models.ForeignKey(
        PartnerOrganisation, verbose_name=_("partenaire"), null=True, blank=True, on_delete=models.SET_NULL
    )
    place = models.CharField(_("lieu"), max_length=200, blank=True)
    start_date = models.DateField(_("début"), null=True, blank=True)
    end_date = models.DateField(_("fin"), null=True, blank=True)

    class Meta(NamedModel.Meta):
        verbose_name = _("atelier")
        verbose_name_plural = _("ateliers")


class Language(models.Model):
    """Langue parlée (code ISO 639). Le bambara (bm) est une langue de premier rang."""

    code = models.CharField(_("code ISO 639"), max_length=8, unique=True)
    name = models.CharField(_("nom"), max_length=80)
    name_bm = models.CharField(_("nom en bambara"), max_length=80, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("langue")
        verbose_name_plural = _("langues")

    def __str__(self):
        return self.name


class ContentWarning(NamedModel):
    class Meta(NamedModel.Meta):
        verbose_name = _("avertissement de contenu")
        verbose_name_plural = _("avertissements de contenu")


class WorkKind(models.TextChoices):
    FILM = "film", _("Film")
    CAPSULE = "capsule", _("Capsule vidéo")
    PODCAST = "podcast", _("Épisode de podcast")
    BODY_MAP = "body_map", _("Body map (carte corporelle)")
    PHOTOVOICE = "photovoice", _("Photo Voice")
    DRAWING = "drawing", _("Dessin")
    PERFORMANCE = "performance", _("Captation de spectacle")
    BOOK = "book", _("Livre")
    LEAFLET = "leaflet", _("Dépliant")


class Licence(models.TextChoices):
    ALL_RIGHTS = "all_rights", _("Tous droits réservés (usage du projet)")
    CC_BY_NC_ND = "cc_by_nc_nd", _("CC BY-NC-ND 4.0")
    CC_BY_NC = "cc_by_nc", _("CC BY-NC 4.0")
    CC_BY = "cc_by", _("CC BY 4.0")
    OTHER = "other", _("Autre (voir la note d'usage)")


class WorkQuerySet(models.QuerySet):
    def alive(self):
        return self.filter(trashed_at__isnull=True)

    def with_relations(self):
        return self.select_related("project", "series", "partner", "workshop").prefetch_related(
            "themes", "spoken_languages", "content_warnings"
        )


class AliveWorkManager(models.Manager.from_queryset(WorkQuerySet)):
    def get_queryset(self):
        return super().get_queryset().filter(trashed_at__isnull=True)


class Work(index.Indexed, ClusterableModel):
    """Une œuvre du fonds : film, capsule, podcast, body map, photo, dessin, livre…"""

    kind = models.CharField(_("type"), max_length=20, choices=WorkKind.choices, db_index=True)
    title_fr = models.CharField(_("titre (français)"), max_length=255)
    title_bm = models.CharField(_("titre (bambara)"), max_length=255, blank=True)
    slug = models.SlugField(_("identifiant d'URL"), max_length=120, blank=True, allow_unicode=True)
    description_fr = models.TextField(_("description (français)"), blank=True)
    description_bm = models.TextField(_("description (bambara)"), blank=True)
    # Photo Voice : les mots de l'enfant, tels quels, sans correction.
    words_verbatim = models.TextField(
        _("paroles de l'auteur·e, telles quelles"),
        blank=True,
        help_text=_("Recopiez le texte exactement, fautes comprises : il ne doit jamais être corrigé."),
    )
    words_bm = models.TextField(_("traduction en bambara des paroles"), blank=True)

    project = models.ForeignKey(
        Project, verbose_name=_("projet"), on_delete=models.PROTECT, related_name="works"
    )
    series = models.ForeignKey(
        Series, verbose_name=_("série"), null=True, blank=True, on_delete=models.SET_NULL, related_name="works"
    )
    themes = ParentalManyToManyField(Theme, verbose_name=_("thèmes"), blank=True, related_name="works")
    partner = models.ForeignKey(
        PartnerOrganisation,
        verbose_name=_("organisation partenaire"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="works",
    )
    workshop = models.ForeignKey(
        Workshop,
        verbose_name=_("atelier d'origine"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="works",
    )
    date_made = models.DateField(_("date de réalisation"), null=True, blank=True)
    date_made_text = models.CharField(
        _("date approximative"), max_length=60, blank=True, help_text=_("Par exemple « été 2022 ».")
    )
    place_made = models.CharField(_("lieu de réalisation"), max_length=200, blank=True)
    spoken_languages = ParentalManyToManyField(
        Language, verbose_name=_("langues parlées"), blank=True, related_name="works"
    )
    content_warnings = ParentalManyToManyField(
        ContentWarning, verbose_name=_("avertissements de contenu"), blank=True, related_name="works"
    )
    licence = models.CharField(_("licence"), max_length=20, choices=Licence.choices, default=Licence.ALL_RIGHTS)
    usage_note = models.TextField(_("note d'usage"), blank=True)
    duration_seconds = models.FloatField(_("durée (s)"), null=True, blank=True, editable=False)

    created_at = models.DateTimeField(_("créée le"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )
    # Identifiant stable pour l'import en masse (idempotence).
    external_id = models.CharField(_("identifiant externe"), max_length=120, blank=True, db_index=True)

    # Corbeille : une œuvre supprimée y reste 30 jours, récupérable (voir docs/deploy.md).
    trashed_at = models.DateTimeField(_("mise à la corbeille le"), null=True, blank=True, editable=False, db_index=True)

    # `objects` ne voit jamais les œuvres à la corbeille ; `all_objects` les voit toutes.
    objects = AliveWorkManager()
    all_objects = WorkQuerySet.as_manager()

    search_fields = [
        index.SearchField("title_fr", boost=3),
        index.SearchField("title_bm", boost=2),
        index.SearchField("description_fr"),
        index.SearchField("description_bm"),
        index.SearchField("words_verbatim"),
        index.SearchField("words_bm"),
        index.AutocompleteField("title_fr"),
        index.AutocompleteField("title_bm"),
        # Formes repliées (sans accents ni ponctuation) : voir media_library/search.py.
        index.SearchField("folded_titles", boost=2),
        index.SearchField("folded_texts"),
        index.AutocompleteField("folded_titles"),
        index.FilterField("id"),  # consent.access filtre les listes par identifiant (pk__in) avant la recherche
        index.FilterField("kind"),
        index.FilterField("project"),
        index.FilterField("series"),
        index.FilterField("partner"),
        index.FilterField("trashed_at"),
        index.RelatedFields("themes", [index.SearchField("name")]),
        index.RelatedFields("series", [index.SearchField("name")]),
        index.RelatedFields("workshop", [index.SearchField("name"), index.SearchField("place")]),
    ]

    def folded_titles(self):
        from .search import fold

        return fold(f"{self.title_fr} {self.title_bm}")

    def folded_texts(self):
        from .search import fold

        return fold(" ".join((self.description_fr, self.description_bm, self.words_verbatim, self.words_bm)))

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("œuvre")
        verbose_name_plural = _("œuvres")
        constraints = [
            models.UniqueConstraint(
                fields=["external_id"], condition=~models.Q(external_id=""), name="work_unique_external_id"
            )
        ]
        indexes = [
            # La liste des archives et le plan du site lisent les œuvres hors corbeille dans cet ordre : la base
            # parcourt l'index et s'arrête à la fin de la page, au lieu de filtrer puis trier tout le catalogue.
            models.Index(fields=["trashed_at", "-created_at", "-id"], condition=models.Q(trashed_at__isnull=True),
                         name="work_alive_recent_idx"),
        ]

    def __str__(self):
        return self.title_fr

    @property
    def title(self):
        return self.title_fr

    def clean(self):
        super().clean()
        if self.kind == WorkKind.PHOTOVOICE and not self.words_verbatim.strip() and self.pk:
            # Une photo Photo Voice sans les mots de l'enfant perd ce qui fait sa valeur.
            raise ValidationError(
                {"words_verbatim": _("Une photo Photo Voice doit garder les mots de l'enfant, tels quels.")}
            )

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.title_fr, allow_unicode=True)[:120] or "oeuvre"
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("media_library:work_detail", kwargs={"pk": self.pk, "slug": self.slug or "oeuvre"})

    @property
    def is_time_based(self):
        return self.kind in {WorkKind.FILM, WorkKind.CAPSULE, WorkKind.PODCAST, WorkKind.PERFORMANCE}

    def primary_file(self):
        files = [f for f in self.files.all() if f.status != MediaFile.Status.FAILED]
        return files[0] if files else None

    def playable_file(self):
        """Le premier fichier vidéo ou audio utilisable (celui que les chapitres découpent)."""
        for media in self.files.all():
            if media.status != MediaFile.Status.FAILED and media.media_type in (MediaType.VIDEO, MediaType.AUDIO):
                return media
        return None

    def get_rendition(self, kind):
        """Le rendu `kind` du fichier principal de l'œuvre (pour les gabarits), ou None."""
        media = self.primary_file()
        return media.get_rendition(kind) if media else None

    def get_chapters(self):
        return self.chapters.prefetch_related("themes").order_by("start", "pk")


def original_upload_to(instance, filename):
    ext = PurePath(filename).suffix.lower()[:10]
    return f"originals/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{ext}"


class MediaType(models.TextChoices):
    VIDEO = "video", _("Vidéo")
    AUDIO = "audio", _("Audio")
    IMAGE = "image", _("Image")
    DOCUMENT = "document", _("Document PDF")


class MediaFile(models.Model):
    """Un fichier original d'une œuvre. Il n'est jamais modifié ni écrasé.

    Le contenu est dans le stockage privé ; on n'y accède que par la porte (media_library.gate).
    """

    class Status(models.TextChoices):
        READY = "ready", _("Prêt")
        PROCESSING = "processing", _("En traitement")
        FAILED = "failed", _("Échec")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    work = models.ForeignKey(Work, verbose_name=_("œuvre"), on_delete=models.PROTECT, related_name="files")
    file = models.FileField(_("fichier"), upload_to=original_upload_to, max_length=255)
    original_filename = models.CharField(_("nom d'origine"), max_length=255)
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64, unique=True)
    size = models.BigIntegerField(_("taille (octets)"))
    mime_type = models.CharField(_("type MIME (détecté)"), max_length=100)
    media_type = models.CharField(_("nature"), max_length=10, choices=MediaType.choices)
    duration = models.FloatField(_("durée (s)"), null=True, blank=True)
    width = models.PositiveIntegerField(_("largeur"), null=True, blank=True)
    height = models.PositiveIntegerField(_("hauteur"), null=True, blank=True)
    video_codec = models.CharField(_("codec vidéo"), max_length=40, blank=True)
    audio_codec = models.CharField(_("codec audio"), max_length=40, blank=True)
    container = models.CharField(_("conteneur"), max_length=60, blank=True)
    probe = models.JSONField(_("analyse technique"), default=dict, blank=True)
    status = models.CharField(_("état"), max_length=12, choices=Status.choices, default=Status.READY)
    error = models.TextField(_("erreur"), blank=True)
    sort_order = models.PositiveIntegerField(default=0)
    uploaded_at = models.DateTimeField(_("téléversé le"), default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # L'image Wagtail associée (pour les rendus d'images : grande version, vignettes).
    image = models.OneToOneField(
        "media_library.ArchiveImage", null=True, blank=True, on_delete=models.SET_NULL, related_name="media_file"
    )

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("fichier original")
        verbose_name_plural = _("fichiers originaux")

    def __str__(self):
        return self.original_filename

    @property
    def safe_filename(self):
        from .files import safe_download_name

        return safe_download_name(self.original_filename)

    def get_serve_url(self, channel="internal", link=None):
        """URL de la porte pour l'original. Un original ne sort que sur l'archive interne (équipe) : la porte le
        décide sur ce canal quel que soit le canal de l'adresse."""
        from .links import file_url

        path = reverse("media_library:serve_original", kwargs={"uuid": self.uuid, "filename": self.safe_filename})
        return file_url(path, channel, link=link)

    @property
    def is_video(self):
        return self.media_type == MediaType.VIDEO

    @property
    def is_audio(self):
        return self.media_type == MediaType.AUDIO

    @property
    def is_image(self):
        return self.media_type == MediaType.IMAGE

    @property
    def is_document(self):
        return self.media_type == MediaType.DOCUMENT

    def get_rendition(self, kind):
        """Le rendu `kind` (« web », « phone », « poster »…) de ce fichier, ou None s'il n'existe pas encore.

        Utilise le préchargement `renditions` s'il a été fait (prefetch_related), sinon une requête.
        """
        cache = getattr(self, "_prefetched_objects_cache", {}).get("renditions")
        if cache is not None:
            return next((r for r in cache if r.kind == kind and r.chapter_id is None and r.clip_start is None), None)
        return self.renditions.filter(kind=kind, chapter__isnull=True, clip_start__isnull=True).first()

    def get_window_clip(self, start, end, kind="clip_web"):
        """L'extrait `kind` déjà fabriqué pour la fenêtre [start, end] (secondes), ou None (préchargement
        `renditions` utilisé s'il a été fait)."""
        start, end = clip_window(start, end)
        cache = getattr(self, "_prefetched_objects_cache", {}).get("renditions")
        if cache is not None:
            return next((r for r in cache if r.kind == kind and r.chapter_id is None and r.clip_start == start
                         and r.clip_end == end and r.file), None)
        return self.renditions.filter(kind=kind, chapter__isnull=True, clip_start=start, clip_end=end).exclude(
            file="").first()

    @property
    def web_rendition(self):
        return self.get_rendition("web")

    @property
    def phone_rendition(self):
        return self.get_rendition("phone")

    @property
    def poster(self):
        return self.get_rendition("poster")

    @property
    def latest_job(self):
        return self.jobs.filter(chapter__isnull=True, clip_start__isnull=True).first()


class ArchiveImage(AbstractImage):
    """Image Wagtail stockée en privé. Ses rendus passent par la porte, jamais par une URL publique."""

    alt_text = models.CharField(_("texte alternatif"), max_length=255, blank=True)
    admin_form_fields = Image.admin_form_fields + ("alt_text",)

    class Meta(AbstractImage.Meta):
        verbose_name = _("image")
        verbose_name_plural = _("images")

    @property
    def work(self):
        media_file = getattr(self, "media_file", None)
        return media_file.work if media_file else None


class ArchiveRendition(AbstractRendition):
    image = models.ForeignKey(ArchiveImage, on_delete=models.CASCADE, related_name="renditions")

    class Meta:
        unique_together = (("image", "filter_spec", "focal_point_key"),)

    @property
    def url(self):
        return self.get_serve_url()

    def get_serve_url(self, channel="website", link=None):
        from .links import file_url

        path = reverse("media_library:serve_image_rendition",
                       kwargs={"pk": self.pk, "filename": PurePath(self.file.name).name})
        return file_url(path, channel, link=link)


class ReleaseLink(models.Model):
    """Un lien signé, à durée limitée, qu'un·e commissaire remet à un·e destinataire nommé·e pour la presse
    ou la diffusion télé/radio : seule voie de sortie d'une copie sur ces canaux. Chaque fichier servi par
    ce lien est journalisé (ServedFile.release_link), comme un téléchargement : en cas de retrait, la
    responsable du consentement sait à qui demander d'effacer sa copie.
    """

    CHANNELS = ("press_social", "broadcast")

    work = models.ForeignKey(Work, verbose_name=_("œuvre"), on_delete=models.CASCADE, related_name="release_links")
    channel = models.CharField(
        _("canal"), max_length=40,
        choices=[("press_social", _("Presse et réseaux sociaux")), ("broadcast", _("Diffusion télé et radio"))],
    )
    recipient = models.CharField(_("destinataire"), max_length=200, help_text=_("Nom de la personne qui reçoit le lien."))
    organisation = models.CharField(_("média ou organisation"), max_length=200, blank=True)
    expires_at = models.DateTimeField(_("expire le"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("remis par"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("créé le"), default=timezone.now, editable=False)
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("lien presse ou diffusion")
        verbose_name_plural = _("liens presse et diffusion")

    def __str__(self):
        who = f"{self.recipient} ({self.organisation})" if self.organisation else self.recipient
        return f"{self.get_channel_display()} → {who}"

    @property
    def is_active(self):
        return self.revoked_at is None and self.expires_at > timezone.now()

    def get_absolute_url(self):
        from .links import release_token

        return reverse("media_library:release_link", kwargs={"token": release_token(self)})


class ServedFile(models.Model):
    """Journal de chaque fichier servi par la porte (qui, quoi, quel canal, quelle plage, quand).

    Sert au journal des téléchargements (retrait de consentement : qui a une copie ?) et au comptage
    des téléchargements du plan de communication. Non modifiable depuis l'administration.
    """

    created_at = models.DateTimeField(_("date"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="served_files"
    )
    work = models.ForeignKey(Work, null=True, blank=True, on_delete=models.SET_NULL, related_name="served_files")
    channel = models.CharField(_("canal"), max_length=40)
    purpose = models.CharField(_("objet servi"), max_length=80, help_text=_("original, rendu:phone, piste:fr…"))
    object_label = models.CharField(_("fichier"), max_length=255, blank=True)
    object_key = models.CharField(_("clé de l'objet"), max_length=120, blank=True, db_index=True)
    range_start = models.BigIntegerField(null=True, blank=True)
    range_end = models.BigIntegerField(null=True, blank=True)
    size = models.BigIntegerField(null=True, blank=True)
    restricted = models.BooleanField(default=True)
    allowed = models.BooleanField(default=True)
    reason = models.CharField(max_length=255, blank=True)
    release_link = models.ForeignKey(
        ReleaseLink, verbose_name=_("lien presse ou diffusion"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="served_files",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("fichier servi")
        verbose_name_plural = _("journal des fichiers servis")
        indexes = [models.Index(fields=["work", "user", "created_at"])]
        default_permissions = ("view",)

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.object_label}"


# --- Rendus, chapitres et travaux de fond (traitement des médias) -----------------------------


class RenditionKind(models.TextChoices):
    WEB = "web", _("Web")
    PHONE = "phone", _("Téléphone")
    AUDIO = "audio", _("Audio seul")
    POSTER = "poster", _("Affiche")
    THUMBS = "thumbs", _("Bande de vignettes")
    WAVEFORM = "waveform", _("Forme d'onde")
    PDF_COVER = "pdf_cover", _("Couverture du PDF")
    PDF = "pdf", _("PDF sans métadonnées")
    CLIP_WEB = "clip_web", _("Extrait web")
    CLIP_PHONE = "clip_phone", _("Extrait téléphone")
    CLIP_POSTER = "clip_poster", _("Affiche de l'extrait")
    IIIF = "iiif", _("Tuiles IIIF (zoom profond)")


def clip_window(start, end):
    """Une fenêtre d'extrait normalisée (secondes, au millième) : la même fenêtre se retrouve toujours."""
    return round(float(start), 3), round(float(end), 3)


def rendition_upload_to(instance, filename):
    # Nom imprévisible et unique à chaque encodage : un nouveau fichier ne remplace jamais l'ancien
    # sur place (l'ancien n'est supprimé qu'une fois la nouvelle ligne validée en base).
    ext = PurePath(filename).suffix.lower()[:10]
    return f"renditions/{instance.media_file.uuid.hex}/{instance.kind}-{uuid.uuid4().hex}{ext}"


class Chapter(ClusterableModel):
    """Un chapitre d'une œuvre longue (film, captation) : début, fin, titres, thèmes ; extrait possible."""

    work = models.ForeignKey(Work, verbose_name=_("œuvre"), on_delete=models.CASCADE, related_name="chapters")
    media_file = models.ForeignKey(
        MediaFile, verbose_name=_("fichier source"), on_delete=models.CASCADE, related_name="chapters"
    )
    start = models.FloatField(_("début (s)"))
    end = models.FloatField(_("fin (s)"))
    title_fr = models.CharField(_("titre (français)"), max_length=255)
    title_bm = models.CharField(_("titre (bambara)"), max_length=255, blank=True)
    themes = models.ManyToManyField(Theme, verbose_name=_("thèmes"), blank=True, related_name="chapters")
    created_at = models.DateTimeField(_("créé le"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["work", "start", "pk"]
        verbose_name = _("chapitre")
        verbose_name_plural = _("chapitres")

    def __str__(self):
        return self.title_fr

    @property
    def duration(self):
        return max(0.0, (self.end or 0) - (self.start or 0))

    @property
    def span_label(self):
        """« 0:15–1:02 » : début et fin lisibles (listes et cases à cocher des autres applications)."""
        return f"{format_timecode(self.start)}–{format_timecode(self.end)}"

    def clean(self):
        super().clean()
        errors = {}
        if self.start is not None and self.start < 0:
            errors["start"] = _("Le début du chapitre ne peut pas être négatif.")
        if self.start is not None and self.end is not None and self.end <= self.start:
            errors["end"] = _("La fin du chapitre (%(end)s) doit venir après son début (%(start)s).") % {
                "end": format_timecode(self.end),
                "start": format_timecode(self.start),
            }
        if self.media_file_id and self.work_id and self.media_file.work_id != self.work_id:
            errors["media_file"] = _("Ce fichier n'appartient pas à cette œuvre.")
        duration = self.media_file.duration if self.media_file_id else None
        if duration and self.end is not None and self.end > duration + 0.05 and "end" not in errors:
            errors["end"] = _("La fin du chapitre (%(end)s) dépasse la durée du média (%(duration)s).") % {
                "end": format_timecode(self.end),
                "duration": format_timecode(duration),
            }
        if duration and self.start is not None and self.start >= duration and "start" not in errors:
            errors["start"] = _("Le début du chapitre (%(start)s) dépasse la durée du média (%(duration)s).") % {
                "start": format_timecode(self.start),
                "duration": format_timecode(duration),
            }
        if errors:
            raise ValidationError(errors)

    def get_clip(self, kind="clip_web"):
        return self.renditions.filter(kind=kind).first()


def format_timecode(seconds):
    """« 1:02:03 » ou « 2:03,5 » : un minutage lisible pour les messages et les listes."""
    if seconds is None:
        return ""
    seconds = float(seconds)
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    whole = int(seconds)
    tenths = int(round((seconds - whole) * 10))
    if tenths == 10:
        whole, tenths = whole + 1, 0
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
    return f"{sign}{text},{tenths}" if tenths else f"{sign}{text}"


class Rendition(models.Model):
    """Un fichier dérivé d'un original (vidéo web ou téléphone, audio, affiche, vignettes, extrait…).

    Stocké en privé, servi uniquement par la porte. Une seule ligne par (original, type, chapitre) :
    relancer un traitement remplace le fichier, ne le duplique pas. `settings_hash` identifie les
    réglages du préréglage qui l'a produit : un préréglage modifié rend le rendu périmé.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    media_file = models.ForeignKey(MediaFile, on_delete=models.CASCADE, related_name="renditions")
    chapter = models.ForeignKey(Chapter, null=True, blank=True, on_delete=models.CASCADE, related_name="renditions")
    kind = models.CharField(_("type"), max_length=20, choices=RenditionKind.choices)
    settings_hash = models.CharField(_("empreinte des réglages"), max_length=64)
    file = models.FileField(_("fichier"), upload_to=rendition_upload_to, max_length=255)
    mime_type = models.CharField(_("type MIME"), max_length=100)
    size = models.BigIntegerField(_("taille (octets)"), default=0)
    duration = models.FloatField(_("durée (s)"), null=True, blank=True)
    width = models.PositiveIntegerField(_("largeur"), null=True, blank=True)
    height = models.PositiveIntegerField(_("hauteur"), null=True, blank=True)
    # Données propres au type : instants des vignettes, etc.
    meta = models.JSONField(default=dict, blank=True)
    # Conditions de consentement vérifiables sur l'objet servi (« flouté », pas seulement « promis »).
    is_blurred = models.BooleanField(_("visages floutés"), default=False)
    voice_altered = models.BooleanField(_("voix modifiée"), default=False)
    # Un extrait : la fenêtre [début, fin] de l'original (secondes) que contiennent ses octets, notée à la
    # fabrication. La politique du consentement décide l'extrait par les seules personnes de cette fenêtre
    # (`consent_segment`) ; un rendu sans fenêtre est l'œuvre entière.
    clip_start = models.FloatField(_("début de l'extrait (s)"), null=True, blank=True)
    clip_end = models.FloatField(_("fin de l'extrait (s)"), null=True, blank=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)

    class Meta:
        ordering = ["media_file", "kind"]
        verbose_name = _("rendu")
        verbose_name_plural = _("rendus")
        constraints = [
            models.UniqueConstraint(
                fields=["media_file", "kind"], condition=models.Q(chapter__isnull=True, clip_start__isnull=True),
                name="rendition_unique_kind"
            ),
            # Un extrait d'exposition (fenêtre sans chapitre) : une ligne par fenêtre.
            models.UniqueConstraint(
                fields=["media_file", "kind", "clip_start", "clip_end"],
                condition=models.Q(chapter__isnull=True, clip_start__isnull=False),
                name="rendition_unique_window",
            ),
            models.UniqueConstraint(
                fields=["media_file", "kind", "chapter"],
                condition=models.Q(chapter__isnull=False),
                name="rendition_unique_clip_kind",
            ),
        ]

    def __str__(self):
        label = self.get_kind_display()
        if self.chapter_id:
            label = f"{label} · {self.chapter}"
        return f"{self.media_file} · {label}"

    @property
    def work(self):
        return self.media_file.work

    @property
    def consent_segment(self):
        """La fenêtre servie, pour la politique (variante) : None pour un rendu de l'œuvre entière."""
        if self.clip_start is None or self.clip_end is None:
            return None
        return (self.clip_start, self.clip_end)

    @property
    def download_name(self):
        from .files import safe_download_name

        stem = PurePath(self.media_file.safe_filename).stem
        if self.chapter_id:
            stem = f"{stem}-{slugify(self.chapter.title_fr)[:40] or 'extrait'}"
        elif self.clip_start is not None:
            stem = f"{stem}-extrait-{int(self.clip_start * 1000)}-{int((self.clip_end or 0) * 1000)}"
        ext = PurePath(self.file.name).suffix
        return safe_download_name(f"{stem}-{self.kind}{ext}")

    def get_serve_url(self, channel="website", link=None):
        from .links import file_url

        path = reverse("media_library:serve_rendition", kwargs={"uuid": self.uuid, "filename": self.download_name})
        return file_url(path, channel, link=link)

    @property
    def url(self):
        return self.get_serve_url()

    @property
    def is_video(self):
        return self.mime_type.startswith("video/")

    @property
    def is_audio(self):
        return self.mime_type.startswith("audio/")


class ProcessingJob(models.Model):
    """Un travail de fond visible par l'équipe : fabriquer les rendus d'un original, ou un extrait."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("En attente")
        RUNNING = "running", _("En cours")
        DONE = "done", _("Terminé")
        FAILED = "failed", _("Échec")

    class Kind(models.TextChoices):
        RENDITIONS = "renditions", _("Rendus")
        CLIP = "clip", _("Extrait d'un chapitre")

    media_file = models.ForeignKey(MediaFile, on_delete=models.CASCADE, related_name="jobs", verbose_name=_("fichier"))
    chapter = models.ForeignKey(
        Chapter, null=True, blank=True, on_delete=models.CASCADE, related_name="jobs", verbose_name=_("chapitre")
    )
    kind = models.CharField(_("travail"), max_length=20, choices=Kind.choices, default=Kind.RENDITIONS)
    # Extrait d'une exposition (sans chapitre) : la fenêtre à couper, en secondes.
    clip_start = models.FloatField(_("début de l'extrait (s)"), null=True, blank=True)
    clip_end = models.FloatField(_("fin de l'extrait (s)"), null=True, blank=True)
    # Types de rendus demandés ; vide = tous ceux qui conviennent au fichier.
    rendition_kinds = models.JSONField(_("rendus demandés"), default=list, blank=True)
    force = models.BooleanField(_("refaire même si à jour"), default=False)
    status = models.CharField(_("état"), max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    progress = models.FloatField(_("avancement (%)"), default=0)
    step = models.CharField(_("étape"), max_length=120, blank=True)
    error = models.TextField(_("raison de l'échec"), blank=True)
    attempts = models.PositiveIntegerField(_("tentatives"), default=0)
    task_result_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now, db_index=True)
    started_at = models.DateTimeField(_("commencé le"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("dernier signe de vie"), null=True, blank=True)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("travail de fond")
        verbose_name_plural = _("travaux de fond")

    def __str__(self):
        target = self.chapter or self.media_file
        return f"{self.get_kind_display()} · {target}"

    @property
    def is_active(self):
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def can_retry(self):
        return self.status == self.Status.FAILED
