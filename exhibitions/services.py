"""Les règles des expositions et de la boîte à outils, appelées par les pages, l'admin et les commandes.

- `check_publication(page)` : les œuvres qui empêchent de publier une exposition, avec la raison.
- `Exhibit` : tout ce qu'une page d'exposition montre, préparé pour UNE requête (décisions d'accès
  du consentement prises maintenant, en lot ; fichiers, sous-titres, chapitres préchargés).
- `toolkit_entries` : les supports d'une boîte à outils et les fichiers que CET·TE animateur·rice peut
  télécharger (organisation destinataire + décision du consentement, variante par variante).

Aucune règle d'accès n'est écrite ici : chaque décision vient de `consent.access` (par
`integrations.decide_many`, la même évaluation que `decide`, chargée en lot) ou de la porte.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.template.loader import select_template
from django.utils import timezone
from django.utils.translation import gettext as _

from consent.access import Decision, Segment
from consent.channels import Channel
from consent.policy import policy

from . import integrations

logger = logging.getLogger(__name__)

IMAGE_SPEC = "max-1200x1200"
LARGE_SPEC = "max-2400x2400"
THUMB_SPEC = "fill-480x270"


# --------------------------------------------------------------------------------------------------
# Publication


@dataclass
class Problem:
    work: object
    reason: str
    where: str = ""

    def __str__(self):
        where = f" ({self.where})" if self.where else ""
        return f"« {self.work.title_fr} »{where} : {self.reason}"


class ExhibitionPublishBlocked(ValidationError):
    """Publication refusée : au moins une œuvre n'a pas le consentement du canal de l'exposition."""

    def __init__(self, problems):
        self.problems = list(problems)
        message = _("Publication refusée : %(n)d œuvre(s) sans le consentement nécessaire. %(list)s") % {
            "n": len(self.problems),
            "list": " ; ".join(str(p) for p in self.problems),
        }
        super().__init__(message, code="consent")


def iter_blocks(page):
    """(salle, type de bloc, valeur) pour chaque bloc de contenu de l'exposition."""
    for section in page.body or []:
        if section.block_type != "section":
            continue
        title = section.value.get("title_fr") or ""
        for child in section.value.get("content") or []:
            yield title, child.block_type, child.value


def block_images(block_type, value):
    images = []
    if block_type in ("photovoice", "body_map") and value.get("image"):
        images.append(value["image"])
    if block_type == "gallery":
        images.extend(item.get("image") for item in value.get("images") or [] if item.get("image"))
    return images


def collect_refs(page):
    """Les œuvres de l'exposition (directement ou par leurs images), avec où elles apparaissent.

    Renvoie ({work_pk: [lieux]}, {image_pk: work_pk}). Nombre fixe de requêtes.
    """
    from media_library.models import MediaFile

    where = {}
    image_pks = set()
    for room, block_type, value in iter_blocks(page):
        work = value.get("work") if hasattr(value, "get") else None
        if work is not None:
            where.setdefault(work.pk, []).append(room)
        for image in block_images(block_type, value):
            image_pks.add(image.pk)
    if getattr(page, "cover_image_id", None):
        image_pks.add(page.cover_image_id)
    image_work = dict(
        MediaFile.objects.filter(image_id__in=image_pks).values_list("image_id", "work_id")
    ) if image_pks else {}
    for image_pk, work_pk in image_work.items():
        where.setdefault(work_pk, []).append(_("image"))
    return where, image_work


def check_publication(page, *, at=None):
    """Les œuvres de `page` qui n'ont pas le consentement de son canal de publication (liste vide = OK).

    La décision est prise pour le public (visiteur anonyme), maintenant (ou à `at`).
    """
    from media_library.models import Work, format_timecode

    where, _image_work = collect_refs(page)
    if not where:
        return []
    channel = page.publication_channel
    # Une œuvre montrée seulement par des extraits (chapitres) : chaque extrait est décidé pour lui-même
    # (seules les personnes qui y paraissent comptent) ; montrée entière ne serait-ce qu'une fois : l'œuvre.
    clips, whole = {}, set()
    for room, block_type, value in iter_blocks(page):
        work = value.get("work") if hasattr(value, "get") else None
        if work is None:
            continue
        if block_type == "chapter_clip" and value.get("start") is not None and value.get("end") is not None:
            clips.setdefault(work.pk, []).append((room, value))
        else:
            whole.add(work.pk)
    whole |= {pk for pk in where if pk not in clips}  # œuvres vues par leurs images
    works = {w.pk: w for w in Work.all_objects.filter(pk__in=where)}
    decisions = integrations.decide_many(AnonymousUser(), [w for pk, w in works.items() if pk in whole], channel,
                                         at=at)
    problems = []
    for pk, work in sorted(works.items(), key=lambda kv: kv[1].title_fr):
        if pk in whole:
            decision = decisions[pk] if pk in decisions else policy.absent()
            if not decision.allowed:
                rooms = ", ".join(dict.fromkeys(r for r in where[pk] if r))
                problems.append(Problem(work, str(decision.reason) or _("Canal non autorisé."), rooms))
            continue
        for room, value in clips.get(pk, []):
            decision = policy.decide(AnonymousUser(), work, channel, variant=Segment(value["start"], value["end"]),
                                     at=at)
            if not decision.allowed:
                place = _("extrait « %(title)s » (%(start)s–%(end)s)") % {
                    "title": value.get("title_fr") or "", "start": format_timecode(value["start"]),
                    "end": format_timecode(value["end"])}
                problems.append(Problem(work, str(decision.reason) or _("Canal non autorisé."),
                                        ", ".join(p for p in (room, place) if p)))
    return problems


def publication_problems_message(page, problems):
    channel_label = Channel(page.publication_channel).label
    lines = [
        _("Publication refusée : le canal « %(channel)s » n'est pas autorisé pour %(n)d œuvre(s).")
        % {"channel": channel_label, "n": len(problems)}
    ]
    lines += [str(p) for p in problems]
    return lines


def cancel_scheduled_publication(page, revision, problems):
    """Une publication programmée tombe sur une œuvre sans consentement : on annule le programme."""
    from wagtail.log_actions import log

    revision.approved_go_live_at = None
    revision.save(update_fields=["approved_go_live_at"])
    log(
        instance=page,
        action="exhibitions.publish_blocked",
        data={"problems": [str(p) for p in problems]},
        revision=revision,
    )
    logger.warning("Publication programmée annulée pour « %s » : %s", page.title, "; ".join(map(str, problems)))


def live_exhibitions_with_problems():
    """[(page, problèmes)] pour les expositions en ligne dont une œuvre a perdu son consentement."""
    from .models import ExhibitionPage

    result = []
    for page in ExhibitionPage.objects.live().specific():
        problems = check_publication(page)
        if problems:
            result.append((page, problems))
    return result


# --------------------------------------------------------------------------------------------------
# Rendu d'une exposition pour une requête


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


def _rendition_or_none(image, spec):
    if image is None:
        return None
    try:
        return image.get_rendition(spec)
    except Exception:  # noqa: BLE001 - une image illisible ne casse pas la page
        logger.exception("Rendu d'image impossible (%s, %s)", image.pk, spec)
        return None


class Exhibit:
    """Les œuvres d'une page, décidées et préchargées pour une requête (nombre de requêtes borné)."""

    def __init__(self, request, works, image_work, *, channel=Channel.WEBSITE, preview=False, images=()):
        from media_library.models import ArchiveImage

        self.request = request
        self.channel = Channel(channel)
        self.preview = preview
        user = getattr(request, "user", None) or AnonymousUser()
        self.works = works
        # Aperçu dans l'admin : la politique montre aussi ce que le public ne verra pas, signalé.
        self.decisions = integrations.decide_many(user, list(works.values()), self.channel, preview=preview)
        self.image_work = image_work
        self.tracks = integrations.subtitle_tracks(works.values())
        self.transcripts = integrations.transcripts(works.values())
        self.authors = integrations.pseudonyms(works.values())
        # Toutes les images (des œuvres et des blocs) avec leurs rendus, en une fois.
        image_pks = set(images)
        for work in works.values():
            for media in work.files.all():
                if media.image_id:
                    image_pks.add(media.image_id)
        self.images = {
            img.pk: img for img in ArchiveImage.objects.filter(pk__in=image_pks).prefetch_renditions()
        } if image_pks else {}
        self._items = {}
        self.placeholder_template = select_template(
            ["consent/includes/placeholder.html", "exhibitions/includes/placeholder.html"]
        ).template.name

    @property
    def nothing_visible(self):
        """Vrai si la page cite des œuvres et qu'aucune n'est visible de ce visiteur (par exemple une
        exposition dont la seule œuvre a été retirée) : la page le dit au lieu d'être vide."""
        return bool(self.works) and not any(d is not None and d.allowed for d in self.decisions.values())

    # -- construction --------------------------------------------------------------------------
    @classmethod
    def for_page(cls, page, request):
        where, image_work = collect_refs(page)
        work_pks = set(where) | set(image_work.values())
        images = set(image_work)
        for _room, block_type, value in iter_blocks(page):
            images.update(img.pk for img in block_images(block_type, value))
        works = integrations.prefetch_works(work_pks)
        preview = bool(getattr(request, "is_preview", False))
        return cls(request, works, image_work, channel=page.display_channel, preview=preview, images=images)

    @classmethod
    def for_works(cls, works_qs, request, *, channel=Channel.WEBSITE):
        works = integrations.prefetch_works([w.pk for w in works_qs])
        return cls(request, works, {}, channel=channel)

    # -- état ----------------------------------------------------------------------------------
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
            item.image = _rendition_or_none(image, IMAGE_SPEC)
            item.large = _rendition_or_none(image, LARGE_SPEC)
            if item.image is not None:
                item.kind = "image"
                return
        for media in work.files.all():
            if media.media_type == "document" and policy.admits_flags(flags, media):
                item.kind, item.src = "document", media.get_serve_url(channel)
                return

    def image(self, image, spec=IMAGE_SPEC):
        """Le rendu d'une image choisie dans un bloc, ou None si l'œuvre dont elle vient n'est pas autorisée."""
        if image is None:
            return None
        work_pk = self.image_work.get(image.pk)
        if work_pk is not None:
            work = self.works.get(work_pk)
            if work is None or not self.decision(work).allowed:
                return None
        return _rendition_or_none(self.images.get(image.pk, image), spec)

    def image_allowed(self, image):
        if image is None:
            return False
        work_pk = self.image_work.get(image.pk)
        return work_pk is None or (work_pk in self.works and self.decision(self.works[work_pk]).allowed)


# --------------------------------------------------------------------------------------------------
# Accueil


def home_context(page, request):
    from media_library.models import Work
    from media_library.thumbnails import rendition_thumbnail

    from .models import ExhibitionPage, ToolkitPage

    user = getattr(request, "user", None) or AnonymousUser()
    latest_qs = policy.visible(user, Channel.WEBSITE, Work.objects.all()).order_by("-created_at", "-pk")[:6]
    exhibit = Exhibit.for_works(list(latest_qs), request)
    latest = [exhibit.item(w) for w in sorted(exhibit.works.values(), key=lambda w: (w.created_at, w.pk), reverse=True)]
    latest = [i for i in latest if i.allowed]
    thumbs = {}
    for item in latest:
        media = integrations.image_file(item.work)
        if media is None:
            for m in item.work.files.all():
                if m.image_id:
                    media = m
                    break
        if media is not None:
            thumbs[item.work.pk] = _rendition_or_none(exhibit.images.get(media.image_id), THUMB_SPEC)
        else:  # vidéo, PDF : l'affiche ou la couverture, comme dans la liste des archives
            thumbs[item.work.pk] = rendition_thumbnail(list(item.work.files.all()))
    exhibitions = list(
        ExhibitionPage.objects.live().public().select_related("cover_image").order_by("-start_date", "title")[:6]
    )
    featured = page.featured_exhibition if page.featured_exhibition_id else (exhibitions[0] if exhibitions else None)
    if featured is not None and not featured.live:
        featured = None
    toolkit = page.toolkit if page.toolkit_id else ToolkitPage.objects.live().first()
    return {
        "featured": featured,
        "exhibitions": [e for e in exhibitions if featured is None or e.pk != featured.pk],
        "latest": [(item, thumbs.get(item.work.pk)) for item in latest],
        "toolkit_page": toolkit,
    }


# --------------------------------------------------------------------------------------------------
# Boîte à outils


@dataclass
class Download:
    material: object
    what: str  # phone | audio | guide
    lang: str
    label: str
    filename: str
    obj: object = None
    fieldfile: object = None
    content_type: str = ""
    etag: str = ""
    variant: object = None
    size: int | None = None
    mtime: object = None

    @property
    def purpose(self):
        return f"boite:{self.what}" + (f":{self.lang}" if self.lang else "")


@dataclass
class Entry:
    material: object
    work: object
    can_download: bool
    reason: str = ""
    downloads: list = field(default_factory=list)
    decision: Decision | None = None


def user_organisations(user):
    return policy.organisations(user)


def material_is_for(material, user):
    """Le support est-il destiné à l'organisation de l'utilisateur ? (la politique répond)"""
    return policy.material_is_for(material, user)


def _slug(text, fallback="support"):
    from django.utils.text import slugify

    return slugify(text)[:60] or fallback


def material_downloads(material, *, flags=frozenset(), subtitled=None):
    """Les fichiers qu'un support propose (sans décision d'accès : la porte décide à chaque fichier)."""
    from pathlib import PurePath

    from media_library.files import safe_download_name

    work = material.work
    stem = _slug(material.display_title)
    out = []
    media = integrations.playable(work)
    subtitled = subtitled if subtitled is not None else integrations.subtitled_phone_versions([work])
    if media is not None and media.media_type == "video":
        langs = {"fr": _("Version téléphone, sous-titres français incrustés"),
                 "bm": _("Version téléphone, sous-titres bambara incrustés")}
        found = False
        for lang, label in langs.items():
            r = subtitled.get((work.pk, lang))
            if r is not None and policy.admits_flags(flags, r):
                found = True
                out.append(Download(material, "phone", lang, label, safe_download_name(f"{stem}-telephone-{lang}.mp4"),
                                    obj=r, fieldfile=r.file, content_type="video/mp4",
                                    etag=f"sub-{r.pk}-{r.size or 0}", variant=r, size=r.size, mtime=r.created_at))
        if not found:
            phone = integrations.rendition(media, "phone", flags)
            if phone is not None:
                out.append(Download(material, "phone", "", _("Version téléphone (sans sous-titres incrustés)"),
                                    safe_download_name(f"{stem}-telephone{PurePath(phone.file.name).suffix}"),
                                    obj=phone, fieldfile=phone.file, content_type=phone.mime_type,
                                    etag=f"rend-{phone.uuid}", variant=phone, size=phone.size, mtime=phone.created_at))
            elif policy.admits_flags(flags, media):
                out.append(Download(material, "phone", "", _("Vidéo originale (version téléphone pas encore prête)"),
                                    safe_download_name(f"{stem}{PurePath(media.file.name).suffix}"),
                                    obj=media, fieldfile=media.file, content_type=media.mime_type,
                                    etag=media.sha256, variant=media, size=media.size, mtime=media.uploaded_at))
    if media is not None:
        audio = integrations.rendition(media, "audio", flags)
        if audio is None and media.media_type == "audio":
            # Un son n'a pas de rendu « audio seul » : sa version téléphone (ou web) en tient lieu — jamais
            # l'original, qui garde ses métadonnées (la vue de téléchargement le refuse).
            audio = integrations.rendition(media, "phone", flags) or integrations.rendition(media, "web", flags)
        if audio is not None:
            out.append(Download(material, "audio", "", _("Audio seul"),
                                safe_download_name(f"{stem}-audio{PurePath(audio.file.name).suffix}"),
                                obj=audio, fieldfile=audio.file, content_type=audio.mime_type,
                                etag=f"rend-{audio.uuid}", variant=audio, size=audio.size, mtime=audio.created_at))
        elif media.media_type == "audio" and policy.admits_flags(flags, media):
            out.append(Download(material, "audio", "", _("Audio"),
                                safe_download_name(f"{stem}{PurePath(media.file.name).suffix}"),
                                obj=media, fieldfile=media.file, content_type=media.mime_type,
                                etag=media.sha256, variant=media, size=media.size, mtime=media.uploaded_at))
    out.append(Download(material, "guide", "", _("Guide de discussion (PDF)"),
                        safe_download_name(f"{stem}-guide.pdf"), obj=material, content_type="application/pdf"))
    return out


def find_download(material, what, lang=""):
    for d in material_downloads(material):
        if d.what == what and d.lang == (lang or ""):
            return d
    return None


def toolkit_entries(page, user):
    """Les supports que cet·te utilisateur·rice peut voir, et pour chacun ce qu'il·elle peut télécharger."""
    materials = list(
        page.materials.select_related("work").prefetch_related("organisations").order_by("sort_order", "pk")
    )
    works = integrations.prefetch_works([m.work_id for m in materials])
    for m in materials:
        m.work = works.get(m.work_id, m.work)
    alive = [m for m in materials if m.work_id in works]
    download = integrations.decide_many(user, [m.work for m in alive], Channel.FACILITATOR_DOWNLOAD)
    public = integrations.decide_many(user, [m.work for m in alive], Channel.WEBSITE)
    subtitled = integrations.subtitled_phone_versions([m.work for m in alive])
    entries = []
    for m in alive:
        d = download.get(m.work_id)
        eligible = material_is_for(m, user)
        if d is not None and d.allowed and eligible:
            flags = frozenset(getattr(d, "required_variant_flags", ()) or ())
            entries.append(Entry(m, m.work, True, downloads=material_downloads(m, flags=flags, subtitled=subtitled),
                                 decision=d))
        elif (d is not None and d.allowed) or (public.get(m.work_id) and public[m.work_id].allowed):
            if not getattr(user, "is_authenticated", False):
                reason = _("Connectez-vous avec votre compte d'animateur·rice pour télécharger.")
            elif not eligible:
                reason = _("Ce support n'est pas destiné à votre organisation.")
            else:
                reason = str(d.reason) if d is not None else ""
            entries.append(Entry(m, m.work, False, reason=reason, decision=public.get(m.work_id)))
        # Sinon : ni téléchargeable ni public pour cette personne → invisible.
    return entries


def toolkit_context(page, request):
    user = getattr(request, "user", None) or AnonymousUser()
    entries = toolkit_entries(page, user)
    return {
        "entries": entries,
        "downloadable": [e for e in entries if e.can_download],
        "is_facilitator": bool(user_organisations(user)),
        "now": timezone.now(),
    }
