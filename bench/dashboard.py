"""Banc d'essai du tableau de bord de la communication et de l'export bailleurs.

    .venv/bin/python bench/dashboard.py [--screenings 1000000] [--repeat 5] [--check]

Crée 1 000 000 de fiches de projection (par défaut ; --screenings pour un autre nombre) et leurs supports par
insertions en masse (executemany, sans passer par le flux fiche à fiche) dans une base SQLite temporaire, puis
sur PostgreSQL si DATABASE_URL désigne un serveur PostgreSQL (une base temporaire y est créée puis
supprimée). Les cumuls du tableau de bord (communication.rollups) sont ensuite recomptés par
`rebuild_rollups` (agrégats SQL + bulk_create), dont le banc imprime le temps ; --check lance aussi
`rebuild_rollups --check`. Pour chaque base, affiche :
- le temps de rendu du tableau de bord (page complète) sans filtre, puis sous plusieurs filtres (partenaire
  et année, dates au jour près, canal, projet) : médiane de --repeat exécutions, étendue (min–max) et
  nombre de requêtes ;
- le temps des exports CSV et XLSX et leur nombre de requêtes ;
- la référence « outil nu » dans la même exécution : la même base interrogée en SQL brut pour le seul
  total (SUM/COUNT sur toutes les fiches), et le rapport tableau de bord / SQL brut.
Cible : rendu sous 1 seconde.

Rejouer seulement les mesures, au calme, sur des bases gardées (générer un million de fiches prend des
dizaines de minutes sous charge) :

    .venv/bin/python bench/dashboard.py --keep /work/benchdata/bench-1m.sqlite3 [--pg-db paroles_bench_1m]
    .venv/bin/python bench/dashboard.py --reuse /work/benchdata/bench-1m.sqlite3 [--only sqlite|postgresql]

--keep garde la base SQLite dans le fichier donné et, si DATABASE_URL désigne un serveur PostgreSQL, la base
nommée --pg-db sur ce serveur ; --reuse y applique les migrations en attente (un cumul nouveau est rempli par
la sienne) puis ne fait que les mesures (--rebuild : recompte aussi les cumuls). La charge de la machine
(moyenne sur 1 minute) est imprimée avant et après les mesures.
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


def run_child(database_url, args, *, reuse=False):
    env = dict(os.environ, DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="paroles.settings.test",
               PAROLES_BENCH_CHILD="1")
    cmd = [sys.executable, str(Path(__file__).resolve()), "--screenings", str(args.screenings), "--repeat", str(args.repeat)] \
        + (["--profile"] if args.profile else []) + (["--check"] if args.check else []) \
        + (["--no-exports"] if args.no_exports else []) + (["--rebuild"] if args.rebuild else []) \
        + (["--reuse", "-"] if reuse else [])
    return subprocess.call(cmd, env=env, cwd=str(ROOT))


def _pg_exists(url, name):
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def bulk_generate(connection, n, *, project, partners, works, places, regions, channels, start, chunk=100_000):
    """Insère `n` fiches et leurs supports (une ou deux œuvres distinctes) par INSERT … SELECT générés en base
    (suite de nombres, valeurs tirées par random()), par tranches de `chunk` (barre tqdm) : quelques secondes
    pour un million, sans un million d'objets Python. Mêmes lois que l'ancien chargement par objets : 13 canaux
    (causerie 6 fois sur 13, télévision et radio avec un public estimé), 8 partenaires, lieux et régions
    réels, comptages par sexe et âge tirés au hasard et leur total (contrainte en base), sur deux ans."""
    import datetime as dt

    from django.utils import timezone
    from tqdm import tqdm

    from communication.models import COUNT_FIELDS, Screening, ScreeningMaterial

    pg = connection.vendor == "postgresql"
    q = connection.ops.quote_name

    def rnd(k):  # entier au hasard dans [0, k)
        return f"floor(random() * {k})::int" if pg else f"(abs(random()) %% {k})"

    def pick(expr, values):
        return "CASE " + expr + " " + " ".join(f"WHEN {i} THEN {sql_value(v)}" for i, v in enumerate(values)) + " END"

    def sql_value(v):
        return "NULL" if v is None else (str(v) if isinstance(v, int) else "'" + str(v).replace("'", "''") + "'")

    offset_min = int(timezone.localtime(start).utcoffset().total_seconds() // 60)
    utc_start = start.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    minutes = 2 * 365 * 24 * 60
    if pg:
        started = f"(timestamptz '{utc_start}+00' + m * interval '1 minute')"
        month = f"date_trunc('month', {started} + interval '{offset_min} minutes')::date"
        uuid_sql, now_sql = "gen_random_uuid()", f"timestamptz '{utc_start}+00'"
    else:
        started = f"datetime('{utc_start}', '+' || m || ' minutes')"
        month = f"date({started}, '+{offset_min} minutes', 'start of month')"
        uuid_sql, now_sql = "lower(hex(randomblob(16)))", f"'{utc_start}'"
    broadcast = [i for i, c in enumerate(channels) if c in ("tv", "radio")]
    in_person = f"c NOT IN ({', '.join(map(str, broadcast))})"
    counts = {f: "0" for f in COUNT_FIELDS}
    counts.update(girls=f"CASE WHEN {in_person} THEN g ELSE 0 END", boys=f"CASE WHEN {in_person} THEN b ELSE 0 END",
                  women=f"CASE WHEN {in_person} THEN w ELSE 0 END", men=f"CASE WHEN {in_person} THEN h ELSE 0 END",
                  idps=f"CASE WHEN {in_person} THEN (g + b + w + h) / 2 ELSE 0 END",
                  other_group=f"CASE WHEN {in_person} THEN (g + b + w + h) - (g + b + w + h) / 2 ELSE 0 END",
                  sex_workers=f"CASE WHEN {in_person} THEN sw ELSE 0 END")
    place_ids = [p.pk for p in places]
    values = {
        "client_id": uuid_sql, "content_hash": "''", "project": str(project.pk),
        "partner": pick("pa", [p.pk for p in partners]), "facilitator": "NULL", "started_at": started,
        "period_month": month, "place": pick("pl", place_ids), "region": pick("pl", [regions[pk] for pk in place_ids]),
        "venue_type": "'idp_site'", "channel": pick("c", channels), **counts,
        "people_total": f"CASE WHEN {in_person} THEN g + b + w + h ELSE 0 END",
        "estimated_audience": f"CASE WHEN {in_person} THEN NULL ELSE 1000 + aud END", "discussion_minutes": "NULL",
        "quotes": "''", "referrals": "0", "referrals_note": "''", "follow_up_needed": "FALSE" if pg else "0",
        "follow_up_note": "''", "source": "'import'", "recorded_by": "NULL", "received_at": now_sql,
    }
    fields = [f for f in Screening._meta.concrete_fields if not f.primary_key]
    missing = {f.name for f in fields} - set(values)
    assert not missing, missing  # une colonne ajoutée au modèle : à générer ici aussi
    series = "generate_series(1, %s) AS seq(i)" if pg else "seq"
    recursive = "" if pg else "RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < %s), "
    # MATERIALIZED : chaque tirage est fait une fois par ligne, même lu plusieurs fois (total = somme).
    insert = (f"WITH {recursive}draw AS MATERIALIZED (SELECT {rnd(len(channels))} AS c, {rnd(len(partners))} AS pa, "
              f"{rnd(len(places))} AS pl, {rnd(minutes)} AS m, {rnd(6)} AS g, {rnd(6)} AS b, 1 + {rnd(15)} AS w, "
              f"{rnd(11)} AS h, {rnd(3)} AS sw, {rnd(299001)} AS aud FROM {series}) "
              f"INSERT INTO {q(Screening._meta.db_table)} ({', '.join(q(f.column) for f in fields)}) "
              f"SELECT {', '.join(values[f.name] for f in fields)} FROM draw")
    with tqdm(total=n, desc="fiches", unit="fiche", file=sys.stderr) as bar, connection.cursor() as cur:
        for done in range(0, n, chunk):
            size = min(chunk, n - done)
            cur.execute(insert, [size])
            bar.update(size)
    # Supports : une œuvre au hasard par fiche, une seconde (distincte) pour une fiche sur trois.
    work_ids = [w.pk for w in works]
    sm = q(ScreeningMaterial._meta.db_table)
    ids = Screening.objects.order_by("pk").values_list("pk", flat=True)
    lo, hi = ids.first(), ids.last()
    with tqdm(total=hi - lo + 1, desc="supports", unit="fiche", file=sys.stderr) as bar, connection.cursor() as cur:
        for first in range(lo, hi + 1, chunk):
            cur.execute(
                f"WITH pairs AS MATERIALIZED (SELECT id, {rnd(len(work_ids))} AS a, {rnd(len(work_ids) - 1)} AS d "
                f"FROM {q(Screening._meta.db_table)} WHERE id >= %s AND id < %s) "
                f"INSERT INTO {sm} (screening_id, work_id, excerpt) "
                f"SELECT id, {pick('a', work_ids)}, '' FROM pairs UNION ALL "
                f"SELECT id, {pick(f'((a + 1 + d) %% {len(work_ids)})', work_ids)}, '' FROM pairs WHERE id %% 3 = 0",
                [first, first + chunk])
            bar.update(min(chunk, hi + 1 - first))
    return ScreeningMaterial.objects.count()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--screenings", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--check", action="store_true", help="lance aussi rebuild_rollups --check")
    parser.add_argument("--no-exports", action="store_true", help="ne mesure pas les exports CSV/XLSX")
    parser.add_argument("--profile", action="store_true", help="affiche les requêtes les plus lentes")
    parser.add_argument("--keep", metavar="FICHIER", help="garde la base SQLite générée dans FICHIER (et la base "
                        "PostgreSQL --pg-db) pour la réutiliser ensuite par --reuse")
    parser.add_argument("--reuse", metavar="FICHIER", help="réutilise la base SQLite FICHIER (et la base PostgreSQL "
                        "--pg-db) gardée par --keep : ne mesure que les temps (migrations en attente appliquées, "
                        "cumuls recomptés alors)")
    parser.add_argument("--pg-db", default="paroles_bench_1m", help="nom de la base PostgreSQL gardée ou réutilisée")
    parser.add_argument("--only", choices=("sqlite", "postgresql"), help="une seule des deux bases")
    parser.add_argument("--rebuild", action="store_true", help="avec --reuse : recompte aussi les cumuls")
    args = parser.parse_args()
    if os.environ.get("PAROLES_BENCH_CHILD"):
        return child(args)
    if args.keep and args.reuse:
        parser.error("--keep ou --reuse, pas les deux")

    status = 0
    if args.only != "postgresql":
        if args.reuse:
            path = Path(args.reuse).resolve()
            if not path.exists():
                parser.error(f"{path} : base introuvable (à créer d'abord par --keep)")
            status |= run_child(f"sqlite:///{path}", args, reuse=True)
        elif args.keep:
            path = Path(args.keep).resolve()
            path.parent.mkdir(parents=True, exist_ok=True)
            if path.exists():
                parser.error(f"{path} existe déjà : --reuse pour la réutiliser, ou supprimez-la")
            status |= run_child(f"sqlite:///{path}", args)
        else:
            with tempfile.TemporaryDirectory(prefix="paroles-bench-") as tmp:
                status |= run_child(f"sqlite:///{tmp}/bench.sqlite3", args)
    url = os.environ.get("DATABASE_URL", "")
    if args.only == "sqlite":
        return status
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg
        from urllib.parse import urlsplit, urlunsplit

        parts = urlsplit(url)
        kept = bool(args.keep or args.reuse)
        name = args.pg_db if kept else f"paroles_bench_{uuid.uuid4().hex[:8]}"
        target = urlunsplit(parts._replace(path="/" + name))
        if args.reuse:
            if not _pg_exists(url, name):
                print(f"PostgreSQL : base {name} introuvable (à créer d'abord par --keep).")
                return status | 1
            return status | run_child(target, args, reuse=True)
        if args.keep and _pg_exists(url, name):
            print(f"PostgreSQL : la base {name} existe déjà : --reuse pour la réutiliser, ou supprimez-la.")
            return status | 1
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        try:
            status |= run_child(target, args)
        finally:
            if not args.keep:
                with psycopg.connect(url, autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
    else:
        print("\nPostgreSQL : DATABASE_URL non défini (ou pas PostgreSQL), banc ignoré.")
    return status


def generate(args, connection):
    """Crée le projet, les partenaires, les œuvres, le plan, puis les fiches (en base) et le journal de la porte."""
    import datetime as dt
    import random

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from communication.models import CommunicationPlan, Indicator, Place, PlannedActivity, Screening
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
    t = time.perf_counter()
    n_materials = bulk_generate(connection, args.screenings, project=project, partners=partners, works=works,
                                places=places, regions=regions, channels=channels, start=start)
    n_screenings = Screening.objects.count()
    served = [ServedFile(created_at=start + dt.timedelta(minutes=rng.randrange(0, 2 * 365 * 24 * 60)), user=user,
                         work=rng.choice(works), channel="facilitator_download", purpose="rendu:phone",
                         object_key=f"media_library.rendition:{rng.randrange(200)}", size=5_000_000,
                         range_start=rng.choice([None, None, 0, 100]), range_end=rng.choice([4_999_999, 999_999]))
              for _ in range(20_000)]
    ServedFile.objects.bulk_create(served, batch_size=5000)
    print(f"données : {n_screenings:,} fiches, {n_materials:,} supports, {len(served):,} lignes du journal de la porte, "
          f"insérées en {time.perf_counter() - t:.1f} s".replace(",", " "))
    return project, partners, user


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
    reuse = bool(args.reuse)
    print(f"\n=== {vendor} ({'base réutilisée' if reuse else format(args.screenings, ',') + ' fiches'}) ===".replace(",", " "))
    from django.db.migrations.executor import MigrationExecutor

    pending = MigrationExecutor(connection).migration_plan(MigrationExecutor(connection).loader.graph.leaf_nodes())
    t = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrations : {len(pending)} appliquée(s), {time.perf_counter() - t:.1f} s")

    from django.contrib.auth import get_user_model

    from communication.dashboard import Filters
    from communication.exports import as_csv, as_xlsx
    from communication.models import (
        COUNT_FIELDS, CommunicationPlan, Indicator, Place, PlannedActivity, Screening, ScreeningMaterial,
    )
    from media_library.models import PartnerOrganisation, Project, ServedFile, Work

    if reuse:
        # La base gardée par --keep : mêmes objets, retrouvés par leurs noms.
        project = Project.objects.get(name="Banc")
        partners = [PartnerOrganisation.objects.get(name=f"Partenaire {i}") for i in range(8)]
        user = get_user_model().objects.get(username="bench")
        print(f"données : {Screening.objects.count():,} fiches, {ScreeningMaterial.objects.count():,} supports, "
              f"{ServedFile.objects.count():,} lignes du journal de la porte (réutilisées)".replace(",", " "))
    else:
        project, partners, user = generate(args, connection)
    if vendor == "postgresql" and not reuse:
        with connection.cursor() as c:
            c.execute("ANALYZE")

    # Les insertions en masse n'envoient pas de signaux : les cumuls sont recomptés d'un coup, par la commande.
    # Sur une base réutilisée, seulement sur demande (--rebuild) : un cumul nouveau est rempli par sa migration.
    if not reuse or args.rebuild:
        t_roll = time.perf_counter()
        call_command("rebuild_rollups", stdout=sys.stdout)
        print(f"rebuild_rollups : {time.perf_counter() - t_roll:.1f} s")
        if vendor == "postgresql":
            with connection.cursor() as c:
                c.execute("ANALYZE")
    if args.check:
        t_check = time.perf_counter()
        call_command("rebuild_rollups", "--check", stdout=sys.stdout)
        print(f"rebuild_rollups --check : {time.perf_counter() - t_check:.1f} s")

    client = Client()
    client.force_login(user)

    def measure(label, fn):
        fn()  # échauffement
        times, cpu, queries = [], [], 0
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as ctx:
                t0, c0 = time.perf_counter(), time.process_time()
                fn()
                times.append(time.perf_counter() - t0)
                cpu.append(time.process_time() - c0)
            queries = len(ctx.captured_queries)
        median = statistics.median(times)
        if args.profile:
            for q in sorted(ctx.captured_queries, key=lambda q: -float(q["time"]))[:6]:
                print(f"    {float(q['time']) * 1000:7.0f} ms  {q['sql'][:160]}")
        print(f"{label:<52} {median * 1000:8.0f} ms (médiane de {args.repeat}, {min(times) * 1000:.0f}–"
              f"{max(times) * 1000:.0f} ms)  {queries:3d} requêtes ; CPU de ce processus {statistics.median(cpu) * 1000:.0f} ms"
              f" ({min(cpu) * 1000:.0f}–{max(cpu) * 1000:.0f})")
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

    print("charge avant les mesures : %.2f %.2f %.2f" % os.getloadavg())
    bare_t = measure("SQL brut : COUNT + SUM sur toutes les fiches", bare)
    full = measure("Tableau de bord, sans filtre", page())
    measure("Tableau de bord, un partenaire et une année", page(f"?partner={partners[0].pk}&start=2023-01-01&end=2023-12-31"))
    measure("Tableau de bord, dates au jour (15/03/22–10/02/23)", page("?start=2022-03-15&end=2023-02-10"))
    measure("Tableau de bord, un partenaire, 10 jours", page(f"?partner={partners[1].pk}&start=2022-06-03&end=2022-06-12"))
    measure("Tableau de bord, un canal (radio)", page("?channel=radio"))
    measure("Tableau de bord, projet, canal, partenaire, dates", page(
        f"?project={project.pk}&channel=community_talk&partner={partners[2].pk}&start=2022-02-14&end=2023-11-20"))
    if not args.no_exports:
        measure("Export CSV (cadre logique)", lambda: as_csv(Filters(), user))
        measure("Export XLSX (cadre logique)", lambda: as_xlsx(Filters(), user))
    print("charge après les mesures : %.2f %.2f %.2f" % os.getloadavg())
    print(f"rapport tableau de bord / SQL brut : {full / bare_t:.1f}")
    print(f"cible < 1 s : {'atteinte' if full < 1 else 'MANQUÉE'} ({full:.2f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
