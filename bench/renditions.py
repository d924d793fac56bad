#!/usr/bin/env python
"""Banc d'essai : rendu « téléphone » de bout en bout contre la commande ffmpeg nue.

Génère une vidéo 1080p de 2 minutes (mire animée + son), puis mesure, dans le même processus :
1. la commande ffmpeg nue, avec exactement les mêmes réglages (mêmes arguments que le préréglage) ;
2. notre travail de rendu « téléphone », de bout en bout : prise du travail, copie de l'encodage,
   vérification du fichier produit, publication dans le stockage, remplacement en base.

Affiche les deux temps, leur rapport (objectif : ≤ 1,10) et la vitesse d'encodage en multiple du
temps réel. Autonome : `.venv/bin/python bench/renditions.py` (réglages de test, dossier temporaire).
Options : --seconds N (durée de la vidéo, 120 par défaut), --runs N (paires de mesures, 3 par défaut).
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
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)

    from media_library import testing
    from media_library.models import ProcessingJob, Project, Rendition, Work
    from media_library.processing import jobs, presets, steps
    from media_library.services.ingest import ingest_file
    from media_library.services.processing import request_renditions

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
    import media_library.tasks

    # Pas de traitement complet à l'arrivée (file immédiate des réglages de test) : on ne mesure que le rendu téléphone.
    media_library.tasks.enqueue_processing = lambda pk: None
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
    kbps = phone.size * 8 / 1000 / phone.duration
    print()
    print(f"Source : 1920x1080, {args.seconds} s, 25 i/s ; rendu téléphone {phone.width}x{phone.height}")
    print(f"ffmpeg nu (mêmes réglages)      : {bare:.2f} s  ({args.seconds / bare:.1f}x temps réel)")
    print(f"notre travail, de bout en bout  : {ours:.2f} s  ({args.seconds / ours:.1f}x temps réel)")
    print(f"rapport travail / ffmpeg nu     : {ratio:.3f}  (médiane des paires {', '.join(f'{r:.3f}' for r in pair_ratios)}) "
          f"— objectif ≤ 1,10 : {'atteint' if ratio <= 1.10 else 'MANQUÉ'}")
    print(f"débit du rendu téléphone        : {kbps:.0f} kb/s (≈ {kbps * 300 / 8 / 1000:.1f} Mo pour 5 minutes)")
    print(f"machine : {os.cpu_count()} cœur(s), charge moyenne {os.getloadavg()[0]:.1f} ; médianes de {args.runs} essais")
    return 0 if ratio <= 1.10 else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    finally:
        shutil.rmtree(DATA, ignore_errors=True)
