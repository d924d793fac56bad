"""Extraits de chapitres : signal de fin et découpage des sous-titres WebVTT.

Les pistes de sous-titres appartiennent à l'application de transcription ; les archives ne l'importent pas.
Les sous-titres d'un extrait sont découpés à la demande dans la piste publiée (`cut_vtt`, vue
`transcription:serve_track_window`) : toujours à jour après une correction ou une pseudonymisation, et
décidés par la politique pour la fenêtre de l'extrait, comme l'extrait lui-même. L'éditeur de chapitres
de l'administration montre, à côté de chaque extrait, les liens que les applications lui joignent par le
crochet Wagtail `CLIP_LINKS_HOOK` (la transcription y met un lien par piste approuvée).
`clip_ready` (chapitre, rendus produits) est envoyé quand les extraits d'un chapitre sont publiés.
"""

import re

from django.dispatch import Signal

# Envoyé quand les extraits d'un chapitre viennent d'être publiés : sender=Chapter, chapter=, renditions=[…].
clip_ready = Signal()

# Crochet Wagtail : `fn(request, work, chapters)` → {chapitre: [(libellé, adresse), …]} pour les chapitres qui
# ont des extraits (éditeur de chapitres de l'administration).
CLIP_LINKS_HOOK = "paroles_chapter_clip_links"

_TIME = r"(?:(\d+):)?(\d{1,2}):(\d{2})[.,](\d{1,3})"
_TIMING = re.compile(rf"^\s*{_TIME}\s*-->\s*{_TIME}(.*)$")


def parse_timestamp(groups):
    hours, minutes, seconds, fraction = groups
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + int(fraction.ljust(3, "0")) / 1000


def format_timestamp(seconds):
    millis = int(round(max(0.0, seconds) * 1000))
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"


def cut_vtt(text, start, end, *, inside_only=False):
    """Garde les répliques WebVTT qui chevauchent [start, end), rognées et décalées de -start.

    `inside_only` : seulement les répliques tout entières dans la fenêtre (à 50 ms près). Pour un extrait
    décidé par le consentement de ses seules personnes : une réplique à cheval sur la fenêtre porte des mots
    dits hors d'elle, peut-être par une personne qui n'a pas consenti à ce canal.

    Fonction pure : texte en entrée, texte en sortie. L'en-tête (WEBVTT…), les blocs STYLE et REGION
    sont conservés ; les NOTE et les répliques hors de l'extrait sont retirées ; les identifiants de
    répliques et les réglages (position, align…) sont gardés. Une réplique réduite à moins de 50 ms
    est retirée.
    """
    if end <= start:
        raise ValueError("end must be after start")
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    blocks = re.split(r"\n{2,}", text.strip("\n"))
    if not blocks or not blocks[0].startswith("WEBVTT"):
        raise ValueError("not a WebVTT document")
    out = [blocks[0]]
    for block in blocks[1:]:
        lines = block.split("\n")
        first = lines[0].strip()
        if first.startswith("NOTE"):
            continue
        if first.startswith("STYLE") or first.startswith("REGION"):
            out.append(block)
            continue
        timing_index = next((i for i, line in enumerate(lines[:2]) if "-->" in line), None)
        if timing_index is None:
            continue
        match = _TIMING.match(lines[timing_index])
        if not match:
            continue
        cue_start = parse_timestamp(match.groups()[0:4])
        cue_end = parse_timestamp(match.groups()[4:8])
        settings_part = match.group(9) or ""
        if cue_end <= start or cue_start >= end:
            continue
        if inside_only and (cue_start < start - 0.05 or cue_end > end + 0.05):
            continue
        new_start = max(cue_start, start) - start
        new_end = min(cue_end, end) - start
        if new_end - new_start < 0.05:
            continue
        timing = f"{format_timestamp(new_start)} --> {format_timestamp(new_end)}{settings_part.rstrip()}"
        lines = lines[:timing_index] + [timing] + lines[timing_index + 1:]
        out.append("\n".join(lines))
    return "\n\n".join(out) + "\n"


def cut_subtitles(vtt_text, chapter):
    """Les sous-titres `vtt_text` de l'original, découpés pour l'extrait du chapitre `chapter`."""
    return cut_vtt(vtt_text, chapter.start, chapter.end)
