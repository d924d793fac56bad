"""Transcrire une œuvre : choisir le fichier audio ou vidéo et la langue, créer le travail Whisper et le
mettre en file au commit (un seul travail actif par fichier). Appelé par l'administration, par l'arrivée
d'un original (transcription automatique, réglage PAROLES_AUTO_TRANSCRIBE) et par la commande `transcribe`.
Le travail lui-même est transcription.jobs.run_job.
"""

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from ..errors import TranscriptionError
from ..models import TranscriptionJob

TIME_BASED = {"video", "audio"}


def work_language(work):
    """La langue parlée déclarée de l'œuvre si elle est unique ; sinon None : langue détectée passage par
    passage (une œuvre déclarée en français et en bambara est traitée comme mixte)."""
    codes = {lang.code for lang in work.spoken_languages.all()}
    if len(codes) == 1:
        return codes.pop()
    return None


def transcribable_file(work):
    for media in work.files.all():
        if media.media_type in TIME_BASED and media.status != media.Status.FAILED:
            return media
    return None


def request_transcription(work, *, user=None, media_file=None, language=None):
    """Crée un travail de transcription et le met en file au commit. Un seul travail actif par fichier."""
    media_file = media_file or transcribable_file(work)
    if media_file is None:
        raise TranscriptionError(_("Cette œuvre n'a aucun fichier audio ou vidéo à transcrire."))
    active = TranscriptionJob.objects.filter(media_file=media_file, status__in=TranscriptionJob.ACTIVE).first()
    if active:
        return active
    job = TranscriptionJob.objects.create(
        work=work, media_file=media_file, language=language if language is not None else (work_language(work) or ""),
        requested_by=user if user and user.is_authenticated else None,
    )
    from ..tasks import transcribe_job

    transaction.on_commit(lambda: transcribe_job.enqueue(job.pk))
    return job


def auto_transcribe_enabled():
    return getattr(settings, "PAROLES_AUTO_TRANSCRIBE", False)
