"""Banc d'essai du tableau de bord de la communication et de l'export bailleurs.

    .venv/bin/python bench/dashboard.py [--screenings 1000000] [--repeat 3]

Crée 1 000 000 de fiches de projection (par défaut ; --screenings pour un autre nombre) (bulk_create) dans une base SQLite temporaire, puis sur PostgreSQL si
DATABASE_URL désigne un serveur PostgreSQL (une base temporaire y est créée puis supprimée). Pour chaque
base, affiche :
- le temps de rendu du tableau de bord (page complète, sans filtre, puis filtrée par partenaire et année)
  et son nombre de requêtes ;
- le temps des exports CSV et XLSX et leur nombre de requêtes ;
- la référence « outil nu » dans la même exécution : la même base interrogée en SQL brut pour le seul
  total (SUM/COUNT sur toutes les fiches), et le rapport tableau de bord / SQL brut.
Le tableau de bord lit les cumuls par jour (communication.rollups), recomptés ici d'un coup après le
chargement en masse ; le banc imprime aussi ce recomptage. Cible : rendu sous 1 seconde.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_child(database_url, args):
    env = dict(os.environ, DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="paroles.settings.test",
               PAROLES_BENCH_CHILD="1")
    cmd = [sys.executable, str(Path(__file__).resolve()), "--screenings", str(args.screenings), "--repeat", str(args.repeat)] + (["--profile"] if args.profile else [])
    return subprocess.call(cmd, env=env, cwd=str(ROOT))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--screenings", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="affiche les requêtes les plus lentes")
    args = parser.parse_args()
    if os.environ.get("PAROLES_BENCH_CHILD"):
        return child(args)

    status = 0
    with tempfile.TemporaryDirectory(prefix="paroles-bench-") as tmp:
        status |= run_child(f"sqlite:///{tmp}/bench.sqlite3", args)
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg
        from urllib.parse import urlsplit, urlunsplit

        name = f"paroles_bench_{uuid.uuid4().hex[:8]}"
        parts = urlsplit(url)
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        try:
            status |= run_child(urlunsplit(parts._replace(path="/" + name)), args)
        finally:
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
    else:
        print("\nPostgreSQL : DATABASE_URL non défini (ou pas PostgreSQL), banc ignoré.")
    return status


def child(args):
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import datetime as dt
    import random

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from tqdm import tqdm

    vendor = connection.vendor
    print(f"\n=== {vendor} ({args.screenings:,} fiches) ===".replace(",", " "))
    t = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrations : {time.perf_counter() - t:.1f} s")

    from django.contrib.auth import get_user_model

    from communication.dashboard import Filters
    from communication.exports import as_csv, as_xlsx
    from communication.models import (
        COUNT_FIELDS, CommunicationPlan, Indicator, Place, PlannedActivity, Screening, ScreeningMaterial,
    )
    from media_library.models import PartnerOrganisation, Project, ServedFile, Work

    rng = random.Random(7)
    project = Project.objects.create(name="Banc")
    partners = [PartnerOrganisation.objects.create(name=f"Partenaire {i}", acronym=f"P{i}") for i in range(8)]
    works = [Work.objects.create(project=project, kind="capsule", title_fr=f"Capsule {i}", duration_seconds=300) for i in range(40)]
    places = list(Place.objects.exclude(level="region"))
    regions = {p.pk: p.region_id for p in places}
    user = get_user_model().objects.create_superuser("bench", "bench@example.org", "mot-de-passe-bench")
    plan = CommunicationPlan.objects.create(project=project, title="Plan", objectives="…", start_date=dt.date(2022, 1, 1),
                                            end_date=dt.date(2023, 12, 31))
    for i in range(24):
        PlannedActivity.objects.create(plan=plan, title=f"Activité {i}", partner=partners[i % 8], work=works[i % 40],
                                       region_id=rng.choice(list(set(regions.values()))), channel="community_talk",
                                       start_date=dt.date(2022 + i // 12, i % 12 + 1, 1),
                                       end_date=dt.date(2022 + i // 12, i % 12 + 1, 28), target=500)
    for code, measure in (("I1", "people"), ("I2", "broadcast"), ("I3", "sessions"), ("I4", "downloads")):
        Indicator.objects.create(plan=plan, code=code, label=f"Indicateur {code}", measure=measure, target=1000)

    channels = ["community_talk"] * 6 + ["police_station", "school", "health_centre", "museum", "secured_event", "tv", "radio"]
    start = timezone.make_aware(dt.datetime(2022, 1, 1, 8))
    batch = 5000
    t = time.perf_counter()
    with tqdm(total=args.screenings, desc="fiches", unit="fiche", file=sys.stderr) as bar:
        for offset in range(0, args.screenings, batch):
            rows = []
            for _ in range(min(batch, args.screenings - offset)):
                channel = rng.choice(channels)
                place = rng.choice(places)
                counts = dict.fromkeys(COUNT_FIELDS, 0)
                audience = None
                if channel in ("tv", "radio"):
                    audience = rng.randint(1000, 300000)
                else:
                    counts.update(girls=rng.randint(0, 5), boys=rng.randint(0, 5), women=rng.randint(1, 15), men=rng.randint(0, 10))
                    total = counts["girls"] + counts["boys"] + counts["women"] + counts["men"]
                    counts["idps"] = total // 2
                    counts["other_group"] = total - total // 2
                    counts["sex_workers"] = rng.randint(0, 2)
                when = start + dt.timedelta(minutes=rng.randrange(0, 2 * 365 * 24 * 60))
                rows.append(Screening(
                    client_id=uuid.uuid4(), project=project, partner=rng.choice(partners),
                    started_at=when, period_month=Screening.month_of(when), place=place,
                    region_id=regions[place.pk], venue_type="idp_site", channel=channel, estimated_audience=audience,
                    people_total=counts["girls"] + counts["boys"] + counts["women"] + counts["men"], **counts))
            Screening.objects.bulk_create(rows, batch_size=1000)
            bar.update(len(rows))
    ids = list(Screening.objects.values_list("pk", flat=True))
    materials = []
    for pk in ids:
        for w in rng.sample(works, rng.choice([1, 1, 2])):
            materials.append(ScreeningMaterial(screening_id=pk, work=w))
    ScreeningMaterial.objects.bulk_create(materials, batch_size=5000)
    served = [ServedFile(created_at=start + dt.timedelta(minutes=rng.randrange(0, 2 * 365 * 24 * 60)), user=user,
                         work=rng.choice(works), channel="facilitator_download", purpose="rendu:phone",
                         object_key=f"media_library.rendition:{rng.randrange(200)}", size=5_000_000,
                         range_start=rng.choice([None, None, 0, 100]), range_end=rng.choice([4_999_999, 999_999]))
              for _ in range(20_000)]
    ServedFile.objects.bulk_create(served, batch_size=5000)
    if vendor == "postgresql":
        with connection.cursor() as c:
            c.execute("ANALYZE")
    from communication import rollups

    t_roll = time.perf_counter()
    n_rows, n_material_rows = rollups.rebuild()
    print(f"cumuls recomptés (bulk_create n'envoie pas de signaux) : {n_rows:,} lignes, {n_material_rows:,} par support, "
          f"en {time.perf_counter() - t_roll:.1f} s".replace(",", " "))
    print(f"données : {Screening.objects.count():,} fiches, {ScreeningMaterial.objects.count():,} supports, "
          f"{ServedFile.objects.count():,} lignes du journal de la porte, en {time.perf_counter() - t:.1f} s".replace(",", " "))

    client = Client()
    client.force_login(user)

    def measure(label, fn):
        fn()  # échauffement
        times, queries = [], 0
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as ctx:
                t0 = time.perf_counter()
                fn()
                times.append(time.perf_counter() - t0)
            queries = len(ctx.captured_queries)
        median = statistics.median(times)
        if args.profile:
            for q in sorted(ctx.captured_queries, key=lambda q: -float(q["time"]))[:6]:
                print(f"    {float(q['time']) * 1000:7.0f} ms  {q['sql'][:160]}")
        print(f"{label:<48} {median * 1000:8.0f} ms (médiane de {args.repeat})  {queries:3d} requêtes")
        return median

    def bare():
        with connection.cursor() as c:
            c.execute("SELECT COUNT(*), SUM(people_total) FROM communication_screening")
            c.fetchone()

    def page(query=""):
        def fn():
            response = client.get("/admin/communication/tableau-de-bord/" + query)
            assert response.status_code == 200, response.status_code
        return fn

    bare_t = measure("SQL brut : COUNT + SUM sur toutes les fiches", bare)
    full = measure("Tableau de bord, sans filtre", page())
    measure("Tableau de bord, un partenaire et une année",
            page(f"?partner={partners[0].pk}&start=2023-01-01&end=2023-12-31"))
    measure("Export CSV (cadre logique)", lambda: as_csv(Filters(), user))
    measure("Export XLSX (cadre logique)", lambda: as_xlsx(Filters(), user))
    print(f"rapport tableau de bord / SQL brut : {full / bare_t:.1f}")
    print(f"cible < 1 s : {'atteinte' if full < 1 else 'MANQUÉE'} ({full:.2f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
