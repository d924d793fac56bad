"""Balises des gabarits d'exposition : le service IIIF d'une œuvre déjà autorisée, les scripts du visionneur.

Rien n'est décidé ici : le bloc n'appelle `iiif_viewer` que pour une œuvre que la page a déjà décidée
(`item.allowed`), et chaque tuile repasse de toute façon par la porte. Les pyramides de toutes les œuvres
de la page sont lues en une requête (nombre de requêtes borné, quelle que soit la taille de l'exposition).
"""

from django import template
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html

from consent import epoch
from consent.channels import Channel

from ..views import space_for

register = template.Library()



def _pyramids(context, work):
    from media_library.models import Rendition, RenditionKind

    exhibit = context.get("exhibit")
    holder = exhibit if exhibit is not None else context.get("request")
    cache = getattr(holder, "_iiif_pyramids", None) if holder is not None else None
    if cache is None:
        pks = tuple(sorted(set(getattr(exhibit, "works", {}) or {}) | {work.pk}))

        works = getattr(exhibit, "works", None) or {}
        if pks and all(pk in works for pk in pks):
            # Les œuvres de la page sont déjà lues avec leurs fichiers et leurs rendus (`prefetch_works`) : leurs
            # pyramides y sont, aucune lecture de plus (même choix : le premier fichier qui en a une).
            cache = {}
            for pk in pks:
                for media in sorted(works[pk].files.all(), key=lambda m: m.pk):
                    rendition = next((r for r in media.renditions.all()
                                      if r.kind == RenditionKind.IIIF and r.chapter_id is None), None)
                    if rendition is not None:
                        cache[pk] = rendition
                        break
            if holder is not None:
                holder._iiif_pyramids = cache
            return cache

        def load():
            found = {}
            for rendition in (Rendition.objects.filter(kind=RenditionKind.IIIF, chapter__isnull=True,
                                                        media_file__work_id__in=pks)
                              .select_related("media_file").order_by("media_file__pk")):
                found.setdefault(rendition.media_file.work_id, rendition)
            return found

        # Les pyramides (rendus, pas des décisions) : gardées sous l'époque du consentement, qu'un rendu change.
        cache = epoch.memo(("pyramides-iiif", pks), load)
        if holder is not None:
            holder._iiif_pyramids = cache
    return cache


def _block_id(page, value):
    from ..manifests import image_blocks

    if page is None or not hasattr(page, "body"):
        return None
    for block_id, _type, block_value in image_blocks(page):
        if block_value is value:
            return block_id
    return None


@register.simple_tag(takes_context=True)
def iiif_viewer(context, value, item):
    """Adresses IIIF d'une œuvre montrée (info.json, manifeste du bloc ou de l'œuvre), ou None."""
    if item is None or not item.allowed:
        return None
    rendition = _pyramids(context, item.work).get(item.work.pk)
    if rendition is None:
        return None
    exhibit = context.get("exhibit")
    space = space_for(getattr(exhibit, "channel", Channel.WEBSITE))
    uuid = str(rendition.media_file.uuid)
    page = context.get("page")
    block_id = _block_id(page, value)
    if block_id:
        manifest = reverse("iiif:block_manifest", kwargs={"space": space, "pk": page.pk, "block": block_id})
    else:
        manifest = reverse("iiif:work_manifest", kwargs={"space": space, "pk": item.work.pk})
    return {
        "info": reverse("iiif:image_info", kwargs={"space": space, "uuid": uuid}),
        "manifest": manifest,
        "width": rendition.width,
        "height": rendition.height,
    }


@register.simple_tag(takes_context=True)
def iiif_viewer_scripts(context):
    """Les scripts d'OpenSeadragon et du visionneur, une seule fois par page (fichiers statiques : CSP stricte)."""
    request = context.get("request")
    if request is not None:
        if getattr(request, "_iiif_scripts_done", False):
            return ""
        request._iiif_scripts_done = True
    # Le visionneur seul ; il charge OpenSeadragon (data-osd) quand un tableau approche de l'écran.
    return format_html(
        '<script src="{}" data-osd="{}" defer></script>',
        static("iiif/js/bodymap-viewer.js"), static("iiif/openseadragon/openseadragon.min.js"),
    )
