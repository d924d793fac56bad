"""Transcription d'un fichier avec faster-whisper : VAD, mots horodatés, langue, anti-répétition.

Indépendant de la base de données : le travail de fond (services.run_job), la commande
`transcribe` et le banc d'essai appellent `transcribe_file`.
"""

import logging
import re
import time
import unicodedata
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from .audio import SAMPLE_RATE, stream_chunks
from .models_store import has_model_for, load_model, resolve_model

logger = logging.getLogger(__name__)

MANUAL_MESSAGE = "langue non reconnue : probablement bambara, transcription manuelle requise"

# Formules que Whisper invente sur du silence ou de la musique (sous-titres de télévision appris).
KNOWN_HALLUCINATIONS = (
    "sous-titrage st'",
    "sous-titrage société radio-canada",
    "sous-titres réalisés par",
    "sous-titres realises par",
    "merci d'avoir regardé",
    "abonnez-vous",
    "amara.org",
)


class Cancelled(Exception):
    pass


class LanguageRejected(Exception):
    def __init__(self, language, probability):
        self.language = language
        self.probability = probability
        super().__init__(language)


@dataclass
class Result:
    language: str = ""
    language_probability: float = 0.0
    segments: list = field(default_factory=list)
    model_name: str = ""
    duration: float = 0.0
    speech_found: bool = False
    removed: int = 0
    elapsed: float = 0.0


def decode_options():
    """Options de décodage retenues (voir bench/transcription.py et le README)."""
    return {
        "beam_size": int(getattr(settings, "PAROLES_WHISPER_BEAM_SIZE", 1)),
        "vad_filter": bool(getattr(settings, "PAROLES_WHISPER_VAD", True)),
        "vad_parameters": {"min_silence_duration_ms": 500, "speech_pad_ms": 200},
        "word_timestamps": True,
        # Contre les boucles de répétition : pas de conditionnement sur le texte précédent, et
        # rejet/repli en température quand le taux de compression trahit une boucle.
        "condition_on_previous_text": False,
        "compression_ratio_threshold": 2.4,
        "log_prob_threshold": -1.0,
        "no_speech_threshold": 0.6,
        "temperature": [0.0, 0.2, 0.4, 0.6],
    }


def normalise(text):
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[^\w]+", " ", text).strip()


def collapse_inner_repeats(text, min_repeats=3):
    """« la la la la » ou une même phrase répétée 3 fois dans un segment → une seule fois."""
    return re.sub(r"(\b.{2,80}?[\s,.!?]+)\1{%d,}" % (min_repeats - 1), r"\1", text + " ").strip()


def remove_repetitions(segments):
    """Filtre a posteriori des hallucinations de Whisper.

    - supprime un segment dont le texte (normalisé) répète celui du segment précédent gardé ;
    - supprime les formules connues inventées sur du silence ou de la musique ;
    - réduit une phrase répétée en boucle à l'intérieur d'un segment.
    Renvoie (segments gardés, nombre supprimé).
    """
    kept = []
    removed = 0
    previous = None
    for seg in segments:
        text = collapse_inner_repeats(seg["text"].strip())
        norm = normalise(text)
        if not norm:
            removed += 1
            continue
        if norm == previous or any(h in text.lower() for h in KNOWN_HALLUCINATIONS):
            removed += 1
            continue
        if text != seg["text"].strip():
            seg = {**seg, "text": text, "words": [w for w in seg.get("words", []) if w["word"].strip()][: len(text.split())]}
        kept.append(seg)
        previous = norm
    return kept, removed


def _clean(text):
    """Sur une voix mal reconnue, Whisper peut produire une suite d'octets qui n'est pas de l'UTF-8 : le
    caractère de remplacement « � » n'a rien à faire dans un sous-titre."""
    return " ".join(text.replace("\ufffd", "").split())


def _segment_dict(seg, offset):
    return {
        "start": round(seg.start + offset, 3),
        "end": round(seg.end + offset, 3),
        "text": _clean(seg.text),
        "avg_logprob": round(seg.avg_logprob, 3),
        "no_speech_prob": round(seg.no_speech_prob, 3),
        "compression_ratio": round(seg.compression_ratio, 3),
        "words": [
            {"start": round(w.start + offset, 3), "end": round(w.end + offset, 3), "word": w.word.replace("\ufffd", ""),
             "probability": round(w.probability, 3)}
            for w in (seg.words or [])
        ],
    }


def transcribe_file(
    path,
    *,
    language=None,
    expected_language="fr",
    duration=None,
    on_progress=None,
    should_cancel=None,
    chunk_seconds=None,
    min_probability=None,
):
    """Transcrit `path` par fenêtres. `language` : langue déclarée de l'œuvre (None = à détecter).

    - Si un modèle est déclaré pour `language` (PAROLES_WHISPER_MODELS), il est utilisé sans
      contrôle de langue.
    - Si `language` vaut `expected_language` (œuvre déclarée en français), elle est imposée ; la
      langue détectée est seulement notée pour le relecteur.
    - Sinon le modèle de base détecte la langue sur la première fenêtre qui contient de la parole ;
      si ce n'est pas `expected_language` avec une probabilité suffisante, LanguageRejected est levée
      (rien n'est publié).
    Lève aussi Cancelled, audio.AudioError, models_store.ModelError.
    """
    started = time.monotonic()
    chunk_seconds = chunk_seconds or int(getattr(settings, "PAROLES_WHISPER_CHUNK_SECONDS", 600))
    min_probability = min_probability if min_probability is not None else float(
        getattr(settings, "PAROLES_WHISPER_MIN_LANGUAGE_PROBABILITY", 0.5)
    )
    dedicated = has_model_for(language)
    model_path, model_name = resolve_model(language if dedicated else None)
    model = load_model(model_path)
    options = decode_options()

    forced_language = None
    declared = False
    if dedicated:
        forced_language = language if language in (model.supported_languages or []) else None
    elif language == expected_language:
        # Langue déclarée par l'équipe : on la force (la détection de Whisper base est peu fiable sur
        # des extraits courts) et la détection n'est gardée que pour information du relecteur.
        forced_language = language
        declared = True
    result = Result(model_name=model_name)
    last_report = 0.0
    raw_segments = []
    end_seen = 0.0
    checked = dedicated

    for offset, samples in stream_chunks(path, chunk_seconds=chunk_seconds):
        chunk_len = len(samples) / SAMPLE_RATE
        end_seen = offset + chunk_len
        segments, info = model.transcribe(samples, language=forced_language, **options)
        if getattr(info, "duration_after_vad", chunk_len) > 0:
            if not checked:
                result.language = info.language
                result.language_probability = float(info.language_probability)
                if info.language != expected_language or info.language_probability < min_probability:
                    raise LanguageRejected(info.language, info.language_probability)
                forced_language = info.language
                checked = True
            elif declared and not result.language:
                detected, probability, _all = model.detect_language(samples[: 30 * SAMPLE_RATE])
                result.language, result.language_probability = detected, float(probability)
            elif dedicated and not result.language:
                result.language = language
                result.language_probability = 1.0
            for seg in segments:
                raw_segments.append(_segment_dict(seg, offset))
                now = time.monotonic()
                if now - last_report >= 1.0:
                    last_report = now
                    if should_cancel and should_cancel():
                        raise Cancelled()
                    if on_progress and duration:
                        on_progress(min(99.0, 100.0 * (offset + seg.end) / duration))
        del samples
        if should_cancel and should_cancel():
            raise Cancelled()
        if on_progress and duration:
            on_progress(min(99.0, 100.0 * end_seen / duration))

    result.duration = end_seen
    result.segments, result.removed = remove_repetitions(raw_segments)
    result.speech_found = bool(result.segments)
    result.elapsed = time.monotonic() - started
    if on_progress:
        on_progress(100.0)
    return result
