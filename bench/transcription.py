#!/usr/bin/env python3
"""Banc d'essai de la transcription : notre chaîne contre faster-whisper nu, même modèle, mêmes options.

    .venv/bin/python bench/transcription.py            # défauts retenus + variantes (beam, VAD, threads)
    .venv/bin/python bench/transcription.py --quick    # défauts seulement
    .venv/bin/python bench/transcription.py --repeat 5 # 5 paires nu/nous pour les défauts (3 par défaut)
    .venv/bin/python bench/transcription.py --language fr  # notre chaîne en français imposé

Audio : le film de démonstration r/Egard (voix française espeak-ng, 163 s, versionné dans
demo/data/recordings/), à défaut les phrases du jeu WER enchaînées jusqu'à plus de 2 minutes.

« Notre chaîne » = transcription.engine.transcribe_file : décodage en flux par ffmpeg, fenêtres,
VAD, mots horodatés, filtre anti-répétition, rappels de progression et d'annulation ; puis
construction des répliques aux normes. Sans --language : le mode par défaut d'une œuvre mixte ou non
déclarée, langue détectée passage par passage (une passe de l'encodeur de plus par passage ; seuil de
probabilité 0 pour que tous les passages soient transcrits, comme chez le nu). Avec --language fr : tout
le fichier en français imposé (une œuvre déclarée en français). « Nu » = WhisperModel.transcribe sur le
fichier (décodé en entier en mémoire par faster-whisper), segments parcourus. Le chargement du
modèle n'est pas compté (un travailleur le garde en mémoire). Chaque mesure tourne dans son propre
processus (mémoire de crête ru_maxrss non contaminée). Affiche : temps, rapport, facteur temps réel,
mémoire de crête, taux d'erreur de mots sur le texte de référence.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEMO = ROOT / "demo" / "data" / "recordings"
WER = ROOT / "transcription" / "tests" / "data" / "wer"


def setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "paroles.settings.test")
    import django

    django.setup()


def bench_audio(tmp):
    film = DEMO / "film_regard.opus"
    if film.exists():
        return film, (DEMO / "film_regard.txt").read_text(encoding="utf-8")
    import imageio_ffmpeg

    files = sorted(WER.glob("phrase_*.opus")) * 3
    texts = [(WER / (f.stem + ".txt")).read_text(encoding="utf-8").strip() for f in files]
    out = Path(tmp) / "bench.opus"
    args = [a for f in files for a in ("-i", str(f))]
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-loglevel", "error", "-y", *args, "-filter_complex",
                    f"concat=n={len(files)}:v=0:a=1", "-c:a", "libopus", "-b:a", "24k", str(out)], check=True)
    return out, " ".join(texts)


def wer(reference, hypothesis):
    import jiwer

    from transcription.engine import normalise

    return jiwer.wer(normalise(reference), normalise(hypothesis) or "vide")


def one(mode, path, beam, vad, threads, reference, language=None):
    """Une mesure (dans un processus neuf). Renvoie un dict."""
    from django.conf import settings

    settings.PAROLES_WHISPER_BEAM_SIZE = beam
    settings.PAROLES_WHISPER_VAD = vad
    settings.PAROLES_WHISPER_THREADS = threads
    from transcription import engine, subtitles
    from transcription.audio import probe_duration
    from transcription.whisper_store import ensure_base_model, load_model

    model = load_model(ensure_base_model())
    duration = probe_duration(path)
    options = engine.decode_options()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    if mode == "bare":
        segments, info = model.transcribe(str(path), language=None, **options)
        texts = [s.text for s in segments]
        language = info.language
    else:
        result = engine.transcribe_file(str(path), language=language or None, duration=duration,
                                        on_progress=lambda p: None, should_cancel=lambda: False, min_probability=0.0)
        subtitles.cues_from_segments(result.segments, "fr")
        texts = [s["text"] for s in result.segments]
        language = result.language
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"mode": mode, "beam": beam, "vad": vad, "threads": threads, "elapsed": elapsed, "duration": duration,
            "rtf": elapsed / duration, "peak_rss_mb": peak / 1024, "rss_after_load_mb": rss_before / 1024,
            "language": language, "wer": wer(reference, " ".join(texts))}


LANGUAGE = ""


def run_child(mode, path, beam, vad, threads, reference_file):
    cmd = [sys.executable, __file__, "--child", mode, str(path), str(beam), "1" if vad else "0", str(threads),
           str(reference_file), LANGUAGE]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        setup_django()
        mode, path, beam, vad, threads, ref, language = sys.argv[2:9]
        reference = Path(ref).read_text(encoding="utf-8")
        print(json.dumps(one(mode, Path(path), int(beam), vad == "1", int(threads), reference, language)))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--language", default="", help="langue imposée à notre chaîne (vide : par passage)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="paires nu/nous pour les défauts (médiane ; l'ordre alterne à chaque paire)")
    args = parser.parse_args()
    global LANGUAGE
    LANGUAGE = args.language
    setup_django()
    from transcription.whisper_store import ensure_base_model

    ensure_base_model()
    cores = os.cpu_count() or 2
    with tempfile.TemporaryDirectory() as tmp:
        path, reference = bench_audio(tmp)
        ref_file = Path(tmp) / "ref.txt"
        ref_file.write_text(reference, encoding="utf-8")
        print(f"Audio : {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}  ·  {cores} cœurs  ·  int8")
        rows = []
        # Défauts retenus : beam 1, VAD, int8, tous les cœurs. Notre chaîne contre le nu, même réglage.
        configs = [(1, True, cores)]
        if not args.quick:
            configs += [(5, True, cores), (1, False, cores), (1, True, 1)]
        pairs = []  # défauts : plusieurs paires, ordre alterné, pour un chiffre qui tient sur une machine bruyante
        for i in range(max(1, args.repeat)):
            order = ("bare", "ours") if i % 2 == 0 else ("ours", "bare")
            got = {mode: run_child(mode, path, *configs[0], ref_file) for mode in order}
            pairs.append((got["bare"], got["ours"]))
            print(f"  paire {i + 1} : nu {got['bare']['elapsed']:.1f} s, nous {got['ours']['elapsed']:.1f} s, "
                  f"rapport {got['ours']['elapsed'] / got['bare']['elapsed']:.3f}", flush=True)
        pairs.sort(key=lambda p: p[1]["elapsed"] / p[0]["elapsed"])
        rows.append(pairs[len(pairs) // 2])  # la paire médiane
        ratios = [o["elapsed"] / b["elapsed"] for b, o in pairs]
        for beam, vad, threads in configs[1:]:
            bare = run_child("bare", path, beam, vad, threads, ref_file)
            ours = run_child("ours", path, beam, vad, threads, ref_file)
            rows.append((bare, ours))
        print()
        print(f"{'beam':>4} {'VAD':>4} {'thr':>3} | {'nu (s)':>7} {'nous (s)':>8} {'rapport':>7} | "
              f"{'RTF nu':>6} {'RTF nous':>8} | {'RSS nu':>7} {'RSS nous':>8} | {'WER nu':>6} {'WER nous':>8} | langue")
        for bare, ours in rows:
            print(f"{bare['beam']:>4} {'oui' if bare['vad'] else 'non':>4} {bare['threads']:>3} | "
                  f"{bare['elapsed']:7.1f} {ours['elapsed']:8.1f} {ours['elapsed'] / bare['elapsed']:7.2f} | "
                  f"{bare['rtf']:6.3f} {ours['rtf']:8.3f} | {bare['peak_rss_mb']:5.0f}Mo {ours['peak_rss_mb']:6.0f}Mo | "
                  f"{bare['wer']:6.1%} {ours['wer']:8.1%} | {bare['language']}/{ours['language']}")
        bare, ours = rows[0]
        ratio = ours["elapsed"] / bare["elapsed"]
        print()
        print(f"Défauts (beam 1, VAD, int8, {cores} fils), paire médiane de {len(pairs)} : notre chaîne "
              f"{ours['elapsed']:.1f} s, faster-whisper nu {bare['elapsed']:.1f} s, rapport {ratio:.3f} "
              f"(rapports : {', '.join(f'{r:.3f}' for r in sorted(ratios))} ; objectif ≤ 1,10 : "
              f"{'atteint' if ratio <= 1.10 else 'MANQUÉ'}) ; "
              f"facteur temps réel {ours['rtf']:.3f} ; mémoire de crête {ours['peak_rss_mb']:.0f} Mo "
              f"(nu : {bare['peak_rss_mb']:.0f} Mo).")


if __name__ == "__main__":
    main()
