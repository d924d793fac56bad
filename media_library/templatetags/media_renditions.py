"""Gabarits : rendus d'un fichier (vidéo web, téléphone, affiche…), toujours servis par la porte."""

from django import template

from ..processing.presets import IMAGE_FILTERS

register = template.Library()


@register.simple_tag
def media_renditions(media_file):
    """{% media_renditions file as r %} → r.web, r.phone, r.audio, r.poster, r.thumbs, r.waveform, r.pdf_cover."""
    if media_file is None:
        return {}
    return {r.kind: r for r in media_file.renditions.all() if r.chapter_id is None}


@register.filter
def rendition_url(rendition, channel=None):
    if not rendition:
        return ""
    return rendition.get_serve_url(channel or "website")


@register.simple_tag
def image_version(media_file, name="medium"):
    """Rendu Wagtail nommé (« large », « medium », « small ») de l'image d'un fichier, ou None."""
    image = getattr(media_file, "image", None)
    if image is None:
        return None
    try:
        return image.get_rendition(IMAGE_FILTERS[name])
    except Exception:  # noqa: BLE001 - un rendu manquant ne casse pas la page
        return None


@register.filter
def image_version_url(rendition, channel=None):
    if not rendition:
        return ""
    return rendition.get_serve_url(channel or "website")


@register.filter
def download_url(url):
    """L'adresse d'un fichier en téléchargement (nom de fichier proposé, Content-Disposition: attachment)."""
    from ..links import download_url as _download

    return _download(url) if url else ""


@register.filter
def timecode(seconds):
    """« 0:15 », « 1:02:03 » : à la seconde près, comme sur un lecteur (les dixièmes restent dans les
    champs de l'éditeur de chapitres et dans ses messages)."""
    if seconds is None or seconds == "":
        return ""
    total = int(float(seconds))
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
