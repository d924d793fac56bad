"""Tâches de fond du fonds d'archives (API Django Tasks ; travailleur `db_worker`).

Les arguments sont des clés primaires, jamais des objets. Chaque tâche peut être rejouée sans dégât :
un travail déjà pris ou terminé n'est pas refait (voir media_library.processing.jobs.claim).
"""

import logging

from django_tasks import task

logger = logging.getLogger(__name__)


def enqueue_processing(media_file_pk):
    """Point d'entrée unique après l'arrivée d'un original (appelé dans transaction.on_commit).

    Crée un travail de rendus visible dans l'administration (« en attente ») et le met en file.
    """
    from .models import MediaFile
    from .services.processing import request_renditions

    media = MediaFile.objects.filter(pk=media_file_pk).first()
    if media is None:
        return None
    return request_renditions(media)


# Priorités (django-tasks-db prend d'abord la plus haute) : les rendus et extraits, courts, rendent une
# œuvre regardable sur téléphone ; ils passent devant les transcriptions, longues (voir transcription.tasks).
PROCESSING_PRIORITY = 10


@task(queue_name="media", priority=PROCESSING_PRIORITY)
def run_processing_job(job_pk):
    """Exécute un travail de rendus ou d'extrait (ProcessingJob)."""
    from .processing.jobs import run_job

    job = run_job(job_pk, retry_later=True)  # stockage S3 injoignable : la file relance cette tâche
    return job.status if job else None


@task(queue_name="media", priority=PROCESSING_PRIORITY)
def process_media_file(media_file_pk):
    """Compatibilité : vérifie un original et fabrique tous ses rendus, dans la tâche elle-même."""
    from .services.processing import process_original

    return process_original(media_file_pk)
