"""Cas 2 : `kill -9` d'un processus web (gunicorn, deux workers) pendant le téléchargement diffusé du zip
de la boîte à outils. Le travailleur de tâches n'en sait rien ; gunicorn remplace le worker tué ; le
téléchargement reprend par `Range` + `If-Range` (ETag fort, stable d'un processus à l'autre) et le fichier
recollé est identique, octet pour octet, à un téléchargement complet (sha256)."""

import hashlib
import http.client
import os
import signal
import socket
from pathlib import Path

import pytest

from .conftest import free_port, http_get, wait_for

pytestmark = [pytest.mark.faults, pytest.mark.slow]

# Une version téléphone lourde (débit fixe élevé, sur une vidéo de bruit) : le zip dépasse de loin les
# tampons TCP du loopback, le worker est donc tué en pleine diffusion, pas après.
HEAVY_PHONE = '{"video": {"phone": {"crf": null, "vb": "24000k", "maxrate": null, "x264_preset": "ultrafast"}}}'

SETUP = """
from django.test import Client

from consent.models import Participation
from consent.testing import grant, make_participant
from exhibitions.tests import factories as f
from media_library import testing
from media_library.models import ProcessingJob, WorkKind
from media_library.processing import jobs
from media_library.flows.ingest import ingest_file
from media_library.tests.factories import PartnerFactory, UserFactory, WorkFactory
from pathlib import Path

source = Path(tmp) / "bruit.mp4"
testing.run_ffmpeg("-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25:duration=4,noise=alls=90:allf=t+u",
                   "-f", "lavfi", "-i", "sine=frequency=440:duration=4", "-c:v", "libx264", "-preset",
                   "ultrafast", "-crf", "16", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", source)
work = WorkFactory(kind=WorkKind.CAPSULE, title_fr="Capsule règles")
media = ingest_file(work, source, original_filename="capsule.mp4")
participant = make_participant("Awa")
Participation.objects.get_or_create(participant=participant, work=work, role="author")
grant(work, channels=["facilitator_download"], participant=participant)
for job in ProcessingJob.objects.filter(media_file=media):
    jobs.run_job(job.pk)  # les rendus sont faits avant le test (la tâche en file n'aura plus rien à faire)
aracem = PartnerFactory(name="ARACEM")
alice = UserFactory(username="alice")
aracem.users.add(alice)
page = f.toolkit([(work, [aracem])])
client = Client()
client.force_login(alice)
from django.conf import settings
result = {"url": page.url + "telecharger-tout/", "cookie": settings.SESSION_COOKIE_NAME,
          "session": client.cookies[settings.SESSION_COOKIE_NAME].value}
"""


def _children(pid):
    try:
        return {int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()}
    except FileNotFoundError:
        return set()


def _serving_worker(workers, server_port, client_port):
    """Le worker gunicorn qui tient la connexion du client (lu dans /proc, sans outil tiers)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local, remote = fields[1].rsplit(":", 1)[1], fields[2].rsplit(":", 1)[1]
            if int(local, 16) == server_port and int(remote, 16) == client_port:
                inodes.add(f"socket:[{fields[9]}]")
    for pid in workers:
        try:
            fds = [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")]
        except (FileNotFoundError, ProcessLookupError):
            continue
        if inodes & set(fds):
            return pid
    return None


def test_web_worker_killed_mid_zip_download_resumes_with_range(site, tmp_path):
    instance = site(PAROLES_RENDITION_PRESETS=HEAVY_PHONE)
    setup = instance.py(SETUP, tmp=str(tmp_path), timeout=300)
    port = free_port()
    gunicorn = instance.start("-m", "gunicorn", "paroles.wsgi:application", "--bind", f"127.0.0.1:{port}",
                              "--workers", "2", "--timeout", "60", "--graceful-timeout", "5")
    worker = instance.start("manage.py", "paroles_worker", "--queue-name", "*", "--interval", "1", "--no-reload")
    base = f"http://127.0.0.1:{port}"
    wait_for(lambda: _status(base) == 200, 90, "gunicorn répond")
    wait_for(lambda: len(_children(gunicorn.pid)) == 2, 30, "deux workers gunicorn")
    wait_for(lambda: instance.sql("SELECT pid FROM paroles_workerheartbeat"), 60, "le travailleur bat")
    (task_pid,) = instance.sql("SELECT pid FROM paroles_workerheartbeat")[0]
    cookie = {"Cookie": f"{setup['cookie']}={setup['session']}"}

    status, full = http_get(base + setup["url"], timeout=60, headers=cookie)
    assert status == 200 and full[:2] == b"PK"
    assert len(full) > 8_000_000, len(full)  # bien plus que les tampons TCP du loopback
    expected = hashlib.sha256(full).hexdigest()

    # Le téléchargement interrompu : un petit tampon de réception, on lit lentement le début, puis le
    # worker qui sert cette connexion est tué (kill -9) en pleine diffusion.
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    conn.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16384)
    client_port = conn.sock.getsockname()[1]
    conn.request("GET", setup["url"], headers=cookie)
    response = conn.getresponse()
    assert response.status == 200
    etag = response.getheader("ETag")
    assert etag.startswith('"') and response.getheader("Accept-Ranges") == "bytes"
    received = response.read(256 * 1024)
    workers = _children(gunicorn.pid)
    victim = wait_for(lambda: _serving_worker(workers, port, client_port), 10, "le worker qui sert le zip")
    os.kill(victim, signal.SIGKILL)
    try:  # http.client rend b"" quand la connexion tombe avant Content-Length (ou lève ECONNRESET)
        while chunk := response.read(64 * 1024):
            received += chunk
    except ConnectionError:
        pass
    conn.close()
    assert 256 * 1024 <= len(received) < len(full), (len(received), len(full))  # vraiment coupé au milieu
    assert received == full[:len(received)]

    # gunicorn remplace le worker tué ; le travailleur de tâches, lui, n'a rien vu.
    wait_for(lambda: len(_children(gunicorn.pid)) == 2 and victim not in _children(gunicorn.pid), 30,
             "gunicorn remplace le worker tué")
    assert worker.poll() is None and gunicorn.poll() is None
    beat = instance.sql("SELECT last_seen FROM paroles_workerheartbeat WHERE pid = ?", task_pid)[0][0]
    wait_for(lambda: instance.sql("SELECT last_seen FROM paroles_workerheartbeat WHERE pid = ?", task_pid)[0][0]
             != beat, 15, "le travailleur continue de battre")

    # Reprise : la suite seulement, si le zip n'a pas changé (If-Range), servie par n'importe quel worker.
    status, rest = _get(base + setup["url"], {**cookie, "Range": f"bytes={len(received)}-", "If-Range": etag})
    assert status == 206
    resumed = received + rest
    assert len(resumed) == len(full) and hashlib.sha256(resumed).hexdigest() == expected
    # Un autre processus (le worker neuf ou l'autre) donne le même ETag fort et les mêmes octets.
    for _ in range(2):
        status, tail = _get(base + setup["url"], {**cookie, "Range": "bytes=-4096", "If-Range": etag})
        assert status == 206 and tail == full[-4096:]
    tasks = instance.sql("SELECT status FROM django_tasks_database_dbtaskresult")
    assert "FAILED" not in {s for (s,) in tasks}


def _get(url, headers):
    return http_get(url, timeout=60, headers=headers)


def _status(base):
    try:
        return http_get(f"{base}/", timeout=10)[0]
    except OSError:
        return None
