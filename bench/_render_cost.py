"""Coût d'un rendu NON mis en cache, dans le processus : temps CPU et nombre de requêtes SQL par page.

Lancé par `bench/pages.py` (PAROLES_PAGE_CACHE=0, mêmes réglages que gunicorn). Pour chaque page : 2 rendus
de chauffe, puis `--runs` rendus ; imprime une ligne JSON par page : médiane, min et max du temps CPU du
processus (time.process_time, toute la pile Django + Wagtail + consentement) et nombre de requêtes
(CaptureQueriesContext : identique d'un rendu à l'autre, sinon le maximum).

Seul, sur une archive de démonstration déjà préparée (par `bench/pages.py --data-dir DIR` ou `load_demo
--quick`), sans la charge gunicorn :

    .venv/bin/python bench/_render_cost.py --data-dir DIR [--runs 15]

imprime `<page> cpu_ms=<médiane> [min–max] queries=N` pour l'accueil, les deux expositions et la boîte à
outils (animatrice connectée), avec la charge de la machine (`uptime`) avant et après.
"""

import json
import statistics
import sys
import time
from pathlib import Path

# Lancé comme script : bench/ serait en tête du chemin, et bench/transcription.py masquerait l'application.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

import django  # noqa: E402


def standalone(argv):
    """`--data-dir DIR [--runs N]` : mêmes réglages que `bench/pages.py`, les pages de la démonstration."""
    import argparse
    import os
    import subprocess

    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args(argv)
    from bench.pages import env_for, format_render_cost, render_costs, uptime  # noqa: E402

    env = env_for(Path(args.data_dir).resolve())
    code = (
        "import django;django.setup();"
        "from exhibitions.models import ExhibitionPage,ToolkitPage;"
        "print(ExhibitionPage.objects.live().get(slug='nos-corps-nos-chemins').url);"
        "print(ExhibitionPage.objects.live().get(slug='musee-district-bamako').url);"
        "print(ToolkitPage.objects.live().first().url)"
    )
    urls = subprocess.run([sys.executable, "-c", code], cwd=sys.path[0], env={**os.environ, **env}, check=True,
                          capture_output=True, text=True).stdout.split()
    online, museum, toolkit = urls[-3:]
    pages = [("accueil", "/", ""), ("exposition-en-ligne", online, ""), ("exposition-musee", museum, ""),
             ("boite-a-outils", toolkit, "animatrice.aracem")]
    print(f"Rendu NON mis en cache (CPU du processus, médiane [min–max] de {args.runs}) — charge : {uptime()}")
    for row in render_costs(env, pages, runs=args.runs):
        print(format_render_cost(row), flush=True)
    print(f"Charge à la fin : {uptime()}")


def main():
    if len(sys.argv) > 1 and sys.argv[1].startswith("--"):
        return standalone(sys.argv[1:])
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    pages = json.loads(sys.argv[2])
    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    for label, path, username in pages:
        client = Client(SERVER_NAME="127.0.0.1")
        if username:
            client.force_login(get_user_model().objects.get(username=username))
        for _ in range(2):
            assert client.get(path).status_code == 200, path
        cpu, queries = [], []
        for _ in range(runs):
            with CaptureQueriesContext(connection) as ctx:
                t0 = time.process_time()
                response = client.get(path)
                cpu.append((time.process_time() - t0) * 1000)
            assert response.status_code == 200 and response.get("X-Paroles-Cache") is None, path
            queries.append(len(ctx.captured_queries))
        print(json.dumps({"page": label, "cpu_ms": statistics.median(cpu), "cpu_min": min(cpu), "cpu_max": max(cpu),
                          "queries": max(queries), "queries_min": min(queries)}), flush=True)


if __name__ == "__main__":
    main()
