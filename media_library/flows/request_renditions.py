"""Demander les rendus d'un original (web, téléphone, vignettes, tuiles IIIF…) : un travail visible dans
l'administration (« en attente »), mis en file après la validation de la transaction.

Les vues d'administration, la commande `rebuild_renditions`, l'arrivée d'un original (ingest) et la tâche
de traitement appellent ces fonctions ; le travail lui-même est dans media_library.processing.jobs.
"""

import logging

from ..models import MediaFile, ProcessingJob
from ..processing.jobs import enqueue_on_commit, queued_job, run_job

logger = logging.getLogger(__name__)


def request_renditions(media, *, kinds=None, force=False, user=None, enqueue=True):
    """Crée (ou réutilise, s'il attend déjà) un travail de rendus pour l'original `media`.

    `kinds` restreint aux types donnés (« phone »…) ; `force` refait même les rendus à jour.
    Le travail part dans la file « media » après la validation de la transaction.
    """
    kinds = sorted(set(kinds or []))
    job = queued_job(media)
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
        enqueue_on_commit(job.pk)
    return job


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
