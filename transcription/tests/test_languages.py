"""Langue passage par passage sur de vrais enregistrements, avec le vrai modèle Whisper base.

- un fichier en français : toutes les répliques écrites par la machine, en français ;
- un fichier dans une autre langue : toutes les répliques vides, « à transcrire » ;
- l'enregistrement mixte (tests/data/mixte_fr_bm.opus, voir make_mixed.py) : la langue de chaque passage
  comparée à la référence, répliques à transcrire là où ce n'est pas du français ;
- un modèle déclaré pour l'autre langue (PAROLES_WHISPER_MODELS ; ici le modèle de base lui-même, pour
  parcourir le chemin) : ses passages sont écrits par ce modèle, et nommés comme tels.
"""

import json

import pytest
from django.urls import reverse

from media_library.models import Language
from media_library.flows.ingest import ingest_file
from media_library.tests.factories import WorkFactory
from transcription.flows.transcribe import request_transcription
from transcription.jobs import run_job
from transcription import subtitles as subs
from transcription.engine import transcribe_file
from transcription.models import SubtitleTrack, TranscriptionJob

from .conftest import DATA

pytestmark = [pytest.mark.whisper, pytest.mark.django_db]

MIXED = DATA / "mixte_fr_bm.opus"
REFERENCE = json.loads((DATA / "mixte_fr_bm.json").read_text(encoding="utf-8"))["segments"]


def reference_language(start, end):
    """Langue de la référence qui recouvre le plus [start, end]."""
    best = max(REFERENCE, key=lambda r: min(end, r["end"]) - max(start, r["start"]))
    return best["language"]


def run(work, path, name, *codes):
    ingest_file(work, path, original_filename=name)
    work.spoken_languages.set(Language.objects.filter(code__in=codes))
    job = request_transcription(work)
    run_job(job.pk)
    job.refresh_from_db()
    return job


def test_french_only_file_is_all_machine_written(whisper_model, project, settings):
    settings.PAROLES_WHISPER_MIN_LANGUAGE_PROBABILITY = 0.45  # voix de synthèse : « fr » à ~0,54 (mesuré)
    work = WorkFactory(project=project, kind="podcast")
    job = run(work, DATA / "francais_16s.opus", "fr.opus", "fr", "bm")  # mixte déclaré : détection par passage
    assert job.language == "" and job.status == TranscriptionJob.Status.DONE, job.message
    cues = list(SubtitleTrack.objects.get(work=work, language="fr").cues.all())
    assert cues and {(c.origin, c.model_name, c.language) for c in cues} == {("machine", "whisper-base", "fr")}
    assert "femmes" in " ".join(c.text.lower() for c in cues)
    assert [p["language"] for p in job.language_segments] == ["fr"]


def test_other_language_file_is_all_to_do(whisper_model, project):
    work = WorkFactory(project=project, kind="podcast")
    job = run(work, DATA / "autre_langue_sw.opus", "autre.opus", "fr", "bm")
    assert job.status == TranscriptionJob.Status.MANUAL, job.message
    assert "à transcrire (bambara ?)" in job.message
    assert not SubtitleTrack.objects.filter(work=work, language="fr").exists()
    cues = list(SubtitleTrack.objects.get(work=work, language="bm").cues.all())
    assert cues and all(c.text == "" and c.origin == "todo" for c in cues)
    assert cues[-1].end_ms >= 11000  # le minutage couvre la parole, pour la personne qui transcrira


def test_mixed_recording_language_per_passage(whisper_model, project, admin_client):
    work = WorkFactory(project=project, kind="film")
    job = run(work, MIXED, "mixte.opus", "fr", "bm")
    assert job.status == TranscriptionJob.Status.DONE, job.message
    passages = job.language_segments
    right = sum(p["language"] == reference_language(p["start"], p["end"]) for p in passages)
    assert len(passages) == len(REFERENCE) and right >= len(passages) - 1, passages
    track = SubtitleTrack.objects.get(work=work, language="fr")
    assert track.status == track.Status.MACHINE_DRAFT
    cues = list(track.cues.all())
    for cue in cues:
        if cue.origin == "todo":
            assert cue.text == "" and cue.language == "bm"
        else:
            assert (cue.origin, cue.model_name, cue.language) == ("machine", "whisper-base", "fr")
    todo = [c for c in cues if c.origin == "todo"]
    assert todo and all(reference_language(c.start, c.end) == "bm" for c in todo)
    # Chaque passage bambara de la référence est couvert par des répliques à transcrire.
    for ref in (r for r in REFERENCE if r["language"] == "bm"):
        assert any(c.start <= ref["start"] + 0.5 and c.end >= ref["start"] + 1 for c in todo), ref
    french = " ".join(c.text.lower() for c in cues if c.origin == "machine")
    assert "hôpital" in french and "école" in french
    # Ordre et minutage : jamais de chevauchement entre une réplique machine et une réplique à transcrire.
    for a, b in zip(cues, cues[1:]):
        assert a.end_ms <= b.start_ms + 1, (a.start, a.end, b.start, b.end)
    # L'administration montre la langue retenue pour chaque passage et propose la piste bambara.
    html = admin_client.get(reverse("transcription_work", args=[work.pk])).content.decode()
    assert "Langue de chaque passage" in html and html.count("à transcrire par une personne") == 3
    assert f"Partir des passages à transcrire ({len(todo)})" in html
    # « Partir des passages à transcrire » : la piste bambara reprend exactement ce minutage.
    response = admin_client.post(reverse("transcription_create_track", args=[work.pk]),
                                 {"language": "bm", "copy_from": "fr:todo"})
    assert response.status_code == 302
    bm = SubtitleTrack.objects.get(work=work, language="bm")
    assert [(c.start_ms, c.end_ms) for c in bm.cues.all()] == [(c.start_ms, c.end_ms) for c in todo]
    assert {c.origin for c in bm.cues.all()} == {"todo"}


def test_configured_model_writes_the_other_language(whisper_model, settings):
    from transcription.whisper_store import ensure_base_model

    # Un « modèle bambara » installé par l'opérateur ; ici le modèle de base, pour parcourir le chemin.
    settings.PAROLES_WHISPER_MODELS = {"bm": str(ensure_base_model())}
    progress = []
    result = transcribe_file(str(MIXED), duration=56.0, on_progress=progress.append)
    assert progress[-1] == 100.0 and progress == sorted(progress)
    by_language = {}
    for p in result.passages:
        by_language.setdefault(p["language"], set()).add(p["model"])
    assert by_language == {"fr": {"whisper-base"}, "bm": {"bm:whisper-base"}}
    cues = subs.cues_from_spans(result.passages, result.segments)
    other = [c for c in cues if c.language == "bm"]
    assert other and all(c.origin == "machine" and c.model == "bm:whisper-base" for c in other if c.text)
    assert sum(1 for c in other if c.text) >= 2  # le modèle déclaré a bien écrit quelque chose


def test_cancel_stops_between_passages(whisper_model):
    from transcription.engine import Cancelled

    asked = []

    def should_cancel():
        asked.append(True)
        return True  # l'équipe a cliqué « Annuler »

    with pytest.raises(Cancelled):
        transcribe_file(str(MIXED), duration=56.0, should_cancel=should_cancel)
    assert len(asked) == 1  # arrêté au premier point de contrôle, après le premier passage
