"""Travaux de fond : état et pourcentage dans l'administration, relance, reprise après un travailleur
tué, aucun fichier à moitié écrit visible, commande rebuild_renditions."""

from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from media_library import testing
from media_library.models import ProcessingJob, Rendition
from media_library.processing import ffmpeg, jobs
from media_library.flows.ingest import ingest_file
from media_library.flows.request_renditions import request_renditions

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(work, tmp_path):
    return ingest_file(work, testing.make_video(tmp_path / "capsule.mp4", seconds=2, size="160x120"))


def test_progress_lines_are_parsed():
    assert ffmpeg.parse_progress_line("out_time_us=1500000\n", 3) == pytest.approx(0.5)
    assert ffmpeg.parse_progress_line("out_time=00:00:02.250000", 4.5) == pytest.approx(0.5)
    assert ffmpeg.parse_progress_line("out_time_us=N/A", 3) is None
    assert ffmpeg.parse_progress_line("out_time_us=9000000", 3) == 1.0
    assert ffmpeg.parse_progress_line("frame=12", 3) is None
    assert ffmpeg.parse_progress_line("out_time_us=100", None) is None


def test_job_reports_increasing_percentage(media):
    seen = []
    job = request_renditions(media, enqueue=False)
    job = jobs.run_job(job.pk, on_progress=lambda pct, step: seen.append((pct, step)))
    assert job.status == ProcessingJob.Status.DONE and job.progress == 100
    values = [pct for pct, _step in seen]
    assert values == sorted(values)
    assert any(0 < v < 100 for v in values)
    assert {"Téléphone", "Web"} <= {step for _pct, step in seen}


def test_failed_job_shows_reason_and_can_be_retried(admin_client, media, django_capture_on_commit_callbacks):
    media.file.storage.delete(media.file.name)  # l'original a disparu du disque (incident)
    job = jobs.run_job(request_renditions(media, enqueue=False).pk)
    assert job.status == ProcessingJob.Status.FAILED
    assert "introuvable" in job.error
    page = admin_client.get("/admin/archives/travaux/").content.decode()
    assert "Échec" in page and "introuvable" in page and f"/admin/archives/travaux/{job.pk}/relancer/" in page
    # On remet le fichier, puis « Relancer » : le travail repart et réussit.
    with open(Path(__file__).parent.parent / "testing.py", "rb"):
        pass
    src = testing.make_video(Path(default_storage.path("")) / "tmp-src.mp4", seconds=2, size="160x120")
    Path(media.file.path).parent.mkdir(parents=True, exist_ok=True)
    src.rename(media.file.path)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"/admin/archives/travaux/{job.pk}/relancer/")
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ProcessingJob.Status.DONE, job.error
    assert Rendition.objects.filter(media_file=media, kind="phone").exists()


def test_only_failed_jobs_can_be_retried(admin_client, media):
    job = jobs.run_job(request_renditions(media, enqueue=False).pk)
    assert job.status == ProcessingJob.Status.DONE
    response = admin_client.post(f"/admin/archives/travaux/{job.pk}/relancer/", follow=True)
    assert "Seul un travail en échec peut être relancé." in response.content.decode()


def test_job_status_json_and_running_percentage(admin_client, media):
    job = request_renditions(media, enqueue=False)
    ProcessingJob.objects.filter(pk=job.pk).update(status="running", progress=42.5, step="Téléphone",
                                                   heartbeat_at=timezone.now())
    data = admin_client.get(f"/admin/archives/travaux/etat/?ids={job.pk}").json()
    assert data["jobs"][0]["status"] == "running" and data["jobs"][0]["progress"] == 42.5
    page = admin_client.get("/admin/archives/travaux/").content.decode()
    assert "43 %" in page and 'value="42.5"' in page and "En cours" in page


def test_jobs_pages_need_permission(client, media):
    from media_library.tests.factories import UserFactory

    client.force_login(UserFactory())
    for url in ("/admin/archives/travaux/", "/admin/archives/travaux/etat/?ids=1",
                f"/admin/archives/oeuvres/{media.work.pk}/rendus/"):
        assert client.get(url).status_code in (302, 403), url


def test_work_renditions_page_and_rebuild(admin_client, media, django_capture_on_commit_callbacks):
    jobs.run_job(request_renditions(media, enqueue=False).pk)
    html = admin_client.get(f"/admin/archives/oeuvres/{media.work.pk}/rendus/").content.decode()
    phone = Rendition.objects.get(media_file=media, kind="phone")
    assert phone.get_serve_url("internal").split("?")[0] + "?acces=" in html
    edit = admin_client.get(f"/admin/snippets/media_library/work/edit/{media.work.pk}/").content.decode()
    assert f"/admin/archives/oeuvres/{media.work.pk}/chapitres/" in edit or "Rendus (" in edit
    old = phone.file.name
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"/admin/archives/oeuvres/{media.work.pk}/rendus/refaire/",
                                     {"force": "1", "kind": "phone"})
    assert response.status_code == 302
    phone.refresh_from_db()
    assert phone.file.name != old and not default_storage.exists(old)


# --- Travailleur tué ------------------------------------------------------------------------------


@pytest.fixture
def own_tmp(tmp_path, settings):
    settings.PAROLES_PROCESSING_TMP = str(tmp_path / "travail")
    return Path(settings.PAROLES_PROCESSING_TMP)


def test_nothing_half_written_is_visible_during_encoding(media, own_tmp):
    """Pendant l'encodage, le fichier en cours est dans un dossier temporaire hors du stockage, sans ligne."""
    observed = []
    storage_root = Path(default_storage.path(""))

    def spy(pct, step):
        temp = list(own_tmp.glob(f"{jobs.TMP_PREFIX}*/phone.mp4"))
        if step == "Téléphone" and temp and not observed:
            observed.append(
                (
                    Rendition.objects.filter(media_file=media).count(),
                    sorted(p.name for p in storage_root.rglob("*") if p.is_file() and "renditions" in p.parts),
                    temp,
                )
            )
            raise KeyboardInterrupt  # le travailleur est arrêté ici, fichier écrit mais pas publié

    job = request_renditions(media, enqueue=False)
    with pytest.raises(KeyboardInterrupt):
        jobs.run_job(job.pk, on_progress=spy)
    rows, visible, temp = observed[0]
    assert rows == 0 and visible == []
    assert temp  # l'encodage écrit bien dans le dossier temporaire
    assert not any(p.exists() for p in temp)  # nettoyé à l'arrêt
    assert list(own_tmp.iterdir()) == []
    job.refresh_from_db()
    assert job.status == ProcessingJob.Status.QUEUED  # repris par le travailleur suivant
    job = jobs.run_job(job.pk)
    assert job.status == ProcessingJob.Status.DONE and job.attempts == 2
    assert Rendition.objects.filter(media_file=media, kind="phone").count() == 1


def test_stale_running_job_is_requeued_then_completes(media, django_capture_on_commit_callbacks, tmp_path):
    job = request_renditions(media, enqueue=False)
    long_ago = timezone.now() - timedelta(hours=1)
    ProcessingJob.objects.filter(pk=job.pk).update(status="running", attempts=1, progress=37,
                                                   started_at=long_ago, heartbeat_at=long_ago)
    # Ce qu'un travailleur tué laisse : un dossier temporaire et une copie interrompue dans le stockage.
    with override_settings(PAROLES_PROCESSING_TMP=str(tmp_path / "travail")):
        leftover = Path(jobs.tmp_root()) / f"{jobs.TMP_PREFIX}abandonne"
        leftover.mkdir(parents=True)
        (leftover / "phone.mp4").write_bytes(b"\x00" * 1000)
        import os

        os.utime(leftover, (long_ago.timestamp(), long_ago.timestamp()))
        orphan = default_storage.save(f"renditions/{media.uuid.hex}/phone-interrompu.mp4", ContentFile(b"\x00" * 10))
        with django_capture_on_commit_callbacks(execute=True):
            requeued, failed = jobs.sweep_stale_jobs()
        assert (requeued, failed) == (1, 0)
        assert not leftover.exists()
    job.refresh_from_db()
    assert job.status == ProcessingJob.Status.DONE and job.attempts == 2
    assert jobs.sweep_orphan_files(min_age_seconds=0) == 1
    assert not default_storage.exists(orphan)
    assert all(default_storage.exists(r.file.name) for r in Rendition.objects.filter(media_file=media))


def test_stale_job_after_max_attempts_is_failed_with_reason(media):
    job = request_renditions(media, enqueue=False)
    long_ago = timezone.now() - timedelta(hours=1)
    ProcessingJob.objects.filter(pk=job.pk).update(status="running", attempts=3, progress=64, heartbeat_at=long_ago)
    assert jobs.sweep_stale_jobs() == (0, 1)
    job.refresh_from_db()
    assert job.status == ProcessingJob.Status.FAILED
    assert "64 %" in job.error and "travailleur arrêté ou tué" in job.error and job.can_retry


def test_recent_running_job_is_left_alone(media):
    job = request_renditions(media, enqueue=False)
    ProcessingJob.objects.filter(pk=job.pk).update(status="running", attempts=1, heartbeat_at=timezone.now())
    assert jobs.sweep_stale_jobs() == (0, 0)
    # Et un second travailleur ne le reprend pas : pas de double encodage.
    assert jobs.run_job(job.pk).status == ProcessingJob.Status.RUNNING
    assert not Rendition.objects.exists()


# --- Commande ------------------------------------------------------------------------------------


def test_rebuild_renditions_command_only_touches_the_requested_kind(media):
    out, err = StringIO(), StringIO()
    call_command("rebuild_renditions", stdout=out, stderr=err)
    assert "1 fichier(s) réussi(s)" in out.getvalue()
    before = {r.kind: r.file.name for r in Rendition.objects.filter(media_file=media)}
    assert {"web", "phone", "audio", "poster", "thumbs"} <= set(before)
    with override_settings(PAROLES_RENDITION_PRESETS={"video": {"phone": {"ab": "32k"}}}):
        call_command("rebuild_renditions", "--kind", "phone", "--work", str(media.work.pk), stdout=out, stderr=err)
    after = {r.kind: r.file.name for r in Rendition.objects.filter(media_file=media)}
    assert after["phone"] != before["phone"]
    assert {k: v for k, v in after.items() if k != "phone"} == {k: v for k, v in before.items() if k != "phone"}
    assert "%" in err.getvalue()  # barre de progression tqdm


def test_rebuild_renditions_unknown_work(media):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Aucun fichier"):
        call_command("rebuild_renditions", "--work", "999999", stdout=StringIO(), stderr=StringIO())


def test_requeued_task_takes_over_a_dead_workers_job(media):
    """La file remet la tâche d'un travailleur mort en route : elle reprend le travail resté « en cours »."""
    job = request_renditions(media, enqueue=False)
    long_ago = timezone.now() - timedelta(hours=1)
    ProcessingJob.objects.filter(pk=job.pk).update(status="running", attempts=1, heartbeat_at=long_ago)
    job = jobs.run_job(job.pk)
    assert job.status == ProcessingJob.Status.DONE and job.attempts == 2
