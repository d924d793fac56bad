"""File de tâches : deux travailleurs concurrents sur PostgreSQL (SKIP LOCKED), travailleur tué (SIGKILL)
puis tâche reprise ; et la logique de reprise elle-même (toutes bases)."""

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from paroles.models import WorkerHeartbeat
from paroles.taskqueue import LOST_EXCEPTION_PATH, requeue_stale_tasks

ROOT = Path(__file__).resolve().parent.parent
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "media", "transcription"]}}


def _is_postgres():
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


postgres_only = pytest.mark.skipif(not _is_postgres(), reason="DATABASE_URL ne désigne pas PostgreSQL")


def _worker(*extra):
    settings_dict = connection.settings_dict
    url = (f"postgres://{settings_dict['USER']}:{settings_dict['PASSWORD'] or ''}@{settings_dict['HOST']}:"
           f"{settings_dict['PORT']}/{settings_dict['NAME']}")
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "tests.worker_settings",
           "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "manage.py", "paroles_worker", "--queue-name", "default", "--interval", "0.2",
         "--no-startup-delay", "--no-reload", *extra],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )


def _wait(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"délai dépassé : {what}")


@pytest.mark.postgres
@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_workers_never_run_a_job_twice(tmp_path):
    from tests.task_probes import record_run

    log = tmp_path / "runs.log"
    with override_settings(TASKS=DB_TASKS):
        results = [record_run.enqueue(str(log), i, 0.15) for i in range(30)]
    workers = [_worker("--batch"), _worker("--batch")]
    try:
        for proc in workers:
            proc.wait(timeout=240)
    finally:
        for proc in workers:
            if proc.poll() is None:
                proc.kill()
    outputs = [proc.stdout.read() for proc in workers]
    assert all(proc.returncode == 0 for proc in workers), outputs
    lines = [line.split() for line in log.read_text().splitlines()]
    runs = Counter(int(index) for index, _pid in lines)
    assert sorted(runs) == list(range(30))
    assert set(runs.values()) == {1}, f"tâches exécutées deux fois : {runs}"
    assert len({pid for _index, pid in lines}) == 2, "les deux travailleurs doivent avoir travaillé en parallèle"
    rows = DBTaskResult.objects.filter(id__in=[r.id for r in results])
    assert rows.count() == 30
    assert all(row.status == TaskResultStatus.SUCCESSFUL and len(row.worker_ids) == 1 for row in rows)


@pytest.mark.postgres
@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_killed_workers_job_is_retried_by_another_worker(tmp_path):
    from tests.task_probes import slow_first_time

    marker, log = tmp_path / "started", tmp_path / "done.log"
    with override_settings(TASKS=DB_TASKS):
        result = slow_first_time.enqueue(str(marker), str(log))
    first = _worker()
    second = None
    try:
        _wait(marker.exists, 120, "le premier travailleur commence la tâche")
        row = DBTaskResult.objects.get(id=result.id)
        assert row.status == TaskResultStatus.RUNNING
        first_id = row.worker_ids[-1]
        os.kill(first.pid, signal.SIGKILL)  # mort brutale : aucune chance de rendre la tâche
        first.wait(timeout=10)
        second = _worker("--max-tasks", "1")
        second.wait(timeout=120)
        assert second.returncode == 0, second.stdout.read()
    finally:
        for proc in (first, second):
            if proc is not None and proc.poll() is None:
                proc.kill()
    row = DBTaskResult.objects.get(id=result.id)
    assert row.status == TaskResultStatus.SUCCESSFUL
    assert row.return_value == "fini"
    assert len(row.worker_ids) == 2 and row.worker_ids[0] == first_id and row.worker_ids[1] != first_id
    assert log.read_text().strip() == f"done {second.pid}"
    assert not WorkerHeartbeat.objects.filter(worker_id=row.worker_ids[1]).exists()  # sortie propre : oublié


# --- La logique de reprise, sur toute base ---------------------------------------------------------

def _running(worker_ids, started_ago):
    return DBTaskResult.objects.create(
        status=TaskResultStatus.RUNNING, args_kwargs={"args": [], "kwargs": {}}, task_path="tests.task_probes.record_run",
        backend_name="default", queue_name="default", run_after=timezone.now(), worker_ids=worker_ids,
        started_at=timezone.now() - timedelta(seconds=started_ago),
    )


@pytest.mark.django_db
def test_requeue_only_tasks_of_dead_workers():
    now = timezone.now()
    WorkerHeartbeat.objects.create(worker_id="vivant", last_seen=now)
    WorkerHeartbeat.objects.create(worker_id="mort", last_seen=now - timedelta(seconds=600))
    alive = _running(["vivant"], 3600)
    dead = _running(["mort"], 30)
    bare_recent = _running(["db_worker_nu"], 60)
    bare_old = _running(["db_worker_nu"], 10 * 3600)
    exhausted = _running(["a", "b", "mort"], 30)

    requeued, failed = requeue_stale_tasks(dead_after=60, stale_after=6 * 3600, max_attempts=3)
    assert (requeued, failed) == (2, 1)
    status = {r.pk: r for r in DBTaskResult.objects.all()}
    assert status[alive.pk].status == TaskResultStatus.RUNNING
    assert status[bare_recent.pk].status == TaskResultStatus.RUNNING
    assert status[dead.pk].status == TaskResultStatus.READY and status[dead.pk].started_at is None
    assert status[bare_old.pk].status == TaskResultStatus.READY
    assert status[exhausted.pk].status == TaskResultStatus.FAILED
    assert status[exhausted.pk].exception_class_path == LOST_EXCEPTION_PATH
    assert "disparu" in status[exhausted.pk].traceback
    # Idempotent : un second balayage ne change rien.
    assert requeue_stale_tasks(dead_after=60, stale_after=6 * 3600, max_attempts=3) == (0, 0)


@pytest.mark.django_db
def test_renditions_pass_before_a_long_transcription_already_in_the_queue():
    """Un seul travailleur, une transcription de film déjà en file : les rendus d'une capsule arrivée
    ensuite sont pris d'abord (priorité), la transcription ensuite."""
    from media_library.tasks import run_processing_job
    from transcription.tasks import burn_subtitles, transcribe_job

    with override_settings(TASKS=DB_TASKS):
        transcribe_job.enqueue(1)
        burn_subtitles.enqueue(2)
        run_processing_job.enqueue(3)
        order = [r.task_path.rsplit(".", 1)[1] for r in DBTaskResult.objects.ready()]
    assert order == ["run_processing_job", "burn_subtitles", "transcribe_job"]
