"""Coût d'un rendu NON mis en cache, dans le processus : temps CPU et nombre de requêtes SQL par page.

Lancé par `bench/pages.py` (PAROLES_PAGE_CACHE=0, mêmes réglages que gunicorn). Pour chaque page : 2 rendus
de chauffe, puis `--runs` rendus ; imprime une ligne JSON par page : médiane, min et max du temps CPU du
processus (time.process_time, toute la pile Django + Wagtail + consentement) et nombre de requêtes
(CaptureQueriesContext : identique d'un rendu à l'autre, sinon le maximum).
"""

import json
import statistics
import sys
import time
from pathlib import Path

# Lancé comme script : bench/ serait en tête du chemin, et bench/transcription.py masquerait l'application.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

import django  # noqa: E402


def main():
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
