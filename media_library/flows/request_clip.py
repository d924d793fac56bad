"""Demander les extraits web et téléphone d'un chapitre (administration des chapitres, démo) : un travail
« extrait » mis en file après la validation de la transaction (celui qui attend déjà est réutilisé)."""

from ..models import ProcessingJob
from ..processing.jobs import enqueue_on_commit, queued_job


def request_clip(chapter, *, user=None, force=True, enqueue=True):
    """Demande la fabrication des extraits web et téléphone d'un chapitre."""
    job = queued_job(chapter.media_file, chapter, ProcessingJob.Kind.CLIP)
    if job is not None:
        return job
    job = ProcessingJob.objects.create(
        media_file=chapter.media_file,
        chapter=chapter,
        kind=ProcessingJob.Kind.CLIP,
        force=force,
        created_by=user if user is not None and user.is_authenticated else None,
    )
    if enqueue:
        enqueue_on_commit(job.pk)
    return job
