"""Incruster les sous-titres d'une piste approuvée dans la version téléphone de la vidéo : crée la
version (« en attente ») et la met en file au commit. Le travail lui-même est transcription.jobs.run_burn_in."""

from django.db import transaction
from django.utils.translation import gettext as _

from ..errors import TranscriptionError
from ..models import SubtitledRendition
from .transcribe import transcribable_file


def request_burn_in(track, user=None):
    if not track.is_approved:
        raise TranscriptionError(_("Seule une piste approuvée peut être incrustée."))
    media = transcribable_file(track.work)
    if media is None or media.media_type != "video":
        raise TranscriptionError(_("Cette œuvre n'a pas de vidéo où incruster les sous-titres."))
    rendition = SubtitledRendition.objects.create(track=track, media_file=media, track_approved_at=track.approved_at)
    from ..tasks import burn_subtitles

    transaction.on_commit(lambda: burn_subtitles.enqueue(rendition.pk))
    return rendition
