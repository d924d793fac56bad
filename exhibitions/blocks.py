"""Blocs des expositions (StreamField). Tout est bilingue : français d'abord, bambara (bm) ensuite.

Chaque bloc a `icon`, `template` et `preview_value`. Les blocs qui montrent une œuvre ne décident
rien eux-mêmes : leur gabarit demande l'élément préparé par `exhibitions.flows.render_exhibition.Exhibit`, qui a
déjà appelé la fonction d'accès du consentement pour la requête en cours.

Toute image a un texte alternatif obligatoire dans l'administration.
"""

import contextlib
import contextvars
import copy

from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock

from media_library.models import MediaType, Work, WorkKind

TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul", "h3"]


def _sample_work(*kinds):
    """Une œuvre d'exemple pour l'aperçu des blocs dans l'administration (ou None)."""
    try:
        from consent.channels import Channel
        from consent.policy import policy

        qs = Work.objects.all()
        if kinds:
            qs = qs.filter(kind__in=kinds)
        # Seulement une œuvre que le public peut voir : l'aperçu ne montre rien de réservé.
        return policy.visible(None, Channel.WEBSITE, qs).order_by("pk").first()
    except Exception:  # noqa: BLE001 - l'aperçu ne doit jamais casser l'éditeur
        return None


# Les œuvres déjà lues pour la page en cours de conversion ({pk: œuvre, ou None si absente de `Work.objects`}) :
# les blocs les reprennent au lieu d'une lecture par type de bloc (`known_works`).
_KNOWN_WORKS = contextvars.ContextVar("paroles_known_works", default=None)


@contextlib.contextmanager
def known_works(works, ids):
    """Pendant la conversion d'un contenu : les œuvres `ids` sont celles de `works` ({pk: œuvre} lu par
    `Work.objects`, le même gestionnaire que le bloc ; un identifiant absent de `works` n'existe pas ou est à la
    corbeille, le bloc vaut alors None, comme sans ce raccourci)."""
    token = _KNOWN_WORKS.set({pk: works.get(pk) for pk in ids})
    try:
        yield
    finally:
        _KNOWN_WORKS.reset(token)


class WorkChooser(SnippetChooserBlock):
    def __init__(self, **kwargs):
        super().__init__("media_library.Work", **kwargs)

    def bulk_to_python(self, values):
        known = _KNOWN_WORKS.get()
        if known is None or not all(v is None or v in known for v in values):
            return super().bulk_to_python(values)
        # Même réponse que `ChooserBlock.bulk_to_python` : l'ordre gardé, une copie pour un doublon.
        seen, result = set(), []
        for pk in values:
            obj = known.get(pk) if pk is not None else None
            if obj is not None and pk in seen:
                obj = copy.copy(obj)
            result.append(obj)
            seen.add(pk)
        return result


class AltTextMixin:
    """Exige un texte alternatif dès qu'une image est montrée (choisie ou venant de l'œuvre)."""

    alt_field = "alt_fr"

    def _needs_alt(self, value):
        if value.get("image"):
            return True
        work = value.get("work")
        if work is not None:
            return any(f.media_type == MediaType.IMAGE for f in work.files.all())
        return False

    def clean(self, value):
        value = super().clean(value)
        if self._needs_alt(value) and not (value.get(self.alt_field) or "").strip():
            raise blocks.StructBlockValidationError(
                block_errors={
                    self.alt_field: ErrorList(
                        [ValidationError(_("Décrivez l'image pour les personnes qui ne la voient pas (texte alternatif)."))]
                    )
                }
            )
        return value


class BilingualTextBlock(blocks.StructBlock):
    text_fr = blocks.RichTextBlock(label=_("texte (français)"), features=TEXT_FEATURES)
    text_bm = blocks.RichTextBlock(label=_("texte (bambara)"), features=TEXT_FEATURES, required=False)

    class Meta:
        icon = "doc-full"
        label = _("Texte")
        template = "exhibitions/blocks/text.html"
        preview_value = {
            "text_fr": "<p>Ces cartes corporelles ont été peintes à taille réelle par des femmes du site de Faladié.</p>",
            "text_bm": "<p>Musow ye nin bɔlɔlɔ jaw ja Faladie.</p>",
        }
        description = _("Un texte de salle, en français et en bambara.")


class WorkBlock(AltTextMixin, blocks.StructBlock):
    """Une œuvre : vidéo (sous-titres, chapitres), audio (transcription) ou image."""

    work = WorkChooser(label=_("œuvre"))
    caption_fr = blocks.TextBlock(label=_("légende (français)"), required=False)
    caption_bm = blocks.TextBlock(label=_("légende (bambara)"), required=False)
    alt_fr = blocks.CharBlock(
        label=_("texte alternatif (français)"), required=False, max_length=255,
        help_text=_("Obligatoire si l'œuvre est une image."),
    )
    alt_bm = blocks.CharBlock(label=_("texte alternatif (bambara)"), required=False, max_length=255)
    author = blocks.CharBlock(
        label=_("auteur·e (pseudonyme)"), required=False, max_length=120,
        help_text=_("Utilisé si aucun·e auteur·e n'est enregistré·e au consentement. Jamais un nom légal."),
    )
    show_chapters = blocks.BooleanBlock(label=_("afficher les chapitres"), required=False, default=True)
    show_transcript = blocks.BooleanBlock(label=_("afficher la transcription"), required=False, default=True)

    class Meta:
        icon = "media"
        label = _("Œuvre")
        template = "exhibitions/blocks/work.html"
        preview_value = {"caption_fr": "Une œuvre du fonds, avec ses sous-titres.", "show_chapters": True}
        description = _("Une vidéo avec sous-titres et chapitres, un audio avec sa transcription, ou une image.")

    def get_preview_value(self):
        value = dict(self.meta.preview_value)
        value["work"] = _sample_work(WorkKind.CAPSULE, WorkKind.FILM)
        return self.to_python({**value, "work": value["work"].pk if value["work"] else None})


class PhotoVoiceBlock(AltTextMixin, blocks.StructBlock):
    """La photo d'un enfant et ses mots, tels quels (jamais corrigés), avec traduction bambara facultative."""

    work = WorkChooser(label=_("œuvre Photo Voice"))
    image = ImageChooserBlock(
        label=_("photo"), required=False, help_text=_("Laissez vide pour prendre la photo de l'œuvre.")
    )
    alt_fr = blocks.CharBlock(label=_("texte alternatif (français)"), max_length=255)
    alt_bm = blocks.CharBlock(label=_("texte alternatif (bambara)"), required=False, max_length=255)
    words_verbatim = blocks.TextBlock(
        label=_("mots de l'enfant, tels quels"), required=False,
        help_text=_("Laissez vide pour reprendre les mots enregistrés sur l'œuvre. Ne corrigez jamais ce texte."),
    )
    author = blocks.CharBlock(
        label=_("auteur·e (pseudonyme)"), required=False, max_length=120,
        help_text=_("Utilisé si aucun·e auteur·e n'est enregistré·e au consentement. Jamais un nom légal."),
    )
    words_bm = blocks.TextBlock(label=_("traduction en bambara"), required=False)

    class Meta:
        icon = "image"
        label = _("Photo Voice")
        template = "exhibitions/blocks/photovoice.html"
        preview_value = {
            "alt_fr": "Une photo prise par une enfant du site de Faladié.",
            "words_verbatim": "moi je veu allé a lécole pour devenir docteur",
        }
        description = _("La photo et les mots de l'enfant, sans correction.")

    def _needs_alt(self, value):
        return True

    def clean(self, value):
        value = super().clean(value)
        work = value.get("work")
        if work is not None and not (value.get("words_verbatim") or work.words_verbatim).strip():
            raise blocks.StructBlockValidationError(
                block_errors={
                    "words_verbatim": ErrorList(
                        [ValidationError(_("Une photo Photo Voice se montre avec les mots de l'enfant."))]
                    )
                }
            )
        return value

    def get_preview_value(self):
        work = _sample_work(WorkKind.PHOTOVOICE)
        return self.to_python({**self.meta.preview_value, "work": work.pk if work else None})


class BodyMapDetailBlock(blocks.StructBlock):
    x = blocks.DecimalBlock(label=_("position horizontale (%)"), min_value=0, max_value=100, decimal_places=1)
    y = blocks.DecimalBlock(label=_("position verticale (%)"), min_value=0, max_value=100, decimal_places=1)
    title_fr = blocks.CharBlock(label=_("détail (français)"), max_length=120)
    title_bm = blocks.CharBlock(label=_("détail (bambara)"), max_length=120, required=False)
    text_fr = blocks.TextBlock(label=_("explication (français)"), required=False)
    text_bm = blocks.TextBlock(label=_("explication (bambara)"), required=False)
    # Région du détail (manifeste IIIF : annotation sur #xywh=…), centrée sur le point ; vide = un carré
    # de 8 % de la largeur.
    w = blocks.DecimalBlock(label=_("largeur de la région (%)"), required=False, min_value=0.5, max_value=100,
                            decimal_places=1)
    h = blocks.DecimalBlock(label=_("hauteur de la région (%)"), required=False, min_value=0.5, max_value=100,
                            decimal_places=1)

    class Meta:
        icon = "pick"
        label = _("Détail numéroté")


class BodyMapBlock(AltTextMixin, blocks.StructBlock):
    """Une grande image à agrandir et déplacer, avec des détails numérotés expliqués."""

    work = WorkChooser(label=_("body map"))
    image = ImageChooserBlock(label=_("image"), required=False, help_text=_("Laissez vide pour l'image de l'œuvre."))
    alt_fr = blocks.CharBlock(label=_("texte alternatif (français)"), max_length=255)
    alt_bm = blocks.CharBlock(label=_("texte alternatif (bambara)"), required=False, max_length=255)
    author = blocks.CharBlock(
        label=_("auteur·e (pseudonyme)"), required=False, max_length=120,
        help_text=_("Utilisé si aucun·e auteur·e n'est enregistré·e au consentement. Jamais un nom légal."),
    )
    intro_fr = blocks.TextBlock(label=_("présentation (français)"), required=False)
    intro_bm = blocks.TextBlock(label=_("présentation (bambara)"), required=False)
    details = blocks.ListBlock(BodyMapDetailBlock(), label=_("détails numérotés"), default=[])

    class Meta:
        icon = "user"
        label = _("Body map")
        template = "exhibitions/blocks/body_map.html"
        preview_value = {
            "alt_fr": "Silhouette peinte à taille réelle, couverte de symboles.",
            "details": [
                {"x": 50, "y": 20, "title_fr": "La tête", "text_fr": "Les souvenirs du village."},
                {"x": 45, "y": 60, "title_fr": "Les pieds", "text_fr": "La route jusqu'à Bamako."},
            ],
        }
        description = _("Une grande image qu'on agrandit et déplace, avec des détails numérotés.")

    def _needs_alt(self, value):
        return True

    def get_preview_value(self):
        work = _sample_work(WorkKind.BODY_MAP)
        return self.to_python({**self.meta.preview_value, "work": work.pk if work else None})


class QuoteBlock(blocks.StructBlock):
    text_fr = blocks.TextBlock(label=_("citation (français)"))
    text_bm = blocks.TextBlock(label=_("citation (bambara)"), required=False)
    attribution = blocks.CharBlock(
        label=_("attribution (pseudonyme)"), required=False, max_length=120,
        help_text=_("Jamais un nom légal."),
    )
    work = WorkChooser(label=_("œuvre d'origine"), required=False,
                       help_text=_("Si la citation vient d'une œuvre, elle suit son consentement."))

    class Meta:
        icon = "openquote"
        label = _("Témoignage")
        template = "exhibitions/blocks/quote.html"
        preview_value = {
            "text_fr": "On nous regarde enfin comme des personnes.",
            "text_bm": "U b'an filɛ sisan i ko mɔgɔw.",
            "attribution": "Awa",
        }
        description = _("Une citation de témoignage, en français et en bambara.")


class GalleryImageBlock(AltTextMixin, blocks.StructBlock):
    image = ImageChooserBlock(label=_("image"))
    alt_fr = blocks.CharBlock(label=_("texte alternatif (français)"), max_length=255)
    alt_bm = blocks.CharBlock(label=_("texte alternatif (bambara)"), required=False, max_length=255)
    caption_fr = blocks.CharBlock(label=_("légende (français)"), required=False, max_length=255)
    caption_bm = blocks.CharBlock(label=_("légende (bambara)"), required=False, max_length=255)

    class Meta:
        icon = "image"
        label = _("Image")


class GalleryBlock(blocks.StructBlock):
    title_fr = blocks.CharBlock(label=_("titre (français)"), required=False, max_length=200)
    title_bm = blocks.CharBlock(label=_("titre (bambara)"), required=False, max_length=200)
    images = blocks.ListBlock(GalleryImageBlock(), label=_("images"), min_num=1)

    class Meta:
        icon = "image"
        label = _("Galerie")
        template = "exhibitions/blocks/gallery.html"
        preview_value = {"title_fr": "Dessins des enfants des rues", "images": []}
        description = _("Plusieurs images avec texte alternatif et légende.")


class ChapterClipBlock(blocks.StructBlock):
    """Un chapitre d'un film long, montré seul (extrait)."""

    work = WorkChooser(label=_("film ou vidéo"))
    title_fr = blocks.CharBlock(label=_("titre (français)"), max_length=200)
    title_bm = blocks.CharBlock(label=_("titre (bambara)"), required=False, max_length=200)
    start = blocks.FloatBlock(label=_("début (secondes)"), min_value=0)
    end = blocks.FloatBlock(label=_("fin (secondes)"), min_value=0)
    note_fr = blocks.TextBlock(label=_("présentation (français)"), required=False)
    note_bm = blocks.TextBlock(label=_("présentation (bambara)"), required=False)

    class Meta:
        icon = "time"
        label = _("Extrait (chapitre)")
        template = "exhibitions/blocks/chapter_clip.html"
        preview_value = {"title_fr": "Le départ", "start": 0, "end": 30}
        description = _("Un chapitre d'un film, pour le montrer seul.")

    def clean(self, value):
        value = super().clean(value)
        if value.get("end") is not None and value.get("start") is not None and value["end"] <= value["start"]:
            raise blocks.StructBlockValidationError(
                block_errors={"end": ErrorList([ValidationError(_("La fin doit venir après le début."))])}
            )
        return value

    def get_preview_value(self):
        work = _sample_work(WorkKind.FILM)
        return self.to_python({**self.meta.preview_value, "work": work.pk if work else None})


class ContentBlock(blocks.StreamBlock):
    work = WorkBlock()
    photovoice = PhotoVoiceBlock()
    body_map = BodyMapBlock()
    quote = QuoteBlock()
    text = BilingualTextBlock()
    gallery = GalleryBlock()
    chapter_clip = ChapterClipBlock()


class SectionBlock(blocks.StructBlock):
    """Une salle (ou section) de l'exposition."""

    title_fr = blocks.CharBlock(label=_("titre de la salle (français)"), max_length=200)
    title_bm = blocks.CharBlock(label=_("titre de la salle (bambara)"), required=False, max_length=200)
    intro_fr = blocks.TextBlock(label=_("introduction (français)"), required=False)
    intro_bm = blocks.TextBlock(label=_("introduction (bambara)"), required=False)
    content = ContentBlock(label=_("contenu"))

    class Meta:
        icon = "placeholder"
        label = _("Salle")
        template = "exhibitions/blocks/section.html"
        preview_value = {
            "title_fr": "Salle 1 : le voyage",
            "title_bm": "So 1 : taama",
            "intro_fr": "Les cartes corporelles racontent le chemin.",
            "content": [],
        }
        description = _("Une salle de l'exposition, avec ses œuvres et ses textes.")


# Les types de blocs qui portent une œuvre (utilisés pour la validation et le rendu groupé).
WORK_BLOCK_TYPES = {"work", "photovoice", "body_map", "quote", "chapter_clip"}
