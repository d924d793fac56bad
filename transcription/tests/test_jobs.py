"""Le travail de transcription : états, messages, annulation, pas de boucle de plantage."""

import pytest

from media_library.flows.ingest import ingest_file
from media_library.tests.factories import WorkFactory
from transcription import engine, jobs, whisper_store
from transcription.flows.transcribe import request_transcription, work_language
from transcription.jobs import run_job
from transcription.engine import Cancelled, Result
from transcription.models import SubtitleTrack, TranscriptionJob
from transcription.tasks import transcribe_job

pytestmark = pytest.mark.django_db


@pytest.fixture
def audio_work(project, small_audio):
    work = WorkFactory(project=project, kind="podcast", title_fr="Paroles de femmes")
    ingest_file(work, small_audio, original_filename="podcast.mp3")
    return work


def fake_result(text="Les femmes déplacées racontent leur parcours."):
    words = []
    t = 0.2
    for w in text.split():
        words.append({"start": t, "end": t + 0.3, "word": " " + w, "probability": 0.9})
        t += 0.35
    return Result(language="fr", language_probability=0.95, model_name="whisper-base", duration=2.0,
                  speech_found=True, segments=[{"start": 0.2, "end": t, "text": text, "words": words}])


def new_job(work):
    return TranscriptionJob.objects.create(work=work, media_file=work.files.first())


def test_success_creates_a_machine_draft_and_is_safe_to_rerun(audio_work, monkeypatch):
    progress = []
    def fake(path, **kw):
        kw["on_progress"](50.0)
        progress.append(TranscriptionJob.objects.get().progress)
        return fake_result()
    monkeypatch.setattr(engine, "transcribe_file", fake)
    job = new_job(audio_work)
    run_job(job.pk)
    job.refresh_from_db()
    assert job.status == job.Status.DONE and job.progress == 100
    assert progress == [50.0]
    track = SubtitleTrack.objects.get(work=audio_work, language="fr")
    assert track.status == track.Status.MACHINE_DRAFT and track.source == track.Source.MACHINE
    assert "Les femmes" in track.cues.first().text
    assert {(c.origin, c.model_name) for c in track.cues.all()} == {("machine", "whisper-base")}
    assert run_job(job.pk) is None  # rejoué : rien ne se passe
    assert SubtitleTrack.objects.count() == 1


def test_reviewed_track_is_never_overwritten(audio_work, monkeypatch, make_track):
    track = make_track(audio_work, "fr")
    monkeypatch.setattr(engine, "transcribe_file", lambda path, **kw: fake_result("Texte automatique différent."))
    job = new_job(audio_work)
    run_job(job.pk)
    job.refresh_from_db()
    assert job.status == job.Status.DONE and "pas été remplacée" in job.message
    assert "Aminata" in " ".join(c.text for c in track.cues.all())
    assert job.segments[0]["text"] == "Texte automatique différent."


def other_language_result():
    """Ce que rend le mode par passage sur un fichier sans français : des passages, aucun segment."""
    return Result(language="yo", language_probability=0.41, model_name="whisper-base", duration=12.0,
                  speech_found=True, segments=[],
                  passages=[{"start": 0.5, "end": 4.0, "language": "bm", "model": "", "detected": [["yo", 0.41]],
                             "probability_expected": 0.02},
                            {"start": 5.0, "end": 13.0, "language": "bm", "model": "", "detected": [["sw", 0.3]],
                             "probability_expected": 0.01}])


def test_not_french_gives_timed_empty_cues_for_people(audio_work, monkeypatch):
    monkeypatch.setattr(engine, "transcribe_file", lambda path, **kw: other_language_result())
    job = new_job(audio_work)
    run_job(job.pk)
    job.refresh_from_db()
    assert job.status == job.Status.MANUAL
    assert "transcription manuelle requise" in job.message and "à transcrire (bambara ?)" in job.message
    assert job.detected_language == "yo" and len(job.language_segments) == 2
    assert not SubtitleTrack.objects.filter(language="fr").exists()  # pas de français inventé
    track = SubtitleTrack.objects.get(work=audio_work, language="bm")
    cues = list(track.cues.all())
    assert [c.text for c in cues] == ["", "", ""]  # 3,5 s, puis 8 s coupées en deux répliques de 4 s (7 s au plus)
    assert {c.origin for c in cues} == {"todo"} and {c.language for c in cues} == {"bm"}
    assert [(c.start_ms, c.end_ms) for c in cues] == [(500, 4000), (5000, 9000), (9000, 13000)]


def test_bambara_work_without_model_is_split_by_passage(audio_work, monkeypatch):
    from media_library.models import Language

    audio_work.spoken_languages.set([Language.objects.get(code="bm")])
    seen = {}

    def fake(path, **kw):
        seen.update(kw)
        return other_language_result()

    monkeypatch.setattr(engine, "transcribe_file", fake)
    job = request_transcription(audio_work)
    assert job.language == "bm"
    run_job(job.pk)
    job.refresh_from_db()
    assert seen["language"] == "bm"
    assert job.status == job.Status.MANUAL and "PAROLES_WHISPER_MODELS" in job.message
    assert SubtitleTrack.objects.get(work=audio_work, language="bm").cues.filter(origin="todo").count() == 3


def test_mixed_work_is_detected_by_passage(audio_work):
    from media_library.models import Language

    audio_work.spoken_languages.set(Language.objects.filter(code__in=["fr", "bm"]))
    assert work_language(audio_work) is None  # ni « fr » imposé, ni « bm » : passage par passage


def test_cancel_between_segments(audio_work, monkeypatch):
    def fake(path, should_cancel, **kw):
        TranscriptionJob.objects.update(cancel_requested=True)  # l'équipe clique « Annuler »
        if should_cancel():
            raise Cancelled()
        return fake_result()
    monkeypatch.setattr(engine, "transcribe_file", fake)
    job = new_job(audio_work)
    run_job(job.pk)
    job.refresh_from_db()
    assert job.status == job.Status.CANCELLED
    assert not SubtitleTrack.objects.exists()


def test_cancel_a_queued_job_is_immediate(audio_work):
    job = new_job(audio_work)
    job.request_cancel()
    assert job.status == job.Status.CANCELLED
    assert run_job(job.pk) is None


def test_missing_model_fails_once_with_the_setting_named(audio_work, monkeypatch, settings, tmp_path):
    settings.PAROLES_WHISPER_BASE_DIR = str(tmp_path / "nulle-part")
    monkeypatch.setattr(whisper_store, "package_data_dir", lambda package: None)
    job = new_job(audio_work)
    result = transcribe_job.enqueue(job.pk)  # moteur de tâches immédiat : la tâche ne lève pas
    assert result.status == "SUCCESSFUL"
    job.refresh_from_db()
    assert job.status == job.Status.FAILED
    assert "PAROLES_WHISPER_BASE_DIR" in job.message
    # Le travailleur ne le reprendra pas : il n'est plus en attente.
    assert run_job(job.pk) is None


def test_corrupt_media_fails_cleanly(project, tmp_path, monkeypatch):
    work = WorkFactory(project=project, kind="podcast")
    job = TranscriptionJob.objects.create(work=work)
    run_job(job.pk)
    job.refresh_from_db()
    assert job.status == job.Status.FAILED and "supprimé" in job.message


def test_new_upload_is_transcribed_automatically(project, small_video, settings, monkeypatch,
                                                 django_capture_on_commit_callbacks):
    settings.PAROLES_AUTO_TRANSCRIBE = True
    ran = []
    monkeypatch.setattr(jobs, "run_job", lambda pk: ran.append(pk))
    work = WorkFactory(project=project, kind="capsule")
    with django_capture_on_commit_callbacks(execute=True):
        ingest_file(work, small_video, original_filename="capsule.mp4")
    job = TranscriptionJob.objects.get(work=work)
    assert ran == [job.pk]


def test_images_are_not_transcribed(project, small_image, settings, django_capture_on_commit_callbacks):
    settings.PAROLES_AUTO_TRANSCRIBE = True
    work = WorkFactory(project=project, kind="photovoice", words_verbatim="mes mots")
    with django_capture_on_commit_callbacks(execute=True):
        ingest_file(work, small_image, original_filename="photo.jpg")
    assert not TranscriptionJob.objects.exists()
