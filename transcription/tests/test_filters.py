"""Le filtre anti-répétition (hallucinations de Whisper)."""

from transcription.engine import collapse_inner_repeats, remove_repetitions


def seg(text, start=0.0):
    return {"start": start, "end": start + 1, "text": text, "words": []}


def test_consecutive_duplicates_removed():
    segments = [seg("Bonjour à toutes."), seg("Merci."), seg(" merci ! "), seg("Merci"), seg("Au revoir.")]
    kept, removed = remove_repetitions(segments)
    assert [s["text"] for s in kept] == ["Bonjour à toutes.", "Merci.", "Au revoir."]
    assert removed == 2


def test_non_consecutive_repeats_are_kept():
    kept, removed = remove_repetitions([seg("Oui."), seg("Non."), seg("Oui.")])
    assert len(kept) == 3 and removed == 0


def test_known_silence_hallucinations_removed():
    kept, removed = remove_repetitions([seg("Sous-titrage Société Radio-Canada"), seg("Vrai texte.")])
    assert [s["text"] for s in kept] == ["Vrai texte."] and removed == 1


def test_loop_inside_a_segment_collapsed():
    text = "je suis partie, je suis partie, je suis partie, je suis partie, "
    assert collapse_inner_repeats(text).count("je suis partie") == 1
    assert collapse_inner_repeats("Elle dit non, non.") == "Elle dit non, non."


def test_replacement_character_never_reaches_a_subtitle():
    from types import SimpleNamespace

    from transcription.engine import _segment_dict

    word = SimpleNamespace(start=0.0, end=0.4, word=" m'en\ufffdre", probability=0.2)
    seg = SimpleNamespace(start=0.0, end=1.0, text=" et m'en\ufffdre de la  huile ", avg_logprob=-1.0,
                          no_speech_prob=0.1, compression_ratio=1.2, words=[word])
    out = _segment_dict(seg, offset=2.0)
    assert out["text"] == "et m'enre de la huile"
    assert out["words"][0]["word"] == " m'enre" and out["start"] == 2.0
