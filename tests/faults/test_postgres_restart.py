"""Cas 6 : PostgreSQL redémarre (pg_ctl restart -m fast : toutes les connexions coupées) au milieu d'un
rendu exécuté par un vrai travailleur. Le travail est repris et finit ; rien n'est perdu (l'original est
intact, chaque rendu en base a son fichier complet, aucune tâche en échec, aucune en double).

Seulement dans la passe PostgreSQL de la CI : `.ci/postgres.sh` démarre sa propre grappe et exporte
PAROLES_PG_DATA et PAROLES_PG_BIN pour que le test puisse la redémarrer."""

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings

ROOT = Path(__file__).resolve().parent.parent.parent
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "media", "transcription"]}}
PGDATA, PGBIN = os.environ.get("PAROLES_PG_DATA"), os.environ.get("PAROLES_PG_BIN")

pytestmark = [
    pytest.mark.faults, pytest.mark.postgres, pytest.mark.slow,
    pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
                       or not (PGDATA and PGBIN),
                       reason="seulement dans la passe PostgreSQL de la CI (.ci/postgres.sh, PAROLES_PG_DATA)"),
]


def _pg_ctl(*args):
    command = [f"{PGBIN}/pg_ctl", "-D", PGDATA, *args]
    if os.getuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    subprocess.run(command, check=True, timeout=120, stdout=subprocess.DEVNULL)


def _worker():
    d = connection.settings_dict
    url = f"postgres://{d['USER']}:{d['PASSWORD'] or ''}@{d['HOST']}:{d['PORT']}/{d['NAME']}"
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "tests.faults.pg_worker_settings",
           "PAROLES_TEST_MEDIA_ROOT": str(settings.MEDIA_ROOT), "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen([sys.executable, "manage.py", "paroles_worker", "--queue-name", "*", "--interval",
                             "0.5", "--no-startup-delay", "--no-reload"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)


def _job(pk):
    from media_library.models import ProcessingJob

    for _ in range(50):  # la connexion du test est coupée elle aussi : on se reconnecte
        try:
            return ProcessingJob.objects.values("status", "progress", "attempts", "error", "step").get(pk=pk)
        except Exception:  # noqa: BLE001 - base en cours de redémarrage
            connection.close()
            time.sleep(0.2)
    raise AssertionError("la base ne revient pas")


def _wait(predicate, timeout, what, interval=0.2):
    deadline = time.monotonic() + timeout
    while not (value := predicate()):
        if time.monotonic() > deadline:
            raise AssertionError(f"délai dépassé ({timeout} s) : {what}")
        time.sleep(interval)
    return value


@pytest.mark.django_db(transaction=True)
def test_postgres_restart_mid_rendition_the_job_is_recovered(work, tmp_path):
    from django_tasks_db.models import DBTaskResult

    from media_library import testing
    from media_library.models import ProcessingJob, Rendition
    from media_library.flows.ingest import ingest_file

    video = testing.make_video(tmp_path / "longue.mp4", seconds=30, size="640x360")
    digest = hashlib.sha256(video.read_bytes()).hexdigest()
    with override_settings(TASKS=DB_TASKS):
        media = ingest_file(work, video, original_filename="longue.mp4")  # met le rendu en file (au commit)
    job = _wait(lambda: ProcessingJob.objects.filter(media_file=media).first(), 10, "le travail est créé")
    worker = _worker()
    try:
        _wait(lambda: (j := _job(job.pk))["status"] == "running" and 5 < j["progress"] < 60, 120,
              "le rendu a commencé")
        _pg_ctl("-m", "fast", "-w", "restart")  # coupe toutes les connexions, celle du travailleur comprise
        connection.close()
        done = _wait(lambda: (j := _job(job.pk))["status"] in ("done", "failed") and j, 120,
                     "le travail reprend et finit", interval=0.5)
        assert done["status"] == "done", (done, worker.poll())
        assert done["attempts"] == 2  # interrompu par le redémarrage, repris une fois
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
        try:
            output, _ = worker.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            output, _ = worker.communicate(timeout=5)
    connection.close()
    media.refresh_from_db()
    assert hashlib.sha256(media.file.open("rb").read()).hexdigest() == digest  # l'original est intact
    kinds = set(Rendition.objects.filter(media_file=media).values_list("kind", flat=True))
    assert {"web", "phone", "poster"} <= kinds, output[-3000:]
    root = Path(settings.MEDIA_ROOT)
    for rendition in Rendition.objects.filter(media_file=media):
        assert (root / rendition.file.name).stat().st_size == rendition.size  # complet, pas à moitié
    stored = sorted(str(p.relative_to(root)) for p in (root / "renditions").rglob("*") if p.is_file())
    assert stored == sorted(Rendition.objects.filter(media_file=media).values_list("file", flat=True))
    tasks = DBTaskResult.objects.filter(task_path="media_library.tasks.run_processing_job")
    assert [t.status for t in tasks] == ["SUCCESSFUL"], output[-3000:]  # la même tâche, pas de doublon
