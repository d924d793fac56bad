"""Corriger les répliques d'une piste (l'éditeur) : lire le JSON de l'éditeur, revérifier qui a écrit
chaque réplique, enregistrer tout ou rien. Une piste approuvée modifiée repart en relecture (et quitte le
public)."""

import re
from dataclasses import replace

from django.db import transaction
from django.utils.translation import gettext as _

from .. import subtitles as subs
from ..errors import TranscriptionError
from ..models import Cue, SubtitleTrack

LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")


def cues_from_payload(payload):
    """Répliques depuis le JSON de l'éditeur ; lève TranscriptionError si un temps est invalide.

    L'origine annoncée par l'éditeur (`origin`, `model`) n'est qu'une indication : save_track_cues la
    vérifie contre les répliques enregistrées."""
    cues = []
    for n, item in enumerate(payload, 1):
        try:
            start, end = float(item["start"]), float(item["end"])
        except (KeyError, TypeError, ValueError) as exc:
            raise TranscriptionError(_("Réplique %(n)d : temps illisible.") % {"n": n}) from exc
        if start < 0 or end < 0:
            raise TranscriptionError(_("Réplique %(n)d : temps négatif.") % {"n": n})
        if end <= start:
            raise TranscriptionError(_("Réplique %(n)d : la fin doit être après le début.") % {"n": n})
        language = str(item.get("language") or "").lower()
        cues.append(subs.Cue(start, end, str(item.get("text", "")).replace("\r", "").strip(),
                             origin=str(item.get("origin") or ""), model=str(item.get("model") or "")[:200],
                             language=language if LANGUAGE_CODE.match(language) else ""))
    cues.sort(key=lambda c: c.start)
    return cues


def _flat(text):
    return " ".join(text.split())


def resolve_origins(track, cues):
    """Qui a écrit chaque réplique, sans croire l'éditeur sur parole : une réplique reste « machine » (ou
    « importée ») seulement si son texte est mot pour mot celui d'une réplique de cette origine déjà
    enregistrée ; tout autre texte est écrit par une personne ; une réplique vide est à transcrire."""
    known = {}
    for cue in track.cues.filter(origin__in=[Cue.Origin.MACHINE, Cue.Origin.IMPORT]).exclude(text=""):
        known.setdefault((cue.origin, _flat(cue.text)), cue.model_name)
    resolved = []
    for cue in cues:
        if not cue.text.strip():
            resolved.append(replace(cue, origin=subs.ORIGIN_TODO, model=""))
            continue
        key = (cue.origin, _flat(cue.text))
        if cue.origin in (subs.ORIGIN_MACHINE, subs.ORIGIN_IMPORT) and key in known:
            resolved.append(replace(cue, model=known[key] if cue.origin == subs.ORIGIN_MACHINE else ""))
        else:
            resolved.append(replace(cue, origin=subs.ORIGIN_PERSON, model=""))
    return resolved


def save_track_cues(track, cues, *, trust_origin=False):
    """Enregistre les répliques saisies. Une piste approuvée modifiée repart en relecture (et quitte le public).

    Sans `trust_origin`, l'origine de chaque réplique est revérifiée (resolve_origins)."""
    with transaction.atomic():
        if not trust_origin:
            cues = resolve_origins(track, cues)
        if track.status == SubtitleTrack.Status.APPROVED:
            track.send_to_review()
        elif track.status == SubtitleTrack.Status.MACHINE_DRAFT:
            track.status = SubtitleTrack.Status.IN_REVIEW
            track.save()
        else:
            track.save()
        track.replace_cues(cues)
    return track
