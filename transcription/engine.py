"""Transcription d'un fichier avec faster-whisper : VAD, langue passage par passage, mots horodatés,
anti-répétition.

Indépendant de la base de données : le travail de fond (jobs.run_job), la commande
`transcribe` et le banc d'essai appellent `transcribe_file`.
"""

import logging
import re
import time
import unicodedata
from dataclasses import dataclass, field

import numpy as np

from django.conf import settings
from django.utils.translation import gettext as _

from .audio import SAMPLE_RATE, stream_chunks
from .whisper_store import has_model_for, load_model, resolve_model

logger = logging.getLogger(__name__)

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
    # Mode par passage : [{start, end, language, model, detected: [[code, p]…], probability_expected}]
    passages: list = field(default_factory=list)


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
        # Pas de saut « pas de parole » : le VAD (Silero) a déjà retiré ce qui n'est pas de la voix. Avec le
        # seuil de Whisper (0,6), une fenêtre de 30 s de vraie parole à faible confiance (voix difficile,
        # accent) était sautée en entier : 22 s sur 49 perdues sans un mot (tests/faults, voix espeak-ng).
        "no_speech_threshold": None,
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
    """Transcrit `path` par fenêtres. `language` : langue imposée au travail (None = par passage).

    - Si un modèle est déclaré pour `language` (PAROLES_WHISPER_MODELS), il transcrit tout le fichier.
    - Si `language` vaut `expected_language` (le français imposé par l'équipe), tout le fichier est
      transcrit en français ; la langue détectée est seulement notée pour le relecteur.
    - Sinon (langue à détecter, ou langue sans modèle comme le bambara) : la langue est détectée
      passage par passage (voir `transcribe_by_passage`).
    Lève Cancelled, audio.AudioError, whisper_store.ModelError.
    """
    if has_model_for(language) or (language and language == expected_language):
        return _transcribe_whole(path, language=language, duration=duration, on_progress=on_progress,
                                 should_cancel=should_cancel, chunk_seconds=chunk_seconds)
    return transcribe_by_passage(path, expected_language=expected_language, duration=duration,
                                 on_progress=on_progress, should_cancel=should_cancel, chunk_seconds=chunk_seconds,
                                 min_probability=min_probability)


def _chunk_size(chunk_seconds):
    return chunk_seconds or int(getattr(settings, "PAROLES_WHISPER_CHUNK_SECONDS", 600))


def _transcribe_whole(path, *, language, duration, on_progress, should_cancel, chunk_seconds):
    """Tout le fichier dans une langue (imposée, ou celle du modèle déclaré pour elle)."""
    started = time.monotonic()
    chunk_seconds = _chunk_size(chunk_seconds)
    dedicated = has_model_for(language)
    model_path, model_name = resolve_model(language if dedicated else None)
    model = load_model(model_path)
    options = decode_options()
    forced_language = language
    if dedicated:
        forced_language = language if language in (model.supported_languages or []) else None
    result = Result(model_name=model_name)
    last_report = 0.0
    raw_segments = []
    end_seen = 0.0
    for offset, samples in stream_chunks(path, chunk_seconds=chunk_seconds):
        chunk_len = len(samples) / SAMPLE_RATE
        end_seen = offset + chunk_len
        segments, info = model.transcribe(samples, language=forced_language, **options)
        if getattr(info, "duration_after_vad", chunk_len) > 0:
            if dedicated and not result.language:
                result.language, result.language_probability = language, 1.0
            elif not result.language:
                # Langue imposée par l'équipe : la détection n'est gardée que pour information du relecteur.
                detected, probability, _all = model.detect_language(samples[: 30 * SAMPLE_RATE])
                result.language, result.language_probability = detected, float(probability)
            for seg in segments:
                item = _segment_dict(seg, offset)
                item["language"], item["model"] = language, model_name
                raw_segments.append(item)
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


# --- Langue passage par passage ----------------------------------------------------------------

# Part du temps d'une fenêtre passée à détecter les langues (le reste : transcrire), pour la progression.
DETECTION_SHARE = 0.3


def vad_options():
    from faster_whisper.vad import VadOptions

    return VadOptions(min_silence_duration_ms=500, speech_pad_ms=200, max_speech_duration_s=30)


def merge_passages(spans, *, min_seconds=3.0, max_seconds=30.0, join_gap=0.3, short_gap=1.5):
    """Regroupe les passages de parole du VAD ([(début, fin)] en secondes, dans l'ordre).

    Deux passages se rejoignent s'ils se touchent presque (écart <= `join_gap`), ou si l'un des deux
    dure moins de `min_seconds` et que l'écart ne dépasse pas `short_gap` (un passage court va vers le
    plus proche de ses voisins) : la langue d'un passage d'une ou deux secondes est mal détectée.
    Jamais plus de `max_seconds` (la fenêtre de Whisper)."""
    merged = []
    for i, (start, end) in enumerate(spans):
        if merged:
            cur_start, cur_end = merged[-1]
            gap = start - cur_end
            next_gap = spans[i + 1][0] - end if i + 1 < len(spans) else float("inf")
            join = (
                gap <= join_gap
                or (cur_end - cur_start < min_seconds and gap <= short_gap)
                # un passage court rejoint le plus proche de ses voisins
                or (end - start < min_seconds and gap <= short_gap and gap <= next_gap)
            )
            if join and end - cur_start <= max_seconds:
                merged[-1] = (cur_start, max(cur_end, end))
                continue
        merged.append((start, end))
    return merged


def other_language():
    """Langue supposée des passages qui ne sont pas en français (le bambara, que Whisper ne connaît pas)."""
    return str(getattr(settings, "PAROLES_WHISPER_OTHER_LANGUAGE", "bm") or "bm").lower()


def assign_passage(probabilities, *, expected_language="fr", min_probability=0.5):
    """Décide d'un passage d'après les probabilités de langue de Whisper ({code: probabilité}).

    Renvoie (langue, code du modèle déclaré ou None) :
    - `expected_language` si sa probabilité atteint `min_probability` → le modèle de base le transcrit
      (code None) ;
    - sinon la langue la plus probable si un modèle est déclaré pour elle ;
    - sinon la langue supposée (PAROLES_WHISPER_OTHER_LANGUAGE, « bm »), avec son modèle s'il est déclaré ;
      sans modèle, le passage reste à transcrire par une personne (code "").
    Dans le doute, pas de français : mieux vaut un passage vide à écrire qu'un français inventé.
    """
    if probabilities.get(expected_language, 0.0) >= min_probability:
        return expected_language, None
    top = max(probabilities, key=probabilities.get) if probabilities else ""
    if top and top != expected_language and has_model_for(top):
        return top, top
    fallback = other_language()
    return fallback, (fallback if has_model_for(fallback) else "")


def transcribe_by_passage(path, *, expected_language="fr", duration=None, on_progress=None, should_cancel=None,
                          chunk_seconds=None, min_probability=None):
    """Langue passage par passage : VAD (Silero), passages courts regroupés, langue détectée sur chaque
    passage, français transcrit par le modèle de base, autre langue par son modèle déclaré s'il existe,
    sinon laissée à une personne (passage vide « à transcrire »).

    L'audio est décodé une seule fois, en flux, par fenêtres (audio.stream_chunks) ; les passages sont
    des tranches du tableau de la fenêtre. Chaque modèle transcrit en un appel les passages qui lui
    reviennent (`clip_timestamps`, suites de passages voisins réunies), jamais le fichier entier."""
    from faster_whisper.transcribe import restore_speech_timestamps
    from faster_whisper.vad import get_speech_timestamps

    started = time.monotonic()
    chunk_seconds = _chunk_size(chunk_seconds)
    min_probability = min_probability if min_probability is not None else float(
        getattr(settings, "PAROLES_WHISPER_MIN_LANGUAGE_PROBABILITY", 0.5))
    base_path, base_name = resolve_model(None)
    base = load_model(base_path)
    options = {**decode_options(), "vad_filter": False}
    options.pop("vad_parameters", None)
    result = Result(model_name=base_name)
    raw_segments = []
    passages = []
    used_models = []
    end_seen = 0.0
    last_report = [0.0, 0.0]  # instant du dernier rapport, dernier pourcentage (la barre ne recule jamais)

    def report(position, force=False):
        now = time.monotonic()
        if not force and now - last_report[0] < 1.0:
            return
        last_report[0] = now
        if should_cancel and should_cancel():
            raise Cancelled()
        if on_progress and duration:
            last_report[1] = max(last_report[1], min(99.0, 100.0 * position / duration))
            on_progress(last_report[1])

    for offset, samples in stream_chunks(path, chunk_seconds=chunk_seconds):
        chunk_len = len(samples) / SAMPLE_RATE
        end_seen = offset + chunk_len
        stamps = get_speech_timestamps(samples, vad_options())
        groups = merge_passages([(t["start"] / SAMPLE_RATE, t["end"] / SAMPLE_RATE) for t in stamps])
        # Pour transcrire, les tranches de parole du VAD elles-mêmes (sans les petits silences qui séparent
        # les morceaux d'un passage regroupé : mesuré, ces silences coûtent ~25 % de calcul en plus).
        pieces = [[t for t in stamps if start * SAMPLE_RATE - 1 <= t["start"] and t["end"] <= end * SAMPLE_RATE + 1]
                  for start, end in groups]
        chunk_passages = []
        for n, (start, end) in enumerate(groups):
            piece = samples[int(start * SAMPLE_RATE): int(end * SAMPLE_RATE)]
            _lang, _p, all_probs = base.detect_language(piece, vad_filter=False)
            probs = {code: float(p) for code, p in all_probs}
            lang, model_code = assign_passage(probs, expected_language=expected_language,
                                              min_probability=min_probability)
            top = sorted(probs.items(), key=lambda kv: -kv[1])[:3]
            chunk_passages.append({
                "start": round(start + offset, 3), "end": round(end + offset, 3), "language": lang,
                "model_code": model_code, "detected": [[c, round(p, 3)] for c, p in top],
                "probability_expected": round(probs.get(expected_language, 0.0), 3),
                "pieces": pieces[n],
            })
            report(offset + chunk_len * DETECTION_SHARE * (n + 1) / max(1, len(groups)))
        # Un appel de transcription par modèle, sur ses passages mis bout à bout (comme le filtre VAD de
        # faster-whisper), puis horodatages ramenés sur la fenêtre : le coût suit la parole transcrite.
        jobs = {}
        for passage in chunk_passages:
            if passage["model_code"] != "":
                jobs.setdefault(passage["model_code"], []).append(passage)
        spoken = sum(p["end"] - p["start"] for mine in jobs.values() for p in mine) or 1.0
        done = 0.0
        for model_code, mine in jobs.items():
            if model_code is None:
                model, name, forced = base, base_name, expected_language
            else:
                model_path, name = resolve_model(model_code)
                model = load_model(model_path)
                forced = model_code if model_code in (model.supported_languages or []) else None
            if name not in used_models:
                used_models.append(name)
            chunks = []
            for passage in mine:
                passage["model"] = name
                chunks += [{"start": t["start"], "end": min(len(samples), t["end"])} for t in passage["pieces"]]
            audio = np.concatenate([samples[c["start"]:c["end"]] for c in chunks])
            segments, _info = model.transcribe(audio, language=forced, **options)
            for seg in restore_speech_timestamps(segments, chunks, SAMPLE_RATE):
                item = _segment_dict(seg, offset)
                middle = (item["start"] + item["end"]) / 2
                owner = min(mine, key=lambda p: 0 if p["start"] <= middle <= p["end"] else
                            min(abs(p["start"] - middle), abs(p["end"] - middle)))
                item["language"], item["model"] = owner["language"], name
                raw_segments.append(item)
                report(offset + chunk_len * (DETECTION_SHARE + (1 - DETECTION_SHARE) * min(
                    1.0, (done + seg.end) / spoken)))
            done += len(audio) / SAMPLE_RATE
            del audio
        for passage in chunk_passages:
            passage.setdefault("model", "")
            passage.pop("model_code", None)
            passage.pop("pieces", None)
        passages += chunk_passages
        del samples
        report(end_seen, force=True)

    result.duration = end_seen
    result.segments, result.removed = remove_repetitions(raw_segments)
    result.passages = passages
    result.speech_found = bool(passages)
    result.model_name = " + ".join(used_models) if used_models else base_name
    expected = [p for p in passages if p["language"] == expected_language]
    if expected:
        result.language = expected_language
        result.language_probability = max(p["probability_expected"] for p in expected)
    elif passages:
        result.language = passages[0]["detected"][0][0] if passages[0]["detected"] else ""
        result.language_probability = passages[0]["detected"][0][1] if passages[0]["detected"] else 0.0
    result.elapsed = time.monotonic() - started
    if on_progress:
        on_progress(100.0)
    return result
