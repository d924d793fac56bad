"""Outils de la suite de pannes : une vraie instance (base SQLite sur disque, serveur web, travailleur,
superviseur de `make run`) lancée en sous-processus, sur le loopback, et toujours arrêtée à la fin.

La base migrée est fabriquée une fois par session (la migration est lente), puis copiée pour chaque test.
Toutes les attentes sont bornées (`wait_for`) ; aucun processus ne survit au test.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
SETTINGS = "tests.faults.site_settings"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, timeout, what, interval=0.2):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"délai dépassé ({timeout} s) : {what}")
        time.sleep(interval)


def http_get(url, timeout=10, headers=None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - loopback
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


class Site:
    """Une instance sur disque : `env` pour ses processus, `py()` pour lire ou écrire sa base par l'ORM."""

    def __init__(self, root, template, **env):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        shutil.copy(template, self.root / "db.sqlite3")
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "PAROLES_", "AWS_"))},
            "DJANGO_SETTINGS_MODULE": SETTINGS,
            "DATABASE_URL": f"sqlite:///{self.root / 'db.sqlite3'}",
            "PAROLES_DATA_DIR": str(self.root),
            "PYTHONUNBUFFERED": "1",
            **env,
        }
        self.procs = []

    @property
    def private(self):
        return self.root / "private"

    def py(self, code, timeout=120, **variables):
        """Exécute `code` (Django prêt) dans un processus de l'instance ; renvoie la valeur `result` (JSON)."""
        script = "import json, django\ndjango.setup()\nresult = None\n" + "".join(
            f"{name} = json.loads({json.dumps(json.dumps(value))})\n" for name, value in variables.items()
        ) + textwrap.dedent(code) + "\nprint('@@RESULT@@' + json.dumps(result, default=str))\n"
        proc = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=self.env, capture_output=True,
                              text=True, timeout=timeout)
        if proc.returncode != 0:
            raise AssertionError(f"échec du script de l'instance :\n{proc.stderr[-3000:]}")
        line = [x for x in proc.stdout.splitlines() if x.startswith("@@RESULT@@")][-1]
        return json.loads(line[len("@@RESULT@@"):])

    def sql(self, query, *params):
        """Lecture directe de la base SQLite de l'instance (rapide : pour les attentes en boucle)."""
        import sqlite3

        with sqlite3.connect(self.root / "db.sqlite3", timeout=30) as db:
            return db.execute(query, params).fetchall()

    def start(self, *args, env=None, stdout=None):
        proc = subprocess.Popen([sys.executable, *args], cwd=ROOT, env={**self.env, **(env or {})},
                                stdout=stdout or subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                start_new_session=True)
        self.procs.append(proc)
        return proc

    def stop_all(self):
        for proc in self.procs:
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        for proc in self.procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                proc.wait(timeout=5)


@pytest.fixture(scope="session")
def migrated_db(tmp_path_factory):
    reuse = os.environ.get("PAROLES_FAULTS_TEMPLATE_DB")  # développement : une base déjà migrée (à jour !)
    if reuse and Path(reuse).exists():
        return Path(reuse)
    root = tmp_path_factory.mktemp("faults-template")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": SETTINGS, "DATABASE_URL": f"sqlite:///{root / 'db.sqlite3'}",
           "PAROLES_DATA_DIR": str(root)}
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True,
                   timeout=600)
    return root / "db.sqlite3"


@pytest.fixture
def site(tmp_path, migrated_db):
    instances = []

    def make(name="site", **env):
        instance = Site(tmp_path / name, migrated_db, **env)
        instances.append(instance)
        return instance

    yield make
    for instance in instances:
        instance.stop_all()
