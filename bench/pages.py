"""Banc d'essai des pages d'exposition et de la boîte à outils, servies par gunicorn sur 127.0.0.1.

    .venv/bin/python bench/pages.py [--data-dir DIR] [--clients 20] [--requests 400] [--seconds 20] [--ports P,Q]

1. Prépare une archive de démonstration (`load_demo --quick`) dans un dossier temporaire (ou réutilise
   `--data-dir`), puis lance gunicorn (réglages de démonstration, DEBUG coupé) en boucle locale.
2. Mesure le poids de chaque page (octets HTML, sans les médias) et vérifie qu'elle ne demande rien à
   l'extérieur.
3. Charge l'accueil, l'exposition en ligne, l'exposition au musée et la boîte à outils (animatrice
   connectée) avec `--clients` clients simultanés, borné en nombre de requêtes ET en durée : requêtes/s
   et latence au 95e centile. Générateur de charge : `wrk` s'il est installé (Debian), sinon un
   générateur Python à fils (toujours disponible).
4. Référence dans la même exécution : une application WSGI nue (« bonjour ») sous le même gunicorn,
   même nombre de processus, même générateur. Le rapport page / nue montre le coût de Django + Wagtail +
   consentement, indépendamment de la machine. `--pairs N` (3 par défaut) : N paires à ordre alterné
   (nue puis page, page puis nue…) ; le rapport imprime la médiane des paires et leur étendue.
5. Cache des pages (paroles.pagecache) : l'état `X-Paroles-Cache` de chaque page (HIT attendu pour
   l'anonyme après le premier rendu) ; le coût d'un rendu NON mis en cache, dans le processus
   (`bench/_render_cost.py`, PAROLES_PAGE_CACHE=0) : temps CPU et nombre de requêtes SQL.
6. Poids transféré par Chromium (Playwright, téléphone 360×740) avant que la personne lance une lecture,
   par page (`--no-browser` pour l'omettre).
7. La charge de la machine (`uptime`) au début et à la fin : sur une machine partagée, les débits absolus
   varient ; le rapport à la référence de la même paire reste comparable.
   consentement, indépendamment de la machine.

Taille du catalogue (coût selon la page, pas selon le catalogue) :

    .venv/bin/python bench/pages.py --works 5000 [--sizes 100,2000,5000] [--runs 9] [--database-url URL]
                                    [--keep | --reuse] [--bench-dir /work/benchdata] [--db-prefix paroles_works]

construit en lot, une base par taille (SQLite, ou une base créée sur le serveur PostgreSQL de
`--database-url`, dont la base sert seulement de base de connexion), un catalogue de 100, puis 2 000, puis
5 000 œuvres (chaque taille part d'une copie de la précédente), chacune avec deux participant·es qui consentent (10 000
personnes pour 5 000 œuvres), et mesure en processus (client de test de Django, DEBUG coupé) la liste des
archives, sa recherche (un mot présent dans presque toutes les œuvres), le plan du site (son index
`sitemap-index`, puis `sitemap` : le document de 1 000 œuvres qui porte aussi les pages, recalculé, et
`sitemap-kept` : le même, gardé sous l'époque du consentement, cache des pages allumé) et la page d'une œuvre : une ligne par page, `works=N <page> <médiane ms> <requêtes>`, avec l'écart (min–max) sur `--runs`
passages alternés, le rapport à la plus petite taille (plat = ×1) et le temps CPU médian du processus
(sur SQLite, la base est dans le processus : ce temps-là dépend moins de la charge de la machine). Le cache
des pages est coupé : on mesure le rendu. `--keep` garde les catalogues (`<bench-dir>/<prefix>-<taille>.sqlite3`
ou les bases PostgreSQL `<prefix>_<taille>`) ; `--reuse` les reprend (migrés, puis seulement mesurés ; une
taille absente est construite) : la mesure seule se relance sur une machine calme.
"""

import argparse
import http.client
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
BARE_APP = "bench._bare_wsgi:application"


def uptime():
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return "uptime indisponible"


def spread(values):
    return f"{statistics.median(values):.1f} [{min(values):.1f}–{max(values):.1f}]"


def render_costs(env, pages, runs=15):
    """Coût d'un rendu non mis en cache (sous-processus, cache des pages coupé)."""
    import json

    spec = [(label, path, username) for label, path, username in pages]
    out = subprocess.run([PY, str(ROOT / "bench" / "_render_cost.py"), str(runs), json.dumps(spec)], cwd=ROOT,
                         env={**env, "PAROLES_PAGE_CACHE": "0"}, check=True, capture_output=True, text=True).stdout
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def format_render_cost(row):
    """`<page> cpu_ms=<médiane> [min–max] queries=N` (une ligne par page, lisible par un script)."""
    queries = str(row["queries"]) if row["queries"] == row["queries_min"] else f"{row['queries_min']}–{row['queries']}"
    return f"{row['page']} cpu_ms={row['cpu_ms']:.1f} [{row['cpu_min']:.1f}–{row['cpu_max']:.1f}] queries={queries}"


def page_weights(port, pages, env):
    """Octets transférés par Chromium (téléphone) pour chaque page, ou None sans navigateur."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", env["DJANGO_SETTINGS_MODULE"])
    os.environ.setdefault("PAROLES_DATA_DIR", env["PAROLES_DATA_DIR"])
    sys.path.insert(0, str(ROOT))
    from paroles.browser_testing import CHROMIUM, CHROMIUM_ARGS, transferred_bytes

    results = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for label, path, cookie in pages:
                cookies = []
                if cookie:
                    cookies = [{"name": n, "value": v, "url": f"http://127.0.0.1:{port}"}
                               for n, v in (part.split("=", 1) for part in cookie.split("; "))]
                total, detail = transferred_bytes(browser, f"http://127.0.0.1:{port}{path}", cookies=cookies)
                results.append((label, total, detail))
        finally:
            browser.close()
    return results


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def env_for(data_dir):
    env = dict(os.environ)
    env.update({
        "DJANGO_SETTINGS_MODULE": "paroles.settings.dev",
        "DJANGO_DEBUG": "0",
        "PAROLES_DATA_DIR": str(data_dir),
        "PAROLES_TASK_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "PAROLES_LOG_LEVEL": "WARNING",
        # Comme en production (deploy/paroles.env.example) : une connexion par fil, gardée entre les requêtes.
        "DATABASE_CONN_MAX_AGE": os.environ.get("DATABASE_CONN_MAX_AGE", "60"),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PYTHONPATH": str(ROOT),
    })
    return env


def manage(env, *args):
    subprocess.run([PY, str(ROOT / "manage.py"), *args], cwd=ROOT, env=env, check=True)


def start_gunicorn(app, port, env, workers):
    gunicorn = str(Path(PY).with_name("gunicorn"))
    proc = subprocess.Popen(
        [gunicorn, app, "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--worker-class", "gthread",
         "--threads", "4", "--log-level", "warning", "--access-logfile", "-" if False else "/dev/null"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return proc
        except OSError:
            if proc.poll() is not None:
                raise SystemExit(f"gunicorn s'est arrêté : {proc.stderr.read().decode()[-2000:]}")
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit("gunicorn n'a pas démarré en 60 s")


def stop(proc):
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


def get(port, path, cookie=""):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, dict(response.getheaders()), body


def login_cookie(port, username, env):
    """Une session pour l'animatrice de démonstration (créée sans mot de passe, par Django lui-même)."""
    code = (
        "import django;django.setup();"
        "from django.contrib.auth import get_user_model;"
        "from django.contrib.sessions.backends.db import SessionStore;"
        "from django.contrib.auth import SESSION_KEY,BACKEND_SESSION_KEY,HASH_SESSION_KEY;"
        f"u=get_user_model().objects.get(username={username!r});"
        "s=SessionStore();s[SESSION_KEY]=str(u.pk);"
        "s[BACKEND_SESSION_KEY]='django.contrib.auth.backends.ModelBackend';"
        "s[HASH_SESSION_KEY]=u.get_session_auth_hash();s.create();print(s.session_key)"
    )
    key = subprocess.run([PY, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout.strip()
    return f"sessionid={key.splitlines()[-1]}"


def browser_cookies(port, path, cookie):
    """Comme un navigateur : garde les cookies que la première réponse pose (jeton CSRF de la page)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers={"Cookie": cookie})
    response = conn.getresponse()
    response.read()
    jar = dict(part.split("=", 1) for part in cookie.split("; ") if "=" in part)
    for header in response.msg.get_all("Set-Cookie") or []:
        name, _eq, rest = header.partition("=")
        jar[name.strip()] = rest.split(";", 1)[0]
    conn.close()
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def load_python(port, path, clients, total, seconds, cookie=""):
    """`clients` fils, connexions persistantes ; s'arrête après `total` requêtes ou `seconds` secondes."""
    latencies, errors = [], [0]
    lock = threading.Lock()
    counter = [0]
    stop_at = time.perf_counter() + seconds

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Cookie": cookie} if cookie else {}
        while True:
            with lock:
                if counter[0] >= total or time.perf_counter() > stop_at:
                    break
                counter[0] += 1
            t0 = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                r = conn.getresponse()
                r.read()
                ok = r.status == 200
                if r.getheader("Connection", "").lower() == "close":
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            dt = time.perf_counter() - t0
            with lock:
                if ok:
                    latencies.append(dt)
                else:
                    errors[0] += 1
        conn.close()

    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    return summarise(latencies, errors[0], elapsed)


def summarise(latencies, errors, elapsed):
    latencies.sort()
    n = len(latencies)
    p95 = latencies[min(n - 1, int(0.95 * n))] if n else float("nan")
    return {"n": n, "errors": errors, "rps": n / elapsed if elapsed else 0.0, "p95_ms": p95 * 1000,
            "median_ms": statistics.median(latencies) * 1000 if n else float("nan")}


def load_wrk(port, path, clients, seconds, cookie=""):
    wrk = shutil.which("wrk")
    if not wrk:
        return None
    script = Path(tempfile.mkdtemp()) / "p95.lua"
    script.write_text(
        ('wrk.headers["Cookie"] = "%s"\n' % cookie if cookie else "")
        + "done = function(summary, latency, requests)\n"
        "  io.write(string.format('P95 %f\\nRPS %f\\nN %d\\nERR %d\\n', latency:percentile(95)/1000,"
        " summary.requests/(summary.duration/1e6), summary.requests,"
        " summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout))\nend\n"
    )
    out = subprocess.run([wrk, "-t", "2", "-c", str(clients), "-d", f"{int(seconds)}s", "-s", str(script),
                          f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, timeout=seconds + 30).stdout
    values = dict(re.findall(r"^(P95|RPS|N|ERR) ([\d.]+)$", out, re.M))
    if not values:
        return None
    return {"n": int(float(values["N"])), "errors": int(float(values["ERR"])), "rps": float(values["RPS"]),
            "p95_ms": float(values["P95"]), "median_ms": float("nan")}


EXTERNAL = re.compile(r"""(?:src|href|action|poster)=["'](?:https?:)?//""", re.I)


# --------------------------------------------------------------------------------------------------
# --works : le coût des pages de liste selon la taille du catalogue (en processus)

WORKS_PAGES = ("listing", "search", "sitemap-index", "sitemap", "sitemap-kept", "work")
SEARCH_TERM = "parole"


def works_setup(database_url):
    """Django pour le banc --works (cache des pages coupé : on mesure le rendu). La base est choisie ensuite,
    par taille (`works_use`)."""
    data_dir = Path(tempfile.mkdtemp(prefix="paroles-bench-works-"))
    os.environ.update(env_for(data_dir))
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    os.environ["PAROLES_PAGE_CACHE"] = "0"
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    return data_dir


def works_db_name(size, args):
    """La base d'une taille : un fichier SQLite sous --bench-dir, ou une base PostgreSQL nommée."""
    from django.db import connection

    if connection.vendor == "postgresql":
        return f"{args.db_prefix}_{size}"
    return str(Path(args.bench_dir) / f"{args.db_prefix}-{size}.sqlite3")


def _pg_admin(sql_list):
    """Ordres hors transaction (CREATE / DROP DATABASE) sur la base de connexion de --database-url."""
    import psycopg
    from django.db import connection

    s = connection.settings_dict
    with psycopg.connect(host=s["HOST"] or None, port=s["PORT"] or None, user=s["USER"] or None,
                         password=s["PASSWORD"] or None, dbname=WORKS_ADMIN_DB[0], autocommit=True) as conn:
        rows = []
        for sql, params in sql_list:
            cur = conn.execute(sql, params)
            rows.append(cur.fetchall() if cur.description else None)
        return rows


WORKS_ADMIN_DB = [None]


def works_use(name):
    """Bascule la connexion de Django sur la base `name`."""
    from django.db import connection

    connection.close()
    connection.settings_dict["NAME"] = name


def works_exists(name):
    from django.db import connection

    if connection.vendor == "postgresql":
        return bool(_pg_admin([("SELECT 1 FROM pg_database WHERE datname = %s", [name])])[0])
    return Path(name).exists()


def works_count_in(name):
    """Nombre d'œuvres de la base `name` (None si elle n'est pas un catalogue complet du banc)."""
    from django.db import DatabaseError

    from media_library.models import Work

    if not works_exists(name):
        return None
    works_use(name)
    try:
        return Work.all_objects.count()
    except DatabaseError:
        return None


def works_copy(source, target):
    """`target` devient une copie de `source` (fichier SQLite copié, ou CREATE DATABASE … TEMPLATE)."""
    from django.db import connection

    works_drop(target)
    connection.close()
    if connection.vendor == "postgresql":
        _pg_admin([(f'CREATE DATABASE "{target}" TEMPLATE "{source}"', None)])
    else:
        shutil.copyfile(source, target)


def works_drop(name):
    from django.db import connection

    connection.close()
    if connection.vendor == "postgresql":
        _pg_admin([(f'DROP DATABASE IF EXISTS "{name}"', None)])
    else:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(name + suffix).unlink(missing_ok=True)


def works_create(name):
    from django.core.management import call_command
    from django.db import connection

    works_drop(name)
    if connection.vendor == "postgresql":
        _pg_admin([(f'CREATE DATABASE "{name}"', None)])
    works_use(name)
    call_command("migrate", "--noinput", verbosity=0)


def works_grow(start, stop, state):
    """Ajoute en lot les œuvres `start`…`stop - 1`, chacune avec deux personnes qui consentent à tout."""
    import datetime

    from django.utils import timezone
    from wagtail.search.backends import get_search_backend

    from consent.channels import Channel
    from consent.models import ConsentRecord, Participant, Participation
    from media_library.models import PartnerOrganisation, Project, Work

    if "project" not in state:
        state["project"] = Project.objects.filter(name="Banc d'essai").first() or Project.objects.create(
            name="Banc d'essai")
        state["partner"] = PartnerOrganisation.objects.filter(acronym="BANC").first() or \
            PartnerOrganisation.objects.create(name="Association du banc", acronym="BANC")
    if start >= stop:
        return
    today = timezone.localdate()
    works = Work.objects.bulk_create([
        Work(kind="capsule", title_fr=f"Parole de femmes n° {i}", title_bm=f"Muso kuma {i}", slug=f"parole-{i}",
             description_fr=f"Témoignage {i} : une parole recueillie à Bamako.", project=state["project"],
             partner=state["partner"])
        for i in range(start, stop)
    ], batch_size=500)
    if not all(w.pk for w in works):  # (bases sans RETURNING)
        works = list(Work.objects.filter(slug__in=[f"parole-{i}" for i in range(start, stop)]).order_by("pk"))
    people = Participant.objects.bulk_create([
        Participant(pseudonym=f"P{i}-{k}", birth_year=today.year - 30, partner=state["partner"])
        for i in range(start, stop) for k in (1, 2)
    ], batch_size=500)
    if not all(p.pk for p in people):
        people = list(Participant.objects.order_by("pk"))[-len(people):]
    channels = [c.value for c in Channel]
    given = today - datetime.timedelta(days=30)
    pairs = [(work, people[2 * n + k]) for n, work in enumerate(works) for k in (0, 1)]
    Participation.objects.bulk_create([Participation(participant=p, work=w) for w, p in pairs], batch_size=500)
    ConsentRecord.objects.bulk_create([
        ConsentRecord(participant=p, work=w, channels=channels, given_on=given) for w, p in pairs
    ], batch_size=500)
    # Index plein texte en lot. Les thèmes (relation « parentale » de modelcluster) ne suivent pas le
    # préchargement de Django : le moteur les relirait œuvre par œuvre (5 requêtes par œuvre, 25 000
    # allers-retours sur PostgreSQL, ~50 ms par œuvre sur une machine chargée). Les œuvres du banc n'ont aucun
    # thème : on le leur dit en mémoire (`themes = []`, non enregistré), et l'index est écrit en une requête.
    indexed = list(Work.get_indexed_objects().filter(pk__in=[w.pk for w in works]))
    for work in indexed:
        work.themes = []
    get_search_backend().add_bulk(Work, indexed)


def works_measure(pages, runs):
    """{page: (médiane ms, min, max, requêtes)} : `runs` passages, les pages alternées à chaque passage."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    timings = {name: [] for name in pages}
    cpu = {name: [] for name in pages}
    queries = {}
    from contextlib import nullcontext

    from django.test.utils import override_settings

    def mode(name):  # « …-kept » : la page gardée sous l'époque du consentement (cache des pages allumé)
        return override_settings(PAROLES_PAGE_CACHE=True) if name.endswith("-kept") else nullcontext()

    for name, path in pages.items():  # préchauffage (caches de gabarits, connexions ; remplit l'entrée gardée)
        with mode(name):
            response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path} → {response.status_code}")
    for _ in range(runs):
        for name, path in pages.items():
            with mode(name), CaptureQueriesContext(connection) as captured:
                t0, c0 = time.perf_counter(), time.process_time()
                client.get(path)
                timings[name].append((time.perf_counter() - t0) * 1000)
                cpu[name].append((time.process_time() - c0) * 1000)
            queries[name] = len(captured.captured_queries)
    return {name: (statistics.median(v), min(v), max(v), queries[name], statistics.median(cpu[name]))
            for name, v in timings.items()}


def works_main(args):
    sizes = sorted({int(x) for x in args.sizes.split(",")} | {args.works}) if args.sizes else sorted(
        {n for n in (100, 2000) if n < args.works} | {args.works})
    data_dir = works_setup(args.database_url)
    from django.db import connection

    from media_library.models import Work

    keep = args.keep or args.reuse
    if connection.vendor == "postgresql":
        WORKS_ADMIN_DB[0] = connection.settings_dict["NAME"]
    else:
        Path(args.bench_dir).mkdir(parents=True, exist_ok=True)
    if not keep:
        args.db_prefix = f"{args.db_prefix}_tmp{os.getpid()}"
        if connection.vendor != "postgresql":
            args.bench_dir = str(data_dir)
    print(f"Charge de la machine au début : {uptime()}")
    print(f"Catalogue : {', '.join(map(str, sizes))} œuvres, 2 personnes consentantes par œuvre ; base "
          f"{connection.vendor} ; {args.runs} passages alternés par taille ; médiane (min–max) ; bases "
          f"{'gardées' if keep else 'jetables'} : {', '.join(works_db_name(s, args) for s in sizes)}.", flush=True)
    first, built, previous = {}, [], None
    try:
        for size in sizes:
            name = works_db_name(size, args)
            t0 = time.perf_counter()
            if args.reuse and works_count_in(name) == size:
                from django.core.management import call_command

                call_command("migrate", "--noinput", verbosity=0)  # (les migrations ajoutées depuis : index…)
                print(f"  (catalogue de {size} œuvres repris : {name})", flush=True)
            else:
                if previous is not None:
                    works_copy(previous, name)
                    works_use(name)
                else:
                    works_create(name)
                built.append(name)
                t1 = time.perf_counter()
                done = Work.all_objects.count()
                works_grow(done, size, {})
                t2 = time.perf_counter()
                print(f"  (catalogue de {size} œuvres construit en {t2 - t0:.1f} s : {name} ; base créée et migrée "
                      f"{t1 - t0:.1f} s, œuvres, personnes, consentements et index en lot {t2 - t1:.1f} s)", flush=True)
            works_use(name)
            previous = name
            work = Work.objects.order_by("pk").first()
            from paroles.sitemaps import WORKS_PER_DOCUMENT

            # Le document du plan qui porte la première œuvre : une tranche pleine, et les pages de Wagtail.
            document = f"/sitemap-{(work.pk - 1) // WORKS_PER_DOCUMENT + 1}.xml"
            pages = {"listing": "/archives/", "search": f"/archives/?q={SEARCH_TERM}", "sitemap-index": "/sitemap.xml",
                     "sitemap": document, "sitemap-kept": document, "work": work.get_absolute_url()}
            for page_name, (median, low, high, count, cpu_ms) in works_measure(pages, args.runs).items():
                first.setdefault(page_name, median)
                print(f"works={size} {page_name} {median:.1f} {count}   ({low:.1f}–{high:.1f} ms, "
                      f"×{median / first[page_name]:.2f} par rapport à works={sizes[0]} ; CPU du processus "
                      f"{cpu_ms:.1f} ms)", flush=True)
        print(f"Charge de la machine à la fin : {uptime()}")
    finally:
        connection.close()
        if not keep:
            for name in built:
                works_drop(name)
        shutil.rmtree(data_dir, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--works", type=int, help="taille du catalogue : mesure les listes à 100, 2 000 et N œuvres")
    parser.add_argument("--sizes", help="tailles mesurées avec --works (par exemple 100,2000,5000)")
    parser.add_argument("--runs", type=int, default=9, help="passages par taille avec --works")
    parser.add_argument("--database-url", help="avec --works : serveur PostgreSQL (sa base sert à créer celles du "
                        "banc ; sinon SQLite)")
    parser.add_argument("--keep", action="store_true", help="avec --works : garder les catalogues construits")
    parser.add_argument("--reuse", action="store_true", help="avec --works : reprendre les catalogues gardés "
                        "(construits s'ils manquent, puis gardés) ; seule la mesure est refaite")
    parser.add_argument("--bench-dir", default="/work/benchdata", help="dossier des catalogues SQLite gardés")
    parser.add_argument("--db-prefix", default="paroles_works", help="nom des catalogues gardés (+ _<taille>)")
    parser.add_argument("--data-dir", help="archive de démonstration existante (sinon : dossier temporaire)")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=400, help="plafond de requêtes par page")
    parser.add_argument("--seconds", type=float, default=20, help="plafond de durée par page")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--tool", choices=["auto", "python", "wrk"], default="auto")
    parser.add_argument("--ports", help="ports de gunicorn : PAGES,NUE (sinon deux ports libres)")
    parser.add_argument("--pairs", type=int, default=3, help="paires (référence, page) à ordre alterné")
    parser.add_argument("--no-browser", action="store_true", help="sans la mesure du poids dans Chromium")
    args = parser.parse_args()
    if args.works:
        return works_main(args)

    tmp = None
    if args.data_dir:
        data_dir = Path(args.data_dir).resolve()
    else:
        tmp = Path(tempfile.mkdtemp(prefix="paroles-bench-pages-"))
        data_dir = tmp
    env = env_for(data_dir)
    print(f"Charge de la machine au début : {uptime()}")
    try:
        if not (data_dir / "paroles.sqlite3").exists():
            print(f"Préparation de l'archive de démonstration dans {data_dir} (migrate + load_demo --quick)…", flush=True)
            manage(env, "migrate", "--noinput", "-v", "0")
            manage(env, "load_demo", "--quick")
        code = (
            "import django;django.setup();"
            "from exhibitions.models import ExhibitionPage,ToolkitPage;"
            "print(ExhibitionPage.objects.live().get(slug='nos-corps-nos-chemins').url);"
            "print(ExhibitionPage.objects.live().get(slug='musee-district-bamako').url);"
            "print(ToolkitPage.objects.live().first().url)"
        )
        urls = subprocess.run([PY, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True,
                              text=True).stdout.split()
        online, museum, toolkit = urls[-3:]
        port, bare_port = (int(x) for x in args.ports.split(",")) if args.ports else (free_port(), free_port())
        server = start_gunicorn("paroles.wsgi:application", port, env, args.workers)
        bare = start_gunicorn(BARE_APP, bare_port, env, args.workers)
        try:
            cookie = login_cookie(port, "animatrice.aracem", env)
            cookie = browser_cookies(port, toolkit, cookie)
            pages = [("accueil", "/", ""), ("exposition en ligne", online, ""), ("exposition au musée", museum, ""),
                     ("boîte à outils (animatrice)", toolkit, cookie)]
            print(f"\nPoids des pages (HTML seul, médias exclus) — plafond 200 Kio :")
            for label, path, ck in pages:
                status, headers, body = get(port, path, ck)
                external = EXTERNAL.findall(body.decode("utf-8", "replace"))
                print(f"  {label:30} {status}  {len(body) / 1024:7.1f} Kio  ressources externes : {len(external)}"
                      f"  Cache-Control: {headers.get('Cache-Control', '')}")
                if status != 200:
                    raise SystemExit(f"{path} → {status}")
            tool = args.tool
            if tool == "auto":
                tool = "wrk" if shutil.which("wrk") else "python"
            print(f"\nCharge : {args.clients} clients simultanés, au plus {args.requests} requêtes ou "
                  f"{args.seconds:.0f} s par page, gunicorn {args.workers} processus × 4 fils, outil : {tool}")

            def run(p, path, ck=""):
                if tool == "wrk":
                    result = load_wrk(p, path, args.clients, args.seconds, ck)
                    if result is not None:
                        return result
                return load_python(p, path, args.clients, args.requests, args.seconds, ck)

            # Chauffe : le premier rendu de chaque page remplit le cache des pages.
            for label, path, ck in pages:
                get(port, path, ck)
            print(f"  cache des pages : " + ", ".join(
                f"{label} {get(port, path, ck)[1].get('X-Paroles-Cache', 'absent')}" for label, path, ck in pages))
            for label, path, ck in pages:
                ratios, rps, p95s, base_rps, base_p95 = [], [], [], [], []
                errors = 0
                for i in range(args.pairs):
                    order = ("bare", "page") if i % 2 == 0 else ("page", "bare")
                    results = {}
                    for which in order:
                        results[which] = run(bare_port, "/") if which == "bare" else run(port, path, ck)
                    b, r = results["bare"], results["page"]
                    errors += r["errors"]
                    ratios.append(r["rps"] / b["rps"] * 100)
                    rps.append(r["rps"])
                    p95s.append(r["p95_ms"])
                    base_rps.append(b["rps"])
                    base_p95.append(b["p95_ms"])
                print(f"  {label:30} {spread(rps)} req/s   p95 {spread(p95s)} ms   débit = {spread(ratios)} % de la "
                      f"référence   ({errors} erreurs ; référence WSGI nue {spread(base_rps)} req/s, "
                      f"p95 {spread(base_p95)} ms)", flush=True)
            print(f"\nCharge de la machine à la fin : {uptime()}")
            print(f"\nRendu NON mis en cache, dans le processus (CPU du processus, médiane [min–max] de 15 rendus ; "
                  f"cibles ≤ 10 ms et ≤ 15 requêtes) — charge : {uptime()}")
            render_pages = [("accueil", "/", ""), ("exposition-en-ligne", online, ""),
                            ("exposition-musee", museum, ""), ("boite-a-outils", toolkit, "animatrice.aracem")]
            for row in render_costs(env, render_pages):
                print(f"  {format_render_cost(row)}")
            if not args.no_browser:
                weights = page_weights(port, pages, env)
                if weights is None:
                    print("\nPoids dans Chromium : Playwright absent.")
                else:
                    print("\nPoids transféré par Chromium, téléphone 360×740, avant toute lecture (plafond 300 Ko) :")
                    for label, total, detail in weights:
                        biggest = sorted(detail.items(), key=lambda kv: -kv[1])[:3]
                        print(f"  {label:30} {total / 1000:7.1f} Ko en {len(detail)} requêtes ; les plus lourdes : "
                              + ", ".join(f"{urlsplit(u).path.rsplit('/', 1)[-1][:30]} {n / 1000:.1f} Ko"
                                          for u, n in biggest))
        finally:
            stop(server)
            stop(bare)
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
