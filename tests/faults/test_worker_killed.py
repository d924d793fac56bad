"""Cas 1 : `kill -9` du travailleur au milieu d'un rendu. Le serveur web continue de répondre, le
superviseur de `make run` relance le travailleur, le travail reprend de lui-même (sans nouvelle mise en
file) bien avant deux minutes, et aucun fichier partiel n'est jamais visible dans le stockage."""

import os
import signal
import time

import pytest

from .conftest import free_port, http_get, wait_for

pytestmark = [pytest.mark.faults, pytest.mark.slow]

SETUP = """
from media_library import testing
from media_library.flows.ingest import ingest_file
from media_library.tests.factories import ProjectFactory, WorkFactory
from pathlib import Path

work = WorkFactory(project=ProjectFactory(name="Pannes"), title_fr="Capsule longue", kind="capsule")
video = testing.make_video(Path(tmp) / "longue.mp4", seconds=seconds, size="640x360")
media = ingest_file(work, video, original_filename="longue.mp4")
result = media.pk
"""


def storage_files(root):
    base = root / "renditions"
    return sorted(str(p.relative_to(root)) for p in base.rglob("*") if p.is_file()) if base.exists() else []


def test_worker_killed_mid_rendition_is_restarted_and_the_job_resumes(site, tmp_path):
    instance = site(PAROLES_WORKER_DEAD_AFTER="30")  # la reprise immédiate vient du superviseur
    media_pk = instance.py(SETUP, tmp=str(tmp_path), seconds=40)
    port = free_port()
    supervisor = instance.start("manage.py", "run_paroles", "--host", "127.0.0.1", "--port", str(port),
                                "--no-static")
    base = f"http://127.0.0.1:{port}"
    wait_for(lambda: _status(base) == 200, 90, "le serveur web répond")

    def job():
        rows = instance.sql("SELECT status, progress, step, attempts FROM media_library_processingjob "
                            "WHERE media_file_id = ?", media_pk)
        return rows[0] if rows else None

    # Au milieu d'un encodage (rendu web ou téléphone) : pas avant, pas après.
    wait_for(lambda: (j := job()) and j[0] == "running" and j[3] == 1 and 5 < j[1] < 60, 120,
             "le rendu a commencé")
    (pid,) = instance.sql("SELECT pid FROM paroles_workerheartbeat")[0]
    os.kill(pid, signal.SIGKILL)
    killed_at = time.monotonic()
    for _ in range(3):  # le site continue de servir pendant que le travailleur est mort
        assert _status(base) == 200

    wait_for(lambda: any(p != pid for (p,) in instance.sql("SELECT pid FROM paroles_workerheartbeat")), 30,
             "le superviseur relance un travailleur")
    wait_for(lambda: job()[0] == "done", 120, "le travail reprend et finit", interval=0.5)
    assert time.monotonic() - killed_at < 120
    status, _progress, _step, attempts = job()
    assert attempts == 2  # repris une fois, par la même tâche
    tasks = instance.sql("SELECT status, worker_ids FROM django_tasks_database_dbtaskresult "
                         "WHERE task_path = 'media_library.tasks.run_processing_job'")
    assert len(tasks) == 1 and tasks[0][0] == "SUCCESSFUL"  # aucune nouvelle mise en file
    # Aucun fichier partiel : chaque fichier du stockage est un rendu en base, complet.
    rows = instance.sql("SELECT file, size FROM media_library_rendition WHERE media_file_id = ?", media_pk)
    assert {"web", "phone", "poster"} <= {k for (k,) in instance.sql(
        "SELECT kind FROM media_library_rendition WHERE media_file_id = ?", media_pk)}
    assert storage_files(instance.private) == sorted(name for name, _size in rows)
    for name, size in rows:
        assert (instance.private / name).stat().st_size == size
    leftovers = list((instance.root / "tmp" / "rendus").glob("paroles-rendu-*"))
    assert leftovers == []  # le dossier de travail du travailleur tué a été retiré
    assert _status(base) == 200
    supervisor.send_signal(signal.SIGTERM)
    supervisor.wait(timeout=20)
    err = supervisor.stderr.read()
    assert "Le travailleur s'est arrêté (code -9) ; redémarrage, l'autre processus continue." in err


def _status(base):
    try:
        return http_get(f"{base}/", timeout=10)[0]
    except OSError:
        return None


# --- Ce que la reprise fait de l'objet de la tâche (transcription, rendu), sur toute base ------------

def _orphan(task_path, args, attempts):
    from datetime import timedelta

    from django.utils import timezone
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from paroles.models import WorkerHeartbeat

    WorkerHeartbeat.objects.create(worker_id="mort", last_seen=timezone.now() - timedelta(minutes=5))
    return DBTaskResult.objects.create(
        status=TaskResultStatus.RUNNING, args_kwargs={"args": args, "kwargs": {}}, task_path=task_path,
        backend_name="default", queue_name="transcription", run_after=timezone.now(),
        worker_ids=["mort"] * attempts, started_at=timezone.now() - timedelta(minutes=5),
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("attempts", "expected"), [(1, "queued"), (3, "failed")])
def test_transcription_of_a_killed_worker_is_requeued_at_once(work, attempts, expected):
    from paroles.taskqueue import requeue_stale_tasks
    from transcription.models import TranscriptionJob

    job = TranscriptionJob.objects.create(work=work, status=TranscriptionJob.Status.RUNNING, progress=42)
    _orphan("transcription.tasks.transcribe_job", [job.pk], attempts)
    requeue_stale_tasks()  # ce que fait chaque battement d'un travailleur vivant
    job.refresh_from_db()
    assert job.status == expected
    if expected == "queued":  # la tâche relancée le reprendra (elle ne prend que les travaux en attente)
        assert job.progress == 0 and "Reprise" in job.message
    else:
        assert "abandon" in job.message


@pytest.mark.django_db
def test_rendition_job_of_a_killed_worker_is_requeued_without_waiting_for_staleness(work, small_video,
                                                                                 django_capture_on_commit_callbacks):
    from django.utils import timezone

    from media_library.models import ProcessingJob
    from media_library.flows.ingest import ingest_file
    from media_library.flows.request_renditions import request_renditions
    from paroles.taskqueue import requeue_stale_tasks

    with django_capture_on_commit_callbacks(execute=False):
        media = ingest_file(work, small_video)
        job = request_renditions(media, enqueue=False)
    ProcessingJob.objects.filter(pk=job.pk).update(status="running", heartbeat_at=timezone.now(), attempts=1)
    _orphan("media_library.tasks.run_processing_job", [job.pk], 1)
    requeue_stale_tasks()
    job.refresh_from_db()
    assert job.status == ProcessingJob.Status.QUEUED and "repris" in job.step
