"""Cas 5 : le point d'accès S3 (vrai serveur moto, loopback) s'arrête pendant un téléversement, puis
pendant l'écriture d'un rendu. Erreur claire en français, rien à moitié enregistré (ni ligne en base ni
objet), et tout réussit quand il revient (moto garde ses données d'un démarrage à l'autre)."""

import pytest
from django.test import override_settings

from media_library import testing
from media_library.files import MediaError
from media_library.models import MediaFile, ProcessingJob, Rendition
from media_library.processing import jobs
from media_library.services.ingest import ingest_file
from media_library.services.processing import request_renditions, retry_job

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
