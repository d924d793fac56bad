#!/usr/bin/env python
"""Banc d'essai : rendu « téléphone » de bout en bout contre la commande ffmpeg nue.

Génère une vidéo 1080p courte (20 s par défaut : mire animée + son), puis mesure, dans le même processus,
N paires alternées (5 au moins ; l'ordre s'inverse d'une paire à l'autre) :
1. la commande ffmpeg nue, avec exactement les mêmes réglages (mêmes arguments que le préréglage) ;
2. notre travail de rendu « téléphone », de bout en bout : prise du travail, copie de l'encodage,
   vérification du fichier produit, publication dans le stockage, remplacement en base.

Affiche les deux temps médians, le rapport médian des paires (objectif : ≤ 1,10) avec son étendue
(min–max et écart interquartile), la charge de la machine avant et après, et la vitesse d'encodage en
multiple du temps réel. Puis, pour l'ancien préréglage téléphone et l'actuel, sur deux sources (la mire animée et
une fractale en mouvement avec du grain, plus dure à compresser) : le poids pour 5 minutes (objectif
≤ 20 Mo) et la SSIM contre la source ramenée à la même taille (filtre `ssim` de ffmpeg ; objectif
≥ 0,95). Enfin, l'intelligibilité : taux d'erreur de mots de Whisper *base* sur 16 s de parole
française, d'après l'original et d'après l'audio de chaque préréglage téléphone.

Autonome : `.venv/bin/python bench/renditions.py` (réglages de test, dossier temporaire).
Options : --seconds N (durée de la vidéo, 20 par défaut), --runs N (paires de mesures, 5 par défaut et au
moins), --quality-seconds N (durée des sources de qualité, 30 par défaut), --no-speech (sans Whisper),
--timing-only (seulement le rapport de temps, sans poids, SSIM ni intelligibilité).
"""

import argparse
import os
import statistics
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = Path(tempfile.mkdtemp(prefix="paroles-bench-"))
os.environ.setdefault("PAROLES_DATA_DIR", str(DATA))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "paroles.settings.test")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--timing-only", action="store_true")
    parser.add_argument("--quality-seconds", type=int, default=30)
    parser.add_argument("--no-speech", action="store_true")
    args = parser.parse_args()
    if args.runs < 5:
        parser.error("--runs : au moins 5 paires (médiane de paires alternées)")

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)

    from media_library import testing
    from media_library.models import ProcessingJob, Project, Rendition, Work
    from media_library.processing import jobs, presets, steps
    from media_library.flows.ingest import ingest_file
    from media_library.flows.request_renditions import request_renditions

    src = DATA / "bench-1080p.mp4"
    print(f"Génération d'une vidéo 1920x1080 de {args.seconds} s…", flush=True)
    t0 = time.perf_counter()
    testing.run_ffmpeg(
        "-f", "lavfi", "-i", f"testsrc2=size=1920x1080:rate=25:duration={args.seconds}",
        "-f", "lavfi", "-i", f"sine=frequency=440:duration={args.seconds}",
        "-c:v", "libx264", "-preset", "ultrafast", "-crf", "23", "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-b:a", "128k", "-shortest", "-movflags", "+faststart", src,
    )
    print(f"  fait en {time.perf_counter() - t0:.1f} s ({src.stat().st_size / 1e6:.1f} Mo)")

    project = Project.objects.create(name="Banc d'essai")
    work = Work.objects.create(kind="capsule", title_fr="Banc d'essai", project=project)
    import media_library.flows.ingest

    # Pas de traitement complet à l'arrivée (file immédiate des réglages de test) : on ne mesure que le rendu téléphone.
    media_library.flows.ingest.enqueue_processing = lambda pk: None
    media = ingest_file(work, src)
    ProcessingJob.objects.all().delete()
    Rendition.objects.all().delete()

    preset = presets.get_preset("phone", "video")
    bare_out = DATA / "bare-phone.mp4"
    bare_cmd = steps.video_command(media.file.path, bare_out, preset.options)
    # Commande nue : mêmes arguments, sans le suivi de progression.
    bare_cmd = [a for a in bare_cmd if a not in ("-progress", "pipe:1")]

    bare_times, job_times = [], []
    def bare_run():
        t0 = time.perf_counter()
        subprocess.run(bare_cmd, check=True, stdin=subprocess.DEVNULL, capture_output=True)
        bare_times.append(time.perf_counter() - t0)

    def job_run():
        t0 = time.perf_counter()
        job = request_renditions(media, kinds=["phone"], force=True, enqueue=False)
        job = jobs.run_job(job.pk)
        job_times.append(time.perf_counter() - t0)
        assert job.status == ProcessingJob.Status.DONE, job.error

    load_before = os.getloadavg()
    for run in range(args.runs):
        # Ordre alterné : la charge de la machine pèse autant sur les deux mesures.
        for func in ((bare_run, job_run) if run % 2 == 0 else (job_run, bare_run)):
            func()
        print(f"  essai {run + 1} : nue {bare_times[-1]:.2f} s, travail {job_times[-1]:.2f} s", flush=True)

    phone = Rendition.objects.get(media_file=media, kind="phone")
    bare, ours = statistics.median(bare_times), statistics.median(job_times)
    # Rapport de chaque paire (mesures voisines dans le temps), puis la médiane : moins sensible à la
    # charge d'une machine partagée qu'un rapport de minima.
    pair_ratios = [j / b for j, b in zip(job_times, bare_times)]
    ratio = statistics.median(pair_ratios)
    q1, _q2, q3 = statistics.quantiles(pair_ratios, n=4)
    load_after = os.getloadavg()
    kbps = phone.size * 8 / 1000 / phone.duration
    print()
    print(f"Source : 1920x1080, {args.seconds} s, 25 i/s ; rendu téléphone {phone.width}x{phone.height}")
    print(f"ffmpeg nu (mêmes réglages)      : {bare:.2f} s  ({args.seconds / bare:.1f}x temps réel)")
    print(f"notre travail, de bout en bout  : {ours:.2f} s  ({args.seconds / ours:.1f}x temps réel)")
    print(f"ffmpeg nu, étendue              : {min(bare_times):.2f}–{max(bare_times):.2f} s ; "
          f"travail {min(job_times):.2f}–{max(job_times):.2f} s")
    print(f"rapport travail / ffmpeg nu     : {ratio:.3f}  (médiane de {args.runs} paires alternées : "
          f"{' / '.join(f'{r:.3f}' for r in pair_ratios)} ; étendue {min(pair_ratios):.3f}–{max(pair_ratios):.3f}, "
          f"interquartile {q1:.3f}–{q3:.3f}) — objectif ≤ 1,10 : {'atteint' if ratio <= 1.10 else 'MANQUÉ'}")
    print(f"débit du rendu téléphone        : {kbps:.0f} kb/s (≈ {kbps * 300 / 8 / 1000:.1f} Mo pour 5 minutes)")
    print(f"machine : {os.cpu_count()} cœur(s), charge moyenne (1, 5, 15 min) avant "
          f"{' / '.join(f'{x:.1f}' for x in load_before)}, après {' / '.join(f'{x:.1f}' for x in load_after)} ; "
          f"médianes de {args.runs} paires")

    ok = ratio <= 1.10
    if args.timing_only:
        return 0 if ok else 1
    print()
    print(f"Qualité et poids du rendu téléphone (sources 1920x1080, {args.quality_seconds} s, 25 i/s) :")
    sources = {
        "mire animée": ["-f", "lavfi", "-i", f"testsrc2=size=1920x1080:rate=25:duration={args.quality_seconds}"],
        "fractale + grain": ["-f", "lavfi", "-i", "mandelbrot=size=1920x1080:rate=25,noise=alls=6:allf=t",
                             "-t", str(args.quality_seconds)],
    }
    candidates = {"ancien": OLD_PHONE, "actuel": preset.options}
    for label, spec in sources.items():
        src_q = DATA / f"qualite-{len(label)}.mp4"
        testing.run_ffmpeg(*spec, "-f", "lavfi", "-i", f"sine=frequency=300:duration={args.quality_seconds}",
                           "-c:v", "libx264", "-preset", "ultrafast", "-crf", "16", "-pix_fmt", "yuv420p",
                           "-c:a", "aac", "-b:a", "128k", "-shortest", src_q)
        for name, options in candidates.items():
            out = DATA / f"qualite-{name}.mp4"
            cmd = [a for a in steps.video_command(src_q, out, options) if a not in ("-progress", "pipe:1")]
            subprocess.run(cmd, check=True, stdin=subprocess.DEVNULL, capture_output=True)
            duration = probe_duration(out)
            mb5 = out.stat().st_size * 300 / duration / 1e6
            value = ssim(out, src_q, steps.scale_filter(options["max_w"], options["max_h"]))
            good = mb5 <= 20 and value >= 0.95
            if name == "actuel":
                ok = ok and good
            print(f"  {label:<17} préréglage {name:<7}: {mb5:5.1f} Mo / 5 min, SSIM {value:.4f}"
                  + ("" if name != "actuel" else f"  — objectifs ≤ 20 Mo et ≥ 0,95 : {'atteints' if good else 'MANQUÉS'}"))

    if not args.no_speech:
        print()
        print("Intelligibilité (Whisper base, 16 s de parole française, taux d'erreur de mots ; plus bas = mieux) :")
        for name, wer in speech_wer({"original": None, **candidates}).items():
            print(f"  audio {name:<9}: {wer * 100:5.1f} %")
    return 0 if ok else 1


# Le préréglage téléphone d'avant (jusqu'au 2026-12-01), gardé ici pour la comparaison.
OLD_PHONE = {
    "ext": ".mp4", "mime": "video/mp4", "max_w": 640, "max_h": 360, "vcodec": "libx264", "x264_preset": "veryfast",
    "vb": "600k", "maxrate": "700k", "bufsize": "1400k", "profile": "main", "level": "3.1",
    "acodec": "aac", "ab": "64k", "ac": 2,
}


def probe_duration(path):
    import av

    with av.open(str(path)) as container:
        return container.duration / 1e6


def ssim(encoded, source, scale):
    """SSIM (« All ») de `encoded` contre `source` ramenée à la même taille par le même filtre."""
    import imageio_ffmpeg

    proc = subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(encoded), "-i", str(source),
         "-lavfi", f"[1:v]{scale}[ref];[0:v][ref]ssim", "-f", "null", "-"],
        check=True, capture_output=True, text=True,
    )
    line = [part for part in proc.stderr.split() if part.startswith("All:")][-1]
    return float(line.split(":")[1])


def speech_wer(candidates):
    """WER de Whisper base sur l'audio original puis sur l'audio de chaque préréglage (AAC au débit du préréglage)."""
    import imageio_ffmpeg
    import jiwer

    from transcription import whisper_store
    from transcription.engine import normalise

    data = ROOT / "transcription" / "tests" / "data"
    reference = " ".join((data / "wer" / f"phrase_{n:02d}.txt").read_text(encoding="utf-8").strip() for n in range(1, 5))
    model = whisper_store.load_model(whisper_store.ensure_base_model())
    results = {}
    for name, options in candidates.items():
        src = data / "francais_16s.opus"
        if options is not None:
            out = DATA / f"parole-{name}.m4a"
            subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-i", str(src),
                            "-c:a", options["acodec"], "-b:a", options["ab"], "-ac", str(options["ac"]), str(out)],
                           check=True)
            src = out
        segments, _info = model.transcribe(str(src), language="fr", beam_size=1, vad_filter=True)
        text = " ".join(seg.text for seg in segments)
        results[name] = jiwer.wer(normalise(reference), normalise(text))
    return results


if __name__ == "__main__":
    try:
        sys.exit(main())
    finally:
        shutil.rmtree(DATA, ignore_errors=True)
