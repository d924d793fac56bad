#!/usr/bin/env python3
"""Taux d'erreur de mots (WER) du modèle livré (Whisper base, int8) sur le jeu d'essai français.

    .venv/bin/python bench/wer.py [--beam N]

Jeu d'essai : transcription/tests/data/wer/ (22 phrases sur les thèmes du projet, voix espeak-ng,
produites par transcription/tests/data/make_wer_set.py). Mesure, pas un test : on suit le chiffre.
Le texte est normalisé (minuscules, sans accents ni ponctuation) avant le calcul (jiwer).
Affiche aussi la détection de langue sans indication (part des phrases reconnues comme françaises).
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WER_DIR = ROOT / "transcription" / "tests" / "data" / "wer"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--beam", type=int, default=None)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "paroles.settings.test")
    import django

    django.setup()
    import jiwer
    from django.conf import settings

    if args.beam:
        settings.PAROLES_WHISPER_BEAM_SIZE = args.beam
    from transcription.engine import normalise, transcribe_file
    from transcription.models_store import ensure_base_model, load_model

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


if __name__ == "__main__":
    main()
