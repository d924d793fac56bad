"""Cas 4 : disque plein pendant un rendu (un vrai petit système de fichiers tmpfs, monté en root).

Le travail échoue avec une raison claire en français, l'original est intact, aucun fichier partiel ne
reste (ni dans le dossier de travail, ni dans le stockage), et le même travail réussit une fois la place
revenue."""

import hashlib
import os
import subprocess
from contextlib import contextmanager

import pytest
from django.core.files.storage import default_storage
from django.test import override_settings

from media_library import testing
from media_library.models import ProcessingJob, Rendition
from media_library.processing import jobs
from media_library.flows.ingest import ingest_file
from media_library.flows.request_renditions import request_renditions
from media_library.flows.retry_job import retry_job

pytestmark = [pytest.mark.faults, pytest.mark.django_db]


@contextmanager
def tmpfs(path, size):
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        pytest.skip("monter un petit système de fichiers (tmpfs) demande d'être root (c'est le cas en CI)")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"mount tmpfs refusé ici : {done.stderr.decode()[:200]}")
    try:
        yield lambda new_size: subprocess.run(["mount", "-o", f"remount,size={new_size}", str(path)], check=True)
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def _sha(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def _media(work, tmp_path, django_capture_on_commit_callbacks):
    video = testing.make_video(tmp_path / "capsule.mp4", seconds=4, size="640x360")
    with django_capture_on_commit_callbacks(execute=False):
        media = ingest_file(work, video, original_filename="capsule.mp4")
    return media


def _stored_files(root):
    return {str(p.relative_to(root)): p.stat().st_size for p in root.rglob("*") if p.is_file()}


def test_full_work_directory_fails_clearly_then_succeeds_when_space_is_back(
        work, tmp_path, private_storage, django_capture_on_commit_callbacks):
    media = _media(work, tmp_path, django_capture_on_commit_callbacks)
    original = _sha(media.file.path)
    scratch = tmp_path / "petit-disque"
    with tmpfs(scratch, "200k") as resize, override_settings(PAROLES_PROCESSING_TMP=str(scratch)):
        with django_capture_on_commit_callbacks(execute=False):
            job = request_renditions(media, kinds=["web"], enqueue=False)
        job = jobs.run_job(job.pk)
        assert job.status == ProcessingJob.Status.FAILED
        assert "Espace disque insuffisant" in job.error and "L'original est intact" in job.error
        assert _sha(media.file.path) == original
        assert not Rendition.objects.filter(media_file=media).exists()
        assert list(scratch.iterdir()) == []  # aucun fichier partiel dans le dossier de travail
        assert not default_storage.exists("renditions") or not _stored_files(private_storage / "renditions")

        resize("64m")  # la place revient
        with django_capture_on_commit_callbacks(execute=False):
            retry_job(job)
        job = jobs.run_job(job.pk)
        assert job.status == ProcessingJob.Status.DONE, job.error
        web = Rendition.objects.get(media_file=media, kind="web")
        assert default_storage.size(web.file.name) == web.size > 0
        assert list(scratch.iterdir()) == []


def test_full_storage_leaves_no_partial_file_then_succeeds(work, tmp_path, django_capture_on_commit_callbacks):
    video = testing.make_video(tmp_path / "capsule.mp4", seconds=4, size="640x360")
    disk = tmp_path / "stockage"
    storages = {"default": {"BACKEND": "paroles.storage.PrivateFileSystemStorage", "OPTIONS": {"location": str(disk)}},
                "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    with tmpfs(disk, "8m") as resize, override_settings(STORAGES=storages, MEDIA_ROOT=str(disk)):
        with django_capture_on_commit_callbacks(execute=False):
            media = ingest_file(work, video, original_filename="capsule.mp4")
        original = _sha(media.file.path)
        filler = disk / "remplissage"
        free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
        filler.write_bytes(b"\0" * max(0, free - 40_000))  # il reste ~40 Ko : le rendu web n'y tient pas
        with django_capture_on_commit_callbacks(execute=False):
            job = request_renditions(media, kinds=["web"], enqueue=False)
        job = jobs.run_job(job.pk)
        assert job.status == ProcessingJob.Status.FAILED
        assert "Espace disque insuffisant" in job.error and "stockage" in job.error
        assert _sha(media.file.path) == original
        files = _stored_files(disk)
        assert set(files) == {media.file.name, "remplissage"}  # aucun rendu partiel

        filler.unlink()  # la place revient
        with django_capture_on_commit_callbacks(execute=False):
            retry_job(job)
        job = jobs.run_job(job.pk)
        assert job.status == ProcessingJob.Status.DONE, job.error
        web = Rendition.objects.get(media_file=media, kind="web")
        assert (disk / web.file.name).stat().st_size == web.size
        assert _sha(media.file.path) == original
        del resize
