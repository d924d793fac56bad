"""`db_worker` de django-tasks-db, plus un signe de vie, la reprise des tâches d'un travailleur mort
(balayée à chaque battement) et la remise en file d'une tâche tombée sur une base verrouillée.

Mêmes options que `db_worker`. À utiliser en production (unité systemd deploy/systemd/paroles-worker@.service).
"""

from django.db import close_old_connections
from django_tasks_db.management.commands import db_worker
from django_tasks_db.management.commands.db_worker import Command as DBWorkerCommand

from paroles.taskqueue import HeartbeatThread, beat, make_worker_class, requeue_stale_tasks


class Command(DBWorkerCommand):
    help = "Travailleur de tâches (django-tasks-db) avec signe de vie et reprise des tâches orphelines."

    def configure_logging(self, verbosity):
        # db_worker met ses journaux au niveau INFO (une ligne par tâche lancée puis réussie : des centaines
        # au chargement de la démo). Au niveau par défaut, on garde les réglages de LOGGING
        # (PAROLES_TASKS_LOG_LEVEL, échecs seulement) ; -v 2 rend le détail.
        if verbosity != 1:
            super().configure_logging(verbosity)

    def handle(self, *args, worker_id, queue_name, **options):
        # db_worker construit son `Worker` par ce nom : le nôtre remet en file les tâches verrouillées.
        db_worker.Worker = make_worker_class()
        # Premier signe de vie et premier balayage avant de prendre une tâche.
        beat(worker_id, queue_name)
        requeue_stale_tasks()
        close_old_connections()
        heartbeat = HeartbeatThread(worker_id, queue_name)
        heartbeat.start()
        try:
            return super().handle(*args, worker_id=worker_id, queue_name=queue_name, **options)
        finally:
            heartbeat.stop()
            heartbeat.join(timeout=5)
