"""Tâches de fond du fonds d'archives (API Django Tasks ; travailleur `db_worker`).

Les arguments sont des clés primaires, jamais des objets. Chaque tâche peut être rejouée sans dégât.
"""

import logging

from django.db import transaction
from django_tasks import task

logger = logging.getLogger(__name__)


def enqueue_processing(media_file_pk):
    """Point d'entrée unique après l'arrivée d'un original (appelé dans transaction.on_commit)."""
    process_media_file.enqueue(media_file_pk)


@task(queue_name="media")
def process_media_file(media_file_pk):
    from .services.processing import process_original

    return process_original(media_file_pk)
