"""Cas 7 et 8 : un envoi annoncé bien trop gros reçoit un 413 en français quel que soit l'intergiciel qui
lirait le corps le premier ; derrière un mandataire de confiance, la limitation des connexions vise
l'adresse réelle du client (X-Forwarded-For), pas celle du mandataire."""

import socket
import subprocess
import sys
import time

import pytest
from django.test import Client, override_settings
from django.urls import reverse

pytestmark = pytest.mark.faults

LIMIT = 10_000
HUGE = str(50 * 1024**3)  # 50 Gio annoncés, jamais envoyés


def _huge_post(client, path, **extra):
    body = b"--xyz\r\nContent-Disposition: form-data; name=\"csrfmiddlewaretoken\"\r\n\r\nabc\r\n--xyz--\r\n"
    return client.generic("POST", path, body, content_type="multipart/form-data; boundary=xyz",
                          CONTENT_LENGTH=HUGE, **extra)


@pytest.mark.django_db
@override_settings(PAROLES_MAX_UPLOAD_SIZE=LIMIT)
@pytest.mark.parametrize("path_name", ["admin_upload", "login", "journal_api", "public"])
def test_declared_size_over_limit_gets_413_in_french(admin_user, work, path_name):
    # CSRF appliqué : le CsrfViewMiddleware lirait request.POST (et le gestionnaire lèverait StopUpload).
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    path = {
        "admin_upload": reverse("media_library_upload_file", args=[work.pk]),
        "login": reverse("wagtailadmin_login"),
        "journal_api": "/journal/api/fiches/",
        "public": "/",
    }[path_name]
    response = _huge_post(client, path)
    assert response.status_code == 413
    text = response.json()["error"] if response["Content-Type"].startswith("application/json") else response.content.decode()
    assert "dépasse la taille maximale" in text and "50,0" in text
    from media_library.models import MediaFile

    assert not MediaFile.objects.exists()


@pytest.mark.django_db
@override_settings(PAROLES_MAX_UPLOAD_SIZE=LIMIT)
def test_json_clients_get_a_json_413(admin_client, work):
    response = _huge_post(admin_client, "/journal/api/fiches/", HTTP_ACCEPT="application/json")
    assert response.status_code == 413 and "dépasse" in response.json()["error"]


def test_real_server_answers_413_without_waiting_for_the_body(tmp_path):
    """Un vrai serveur (gunicorn, loopback) : les en-têtes seuls suffisent, le corps n'est jamais attendu."""
    from django.conf import settings

    db = tmp_path / "db.sqlite3"
    env = {"DJANGO_SETTINGS_MODULE": "paroles.settings.dev", "DATABASE_URL": f"sqlite:///{db}",
           "PAROLES_DATA_DIR": str(tmp_path), "PAROLES_MAX_UPLOAD_SIZE": str(LIMIT), "PATH": "/usr/bin:/bin",
           "DJANGO_SECRET_KEY": "x" * 50}
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1", "--timeout", "20",
         "paroles.wsgi:application"],
        cwd=settings.BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                sock = socket.create_connection(("127.0.0.1", port), timeout=1)
                break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None, "gunicorn n'a pas démarré"
                time.sleep(0.2)
        with sock:
            sock.settimeout(15)
            sock.sendall(
                f"POST /admin/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; "
                f"boundary=xyz\r\nContent-Length: {HUGE}\r\n\r\n".encode()
            )
            reply = b""
            while b"</html>" not in reply:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                reply += chunk
        head, _sep, body = reply.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 413"), head[:200]
        assert "dépasse la taille maximale".encode() in body
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


# --- Limitation des connexions derrière un mandataire ---------------------------------------------

NGINX = "127.0.0.1"


def _login(client, password, client_addr, forged=None):
    # nginx (REMOTE_ADDR) ajoute l'adresse qu'il voit à ce que le client a écrit ($proxy_add_x_forwarded_for).
    xff = ", ".join([*(forged or []), client_addr])
    return client.post(reverse("wagtailadmin_login"), {"username": "admin", "password": password},
                       REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_FOR=xff)


@pytest.mark.django_db
@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3, PAROLES_TRUSTED_PROXY_COUNT=1)
def test_lockout_behind_one_proxy_targets_the_real_client(client, admin_user):
    from axes.models import AccessAttempt

    attacker, colleague = "203.0.113.9", "198.51.100.7"
    for n in range(3):  # l'attaquant change l'en-tête qu'il forge à chaque essai : sans effet
        _login(client, "mauvais", attacker, forged=[f"10.9.9.{n}"])
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {attacker}
    blocked = _login(client, "mot-de-passe-admin", attacker, forged=["192.0.2.1"])
    assert blocked.status_code == 429
    assert "Connexion temporairement bloquée" in blocked.content.decode()
    # Une collègue derrière le même nginx, même identifiant : elle n'est pas bloquée.
    ok = Client()
    response = _login(ok, "mot-de-passe-admin", colleague)
    assert response.status_code == 302
    assert ok.session["_auth_user_id"] == str(admin_user.pk)


def test_client_ip_reads_the_address_seen_by_the_trusted_proxies(rf):
    from paroles.security import client_ip

    def ip(count, xff=None, remote="127.0.0.1"):
        extra = {"HTTP_X_FORWARDED_FOR": xff} if xff is not None else {}
        with override_settings(PAROLES_TRUSTED_PROXY_COUNT=count):
            return client_ip(rf.get("/", REMOTE_ADDR=remote, **extra))

    assert ip(0, "6.6.6.6") == "127.0.0.1"  # sans mandataire déclaré, l'en-tête est ignoré
    assert ip(1, "198.51.100.7") == "198.51.100.7"
    assert ip(1, "6.6.6.6, 198.51.100.7") == "198.51.100.7"  # l'adresse forgée est ignorée
    assert ip(2, "6.6.6.6, 198.51.100.7, 10.0.0.2") == "198.51.100.7"  # CDN + nginx
    assert ip(1, "pas-une-adresse") == "127.0.0.1"
    assert ip(1) == "127.0.0.1"
