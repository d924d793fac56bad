"""Langue par passage sans le modèle : regroupement des passages, décision, répliques, origine des répliques."""

import json

import pytest
from django.urls import reverse

from transcription.errors import TranscriptionError
from transcription.flows.copy_timings import copy_timings
from transcription import subtitles as subs
from transcription.engine import assign_passage, merge_passages
from transcription.models import Cue, SubtitleTrack


def test_short_passages_are_merged_but_not_long_ones():
    spans = [(0.0, 4.0), (4.2, 9.0), (10.5, 11.4), (11.9, 16.0), (18.0, 24.0)]
    # 0–4 et 4,2–9 se touchent presque ; 10,5–11,4 (0,9 s) rejoint son voisin ; 18–24 reste seul (écart 2 s).
    assert merge_passages(spans) == [(0.0, 9.0), (10.5, 16.0), (18.0, 24.0)]
    # Jamais plus de 30 s d'un tenant (la fenêtre de Whisper).
    assert merge_passages([(0.0, 20.0), (20.1, 35.0)]) == [(0.0, 20.0), (20.1, 35.0)]


def test_assignment_prefers_an_empty_cue_to_invented_french(settings):
    settings.PAROLES_WHISPER_MODELS = {}
    assert assign_passage({"fr": 0.8, "en": 0.1}) == ("fr", None)
    assert assign_passage({"fr": 0.4, "yo": 0.2}) == ("bm", "")  # « fr » en tête mais peu sûr : à transcrire
    assert assign_passage({"sw": 0.6, "fr": 0.01}) == ("bm", "")


def test_assignment_uses_a_declared_model(settings, tmp_path):
    settings.PAROLES_WHISPER_MODELS = {"bm": str(tmp_path), "sw": str(tmp_path)}
    assert assign_passage({"sw": 0.6, "fr": 0.01}) == ("sw", "sw")  # modèle de la langue détectée
    assert assign_passage({"yo": 0.6, "fr": 0.01}) == ("bm", "bm")  # sinon celui de la langue supposée


def test_cues_from_spans_keep_passages_apart():
    words = [{"start": 0.2 + 0.4 * i, "end": 0.5 + 0.4 * i, "word": f" mot{i}", "probability": 0.9} for i in range(8)]
    segments = [{"start": 0.2, "end": 3.5, "text": "…", "words": words, "model": "whisper-base"}]
    spans = [{"start": 0.0, "end": 3.6, "language": "fr", "model": "whisper-base"},
             {"start": 4.0, "end": 19.0, "language": "bm", "model": ""},
             {"start": 20.0, "end": 22.0, "language": "fr", "model": "whisper-base"}]  # rien d'écrit : à transcrire
    cues = subs.cues_from_spans(spans, segments)
    assert [c.origin for c in cues] == ["machine", "todo", "todo", "todo", "todo"]
    assert cues[0].model == "whisper-base" and cues[0].language == "fr" and cues[0].end <= 4.0
    assert [(c.start, c.end) for c in cues[1:4]] == [(4.0, 9.0), (9.0, 14.0), (14.0, 19.0)]
    assert cues[4].language == "fr" and cues[4].text == ""


@pytest.mark.django_db
def test_editing_marks_a_cue_as_written_by_a_person(admin_client, project):
    from media_library.tests.factories import WorkFactory

    work = WorkFactory(project=project, kind="film")
    track = SubtitleTrack.objects.create(work=work, language="fr", status=SubtitleTrack.Status.MACHINE_DRAFT)
    track.replace_cues([subs.Cue(0, 3, "Bonjour à toutes.", origin="machine", model="whisper-base", language="fr"),
                        subs.Cue(3.5, 7, "", language="bm"),
                        subs.Cue(7.5, 10, "Merci.", origin="machine", model="whisper-base", language="fr")])
    url = reverse("transcription_save_cues", args=[track.pk])
    payload = {"cues": [
        {"start": 0, "end": 3, "text": "Bonjour à toutes.", "origin": "machine", "model": "whisper-base"},
        {"start": 3.5, "end": 7, "text": "I ni ce.", "origin": "person", "language": "bm"},
        # Texte changé mais annoncé « machine » : l'éditeur ne fait pas foi.
        {"start": 7.5, "end": 10, "text": "Merci beaucoup.", "origin": "machine", "model": "whisper-base"},
        {"start": 11, "end": 13, "text": "", "origin": "machine", "model": "whisper-base"},
    ]}
    response = admin_client.post(url, json.dumps(payload), content_type="application/json")
    assert response.status_code == 200
    rows = list(Cue.objects.filter(track=track).values_list("text", "origin", "model_name", "language"))
    assert rows == [("Bonjour à toutes.", "machine", "whisper-base", ""), ("I ni ce.", "person", "", "bm"),
                    ("Merci beaucoup.", "person", "", ""), ("", "todo", "", "")]
    assert [c["origin"] for c in response.json()["cues"]] == ["machine", "person", "person", "todo"]
    # L'approbation redécoupe les lignes sans changer qui a écrit quoi.
    track.approve(allow_issues=True)
    assert list(Cue.objects.filter(track=track).values_list("origin", flat=True)) == \
        ["machine", "person", "person", "todo"]


@pytest.mark.django_db
def test_copy_timings_of_the_passages_to_transcribe(project):
    from media_library.tests.factories import WorkFactory

    work = WorkFactory(project=project, kind="film")
    fr = SubtitleTrack.objects.create(work=work, language="fr")
    fr.replace_cues([subs.Cue(0, 3, "Bonjour.", origin="machine", model="whisper-base"),
                     subs.Cue(3.5, 7, "", language="bm"), subs.Cue(8, 12, "", language="bm")])
    with pytest.raises(TranscriptionError):
        copy_timings(work, "en", "bm", todo_only=True)
    bm = copy_timings(work, "fr", "bm", todo_only=True)
    assert list(bm.cues.values_list("start_ms", "end_ms", "origin", "language")) == [
        (3500, 7000, "todo", "bm"), (8000, 12000, "todo", "bm")]
