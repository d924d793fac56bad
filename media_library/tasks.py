"""Tâches de fond du fonds d'archives (API Django Tasks ; travailleur `db_worker`).

Les arguments sont des clés primaires, jamais des objets. Chaque tâche peut être rejouée sans dégât :
un travail déjà pris ou terminé n'est pas refait (voir media_library.processing.jobs.claim).

Le moteur (processing.jobs) et les cas d'usage (media_library.flows) ne connaissent pas ce module : ils
annoncent un travail en file (signal `processing_job_queued`), que `enqueue_job` ci-dessous confie à la
file de tâches (branché à l'import de ce module, dans MediaLibraryConfig.ready()).
"""

import logging

from django.dispatch import receiver
from django_tasks import task

from .flows.request_renditions import process_original
from .models import ProcessingJob
from .processing.jobs import run_job
from .signals import processing_job_queued

logger = logging.getLogger(__name__)


# Priorités (django-tasks-db prend d'abord la plus haute) : les rendus et extraits, courts, rendent une
# œuvre regardable sur téléphone ; ils passent devant les transcriptions, longues (voir transcription.tasks).
PROCESSING_PRIORITY = 10


@task(queue_name="media", priority=PROCESSING_PRIORITY)
def run_processing_job(job_pk):
    """Exécute un travail de rendus ou d'extrait (ProcessingJob)."""
    job = run_job(job_pk, retry_later=True)  # stockage S3 injoignable : la file relance cette tâche
    return job.status if job else None


@task(queue_name="media", priority=PROCESSING_PRIORITY)
def process_media_file(media_file_pk):
    """Compatibilité : vérifie un original et fabrique tous ses rendus, dans la tâche elle-même."""
    return process_original(media_file_pk)


@receiver(processing_job_queued, dispatch_uid="media_library.tasks.enqueue_job")
def enqueue_job(sender, job_pk, **kwargs):
    """Met le travail `job_pk` dans la file « media » et note l'identifiant de la tâche."""
    result = run_processing_job.enqueue(job_pk)
    ProcessingJob.objects.filter(pk=job_pk).update(task_result_id=str(getattr(result, "id", ""))[:64])
    return result
