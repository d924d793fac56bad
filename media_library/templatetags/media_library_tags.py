from django import template
from django.utils.translation import gettext as _

from ..processing.presets import IMAGE_FILTERS
from ..thumbnails import rendition_thumbnail

register = template.Library()


@register.filter
def duration_fr(seconds):
    """Durée lisible : « 4 min 05 s », « 1 h 02 min »."""
    if seconds in (None, ""):
        return ""
    total = int(round(float(seconds)))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return _("%(h)d h %(m)02d min") % {"h": hours, "m": minutes}
    if minutes:
        return _("%(m)d min %(s)02d s") % {"m": minutes, "s": secs}
    return _("%(s)d s") % {"s": secs}


@register.filter
def serve_url(media_file, channel):
    return media_file.get_serve_url(channel)


# Vignette d'une carte et sa version pour un petit écran (processing/presets.py).
CARD_FILTER, CARD_SMALL_FILTER = IMAGE_FILTERS["small"], IMAGE_FILTERS["small_phone"]
CARD_SIZES = "(max-width: 600px) 100vw, 320px"


@register.simple_tag
def work_card_image(work):
    """L'image d'une carte des archives : {url, srcset, sizes, width, height, document}, ou None.

    - Œuvre sous avertissement de contenu : aucune image (la carte montre le type et l'avertissement ; le
      média attend, sur la page de l'œuvre, que la personne choisisse de le voir).
    - Image : deux rendus Wagtail (480 et 240 px de large) en un appel, `srcset` pour que le téléphone
      choisisse ; adresses de la porte (`image_version_url`, comme les images des expositions). Un rendu non
      enregistré (sans identifiant, donc sans adresse) ne donne pas d'image.
    - Vidéo, PDF : l'affiche ou la couverture (`rendition_thumbnail`)."""
    from .media_renditions import image_version_url

    if work.content_warnings.all():
        return None
    files = list(work.files.all())
    for media in files:
        if not media.image_id:
            continue
        try:
            versions = media.image.get_renditions(CARD_FILTER, CARD_SMALL_FILTER)
        except Exception:  # noqa: BLE001 - une vignette manquante ne casse pas une liste
            return None
        thumb, small = versions.get(CARD_FILTER), versions.get(CARD_SMALL_FILTER)
        if thumb is None or thumb.pk is None:
            return None
        image = {"url": image_version_url(thumb), "width": thumb.width, "height": thumb.height, "srcset": "",
                 "sizes": "", "document": False}
        if small is not None and small.pk is not None and small.width < thumb.width:
            image["srcset"] = f"{image_version_url(small)} {small.width}w, {image['url']} {thumb.width}w"
            image["sizes"] = CARD_SIZES
        return image
    return rendition_thumbnail(files)


@register.simple_tag
def work_thumbnail(work):
    """Une vignette pour les listes, si l'œuvre a une image (rendu Wagtail servi par la porte)."""
    files = list(work.files.all())
    for media in files:
        if media.image_id:
            try:
                return media.image.get_rendition("fill-480x270")
            except Exception:  # noqa: BLE001 - une vignette manquante ne casse pas une liste
                return None
    return rendition_thumbnail(files)

