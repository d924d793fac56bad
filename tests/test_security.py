"""Sécurité : check --deploy, HSTS et cookies, axes, CSP, téléversements refusés, noms de fichiers,
en-têtes des fichiers servis, expiration de session, double authentification."""

import importlib
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from media_library.models import MediaFile
from media_library.flows.ingest import ingest_file
from paroles.security import LAST_ACTIVITY_KEY

ROOT = Path(__file__).resolve().parent.parent
PROD_ENV = {
    "DJANGO_SECRET_KEY": "x" * 20 + "-production-secret-" + "y" * 30,
    "DJANGO_ALLOWED_HOSTS": "paroles.example.org",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://paroles.example.org",
}


@pytest.fixture
def public_work(cleared_work):
    """Une œuvre publiable sur le site : validée, et consentement donné pour tous les canaux."""
    try:
        from consent.testing import grant
    except ImportError:  # avant l'arrivée des règles de consentement, « validée » suffit
        return cleared_work
    grant(cleared_work)
    return cleared_work


def production_settings(monkeypatch):
    for key, value in PROD_ENV.items():
        monkeypatch.setenv(key, value)
    import sys

    import paroles.settings.base

    importlib.reload(paroles.settings.base)
    sys.modules.pop("paroles.settings.production", None)
    return importlib.import_module("paroles.settings.production")


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {**os.environ, **PROD_ENV, "DJANGO_SETTINGS_MODULE": "paroles.settings.production",
           "PAROLES_DATA_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    env.pop("AWS_STORAGE_BUCKET_NAME", None)
    proc = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "no issues" in proc.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "paroles.settings.production", "DJANGO_SECRET_KEY": "",
           "PAROLES_DATA_DIR": str(tmp_path)}
    proc = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode != 0
    assert "DJANGO_SECRET_KEY" in proc.stderr


@pytest.mark.django_db
def test_production_sends_hsts_and_secure_cookies(client, monkeypatch, admin_user):
    prod = production_settings(monkeypatch)
    assert prod.SECURE_HSTS_SECONDS >= 31536000 and prod.SESSION_COOKIE_SECURE and prod.CSRF_COOKIE_SECURE
    names = ["SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "SECURE_SSL_REDIRECT",
             "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_PROXY_SSL_HEADER"]
    with override_settings(**{name: getattr(prod, name) for name in names}):
        plain = client.get("/archives/")
        assert plain.status_code == 301 and plain["Location"].startswith("https://")
        response = client.get("/admin/login/", secure=True)
        assert "max-age=31536000" in response["Strict-Transport-Security"]
        assert "includeSubDomains" in response["Strict-Transport-Security"]
        assert response.cookies["csrftoken"]["secure"]
        response = client.post("/admin/login/", {"username": "admin", "password": "mot-de-passe-admin"}, secure=True)
        assert response.status_code == 302
        assert response.cookies["sessionid"]["secure"] and response.cookies["sessionid"]["httponly"]


# --- Limitation des connexions (django-axes) ----------------------------------------------------

@pytest.mark.django_db
@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
def test_login_is_throttled_after_repeated_failures(client, admin_user):
    url = reverse("wagtailadmin_login")
    for _ in range(3):
        response = client.post(url, {"username": "admin", "password": "mauvais"}, REMOTE_ADDR="10.0.0.1")
        assert response.status_code in (200, 429)
    blocked = client.post(url, {"username": "admin", "password": "mot-de-passe-admin"}, REMOTE_ADDR="10.0.0.1")
    assert blocked.status_code == 429
    text = blocked.content.decode()
    assert "Connexion temporairement bloquée" in text and "30 minutes" in text
    assert "_auth_user_id" not in client.session
    # Le blocage vise le couple identifiant + adresse : le même compte depuis une autre adresse passe.
    other = client.post(url, {"username": "admin", "password": "mot-de-passe-admin"}, REMOTE_ADDR="10.0.0.2")
    assert other.status_code == 302
    assert client.session["_auth_user_id"] == str(admin_user.pk)


@pytest.mark.django_db
@override_settings(AXES_ENABLED=True)
def test_successful_login_still_works_with_axes(client, admin_user):
    response = client.post(reverse("wagtailadmin_login"), {"username": "admin", "password": "mot-de-passe-admin"})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


# --- Content-Security-Policy --------------------------------------------------------------------

INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)


def _directives(header):
    return {part.split()[0]: part.split()[1:] for part in (p.strip() for p in header.split(";")) if part}


@pytest.mark.django_db
def test_public_pages_have_a_strict_csp_and_no_inline_script(client, public_work):
    urls = ["/archives/", public_work.get_absolute_url()]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        policy = _directives(response["Content-Security-Policy"])
        assert policy["default-src"] == ["'self'"]
        assert policy["script-src"] == ["'self'"], url
        assert policy["object-src"] == ["'none'"]
        assert "Content-Security-Policy-Report-Only" not in response
        html = response.content.decode()
        assert not INLINE_SCRIPT.search(html), f"script en ligne sur {url}"
        assert not INLINE_HANDLER.search(html), f"gestionnaire d'événement en ligne sur {url}"


@pytest.mark.django_db
def test_admin_gets_a_compatible_policy_only_under_admin(admin_client):
    response = admin_client.get("/admin/")
    assert response.status_code == 200
    policy = _directives(response["Content-Security-Policy"])
    assert "'unsafe-inline'" in policy["script-src"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'self'"]
    public = admin_client.get("/archives/")
    assert "'unsafe-inline'" not in public["Content-Security-Policy"]


# --- Fichiers : contenu refusé, noms assainis, en-têtes à la porte --------------------------------

HOSTILE = [
    ("video.mp4", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
    ("photo.jpg", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'),
    ("film.mp4", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200),
    ("podcast.mp3", b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200),
    ("image.png", b"#!/bin/sh\nrm -rf /\n"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "payload"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_upload_refused_when_sniffed_type_not_allowed(admin_client, work, name, payload):
    url = reverse("media_library_upload_file", args=[work.pk])
    # Comme le script de téléversement (upload.js), qui demande du JSON.
    response = admin_client.post(url, {"file": SimpleUploadedFile(name, payload, content_type="video/mp4")},
                                 HTTP_ACCEPT="application/json")
    assert response.status_code == 422
    assert response.json()["ok"] is False and response.json()["error"]
    assert not MediaFile.objects.exists()
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    assert not any(p.is_file() for p in root.rglob("*")) if root.exists() else True


@pytest.mark.django_db
def test_traversal_file_names_are_sanitised_through_ingest_and_upload(admin_client, work, media_dir):
    from media_library import testing

    first = testing.make_video(media_dir / "a.mp4", seconds=1)
    media = ingest_file(work, first, original_filename="../../etc/passwd.mp4")
    _assert_contained(media)
    assert media.safe_filename == "passwd.mp4"

    second = testing.make_audio(media_dir / "b.mp3", seconds=1)
    upload = SimpleUploadedFile("../../../etc/shadow.mp3", second.read_bytes(), content_type="audio/mpeg")
    response = admin_client.post(reverse("media_library_upload_file", args=[work.pk]), {"file": upload},
                                 HTTP_ACCEPT="application/json")
    assert response.status_code in (200, 201), response.content
    uploaded = MediaFile.objects.get(pk=response.json()["file"]["id"])
    _assert_contained(uploaded)
    assert "/" not in uploaded.safe_filename and ".." not in uploaded.safe_filename
    assert not Path("/etc/shadow.mp3").exists() and not Path("/etc/passwd.mp4").exists()

    served = admin_client.get(uploaded.get_serve_url("internal"))
    assert served.status_code == 200
    assert ".." not in served["Content-Disposition"] and "/" not in served["Content-Disposition"].split(";")[1]


def _assert_contained(media):
    assert media.file.name.startswith("originals/") and ".." not in media.file.name
    root = Path(settings.PRIVATE_MEDIA_ROOT).resolve()
    assert root in Path(default_storage.path(media.file.name)).resolve().parents


@pytest.mark.django_db
def test_user_files_are_served_with_nosniff_and_a_sandbox_csp(admin_client, public_work, small_image):
    from django.test import Client

    from media_library import testing
    from media_library.processing.images import ensure_image_renditions

    media = ingest_file(public_work, small_image)
    image = ensure_image_renditions(media)["medium"]
    # Une image ou une vidéo : lisible ouverte seule (pas de sandbox, qui donnerait une origine opaque et
    # bloquerait son propre chargement), rien d'autre ne se charge, aucun script.
    for who in (admin_client, Client()):  # l'équipe, puis un visiteur anonyme
        response = who.get(image.get_serve_url("website"))
        assert response.status_code == 200
        assert response["X-Content-Type-Options"] == "nosniff"
        policy = _directives(response["Content-Security-Policy"])
        assert "sandbox" not in policy and policy["default-src"] == ["'none'"] and policy["media-src"] == ["'self'"]
        assert "script-src" not in policy
    # Tout ce qui pourrait porter un script (ici l'original, un PDF, à l'équipe) reste en sandbox.
    pdf = ingest_file(public_work, testing.make_pdf(small_image.parent / "doc.pdf"))
    response = admin_client.get(pdf.get_serve_url("internal"))
    assert response.status_code == 200
    policy = _directives(response["Content-Security-Policy"])
    assert "sandbox" in policy and policy["default-src"] == ["'none'"] and "script-src" not in policy


# --- Session ------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_admin_session_times_out_after_inactivity(admin_client):
    assert settings.SESSION_COOKIE_AGE <= 8 * 3600
    assert admin_client.get("/admin/").status_code == 200
    session = admin_client.session
    session[LAST_ACTIVITY_KEY] = time.time() - settings.PAROLES_IDLE_TIMEOUT - 5
    session.save()
    response = admin_client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("wagtailadmin_login"))
    assert "_auth_user_id" not in admin_client.session
    assert admin_client.get("/admin/").status_code == 302  # toujours déconnecté


@pytest.mark.django_db
def test_recent_activity_keeps_the_session(admin_client):
    session = admin_client.session
    session[LAST_ACTIVITY_KEY] = time.time() - settings.PAROLES_IDLE_TIMEOUT + 120
    session.save()
    assert admin_client.get("/admin/").status_code == 200


# --- Double authentification -------------------------------------------------------------------

def _token(device, offset=0):
    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset
    return f"{totp.token():0{device.digits}d}"


@pytest.mark.django_db
@override_settings(OTP_TOTP_THROTTLE_FACTOR=0)  # sinon un code faux bloque les essais une seconde (voulu)
def test_staff_with_a_device_must_enter_a_totp_code(client, admin_user):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=admin_user, name="téléphone", confirmed=True)
    response = client.post(reverse("wagtailadmin_login"), {"username": "admin", "password": "mot-de-passe-admin"})
    assert response.status_code == 302
    blocked = client.get("/admin/")
    assert blocked.status_code == 302 and blocked["Location"].startswith(reverse("paroles_otp_verify"))
    # Les autres pages de l'administration aussi, et le téléversement.
    assert client.get(reverse("paroles_trash_index"))["Location"].startswith(reverse("paroles_otp_verify"))

    page = client.get(reverse("paroles_otp_verify"))
    assert page.status_code == 200 and "Code à 6 chiffres" in page.content.decode()
    wrong = client.post(reverse("paroles_otp_verify"), {"token": "000000" if _token(device) != "000000" else "111111"})
    assert "Code incorrect" in wrong.content.decode()
    assert client.get("/admin/").status_code == 302

    ok = client.post(reverse("paroles_otp_verify") + "?next=/admin/", {"token": _token(device), "next": "/admin/"})
    assert ok.status_code == 302 and ok["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
@override_settings(OTP_TOTP_THROTTLE_FACTOR=0)
def test_staff_can_set_up_a_totp_device_with_a_qr_code(admin_client, admin_user):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    page = admin_client.get(reverse("paroles_otp_setup"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "Scannez ce QR code" in html
    device = TOTPDevice.objects.get(user=admin_user)
    assert not device.confirmed
    assert admin_client.post(reverse("paroles_otp_setup"), {"token": "12"}).status_code == 200
    response = admin_client.post(reverse("paroles_otp_setup"), {"token": _token(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert admin_client.get("/admin/").status_code == 200  # vérifié par la configuration elle-même


@pytest.mark.django_db
@override_settings(PAROLES_REQUIRE_2FA=True)
def test_required_2fa_sends_staff_without_device_to_setup(admin_client):
    response = admin_client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("paroles_otp_setup"))


@pytest.mark.django_db
def test_wagtail_documents_are_removed_from_the_admin(admin_client):
    """Wagtail Documents acceptait un .html sans contrôle et sa liste répondait 500 : l'application n'est plus
    installée (rien ne l'utilisait). Tout fichier est l'original d'une œuvre, vérifié et servi par la porte."""
    from django.apps import apps

    assert not apps.is_installed("wagtail.documents")
    for url in ("/admin/documents/", "/admin/documents/multiple/add/", "/admin/documents/chooser/", "/documents/1/x.html"):
        assert admin_client.get(url).status_code == 404, url
    home = admin_client.get("/admin/")
    assert home.status_code == 200
    assert "/admin/documents/" not in home.content.decode()
    # L'éditeur de texte riche ne propose plus de lien vers un document.
    from wagtail.rich_text import features

    assert "document-link" not in features.get_default_features()
