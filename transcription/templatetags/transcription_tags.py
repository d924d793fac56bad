from django import template

from ..models import SubtitleTrack

register = template.Library()

LANG_ORDER = {"fr": 0, "bm": 1, "en": 2}


@register.simple_tag
def approved_tracks(work):
    """Pistes approuvées et publiées d'une œuvre (la page qui appelle a déjà vérifié l'accès)."""
    if work is None:
        return []
    tracks = [t for t in SubtitleTrack.objects.filter(work=work, status=SubtitleTrack.Status.APPROVED)
              if t.vtt_file]
    return sorted(tracks, key=lambda t: LANG_ORDER.get(t.language, 9))


@register.simple_tag
def track_origins(track):
    """{origine: nombre} des répliques d'une piste (machine, person, import, todo), pour la légende."""
    return track.origin_counts()


@register.filter
def track_url(track, channel="website"):
    return track.get_serve_url(channel or "website")


@register.filter
def timecode(seconds):
    total = int(seconds or 0)
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"
