"""Cas 3 : 1 000 fiches de projection envoyées par 8 clients à la fois, sur SQLite, pendant que le
travailleur tourne (et écrit : signes de vie, tâches). Aucune tâche en échec, rien en double, rien de
perdu ; chaque renvoi d'une fiche déjà reçue rend le résultat d'origine."""

import json
import random
import threading
import urllib.error
import urllib.request
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from .conftest import free_port, http_get, wait_for

pytestmark = [pytest.mark.faults, pytest.mark.slow]

SETUP = """
from django.contrib.sessions.backends.db import SessionStore
from communication.models import Place
from communication.places_seed import seed
from communication.tests.conftest import make_usable
from media_library.tests.factories import PartnerFactory, ProjectFactory, ThemeFactory, UserFactory, WorkFactory

seed(Place)
project = ProjectFactory(name="Kafamuya")
partner = PartnerFactory(name="ARACEM", acronym="ARACEM")
user = UserFactory(username="awa")
partner.users.add(user)
work = make_usable(WorkFactory(project=project, title_fr="Capsule VBG"))
sessions = []
for _ in range(8):
    s = SessionStore()
    s["_auth_user_id"] = str(user.pk)
    s["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    s["_auth_user_hash"] = user.get_session_auth_hash()
    s.create()
    sessions.append(s.session_key)
result = {"partner": partner.pk, "place": Place.objects.get(name="Site de PDI de Faladié").pk, "work": work.pk,
          "theme": ThemeFactory(name="VBG").pk, "sessions": sessions}
"""

ENQUEUE = """
from tests.task_probes import record_run
for i in range(n):
    record_run.enqueue(log, i, 0.0)
"""

CLIENTS, PER_CLIENT, REPLAYS = 8, 125, 12


def _payload(ids):
    started = (datetime.now(timezone.utc) - timedelta(days=random.randint(1, 300))).isoformat()
    women = random.randint(1, 20)
    return {
        "id": str(uuid.uuid4()), "started_at": started, "partner": ids["partner"], "place": ids["place"],
        "venue_type": "idp_site", "channel": "community_talk",
        "materials": [{"work": ids["work"], "chapter": None, "excerpt": ""}],
        "girls": 0, "boys": 0, "women": women, "men": 0, "people_total": women,
        "migrants": 0, "refugees": 0, "idps": women, "host_community": 0, "authorities": 0, "media_people": 0,
        "other_group": 0, "sex_workers": 0, "gender_minorities": 0, "estimated_audience": None,
        "discussion_minutes": 30, "themes": [ids["theme"]], "quotes": "", "referrals": 0, "referrals_note": "",
        "follow_up_needed": False, "follow_up_note": "",
    }


def test_thousand_submissions_from_eight_clients_on_sqlite_with_a_worker(site, tmp_path):
    instance = site(PAROLES_WORKER_HEARTBEAT="1")
    ids = instance.py(SETUP)
    options = instance.py("from django.db import connection\nresult = connection.settings_dict['OPTIONS']")
    assert options["transaction_mode"] == "IMMEDIATE" and options["timeout"] >= 20
    assert "journal_mode=WAL" in options["init_command"]
    log = tmp_path / "taches.log"
    instance.py(ENQUEUE, log=str(log), n=200)
    port = free_port()
    web = instance.start("-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "4",
                         "-k", "gthread", "--timeout", "60", "paroles.wsgi:application",
                         env={"DJANGO_SETTINGS_MODULE": "tests.faults.site_settings"})
    worker = instance.start("manage.py", "paroles_worker", "--queue-name", "*", "--interval", "0.1",
                            "--no-startup-delay", "--no-reload")
    base = f"http://127.0.0.1:{port}"
    wait_for(lambda: _ok(f"{base}/journal/manifest.webmanifest"), 60, "gunicorn répond")
    instance.py(ENQUEUE, log=str(log), n=200)  # encore des tâches, pendant les envois

    statuses, sent, errors = [], {}, []
    lock = threading.Lock()

    def client(n):
        session = ids["sessions"][n]
        csrf = uuid.uuid4().hex
        headers = {"Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json",
                   "Cookie": f"sessionid={session}; csrftoken={csrf}"}
        mine = [_payload(ids) for _ in range(PER_CLIENT)]
        queue = mine + random.sample(mine, REPLAYS)  # des renvois (réseau coupé après l'envoi)
        for data in queue:
            request = urllib.request.Request(f"{base}/journal/api/fiches/", data=json.dumps(data).encode(),
                                             headers=headers, method="POST")
            try:
                with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - loopback
                    code, body = response.status, json.loads(response.read())
            except urllib.error.HTTPError as exc:
                code, body = exc.code, exc.read()[:300]
            except OSError as exc:
                code, body = None, str(exc)
            with lock:
                statuses.append(code)
                if code not in (200, 201):
                    errors.append((code, body))
                sent[data["id"]] = data

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=900)
    assert not any(t.is_alive() for t in threads)
    assert errors == [], errors[:5]
    assert statuses.count(201) == CLIENTS * PER_CLIENT == 1000
    assert statuses.count(200) == CLIENTS * REPLAYS  # renvoi : le résultat d'origine, rien de recompté
    assert worker.poll() is None and web.poll() is None

    wait_for(lambda: instance.sql("SELECT COUNT(*) FROM django_tasks_database_dbtaskresult "
                                  "WHERE status IN ('READY', 'RUNNING')")[0][0] == 0, 180,
             "le travailleur vide la file", interval=1)
    rows = dict(instance.sql("SELECT status, COUNT(*) FROM django_tasks_database_dbtaskresult GROUP BY status"))
    assert rows.get("FAILED", 0) == 0, rows
    assert sorted(int(line.split()[0]) for line in log.read_text().splitlines()) == sorted(list(range(200)) * 2)
    stored = instance.sql("SELECT client_id, women FROM communication_screening")
    assert len(stored) == 1000 and len({c for c, _w in stored}) == 1000  # rien en double, rien de perdu
    assert {c.replace("-", "") for c, _w in stored} == {i.replace("-", "") for i in sent}
    assert all(sent[_dashed(c)]["women"] == w for c, w in stored)


def _dashed(value):
    value = value.replace("-", "")
    return str(uuid.UUID(value))


def _ok(url):
    try:
        return http_get(url, timeout=5)[0] == 200
    except OSError:
        return False
