"""Montrer une exposition : tout ce qu'une page montre, préparé pour UNE requête.

`Exhibit.for_page(page, request)` (appelé par `ExhibitionPage.get_context`, par le câblage de
`exhibitions.wiring`) et `Exhibit.for_works(works, request)` (page d'écoute d'un QR code, accueil,
aperçu d'un bloc dans l'admin) : les décisions d'accès du consentement prises maintenant, en lot ;
fichiers, sous-titres, chapitres préchargés. Les gabarits des blocs demandent `exhibit.item(œuvre)`.

Aucune règle d'accès n'est écrite ici : chaque décision vient de la politique du consentement (par
`integrations.decide_many`, la même évaluation que `decide`, chargée en lot) ou de la porte.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.template.loader import select_template

from consent import epoch
from consent.access import Decision, Segment
from consent.channels import Channel
from consent.policy import policy

from .. import integrations
from ..blocks import known_works
from ..contents import block_images, collect_refs, iter_blocks, raw_work_ids

logger = logging.getLogger(__name__)

IMAGE_SPEC = "max-1200x1200"
LARGE_SPEC = "max-2400x2400"
# Téléphone (360 px de large, densité 2) : la version que `srcset` fait choisir à un petit écran.
PHONE_SPEC = "max-720x720"
THUMB_SPEC = "fill-480x270"
THUMB_SMALL_SPEC = "fill-240x135"


@dataclass
class Item:
    """Une œuvre telle que la page peut la montrer à cette requête (ou un encart neutre)."""

    work: object
    decision: Decision
    kind: str = "none"  # video | audio | image | document | none
    src: str = ""
    mime: str = ""
    poster: str = ""
    width: int | None = None
    height: int | None = None
    tracks: list = field(default_factory=list)
    chapters: list = field(default_factory=list)
    transcript: str = ""
    image: object = None  # rendu Wagtail (url, width, height)
    phone: object = None  # le même, pour un téléphone (srcset)
    large: object = None
    author: str = ""
    words_fr: str = ""
    words_bm: str = ""

    @property
    def allowed(self):
        return self.decision.allowed

    @property
    def labels(self):
        return [label for label in self.decision.labels if getattr(label, "public", True)]


def rendition_or_none(image, spec):
    """Le rendu Wagtail `spec` d'une image (gardé sous l'époque : une image changée la change), ou None."""
    if image is None:
        return None
    if image.pk is None:
        return _rendition_or_none(image, spec)
    return epoch.memo(("rendu-image", image.pk, spec), lambda: _rendition_or_none(image, spec))


def _rendition_or_none(image, spec):
    try:
        return image.get_rendition(spec)
    except Exception:  # noqa: BLE001 - une image illisible ne casse pas la page
        logger.exception("Rendu d'image impossible (%s, %s)", image.pk, spec)
        return None


def _images_with_renditions(image_pks, known):
    """{pk: ArchiveImage} avec leurs rendus préchargés : une requête pour les rendus, une de plus seulement pour
    des images qui ne viennent pas des fichiers déjà lus."""
    from django.db.models import Prefetch, prefetch_related_objects

    from media_library.models import ArchiveImage

    found = dict(known)
    missing = [pk for pk in image_pks if pk not in found]
    if missing:
        found.update((img.pk, img) for img in ArchiveImage.objects.filter(pk__in=missing))
    # Comme `prefetch_renditions()` de Wagtail (même attribut : `get_rendition` y cherche d'abord).
    pending = [img for img in found.values() if not hasattr(img, "prefetched_renditions")]
    if pending:
        prefetch_related_objects(pending, Prefetch(
            "renditions", queryset=ArchiveImage.get_rendition_model().objects.all(), to_attr="prefetched_renditions"))
    return found


class Exhibit:
    """Les œuvres d'une page, décidées et préchargées pour une requête (nombre de requêtes borné)."""

    def __init__(self, request, works, image_work, *, channel=Channel.WEBSITE, preview=False, images=(), clips=()):
        self.request = request
        self.channel = Channel(channel)
        self.preview = preview
        user = getattr(request, "user", None) or AnonymousUser()
        self.user = user
        self.works = works
        # Aperçu dans l'admin : la politique montre aussi ce que le public ne verra pas, signalé.
        self.decisions = integrations.decide_many(user, list(works.values()), self.channel, preview=preview)
        # Les extraits (blocs « Extrait ») : chacun décidé pour sa fenêtre (seules les personnes qui y
        # paraissent comptent), dès maintenant (la page dit « plus rien de visible » avant ses blocs).
        self._clip_decisions = {}
        self._clip_items = {}
        for work_pk, start, end in clips:
            if work_pk in works:
                self.clip_decision(works[work_pk], start, end)
        self.image_work = image_work
        self.tracks = integrations.subtitle_tracks(works.values())
        self.transcripts = integrations.transcripts(works.values())
        self.authors = integrations.pseudonyms(works.values())
        # Toutes les images (des œuvres et des blocs) avec leurs rendus, en une fois : celles des fichiers des
        # œuvres sont déjà lues avec eux (`prefetch_works`) ; seules les autres (images des blocs) sont lues ici.
        known = {}
        for work in works.values():
            for media in work.files.all():
                if media.image_id and media.image is not None:
                    known[media.image_id] = media.image
        image_pks = tuple(sorted({pk for pk in images if pk is not None} | set(known)))
        self.images = dict(epoch.memo(("images", image_pks), lambda: _images_with_renditions(image_pks, known))) \
            if image_pks else {}
        self._items = {}
        self._fingerprint = None
        self.placeholder_template = select_template(
            ["consent/includes/placeholder.html", "exhibitions/includes/placeholder.html"]
        ).template.name

    @property
    def nothing_visible(self):
        """Vrai si la page cite des œuvres et qu'aucune n'est visible de ce visiteur (par exemple une
        exposition dont la seule œuvre a été retirée) : la page le dit au lieu d'être vide."""
        return bool(self.works) and not any(d is not None and d.allowed for d in self.decisions.values()) and not any(
            d.allowed for d in self._clip_decisions.values())

    # -- construction --------------------------------------------------------------------------
    @classmethod
    def for_page(cls, page, request):
        preview = bool(getattr(request, "is_preview", False))
        if preview or page.pk is None:
            where, image_work = collect_refs(page)
            cited = {}
        else:  # la page publiée (son contenu change l'époque) : ses références gardées sous l'époque
            # Les œuvres citées par les blocs, lues UNE fois avec leurs fichiers, rendus et chapitres (d'après le
            # contenu brut) ; la conversion des blocs les reprend (au lieu d'une lecture par type de bloc).
            cited_ids = raw_work_ids(page)
            cited = integrations.prefetch_works(cited_ids)
            with known_works(cited, cited_ids):
                where, image_work = epoch.memo(("references", page.pk, page.latest_revision_id),
                                               lambda: collect_refs(page))
                image_work = dict(image_work)
                blocks = list(iter_blocks(page))
        work_pks = set(where) | set(image_work.values())
        images = set(image_work)
        if preview or page.pk is None:
            blocks = list(iter_blocks(page))
        for _room, block_type, value in blocks:
            images.update(img.pk for img in block_images(block_type, value))
        clips = [(value["work"].pk, value["start"], value["end"]) for _room, block_type, value in blocks
                 if block_type == "chapter_clip" and value.get("work") is not None
                 and value.get("start") is not None and value.get("end") is not None]
        # Seules les œuvres citées autrement (par une image seulement) sont lues en plus.
        extra = work_pks - set(cited)
        works = {pk: w for pk, w in cited.items() if pk in work_pks}
        if extra:
            works.update(integrations.prefetch_works(extra))
        return cls(request, works, image_work, channel=page.display_channel, preview=preview, images=images,
                   clips=clips)

    @classmethod
    def for_works(cls, works_qs, request, *, channel=Channel.WEBSITE):
        works = integrations.prefetch_works([w.pk for w in works_qs])
        return cls(request, works, {}, channel=channel)

    # -- état ----------------------------------------------------------------------------------
    def room_key(self, page, section):
        """La clé sous laquelle le HTML d'une salle de `page` peut être gardé (mémo du processus, sous l'époque),
        ou None quand il ne doit pas l'être (aperçu, page non enregistrée, salle sans identifiant).

        Le HTML d'une salle ne dépend que de : la révision publiée de la page et la salle ; la langue ; le canal
        de la page ; CE QUE DISENT les décisions de cette requête (autorisé ou non, étiquettes, conditions) ; les
        faits que l'époque couvre (fichiers, rendus, pistes, transcriptions) ; et, hors du site web, la minute
        du jeton des adresses (`links._MinuteSigner`). Deux visiteurs dont les décisions disent la même chose
        obtiennent la même salle ; une décision qui change (retrait, expiration, un compte qui voit plus)
        change la clé. L'époque vide le mémo à tout changement, le jour aussi (`epoch.memo`)."""
        if self.preview or page is None or page.pk is None or not getattr(section, "id", None):
            return None
        if self._fingerprint is None:
            self._fingerprint = (
                tuple(sorted((pk, policy.outcome_key(d)) for pk, d in self.decisions.items())),
                tuple(sorted((k, policy.outcome_key(d)) for k, d in self._clip_decisions.items())),
            )
        from django.utils.translation import get_language

        minute = None if self.channel == Channel.WEBSITE else int(time.time()) // 60
        return ("salle", page.pk, page.latest_revision_id, str(section.id), get_language(), self.channel.value,
                minute, self._fingerprint)

    @property
    def restricted(self):
        return any(d.restricted for d in self.decisions.values()) or self.preview

    def decision(self, work):
        if work is None:
            return policy.absent()
        return self.decisions[work.pk] if work.pk in self.decisions else policy.absent()

    # -- éléments montrés ----------------------------------------------------------------------
    def item(self, work):
        if work is None:
            return None
        if work.pk in self._items:
            return self._items[work.pk]
        full = self.works.get(work.pk, work)
        decision = self.decision(full)
        item = Item(work=full, decision=decision)
        if decision.allowed:
            self._fill(item, full, decision)
        self._items[work.pk] = item
        return item

    def _fill(self, item, work, decision):
        channel = self.channel
        flags = frozenset(getattr(decision, "required_variant_flags", ()) or ())
        item.author = self.authors.get(work.pk, "")
        item.words_fr = work.words_verbatim
        item.words_bm = work.words_bm
        media = integrations.playable(work)
        if media is not None:
            web = integrations.rendition(media, "web", flags)
            if web is not None:
                item.src, item.mime, item.width, item.height = web.get_serve_url(channel), web.mime_type, web.width, web.height
            elif policy.admits_flags(flags, media):
                # Pas encore de rendu web : l'original, servi par la porte (repli).
                item.src, item.mime = media.get_serve_url(channel), media.mime_type
                item.width, item.height = media.width, media.height
            if item.src:
                item.kind = "video" if media.media_type == "video" else "audio"
                poster = integrations.rendition(media, "poster", flags) if item.kind == "video" else None
                item.poster = poster.get_serve_url(channel) if poster else ""
                item.tracks = [
                    {
                        "src": t.get_serve_url(channel, "vtt"),
                        "srclang": t.language,
                        "label": t.get_language_display(),
                        "default": i == 0,
                    }
                    for i, t in enumerate(self.tracks.get(work.pk, []))
                ]
                item.chapters = list(work.chapters.all()) if hasattr(work, "chapters") else []
                item.transcript = self.transcripts.get(work.pk, "")
                return
        image_media = integrations.image_file(work)
        if image_media is not None and policy.admits_flags(flags, image_media):
            image = self.images.get(image_media.image_id)
            item.image = rendition_or_none(image, IMAGE_SPEC)
            item.phone = rendition_or_none(image, PHONE_SPEC)
            item.large = rendition_or_none(image, LARGE_SPEC)
            if item.image is not None:
                item.kind = "image"
                return
        for media in work.files.all():
            if media.media_type == "document" and policy.admits_flags(flags, media):
                item.kind, item.src = "document", media.get_serve_url(channel)
                return

    def clip_decision(self, work, start, end):
        """La décision pour l'extrait [start, end] de `work` : les seules personnes qui y paraissent."""
        key = (work.pk, float(start), float(end))
        if key not in self._clip_decisions:
            decision = policy.decide(self.user, work, self.channel, variant=Segment(float(start), float(end)))
            whole = self.decision(work)
            if not decision.allowed and self.preview and whole.allowed:
                decision = whole  # aperçu : montré à l'équipe, signalé « non visible du public »
            self._clip_decisions[key] = decision
        return self._clip_decisions[key]

    def clip_item(self, work, start, end):
        """L'extrait tel que cette requête peut le voir : le rendu coupé à sa fenêtre (jamais le fichier
        entier : ses octets montreraient les autres chapitres), ou « en préparation » (kind="preparing")."""
        if work is None or start is None or end is None:
            return None
        full = self.works.get(work.pk, work)
        key = (full.pk, float(start), float(end))
        if key in self._clip_items:
            return self._clip_items[key]
        decision = self.clip_decision(full, start, end)
        item = Item(work=full, decision=decision)
        if decision.allowed:
            item.kind = "preparing"
            flags = frozenset(getattr(decision, "required_variant_flags", ()) or ())
            media = integrations.playable(full)
            clip = media.get_window_clip(start, end) if media is not None else None
            if clip is not None and (not flags or policy.admits_flags(flags, clip)):
                item.src, item.mime, item.width, item.height = (
                    clip.get_serve_url(self.channel), clip.mime_type, clip.width, clip.height)
                item.kind = "video" if media.media_type == "video" else "audio"
                # Son affiche, prise dans sa fenêtre (jamais celle du film entier : d'autres y paraissent).
                poster = media.get_window_clip(start, end, "clip_poster") if item.kind == "video" else None
                if poster is not None and (not flags or policy.admits_flags(flags, poster)):
                    item.poster = poster.get_serve_url(self.channel)
                # Ses sous-titres : les répliques de sa fenêtre seule, décidées pour elle (comme l'extrait).
                item.tracks = [
                    {"src": t.get_window_url(start, end, self.channel), "srclang": t.language,
                     "label": t.get_language_display(), "default": i == 0}
                    for i, t in enumerate(self.tracks.get(full.pk, []))
                ]
        self._clip_items[key] = item
        return item

    def image(self, image, spec=IMAGE_SPEC):
        """Le rendu d'une image choisie dans un bloc, ou None si l'œuvre dont elle vient n'est pas autorisée."""
        if image is None:
            return None
        work_pk = self.image_work.get(image.pk)
        if work_pk is not None:
            work = self.works.get(work_pk)
            if work is None or not self.decision(work).allowed:
                return None
        return rendition_or_none(self.images.get(image.pk, image), spec)

    def image_allowed(self, image):
        if image is None:
            return False
        work_pk = self.image_work.get(image.pk)
        return work_pk is None or (work_pk in self.works and self.decision(self.works[work_pk]).allowed)
