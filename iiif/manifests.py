"""Manifestes IIIF Presentation 3.0 (bibliothèque `iiif-prezi3`) : une œuvre, un bloc d'exposition
(body map avec ses détails numérotés, Photo Voice avec les mots de l'enfant), une exposition entière.

Un manifeste ne liste que ce que la porte servirait à cet appelant, maintenant : chaque œuvre est
décidée par la politique (`consent.policy.policy.decide`) avec sa pyramide comme variante, exactement comme ses
tuiles. Une œuvre refusée n'apparaît pas (ni titre, ni canevas, ni annotation).

Les détails numérotés d'une body map deviennent des annotations Web (W3C) `commenting` sur leur
région (`#xywh=`), avec leur texte en français et en bambara ; les mots d'un enfant (Photo Voice)
sont une annotation sur toute la photo, tels quels (aucune correction, aucun nettoyage).
"""

import uuid
from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext as _
from iiif_prezi3 import Annotation, AnnotationPage, Canvas, Manifest, ServiceV3

from consent.policy import policy
from media_library.models import Licence, MediaType

from .pyramids import get_pyramid, service_id

# Licences du fonds → URI Creative Commons ou rightsstatements.org (le `rights` IIIF).
RIGHTS = {
    Licence.CC_BY: "http://creativecommons.org/licenses/by/4.0/",
    Licence.CC_BY_NC: "http://creativecommons.org/licenses/by-nc/4.0/",
    Licence.CC_BY_NC_ND: "http://creativecommons.org/licenses/by-nc-nd/4.0/",
    Licence.ALL_RIGHTS: "http://rightsstatements.org/vocab/InC/1.0/",
    Licence.OTHER: "http://rightsstatements.org/vocab/InC/1.0/",
}
IMAGE_BLOCKS = ("body_map", "photovoice", "work")
# Côté du carré d'un détail sans taille donnée, en % de la largeur de l'image.
DEFAULT_DETAIL_SIDE = Decimal("8")


def rights_uri(licence):
    return RIGHTS.get(licence, RIGHTS[Licence.ALL_RIGHTS])


def lang_map(fr, bm=""):
    value = {"fr": [fr]}
    if bm:
        value["bm"] = [bm]
    return value


def required_statement(work, author=""):
    """Mention obligatoire : le projet, le pseudonyme éventuel, la licence. Jamais un nom légal ni un lieu."""
    parts = [_("Paroles — %(project)s") % {"project": work.project.name}]
    if author:
        parts.append(author)
    parts.append(str(Licence(work.licence).label))
    if work.usage_note:
        parts.append(work.usage_note)
    return {"label": {"fr": [_("Attribution")], "bm": ["Tɔgɔ"]}, "value": {"fr": [" · ".join(parts)]}}


def image_media(work):
    return next((m for m in work.files.all() if m.media_type == MediaType.IMAGE), None)


def pyramid_for(work):
    media = image_media(work)
    return get_pyramid(media.uuid) if media is not None else None


def allowed_pyramid(request, work, channel):
    """La pyramide de l'œuvre si la porte la servirait maintenant à cet appelant, sinon None."""
    if work is None or work.trashed_at is not None:
        return None
    rendition = pyramid_for(work)
    if rendition is None:
        return None
    return rendition if policy.decide(request.user, work, channel, variant=rendition).allowed else None


def _abs(request, name, **kwargs):
    return request.build_absolute_uri(reverse(name, kwargs=kwargs))


def _detail_region(detail, width, height):
    x, y = Decimal(str(detail.get("x") or 0)), Decimal(str(detail.get("y") or 0))
    side_w = Decimal(str(detail.get("w") or 0)) or DEFAULT_DETAIL_SIDE
    side_h = Decimal(str(detail.get("h") or 0))
    w = max(1, int(width * side_w / 100))
    h = max(1, int(height * side_h / 100)) if side_h else w
    left = min(max(0, int(width * x / 100) - w // 2), max(0, width - w))
    top = min(max(0, int(height * y / 100) - h // 2), max(0, height - h))
    return left, top, min(w, width), min(h, height)


def _text(fr, bm):
    bodies = [{"type": "TextualBody", "value": fr, "language": "fr", "format": "text/plain"}]
    if bm:
        bodies.append({"type": "TextualBody", "value": bm, "language": "bm", "format": "text/plain"})
    return bodies


def annotations_for(block_type, value, work, rendition, canvas_id, page_id):
    """L'AnnotationPage d'un bloc : détails numérotés (body map) ou mots de l'enfant (Photo Voice)."""
    items = []
    if block_type == "body_map":
        for number, detail in enumerate(value.get("details") or [], start=1):
            left, top, w, h = _detail_region(detail, rendition.width, rendition.height)
            fr = f"{number}. {detail.get('title_fr') or ''}"
            if detail.get("text_fr"):
                fr += f" — {detail['text_fr']}"
            bm = ""
            if detail.get("title_bm") or detail.get("text_bm"):
                bm = f"{number}. {detail.get('title_bm') or ''}"
                if detail.get("text_bm"):
                    bm += f" — {detail['text_bm']}"
            items.append(Annotation(
                id=f"{page_id}#detail-{number}", motivation="commenting", body=_text(fr, bm),
                target=f"{canvas_id}#xywh={left},{top},{w},{h}",
            ))
    elif block_type == "photovoice":
        words = value.get("words_verbatim") or work.words_verbatim
        words_bm = value.get("words_bm") or work.words_bm
        if words:
            # Tels quels : pas de strip(), pas de correction.
            items.append(Annotation(id=f"{page_id}#mots", motivation="commenting", body=_text(words, words_bm),
                                    target=canvas_id))
    return AnnotationPage(id=page_id, items=items) if items else None


def canvas_for(request, space, work, rendition, canvas_id, *, label=None, annotations=None):
    sizes = (rendition.meta or {}).get("sizes") or [[rendition.width, rendition.height]]
    largest = sizes[-1]
    thumb = next((s for s in sizes if max(s) >= 200), largest)
    base = service_id(request, space, rendition)
    # Le service d'image est donné par sa référence (id, type, profil) : ses services d'accès (sonde Auth 2.0,
    # jeton, sortie) sont dans son info.json, là où un client les cherche. Les recopier ici fait planter
    # Mirador 4 (il lit `profile` de chaque service imbriqué ; une sonde Auth 2.0 n'en a pas) : il ne
    # demandait alors jamais l'info.json et ne dessinait aucune tuile.
    service = ServiceV3(id=base, type="ImageService3", profile="level1")
    body = {"id": f"{base}/full/{largest[0]},{largest[1]}/0/default.jpg", "type": "Image", "format": "image/jpeg",
            "width": largest[0], "height": largest[1], "service": [service]}
    canvas = Canvas(id=canvas_id, width=rendition.width, height=rendition.height,
                    label=label or lang_map(work.title_fr, work.title_bm))
    canvas.items = [AnnotationPage(id=f"{canvas_id}/page", items=[
        Annotation(id=f"{canvas_id}/page/image", motivation="painting", body=body, target=canvas_id)])]
    canvas.thumbnail = [{"id": f"{base}/full/{thumb[0]},{thumb[1]}/0/default.jpg", "type": "Image",
                         "format": "image/jpeg", "width": thumb[0], "height": thumb[1]}]
    if annotations is not None:
        canvas.annotations = [annotations]
    return canvas


def _work_metadata(work, words=""):
    metadata = [{"label": {"fr": [_("Type")]}, "value": {"fr": [str(work.get_kind_display())]}}]
    if work.description_fr:
        metadata.append({"label": {"fr": [_("Description")]}, "value": lang_map(work.description_fr, work.description_bm)})
    if words:
        metadata.append({"label": {"fr": [_("Les mots de l'enfant, tels qu'écrits")]}, "value": {"fr": [words]}})
    return metadata


def work_manifest(request, space, channel, pk):
    from media_library.models import Work

    work = Work.objects.filter(pk=pk).select_related("project").first()
    rendition = allowed_pyramid(request, work, channel)
    if rendition is None:
        return None
    manifest_id = _abs(request, "iiif:work_manifest", space=space, pk=pk)
    base = manifest_id.rsplit("/", 1)[0]
    page_id = f"{base}/annotations.json"
    annotations = annotations_for(work.kind, {}, work, rendition, f"{base}/canvas", page_id) \
        if work.kind == "photovoice" else None
    manifest = Manifest(id=manifest_id, label=lang_map(work.title_fr, work.title_bm),
                        requiredStatement=required_statement(work), rights=rights_uri(work.licence),
                        metadata=_work_metadata(work, work.words_verbatim if work.kind == "photovoice" else ""))
    manifest.items = [canvas_for(request, space, work, rendition, f"{base}/canvas", annotations=annotations)]
    return manifest


# --- Expositions -----------------------------------------------------------------------------------


def live_exhibition(pk):
    from exhibitions.models import ExhibitionPage

    return ExhibitionPage.objects.live().public().filter(pk=pk).first()


def image_blocks(page):
    """(identifiant du bloc, type, valeur) des blocs d'image de l'exposition, dans l'ordre de la page."""
    for s_index, section in enumerate(page.body or []):
        if section.block_type != "section":
            continue
        for c_index, child in enumerate(section.value.get("content") or []):
            if child.block_type in IMAGE_BLOCKS and child.value.get("work") is not None:
                # Un bloc enregistré sans identifiant (import, données anciennes) reçoit un identifiant
                # stable tiré de sa place.
                block_id = child.id or str(uuid.uuid5(uuid.NAMESPACE_URL, f"paroles:{page.pk}:{s_index}:{c_index}"))
                yield block_id, child.block_type, child.value


def _block_ids(request, space, page, block_id):
    manifest_id = _abs(request, "iiif:block_manifest", space=space, pk=page.pk, block=block_id)
    base = manifest_id.rsplit("/", 1)[0]
    return manifest_id, f"{base}/canvas", _abs(request, "iiif:block_annotations", space=space, pk=page.pk,
                                                 block=block_id)


def _block_canvas(request, space, channel, page, block_id, block_type, value):
    work = value["work"]
    rendition = allowed_pyramid(request, work, channel)
    if rendition is None:
        return None, None, None
    _manifest_id, canvas_id, page_id = _block_ids(request, space, page, block_id)
    annotations = annotations_for(block_type, value, work, rendition, canvas_id, page_id)
    return work, rendition, canvas_for(request, space, work, rendition, canvas_id, annotations=annotations)


def _find_block(page, block_id):
    return next(((bid, t, v) for bid, t, v in image_blocks(page) if bid == block_id), None)


def block_manifest(request, space, channel, pk, block_id):
    page = live_exhibition(pk)
    found = _find_block(page, block_id) if page else None
    if found is None:
        return None
    _bid, block_type, value = found
    work, _rendition, canvas = _block_canvas(request, space, channel, page, block_id, block_type, value)
    if canvas is None:
        return None
    manifest_id, _canvas_id, _page_id = _block_ids(request, space, page, block_id)
    words = ""
    if block_type == "photovoice":
        words = value.get("words_verbatim") or work.words_verbatim
    manifest = Manifest(id=manifest_id, label=lang_map(work.title_fr, work.title_bm),
                        requiredStatement=required_statement(work, value.get("author") or ""),
                        rights=rights_uri(work.licence), metadata=_work_metadata(work, words),
                        partOf=[{"id": _abs(request, "iiif:exhibition_manifest", space=space, pk=page.pk),
                                 "type": "Manifest", "label": lang_map(page.title, page.title_bm)}])
    if value.get("intro_fr"):
        manifest.summary = lang_map(value["intro_fr"], value.get("intro_bm") or "")
    manifest.items = [canvas]
    return manifest


def block_annotation_page(request, space, channel, pk, block_id):
    page = live_exhibition(pk)
    found = _find_block(page, block_id) if page else None
    if found is None:
        return None
    _bid, block_type, value = found
    _work, _rendition, canvas = _block_canvas(request, space, channel, page, block_id, block_type, value)
    if canvas is None or not canvas.annotations:
        return None
    return canvas.annotations[0]


def exhibition_manifest(request, space, channel, pk):
    page = live_exhibition(pk)
    if page is None:
        return None
    manifest = Manifest(
        id=_abs(request, "iiif:exhibition_manifest", space=space, pk=pk), label=lang_map(page.title, page.title_bm),
        requiredStatement={"label": {"fr": [_("Attribution")], "bm": ["Tɔgɔ"]},
                           "value": {"fr": [_("Paroles — exposition « %(title)s »") % {"title": page.title}]}},
    )
    url = page.get_url(request)
    if url:
        manifest.homepage = [{"id": request.build_absolute_uri(url), "type": "Text", "format": "text/html",
                              "label": lang_map(page.title, page.title_bm)}]
    canvases = []
    for block_id, block_type, value in image_blocks(page):
        _work, _rendition, canvas = _block_canvas(request, space, channel, page, block_id, block_type, value)
        if canvas is not None:  # une œuvre refusée n'apparaît pas du tout
            canvases.append(canvas)
    manifest.items = canvases
    return manifest
