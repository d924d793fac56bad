"""Cas d'usage du traitement des médias : demander des rendus, un extrait, relancer un travail.

Les vues d'administration, la commande `rebuild_renditions`, l'arrivée d'un original (ingest) et les
tâches appellent ces fonctions ; le travail lui-même est dans media_library.processing.jobs.
"""

import logging

from django.db import transaction
from django.utils.translation import gettext as _

from ..models import MediaFile, ProcessingJob
from ..processing.jobs import enqueue_job, run_job

logger = logging.getLogger(__name__)


def _active_job(media, chapter=None, kind=ProcessingJob.Kind.RENDITIONS):
    return (
        ProcessingJob.objects.filter(media_file=media, chapter=chapter, kind=kind, status=ProcessingJob.Status.QUEUED)
        .order_by("-created_at")
        .first()
    )


def request_renditions(media, *, kinds=None, force=False, user=None, enqueue=True):
    """Crée (ou réutilise, s'il attend déjà) un travail de rendus pour l'original `media`.

    `kinds` restreint aux types donnés (« phone »…) ; `force` refait même les rendus à jour.
    Le travail part dans la file « media » après la validation de la transaction.
    """
    kinds = sorted(set(kinds or []))
    job = _active_job(media)
    if job is not None and job.rendition_kinds == kinds and job.force == force:
        return job
    job = ProcessingJob.objects.create(
        media_file=media,
        kind=ProcessingJob.Kind.RENDITIONS,
        rendition_kinds=kinds,
        force=force,
        created_by=user if user is not None and user.is_authenticated else None,
    )
    if enqueue:
        _enqueue_on_commit(job.pk)
    return job


def request_clip(chapter, *, user=None, force=True, enqueue=True):
    """Demande la fabrication des extraits web et téléphone d'un chapitre."""
    job = _active_job(chapter.media_file, chapter, ProcessingJob.Kind.CLIP)
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
        _enqueue_on_commit(job.pk)
    return job


def retry_job(job, *, user=None):
    """Remet en file un travail en échec. Lève ValueError (message en français) s'il n'est pas en échec."""
    updated = ProcessingJob.objects.filter(pk=job.pk, status=ProcessingJob.Status.FAILED).update(
        status=ProcessingJob.Status.QUEUED, error="", progress=0, step=_("relancé à la main"), attempts=0,
        finished_at=None,
    )
    if not updated:
        raise ValueError(_("Seul un travail en échec peut être relancé."))
    _enqueue_on_commit(job.pk)
    job.refresh_from_db()
    return job


def _enqueue_on_commit(job_pk):
    transaction.on_commit(lambda: enqueue_job(job_pk))


def enqueue_processing(media_file_pk):
    """Point d'entrée unique après l'arrivée d'un original (appelé dans transaction.on_commit).

    Crée un travail de rendus visible dans l'administration (« en attente ») et le met en file.
    """
    media = MediaFile.objects.filter(pk=media_file_pk).first()
    if media is None:
        return None
    return request_renditions(media)


def process_original(media_file_pk):
    """Après l'arrivée d'un original : vérification complète du flux, puis tous ses rendus.

    Exécuté dans la tâche (synchrone) ; renvoie la clé du fichier si tout s'est bien passé, sinon None.
    """
    media = MediaFile.objects.filter(pk=media_file_pk).first()
    if media is None:
        return None
    job = request_renditions(media, enqueue=False)
    job = run_job(job.pk)
    return media.pk if job and job.status == ProcessingJob.Status.DONE else None
