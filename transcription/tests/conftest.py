from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
WER = DATA / "wer"


@pytest.fixture
def speech_fr():
    """Quelques secondes de français (espeak-ng), versionnées."""
    return WER / "phrase_02.opus"


@pytest.fixture
def make_track(db):
    from transcription.models import SubtitleTrack
    from transcription.subtitles import Cue

    def make(work, language="fr", cues=None, status=SubtitleTrack.Status.IN_REVIEW, approve=False):
        track = SubtitleTrack.objects.create(work=work, language=language, status=status)
        track.replace_cues(cues if cues is not None else [
            Cue(0.0, 2.5, "Les femmes déplacées racontent."),
            Cue(3.0, 6.0, "Aminata parle de la route."),
            Cue(6.5, 9.0, "Briser le silence."),
        ])
        if approve:
            track.approve()
        return track

    return make


@pytest.fixture(scope="session")
def whisper_model():
    """Le vrai modèle Whisper base, chargé une seule fois pour la session."""
    from transcription.whisper_store import ensure_base_model, load_model

    return load_model(ensure_base_model())

