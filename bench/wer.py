#!/usr/bin/env python3
"""Taux d'erreur de mots (WER) du modèle livré (Whisper base, int8) sur le jeu d'essai français, et
langue passage par passage sur l'enregistrement mixte français–« bambara ».

    .venv/bin/python bench/wer.py [--beam N] [--mixte] [--bm-model DOSSIER]

--mixte : seulement l'enregistrement mixte. --bm-model : déclare ce dossier comme modèle bambara
(PAROLES_WHISPER_MODELS) pour la mesure ; sans lui, le réglage de l'environnement s'applique.

Jeu d'essai : transcription/tests/data/wer/ (22 phrases sur les thèmes du projet, voix espeak-ng,
produites par transcription/tests/data/make_wer_set.py). Mesure, pas un test : on suit le chiffre.
Le texte est normalisé (minuscules, sans accents ni ponctuation) avant le calcul (jiwer).
Affiche aussi la détection de langue sans indication (part des phrases reconnues comme françaises).

Enregistrement mixte (transcription/tests/data/mixte_fr_bm.*, produit par make_mixed.py) : six passages,
trois en français, trois « en bambara » (phrases bambara lues par la voix swahilie d'espeak-ng : un
substitut, pas du bambara parlé). On affiche :
- les passages de la référence auxquels la bonne langue est attribuée (n/N) ;
- le WER en français sur les seuls passages français (un passage français pris pour une autre langue
  compte comme entièrement manqué) ;
- pour le bambara, le taux d'erreur de caractères (CER, normaliseur bambara de
  bambara-text-normalizer) entre la sortie du modèle bambara déclaré et la piste bambara de référence
  (mixte_fr_bm.bm.vtt, celle qu'une personne a saisie) ; sans modèle déclaré, on le dit.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA_DIR = ROOT / "transcription" / "tests" / "data"
WER_DIR = DATA_DIR / "wer"
MIXED = DATA_DIR / "mixte_fr_bm"


def _words_in(segments, start, end):
    """Texte des mots dont le milieu tombe dans [start, end]."""
    words = []
    for seg in segments:
        for w in seg.get("words") or []:
            if start <= (w["start"] + w["end"]) / 2 <= end:
                words.append(w["word"])
    return " ".join("".join(words).split())


def mixed_report():
    import jiwer

    from transcription import subtitles as subs
    from transcription.engine import normalise, other_language, transcribe_file
    from transcription.whisper_store import has_model_for

    reference = json.loads((MIXED.with_suffix(".json")).read_text(encoding="utf-8"))["segments"]
    start = time.perf_counter()
    result = transcribe_file(str(MIXED.with_suffix(".opus")), duration=reference[-1]["end"])
    elapsed = time.perf_counter() - start
    print()
    print(f"Enregistrement mixte ({len(reference)} passages, {reference[-1]['end']:.0f} s) : "
          f"{len(result.passages)} passages détectés en {elapsed:.0f} s.")
    right = 0
    for ref in reference:
        best = max(result.passages, key=lambda p: min(ref["end"], p["end"]) - max(ref["start"], p["start"]),
                   default=None)
        got = best["language"] if best and min(ref["end"], best["end"]) > max(ref["start"], best["start"]) else "—"
        right += got == ref["language"]
        heard = ", ".join(f"{c} {p:.2f}" for c, p in (best or {}).get("detected", []))
        print(f"  {ref['start']:5.1f}–{ref['end']:5.1f} s  attendu {ref['language']}  retenu {got}  "
              f"(Whisper : {heard} ; fr {(best or {}).get('probability_expected', 0):.2f})  "
              f"écrit par {(best or {}).get('model') or 'personne (à transcrire)'}")
    print(f"Langue juste : {right}/{len(reference)} passages.")
    french = [r for r in reference if r["language"] == "fr"]
    refs = [normalise(r["text"]) for r in french]
    hyps = [normalise(_words_in([s for s in result.segments if s.get("language") == "fr"], r["start"] - 0.3,
                                r["end"] + 0.3)) or "vide" for r in french]
    print(f"WER français sur les {len(french)} passages français seulement : {jiwer.wer(refs, hyps):.1%} "
          f"({sum(len(r.split()) for r in refs)} mots).")
    bambara = other_language()
    if not has_model_for(bambara):
        print(f"Bambara : aucun modèle bambara déclaré (PAROLES_WHISPER_MODELS « {bambara} ») ; les passages "
              f"bambara sont laissés à une personne (répliques vides « à transcrire »), pas de CER à mesurer.")
        return
    from bambara_normalizer import compute_cer, create_normalizer

    person = subs.parse_vtt((MIXED.with_suffix(".bm.vtt")).read_text(encoding="utf-8"))
    machine = [s for s in result.segments if s.get("language") == bambara]
    b_refs = [c.text for c in person]
    b_hyps = [_words_in(machine, c.start - 0.3, c.end + 0.3) or "-" for c in person]
    cer = compute_cer(b_refs, b_hyps, normalizer=create_normalizer("cer"))
    models = sorted({s.get("model") for s in machine}) or ["?"]
    print(f"CER bambara ({', '.join(models)}) contre la piste saisie par une personne, normaliseur bambara : "
          f"{cer:.1%} sur {len(person)} répliques ({sum(len(t) for t in b_refs)} caractères).")
    for ref, hyp in zip(b_refs, b_hyps):
        print(f"    réf. « {ref} »\n    mod. « {hyp} »")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--beam", type=int, default=None)
    parser.add_argument("--mixte", action="store_true", help="seulement l'enregistrement mixte")
    parser.add_argument("--bm-model", help="dossier d'un modèle CTranslate2 à déclarer pour le bambara")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "paroles.settings.test")
    import django

    django.setup()
    import jiwer
    from django.conf import settings

    if args.beam:
        settings.PAROLES_WHISPER_BEAM_SIZE = args.beam
    if args.bm_model:
        from transcription.whisper_store import language_models

        settings.PAROLES_WHISPER_MODELS = {**language_models(), "bm": args.bm_model}
    if args.mixte:
        mixed_report()
        return
    from transcription.engine import normalise, transcribe_file
    from transcription.whisper_store import ensure_base_model, load_model

    model = load_model(ensure_base_model())
    manifest = json.loads((WER_DIR / "manifest.json").read_text(encoding="utf-8"))
    refs, hyps = [], []
    detected_fr = 0
    start = time.perf_counter()
    for item in manifest["items"]:
        path = WER_DIR / item["audio"]
        result = transcribe_file(str(path), language="fr")
        hyp = " ".join(s["text"] for s in result.segments)
        ref_n, hyp_n = normalise(item["text"]), normalise(hyp)
        refs.append(ref_n)
        hyps.append(hyp_n or "vide")
        lang, _p, _all = model.detect_language(__import__("faster_whisper").decode_audio(str(path)))
        detected_fr += lang == "fr"
        print(f"{jiwer.wer(ref_n, hyp_n or 'vide'):6.1%}  {item['audio']}: {hyp.strip()}")
    elapsed = time.perf_counter() - start
    total = jiwer.wer(refs, hyps)
    print()
    print(f"WER (Whisper base int8, beam {settings.PAROLES_WHISPER_BEAM_SIZE}, français imposé) : {total:.1%} "
          f"sur {len(refs)} phrases ({sum(len(r.split()) for r in refs)} mots) ; "
          f"langue détectée « fr » sans indication : {detected_fr}/{len(refs)} ; {elapsed:.0f} s.")
    mixed_report()


if __name__ == "__main__":
    main()
