"""Copier le minutage d'une piste vers une autre langue (en général du français vers le bambara), textes
vides « à transcrire », pour qu'une personne écrive la traduction sur les mêmes temps."""

from django.db import transaction
from django.utils.translation import gettext as _

from .. import subtitles as subs
from ..errors import TranscriptionError
from ..models import SubtitleTrack
from .open_track import get_or_create_track


def copy_timings(work, source_language="fr", target_language="bm", *, todo_only=False):
    """Crée (ou remplit, si elle est vide) la piste cible avec le minutage de la piste source, textes vides
    (« à transcrire »). `todo_only` : seulement les passages que la transcription automatique a laissés à
    une personne (les répliques vides de la piste source, en général les passages en bambara)."""
    source = SubtitleTrack.objects.filter(work=work, language=source_language).first()
    if source is None or not source.cues.exists():
        raise TranscriptionError(_("La piste « %(lang)s » n'existe pas ou n'a aucune réplique.") % {"lang": source_language})
    cues = source.get_cues()
    if todo_only:
        cues = [c for c in cues if c.origin == subs.ORIGIN_TODO]
        if not cues:
            raise TranscriptionError(_("La piste « %(lang)s » n'a aucun passage à transcrire.") % {"lang": source_language})
    with transaction.atomic():
        target = get_or_create_track(work, target_language)
        if target.cues.exclude(text="").exists():
            raise TranscriptionError(_("La piste « %(lang)s » contient déjà du texte : le minutage n'a pas été copié.")
                                     % {"lang": target_language})
        target.source = SubtitleTrack.Source.TIMING
        target.status = SubtitleTrack.Status.IN_REVIEW
        target.save()
        target.replace_cues([subs.Cue(c.start, c.end, "", origin=subs.ORIGIN_TODO,
                                      language=target_language if todo_only else "") for c in cues])
    return target
