"""Cas 5 : le point d'accès S3 (vrai serveur moto, loopback) s'arrête pendant un téléversement, puis
pendant l'écriture d'un rendu. Erreur claire en français, rien à moitié enregistré (ni ligne en base ni
objet), et tout réussit quand il revient (moto garde ses données d'un démarrage à l'autre)."""

import pytest
from django.test import override_settings

from media_library import testing
from media_library.files import MediaError
from media_library.models import MediaFile, ProcessingJob, Rendition
from media_library.processing import jobs
from media_library.flows.ingest import ingest_file
from media_library.flows.request_renditions import request_renditions
from media_library.flows.retry_job import retry_job

from ..test_s3 import BUCKET, _free_port

pytestmark = [pytest.mark.faults, pytest.mark.s3, pytest.mark.django_db]


def _keys(client):
    return sorted(o["Key"] for o in client.list_objects_v2(Bucket=BUCKET).get("Contents", []))


@pytest.fixture
def s3_down(monkeypatch):
    """Un serveur moto qu'on arrête et relance sur le même port ; boto3 sans longues attentes."""
    boto3 = pytest.importorskip("boto3")
    from botocore.config import Config
    from moto.server import ThreadedMotoServer

    port = _free_port()
    state = {}

    def start():
        state["server"] = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
        state["server"].start()

    def stop():
        state.pop("server").stop()

    start()
    endpoint = f"http://127.0.0.1:{port}"
    for key, value in {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
                       "AWS_DEFAULT_REGION": "us-east-1"}.items():
        monkeypatch.setenv(key, value)
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=BUCKET)
    for key in _keys(client):  # moto garde ses données dans le processus : on part d'un compartiment vide
        client.delete_object(Bucket=BUCKET, Key=key)
    storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": BUCKET, "endpoint_url": endpoint, "region_name": "us-east-1", "access_key": "test",
            "secret_key": "test", "default_acl": "private", "querystring_auth": True, "file_overwrite": False,
            "signature_version": "s3v4", "addressing_style": "path",
            "client_config": Config(connect_timeout=1, read_timeout=3, retries={"max_attempts": 1},
                                    signature_version="s3v4", s3={"addressing_style": "path"}),
        },
    }
    static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    with override_settings(STORAGES={"default": storage, "staticfiles": static}):
        yield {"start": start, "stop": stop, "client": client}
    if "server" in state:
        stop()


def test_upload_while_s3_is_down_is_refused_clearly_then_succeeds(s3_down, work, tmp_path):
    video = testing.make_video(tmp_path / "capsule.mp4", seconds=1)
    s3_down["stop"]()
    with pytest.raises(MediaError, match="stockage des fichiers \\(S3\\) ne répond pas"):
        ingest_file(work, video, original_filename="capsule.mp4")
    assert not MediaFile.objects.exists()
    s3_down["start"]()
    assert _keys(s3_down["client"]) == []  # aucun objet à moitié écrit
    media = ingest_file(work, video, original_filename="capsule.mp4")  # réessai : il passe
    assert _keys(s3_down["client"]) == [media.file.name]


def test_rendition_write_while_s3_is_down_fails_clearly_then_succeeds(
        s3_down, work, tmp_path, monkeypatch, django_capture_on_commit_callbacks):
    video = testing.make_video(tmp_path / "capsule.mp4", seconds=2)
    with django_capture_on_commit_callbacks(execute=False):
        media = ingest_file(work, video, original_filename="capsule.mp4")
        job = request_renditions(media, kinds=["phone"], enqueue=False)
    real_publish = jobs.publish_rendition

    def publish_after_outage(*args, **kwargs):
        s3_down["stop"]()  # le rendu est encodé ; S3 tombe juste au moment de l'écrire
        return real_publish(*args, **kwargs)

    monkeypatch.setattr(jobs, "publish_rendition", publish_after_outage)
    job = jobs.run_job(job.pk)
    assert job.status == ProcessingJob.Status.FAILED
    assert "stockage des fichiers (S3) ne répond pas" in job.error and "l'original est intact" in job.error
    assert not Rendition.objects.exists()
    s3_down["start"]()
    assert _keys(s3_down["client"]) == [media.file.name]  # ni rendu partiel, ni original touché

    monkeypatch.setattr(jobs, "publish_rendition", real_publish)
    with django_capture_on_commit_callbacks(execute=False):
        retry_job(job)
    job = jobs.run_job(job.pk)
    assert job.status == ProcessingJob.Status.DONE, job.error
    phone = Rendition.objects.get(media_file=media, kind="phone")
    assert sorted(_keys(s3_down["client"])) == sorted([media.file.name, phone.file.name])


DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "media", "transcription"]}}


def _run_worker_batch():
    from paroles.taskqueue import make_worker_class

    worker = make_worker_class()(queue_names=["media"], interval=0, batch=True, backend_name="default",
                                 startup_delay=False, max_tasks=None, worker_id="essai-s3", excluded_queue_names=[])
    worker.run()


def test_rendition_write_is_retried_by_the_queue_when_s3_returns(
        s3_down, work, tmp_path, monkeypatch, settings, django_capture_on_commit_callbacks):
    """Personne ne relance rien : la même tâche repart seule, avec une attente croissante, et réussit."""
    import time

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from media_library.tasks import run_processing_job

    settings.TASKS = DB_TASKS
    settings.PAROLES_STORAGE_RETRY_DELAY = 1
    video = testing.make_video(tmp_path / "capsule.mp4", seconds=2)
    with django_capture_on_commit_callbacks(execute=False):
        media = ingest_file(work, video, original_filename="capsule.mp4")
        job = request_renditions(media, kinds=["phone"], enqueue=False)
    task = run_processing_job.enqueue(job.pk)
    real_publish = jobs.publish_rendition
    outage = {"on": True}

    def publish(*args, **kwargs):
        if outage["on"]:
            s3_down["stop"]()  # S3 tombe au moment d'écrire le rendu encodé
            outage["on"] = False
        return real_publish(*args, **kwargs)

    monkeypatch.setattr(jobs, "publish_rendition", publish)
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        _run_worker_batch()
    job.refresh_from_db()
    row = DBTaskResult.objects.get(pk=task.id)
    assert row.status == "READY" and row.run_after >= before  # la même tâche, remise en file, plus tard
    assert job.status == ProcessingJob.Status.QUEUED and job.attempts == 1
    assert "ne répond pas" in job.step and "Nouvel essai automatique dans 1 s (essai 2 sur 5)" in job.step
    assert not Rendition.objects.exists()

    s3_down["start"]()  # S3 revient ; on attend seulement l'heure prévue de la tâche (1 s)
    deadline = time.monotonic() + 10
    while DBTaskResult.objects.get(pk=task.id).status != "SUCCESSFUL" and time.monotonic() < deadline:
        with django_capture_on_commit_callbacks(execute=True):
            _run_worker_batch()
        time.sleep(0.2)
    job.refresh_from_db()
    assert job.status == ProcessingJob.Status.DONE and job.attempts == 2, (job.status, job.step, job.error)
    assert DBTaskResult.objects.count() == 1  # aucune nouvelle mise en file
    phone = Rendition.objects.get(media_file=media, kind="phone")
    assert sorted(_keys(s3_down["client"])) == sorted([media.file.name, phone.file.name])


def test_storage_retries_are_bounded_then_the_job_fails_clearly(
        s3_down, work, tmp_path, monkeypatch, settings, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    from media_library.tasks import run_processing_job

    settings.TASKS = DB_TASKS
    settings.PAROLES_STORAGE_RETRIES = 1  # le premier essai est le dernier
    video = testing.make_video(tmp_path / "capsule.mp4", seconds=1)
    with django_capture_on_commit_callbacks(execute=False):
        media = ingest_file(work, video, original_filename="capsule.mp4")
        job = request_renditions(media, kinds=["phone"], enqueue=False)
    task = run_processing_job.enqueue(job.pk)
    real_publish = jobs.publish_rendition

    def publish(*args, **kwargs):
        s3_down["stop"]()
        return real_publish(*args, **kwargs)

    monkeypatch.setattr(jobs, "publish_rendition", publish)
    with django_capture_on_commit_callbacks(execute=True):
        _run_worker_batch()
    job.refresh_from_db()
    assert job.status == ProcessingJob.Status.FAILED and "Relancez le travail" in job.error
    assert DBTaskResult.objects.get(pk=task.id).status == "SUCCESSFUL"  # la tâche a fini : l'échec est dit
    assert not Rendition.objects.exists()


def test_clip_subtitles_while_s3_is_down_answer_503_in_french_then_are_served(s3_down, work, client):
    """Les sous-titres d'un extrait sont découpés à la demande dans la piste publiée, lue sur S3 : S3 arrêté,
    la réponse est un 503 clair en français (réessayer), jamais une erreur 500 ni un fichier tronqué."""
    from consent.testing import publish
    from transcription.models import Cue, SubtitleTrack

    publish(work)
    track = SubtitleTrack.objects.create(work=work, language="fr", status=SubtitleTrack.Status.IN_REVIEW)
    Cue.objects.create(track=track, position=0, start_ms=100, end_ms=900, text="Bonjour depuis l'extrait.")
    track.approve(allow_issues=True)
    assert track.vtt_file.name in _keys(s3_down["client"])
    url = track.get_window_url(0, 1, "website")
    s3_down["stop"]()
    response = client.get(url)
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert "stockage des fichiers (S3) ne répond pas" in response.content.decode()
    s3_down["start"]()
    response = client.get(url)
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert b"00:00:00.100 --> 00:00:00.900" in body and "Bonjour depuis l'extrait.".encode() in body
