"""Imprimer une exposition : cartels muraux et catalogue en PDF, avec les QR codes de la page d'écoute.

- `museum_entries(page, channel)` : par salle, les œuvres autorisées sur `channel` (décision pour le
  public, maintenant), avec leurs textes et l'adresse publique (PAROLES_BASE_URL) de leur page d'écoute ;
- `labels_pdf(page)` : les cartels (canal « musée ») ; `catalogue_pdf(page)` : le catalogue (canal de
  publication de l'exposition). Chacune renvoie (octets, nom de fichier).

Appelées par les vues de l'admin (`views.admin.labels`, `views.admin.catalogue`), qui vérifient le droit
d'éditer la page.
"""

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils.text import slugify

from consent.access import Segment
from consent.channels import Channel
from consent.policy import policy

from .. import integrations, pdf
from ..base_url import public_base_url
from ..contents import collect_refs, iter_blocks


def museum_entries(page, channel):
    """Par salle, les œuvres autorisées sur `channel` (décision pour le public), avec leurs textes.

    Les QR codes mènent à l'adresse publique configurée, pas au nom d'hôte du Site Wagtail : un QR code
    imprimé doit mener au vrai site, pas à « http://localhost/ »."""
    where, _image_work = collect_refs(page)
    works = integrations.prefetch_works(where)
    decisions = integrations.decide_many(AnonymousUser(), list(works.values()), channel)
    authors = integrations.pseudonyms(works.values())
    base = public_base_url()
    rooms, seen = {}, set()
    order = []
    for room, block_type, value in iter_blocks(page):
        work = value.get("work") if hasattr(value, "get") else None
        if work is None or work.pk not in works:
            continue
        work = works[work.pk]
        clip = block_type == "chapter_clip" and value.get("start") is not None and value.get("end") is not None
        if clip:
            # Un extrait : décidé pour sa fenêtre (les seules personnes qui y paraissent) ; son QR code mène
            # à l'extrait seul, jamais à l'œuvre entière.
            key = (room, work.pk, value["start"], value["end"])
            allowed = policy.decide(AnonymousUser(), work, channel,
                                    variant=Segment(value["start"], value["end"])).allowed
        else:
            key = (room, work.pk)
            allowed = bool(decisions.get(work.pk)) and decisions[work.pk].allowed
        if not allowed or key in seen:
            continue
        seen.add(key)
        if room not in rooms:
            rooms[room] = []
            order.append(room)
        verbatim = block_type == "photovoice" or bool(work.words_verbatim)
        text_fr = (value.get("words_verbatim") or work.words_verbatim) if verbatim else (
            value.get("caption_fr") or value.get("intro_fr") or value.get("note_fr") or work.description_fr)
        text_bm = (value.get("words_bm") or work.words_bm) if verbatim else (
            value.get("caption_bm") or value.get("intro_bm") or value.get("note_bm") or work.description_bm)
        image_path = ""
        media = integrations.image_file(work)
        if media is not None and media.image is not None:
            try:
                image_path = media.image.get_rendition("max-800x800").file.path
            except Exception:  # noqa: BLE001 - stockage distant ou image illisible
                image_path = ""
        if clip:
            url = base + reverse("exhibitions:listen_clip", kwargs={
                "page_pk": page.pk, "work_pk": work.pk, "start_ms": round(value["start"] * 1000),
                "end_ms": round(value["end"] * 1000)})
        else:
            url = base + reverse("exhibitions:listen", kwargs={"page_pk": page.pk, "work_pk": work.pk})
        rooms[room].append({
            "work": work,
            "title_fr": f"{value.get('title_fr')} · {work.title_fr}" if clip and value.get("title_fr") else work.title_fr,
            "title_bm": (value.get("title_bm") or "") if clip else work.title_bm,
            "author": authors.get(work.pk) or value.get("author") or "",
            "kind": work.get_kind_display(),
            "date": work.date_made_text or (work.date_made.strftime("%Y") if work.date_made else ""),
            "text_fr": text_fr or "",
            "text_bm": text_bm or "",
            "verbatim": verbatim,
            "url": url,
            "image_path": image_path,
        })
    return [(room, rooms[room]) for room in order]


def _stem(page):
    return slugify(page.title)[:50] or "exposition"


def labels_pdf(page):
    entries = [e for _room, items in museum_entries(page, Channel.MUSEUM) for e in items]
    return pdf.labels_pdf(page, entries), f"cartels-{_stem(page)}.pdf"


def catalogue_pdf(page):
    sections = {s.value.get("title_fr"): s.value for s in page.body or []}
    rooms = []
    for room, items in museum_entries(page, page.publication_channel):
        value = sections.get(room) or {}
        rooms.append((room, value.get("title_bm", ""), value.get("intro_fr", ""), items))
    return pdf.catalogue_pdf(page, rooms), f"catalogue-{_stem(page)}.pdf"
