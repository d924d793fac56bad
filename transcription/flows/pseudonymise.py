"""Pseudonymiser : remplacer un nom par un pseudonyme dans toutes les pistes et toutes les transcriptions
d'une œuvre, publier aussitôt les pistes approuvées réécrites, retirer les vidéos déjà incrustées."""

import re

from django.db import transaction
from django.utils.translation import gettext as _

from consent import epoch

from .. import subtitles as subs
from ..errors import TranscriptionError
from ..models import Cue, SubtitledRendition, SubtitleTrack, TranscriptionJob


def _pattern(find, whole_word=True):
    escaped = re.escape(find.strip())
    return re.compile(rf"(?<!\w){escaped}(?!\w)" if whole_word else escaped, re.IGNORECASE)


def pseudonymise(work, find, replace, *, whole_word=True):
    """Remplace un nom par un pseudonyme dans toutes les pistes et toutes les transcriptions de l'œuvre.

    Les pistes approuvées restent approuvées et leurs fichiers publiés sont réécrits immédiatement
    (c'est une protection, pas une modification de fond). Renvoie le nombre de remplacements.
    """
    if not find or not find.strip():
        raise TranscriptionError(_("Indiquez le nom à remplacer."))
    pattern = _pattern(find, whole_word)
    from ..engine import normalise

    count = 0
    with transaction.atomic():
        for track in SubtitleTrack.objects.select_for_update().filter(work=work):
            changed = False
            for cue in track.cues.all():
                new, n = pattern.subn(replace, cue.text)
                if n:
                    count += n
                    changed = True
                    Cue.objects.filter(pk=cue.pk).update(text=new, search_text=normalise(new))
                    epoch.bump()  # update() n'envoie aucun signal : le texte montré change
            if changed and track.is_approved:
                cues, issues = subs.prepare_export(track.get_cues(), track.language, allow_issues=True)
                track.publish_files(cues, issues)
        for job in TranscriptionJob.objects.select_for_update().filter(work=work):
            segments = job.segments or []
            changed = False
            for seg in segments:
                new, n = pattern.subn(replace, seg.get("text", ""))
                if n:
                    count += n
                    changed = True
                    seg["text"] = new
                if n:
                    # Les mots horodatés gardent aussi le nom : chaque mot du nom est remplacé
                    # (le premier par le pseudonyme, les suivants par rien).
                    tokens = set(normalise(find).split())
                    previous_hit = False
                    for w in seg.get("words", []):
                        if normalise(w.get("word", "")) in tokens:
                            w["word"] = "" if previous_hit else " " + replace
                            previous_hit = True
                        else:
                            previous_hit = False
            if changed:
                TranscriptionJob.objects.filter(pk=job.pk).update(segments=segments)
        # Une vidéo déjà incrustée porte l'ancien nom : on la retire (à refaire depuis la piste corrigée).
        if count:
            for rendition in SubtitledRendition.objects.filter(track__work=work):
                if rendition.file:
                    rendition.file.delete(save=False)
                rendition.delete()
    return count
