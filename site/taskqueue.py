"""File de tâches : signes de vie des travailleurs et reprise des tâches d'un travailleur mort.

django-tasks-db réserve une tâche (SELECT … FOR UPDATE SKIP LOCKED, puis statut RUNNING) et ne la
reprend jamais si le processus meurt pendant son exécution : elle resterait « en cours » pour toujours.
`paroles_worker` (db_worker + un fil qui bat toutes les PAROLES_WORKER_HEARTBEAT secondes) et
`requeue_stale_tasks` corrigent cela :

- tâche en cours dont le travailleur n'a pas donné signe de vie depuis PAROLES_WORKER_DEAD_AFTER s
  → remise en file (READY), ou marquée en échec après PAROLES_TASK_MAX_ATTEMPTS tentatives ;
- tâche en cours d'un travailleur sans signe de vie connu (un `db_worker` nu) → même traitement après
  PAROLES_TASK_STALE_AFTER secondes.

Nos tâches peuvent tourner deux fois sans dommage (règle du projet) : une reprise est donc sûre.
"""

import logging
import os
import socket
import threading
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

LOST_EXCEPTION_PATH = "paroles.taskqueue.WorkerLost"


class WorkerLost(Exception):
    """Le travailleur qui exécutait la tâche a disparu (processus tué, machine arrêtée)."""


def beat(worker_id, queues=""):
    from .models import WorkerHeartbeat

    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"last_seen": timezone.now(), "hostname": socket.gethostname()[:255], "pid": os.getpid(),
                  "queues": queues[:255]},
    )


def forget(worker_id):
    from .models import WorkerHeartbeat

    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def requeue_stale_tasks(*, now=None, dead_after=None, stale_after=None, max_attempts=None):
    """Remet en file (ou en échec) les tâches en cours dont le travailleur est mort.

    Renvoie (remises en file, passées en échec). Sûre à lancer en parallèle sur plusieurs machines.
    """
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from .models import WorkerHeartbeat

    now = now or timezone.now()
    dead_after = settings.PAROLES_WORKER_DEAD_AFTER if dead_after is None else dead_after
    stale_after = settings.PAROLES_TASK_STALE_AFTER if stale_after is None else stale_after
    max_attempts = settings.PAROLES_TASK_MAX_ATTEMPTS if max_attempts is None else max_attempts

    beats = dict(WorkerHeartbeat.objects.values_list("worker_id", "last_seen"))
    requeued = failed = 0
    with transaction.atomic():
        running = DBTaskResult.objects.running()
        if connection.features.has_select_for_update_skip_locked:
            running = running.select_for_update(skip_locked=True)
        for result in running:
            last_worker = result.worker_ids[-1] if result.worker_ids else None
            seen = beats.get(last_worker)
            if seen is not None:
                if now - seen <= timedelta(seconds=dead_after):
                    continue  # travailleur vivant : la tâche tourne vraiment
            elif result.started_at and now - result.started_at <= timedelta(seconds=stale_after):
                continue  # travailleur sans signe de vie (db_worker nu) : on attend plus longtemps
            if len(result.worker_ids) >= max_attempts:
                result.status = TaskResultStatus.FAILED
                result.finished_at = now
                result.exception_class_path = LOST_EXCEPTION_PATH
                result.traceback = (
                    f"WorkerLost: le travailleur {last_worker} a disparu pendant la tâche "
                    f"({len(result.worker_ids)} tentatives) ; abandon.\n"
                )
                result.return_value = None
                result.save(update_fields=["status", "finished_at", "exception_class_path", "traceback",
                                           "return_value"])
                failed += 1
                logger.error("Tâche %s (%s) abandonnée : travailleur %s disparu, %d tentatives.",
                             result.id, result.task_path, last_worker, len(result.worker_ids))
            else:
                result.status = TaskResultStatus.READY
                result.started_at = None
                result.save(update_fields=["status", "started_at"])
                requeued += 1
                logger.warning("Tâche %s (%s) remise en file : travailleur %s disparu.",
                               result.id, result.task_path, last_worker)
    # Ménage : les signes de vie d'il y a plus d'un jour ne servent plus.
    WorkerHeartbeat.objects.filter(last_seen__lt=now - timedelta(days=1)).delete()
    return requeued, failed


class HeartbeatThread(threading.Thread):
    """Bat pour `worker_id` et balaie les tâches orphelines, jusqu'à `stop()`."""

    def __init__(self, worker_id, queues="", interval=None):
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.queues = queues
        self.interval = settings.PAROLES_WORKER_HEARTBEAT if interval is None else interval
        self._stop_event = threading.Event()

    def run(self):
        while not self._stop_event.is_set():
            try:
                close_old_connections()
                beat(self.worker_id, self.queues)
                requeue_stale_tasks()
            except Exception:  # noqa: BLE001 - une base indisponible ne doit pas tuer le fil
                logger.exception("Signe de vie du travailleur %s impossible", self.worker_id)
            self._stop_event.wait(self.interval)
        try:
            forget(self.worker_id)
        finally:
            connection.close()

    def stop(self):
        self._stop_event.set()
