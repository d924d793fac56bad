from django import template

from ..models import SubtitleTrack
from ..subtitles import spoken_text, voice_parts

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


# Un paragraphe se ferme sur une fin de phrase après un silence, ou quand il devient long : la
# transcription se lit comme un texte, pas comme une suite de répliques coupées en pleine phrase.
PARAGRAPH_PAUSE = 2.0  # secondes de silence entre deux répliques
PARAGRAPH_MAX_CHARS = 600
SENTENCE_END = (".", "!", "?", "…", "»", '"')


@register.filter
def paragraphs(track):
    """Les répliques de `track` groupées en paragraphes : [{"start", "cues": [cue, …]}, …]."""
    out, current, length, previous = [], None, 0, None
    for cue in track.cues.all():
        text = spoken_text(cue.text)  # les balises de voix deviennent « Awa : … », jamais du balisage
        todo = bool(getattr(cue, "is_todo", False))
        if not text and not todo:
            continue
        # Un passage encore à transcrire (bambara ?) clôt la phrase en cours : il est montré comme manquant.
        ends_sentence = previous is not None and (
            spoken_text(previous.text).endswith(SENTENCE_END) or getattr(previous, "is_todo", False))
        pause = previous is not None and cue.start - previous.end >= PARAGRAPH_PAUSE
        if current is None or (ends_sentence and (pause or length >= PARAGRAPH_MAX_CHARS)):
            current = {"start": cue.start, "cues": []}
            out.append(current)
            length = 0
        current["cues"].append({"start": cue.start, "end": cue.end, "text": text, "parts": voice_parts(cue.text), "todo": todo,
                                "origin": getattr(cue, "origin", "") or "", "language": getattr(cue, "language", "") or ""})
        length += len(text) + 1
        previous = cue
    return out
