from django import template
from django.utils.translation import gettext as _

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

