"""Importer un fichier SRT/VTT dans la piste d'une langue (administration, paquet BagIt). Fichier mal
formé : SubtitleParseError, rien d'enregistré."""

from dataclasses import replace

from django.db import transaction

from .. import subtitles as subs
from ..models import SubtitleTrack
from .correct_cues import save_track_cues
from .open_track import get_or_create_track


def import_subtitles(work, language, data, filename=""):
    """Importe un fichier SRT/VTT dans la piste `language`. Renvoie (piste, format, encodage)."""
    cues, fmt, encoding = subs.parse_subtitles(data, filename)
    cues = [replace(c, origin=subs.ORIGIN_IMPORT) for c in cues]
    with transaction.atomic():
        track = get_or_create_track(work, language)
        track.source = SubtitleTrack.Source.IMPORT
        save_track_cues(track, cues, trust_origin=True)
    return track, fmt, encoding
