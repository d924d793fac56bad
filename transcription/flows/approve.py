"""Approuver une piste de sous-titres : la piste devient publique (si le consentement le permet) et sa
version téléphone avec les sous-titres incrustés est demandée tout de suite, pour que la boîte à outils
propose aux animateurs la vidéo sous-titrée et non « Version téléphone (sans sous-titres incrustés) ».

La demande est idempotente : une version déjà faite, ou en cours, pour cette approbation-là n'est pas
redemandée ; une nouvelle approbation (après correction) en demande une nouvelle.
"""

from django.db import transaction

from ..errors import TranscriptionError
from ..models import SubtitledRendition
from .burn_in import request_burn_in
from .transcribe import transcribable_file


def approve_track(track, user=None, *, allow_issues=False):
    with transaction.atomic():
        track.approve(user=user, allow_issues=allow_issues)
        burn_in_if_needed(track, user=user)
    return track


def burn_in_if_needed(track, user=None):
    """Demande l'incrustation de la piste approuvée `track` si l'œuvre a une vidéo et si aucune version
    pour cette approbation n'est prête ou en route. Renvoie la version demandée, ou None."""
    if not track.is_approved or not track.cues.exists():
        return None
    media = transcribable_file(track.work)
    if media is None or media.media_type != "video":
        return None
    already = SubtitledRendition.objects.filter(track=track, track_approved_at=track.approved_at).exclude(
        status=SubtitledRendition.Status.FAILED)
    if already.exists():
        return None
    try:
        return request_burn_in(track, user=user)
    except TranscriptionError:
        return None
