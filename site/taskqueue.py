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
Le fil de signe de vie balaie à chaque battement : une tâche orpheline repart d'elle-même, sans attendre
qu'une autre soit mise en file. Quand une tâche repart (ou échoue) ainsi, l'objet qu'elle traitait (travail
de rendus, transcription, incrustation) est remis « en attente » par le crochet de RECOVERY_HOOKS, sans
quoi la tâche relancée le trouverait encore « en cours » et ne ferait rien.

Une tâche qui bute sur une base verrouillée (SQLite « database is locked ») est remise en file après une
courte attente (ParolesWorker), au plus PAROLES_TASK_LOCK_RETRIES fois, au lieu de finir en échec.
Une tâche qui lève RetryLater (son objet attend la fin d'une panne passagère, le stockage S3 par exemple)
est remise en file de même après le délai qu'elle donne ; c'est l'objet qui compte et borne les essais.
Une connexion à la base coupée (PostgreSQL redémarré) pendant une tâche : le travailleur attend que la base
revienne (PAROLES_DB_RECONNECT_WAIT s au plus), puis relance la même tâche, son objet remis en attente.
"""

import logging
import os
import random
import socket
import threading
import time
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

from django.conf import settings
from django.db import OperationalError, close_old_connections, connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

LOST_EXCEPTION_PATH = "paroles.taskqueue.WorkerLost"


class WorkerLost(Exception):
    """Le travailleur qui exécutait la tâche a disparu (processus tué, machine arrêtée)."""


class RetryLater(Exception):
    """Levée par une tâche dont l'objet a été remis « en attente » (panne passagère : stockage S3 injoignable) :
    ParolesWorker remet la même tâche en file dans `delay` secondes, au lieu de la marquer en échec."""

    def __init__(self, delay, reason=""):
        super().__init__(reason)
        self.delay = float(delay)


def beat(worker_id, queues=""):
    from .models import WorkerHeartbeat

    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"last_seen": timezone.now(), "hostname": socket.gethostname()[:255], "pid": os.getpid(),
                  "queues": queues[:255]},
    )


# Tâche → fonction(args, kwargs, failed, reason) qui remet en attente (ou en échec) l'objet qu'elle traitait.
RECOVERY_HOOKS = {
    "media_library.tasks.run_processing_job": "media_library.processing.jobs.recover_after_worker_lost",
    "transcription.tasks.transcribe_job": "transcription.jobs.recover_after_worker_lost",
    "transcription.tasks.burn_subtitles": "transcription.jobs.recover_burn_after_worker_lost",
}


def _recover(result, *, failed, reason):
    hook = RECOVERY_HOOKS.get(result.task_path)
    if not hook:
        return
    try:
        import_string(hook)(result.args_kwargs.get("args", []), result.args_kwargs.get("kwargs", {}),
                            failed=failed, reason=reason)
    except Exception:  # noqa: BLE001 - la reprise de la tâche elle-même ne doit pas échouer pour autant
        logger.exception("Reprise de l'objet de la tâche %s (%s) impossible", result.id, result.task_path)


def expire_worker(*, pid, hostname=None):
    """Déclare mort tout de suite le travailleur `pid` de cette machine (son superviseur l'a vu mourir) :
    le prochain balayage reprend ses tâches sans attendre PAROLES_WORKER_DEAD_AFTER."""
    from .models import WorkerHeartbeat

    epoch = datetime(2000, 1, 1, tzinfo=dt_timezone.utc)
    return WorkerHeartbeat.objects.filter(pid=pid, hostname=(hostname or socket.gethostname())[:255]).update(
        last_seen=epoch)


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
                _recover(result, failed=True, reason=result.traceback.strip())
                failed += 1
                logger.error("Tâche %s (%s) abandonnée : travailleur %s disparu, %d tentatives.",
                             result.id, result.task_path, last_worker, len(result.worker_ids))
            else:
                result.status = TaskResultStatus.READY
                result.started_at = None
                result.save(update_fields=["status", "started_at"])
                _recover(result, failed=False, reason="")
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
            except Exception as exc:  # noqa: BLE001 - une base indisponible ne doit pas tuer le fil
                if is_locked(exc) or isinstance(exc, OperationalError):
                    # Base verrouillée ou redémarrée : le battement suivant réessaie (sans pile d'appels).
                    logger.warning("Signe de vie du travailleur %s remis à plus tard : %s", self.worker_id, exc)
                    connection.close()
                else:
                    logger.exception("Signe de vie du travailleur %s impossible", self.worker_id)
            self._stop_event.wait(self.interval)
        try:
            forget(self.worker_id)
        finally:
            connection.close()

    def stop(self):
        self._stop_event.set()


# --- Base verrouillée : la tâche est remise en file ----------------------------------------------


def is_locked(exc):
    """Vrai pour « database is locked » / « database table is locked » (SQLite), à toute profondeur."""
    from django_tasks_db.utils import is_locked_database_exception

    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OperationalError) and is_locked_database_exception(exc):
            return True
        if "database is locked" in str(exc) or "database table is locked" in str(exc):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _with_retries(func, attempts=20):
    for n in range(attempts):
        try:
            return func()
        except OperationalError as exc:
            if not is_locked(exc) or n == attempts - 1:
                raise
            time.sleep(min(2.0, 0.05 * 2**n) * (0.5 + random.random()))


def requeue_locked(db_task_result, exc):
    """Remet la tâche en file, dans quelques secondes, après un verrou de la base. Faux si c'est fini."""
    from django_tasks_db.compat import TaskResultStatus

    limit = getattr(settings, "PAROLES_TASK_LOCK_RETRIES", 5)
    tries = len(db_task_result.worker_ids or [])
    if tries >= limit:
        return False
    delay = min(60.0, 0.5 * 2**tries) * (0.5 + random.random())

    def save():
        close_old_connections()
        type(db_task_result).objects.filter(pk=db_task_result.pk).update(
            status=TaskResultStatus.READY, started_at=None, run_after=timezone.now() + timedelta(seconds=delay))

    _with_retries(save)
    logger.warning("Tâche %s (%s) : base verrouillée (%s) ; nouvel essai dans %.1f s (essai %d/%d).",
                   db_task_result.id, db_task_result.task_path, exc, delay, tries, limit)
    return True


def requeue_later(db_task_result, exc):
    """Remet la tâche en file dans `exc.delay` secondes (RetryLater) : la même tâche, pas une nouvelle."""
    from django_tasks_db.compat import TaskResultStatus

    def save():
        close_old_connections()
        type(db_task_result).objects.filter(pk=db_task_result.pk).update(
            status=TaskResultStatus.READY, started_at=None, run_after=timezone.now() + timedelta(seconds=exc.delay))

    _with_retries(save)
    logger.warning("Tâche %s (%s) : %s ; nouvel essai dans %.0f s.", db_task_result.id, db_task_result.task_path,
                   exc, exc.delay)


# --- Base redémarrée (PostgreSQL) : le travailleur attend qu'elle revienne et relance la tâche ---------


def connection_lost(exc):
    """Vrai si `exc` vient d'une connexion à la base coupée (serveur redémarré, réseau) : ni un verrou, ni
    une requête fautive. La connexion de ce fil est alors inutilisable (c'est ce qu'on vérifie)."""
    from django.db import InterfaceError

    seen, found = set(), False
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, (OperationalError, InterfaceError)) and not is_locked(exc):
            found = True
        exc = exc.__cause__ or exc.__context__
    if not found:
        return False
    try:
        return connection.connection is None or not connection.is_usable()
    except Exception:  # noqa: BLE001 - une connexion cassée peut lever n'importe quoi
        return True


def wait_for_database(timeout=None):
    """Attend (au plus PAROLES_DB_RECONNECT_WAIT s) que la base réponde sur une connexion neuve."""
    from django.db import InterfaceError

    timeout = getattr(settings, "PAROLES_DB_RECONNECT_WAIT", 120) if timeout is None else timeout
    deadline = time.monotonic() + timeout
    while True:
        try:
            connection.close()
        except Exception:  # noqa: BLE001, S110 - la vieille connexion est déjà morte
            pass
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            return True
        except (OperationalError, InterfaceError):
            if time.monotonic() > deadline:
                return False
            time.sleep(0.5)


def requeue_after_lost_connection(db_task_result, exc):
    """La base a coupé la connexion pendant la tâche : elle repart tout de suite (même tâche), et l'objet
    qu'elle traitait redevient « en attente ». Faux après PAROLES_TASK_MAX_ATTEMPTS essais."""
    from django_tasks_db.compat import TaskResultStatus

    if len(db_task_result.worker_ids or []) >= settings.PAROLES_TASK_MAX_ATTEMPTS:
        return False
    with transaction.atomic():
        type(db_task_result).objects.filter(pk=db_task_result.pk).update(
            status=TaskResultStatus.READY, started_at=None, run_after=timezone.now())
        _recover(db_task_result, failed=False, reason="")
    logger.warning("Tâche %s (%s) : connexion à la base perdue (%s) ; reprise.", db_task_result.id,
                   db_task_result.task_path, str(exc).strip()[:200])
    return True


def make_worker_class():
    from django_tasks_db.management.commands.db_worker import Worker

    if getattr(Worker, "paroles", False):  # déjà le nôtre
        return Worker

    class ParolesWorker(Worker):
        """Le travailleur de django-tasks-db, qui remet en file une tâche tombée sur un verrou."""

        paroles = True

        def run_task(self, db_task_result):
            set_failed = db_task_result.set_failed

            def set_failed_or_retry(exc):
                if isinstance(exc, RetryLater):
                    requeue_later(db_task_result, exc)
                    return
                if is_locked(exc) and requeue_locked(db_task_result, exc):
                    return
                if connection_lost(exc) and wait_for_database() and requeue_after_lost_connection(db_task_result, exc):
                    return
                _with_retries(lambda: set_failed(exc))

            db_task_result.set_failed = set_failed_or_retry
            return super().run_task(db_task_result)

        def run(self):
            # Base coupée pendant que le travailleur cherche une tâche : il attend qu'elle revienne.
            from django.db import InterfaceError

            while True:
                try:
                    return super().run()
                except (OperationalError, InterfaceError) as exc:
                    if not self.running or not connection_lost(exc):
                        raise
                    logger.warning("Base injoignable (%s) : le travailleur attend qu'elle revienne.", exc)
                    if not wait_for_database():
                        raise

    return ParolesWorker
