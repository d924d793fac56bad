"""La porte : accès, Range, ETag, en-têtes de sécurité, journal ; aucune URL ne la contourne."""

import hashlib

import pytest
from django.test import override_settings
from django.urls import get_resolver

from media_library.models import MediaFile, ServedFile
from media_library.services.ingest import ingest_file

pytestmark = pytest.mark.django_db


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def public_video(cleared_work, small_video):
    return ingest_file(cleared_work, small_video)


@pytest.fixture
def private_video(work, small_video):
    return ingest_file(work, small_video)


def test_full_download_is_byte_identical(client, public_video, small_video):
    response = client.get(public_video.get_serve_url("website"))
    assert response.status_code == 200
    assert body(response) == small_video.read_bytes()
    assert response["Accept-Ranges"] == "bytes"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["ETag"] == f'"{public_video.sha256}"'
    assert response["Content-Type"] == "video/mp4"


def test_range_requests_let_video_seek(client, public_video, small_video):
    data = small_video.read_bytes()
    url = public_video.get_serve_url("website")
    r = client.get(url, HTTP_RANGE="bytes=100-199")
    assert r.status_code == 206
    assert r["Content-Range"] == f"bytes 100-199/{len(data)}"
    assert body(r) == data[100:200]
    r = client.get(url, HTTP_RANGE="bytes=-50")
    assert r.status_code == 206 and body(r) == data[-50:]
    r = client.get(url, HTTP_RANGE=f"bytes={len(data) - 10}-")
    assert body(r) == data[-10:]
    r = client.get(url, HTTP_RANGE=f"bytes={len(data) + 5}-")
    assert r.status_code == 416 and r["Content-Range"] == f"bytes */{len(data)}"
    # If-Range avec un ETag périmé : le fichier entier.
    r = client.get(url, HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE='"perime"')
    assert r.status_code == 200 and body(r) == data


def test_etag_revalidation(client, public_video):
    url = public_video.get_serve_url("website")
    r = client.get(url, HTTP_IF_NONE_MATCH=f'"{public_video.sha256}"')
    assert r.status_code == 304


def test_head_request(client, public_video, small_video):
    r = client.head(public_video.get_serve_url("website"))
    assert r.status_code == 200 and int(r["Content-Length"]) == small_video.stat().st_size


def test_refused_when_access_check_says_no(client, private_video):
    r = client.get(private_video.get_serve_url("website"))
    assert r.status_code == 404
    assert r["Cache-Control"] == "private, no-store"
    assert private_video.sha256.encode() not in r.content
    log = ServedFile.objects.get()
    assert log.allowed is False and log.work_id == private_video.work_id


def test_revalidation_also_goes_through_the_check(client, private_video):
    r = client.get(private_video.get_serve_url("website"), HTTP_IF_NONE_MATCH=f'"{private_video.sha256}"')
    assert r.status_code == 404


def test_access_decided_on_every_request(client, public_video, unpublish):
    url = public_video.get_serve_url("website")
    assert client.get(url).status_code == 200
    unpublish(public_video.work)
    assert client.get(url).status_code == 404


def test_gate_calls_the_one_access_function(client, public_video, monkeypatch):
    from consent.access import Decision

    calls = []

    def deny(user, work, channel, **kwargs):
        calls.append((work.pk, str(channel)))
        return Decision(False, "non")

    monkeypatch.setattr("consent.policy.policy.decide", deny)
    assert client.get(public_video.get_serve_url("website")).status_code == 404
    assert calls and calls[0] == (public_video.work_id, "website")


def test_staff_reaches_internal_channel_and_response_is_not_cached(admin_client, private_video):
    r = admin_client.get(private_video.get_serve_url("internal"))
    assert r.status_code == 200
    assert r["Cache-Control"] == "private, no-store"
    log = ServedFile.objects.get()
    assert log.allowed and log.user.username == "admin" and log.purpose == "original"


def test_logged_in_user_without_right_gets_403(client, private_video):
    from media_library.tests.factories import UserFactory

    client.force_login(UserFactory())
    assert client.get(private_video.get_serve_url("internal")).status_code == 403


def test_wrong_filename_or_channel_is_404(client, public_video):
    url = public_video.get_serve_url("website")
    assert client.get(url.replace("capsule.mp4", "autre.mp4")).status_code == 404
    assert client.get(url.replace("/website/", "/nimporte/")).status_code == 404


@override_settings(PAROLES_ACCEL_REDIRECT_PREFIX="/_prive/")
def test_x_accel_redirect_behind_nginx(client, public_video):
    r = client.get(public_video.get_serve_url("website"))
    assert r.status_code == 200
    assert r["X-Accel-Redirect"] == "/_prive/" + public_video.file.name
    assert r.content == b""
    assert r["X-Content-Type-Options"] == "nosniff"


def test_no_url_serves_private_storage_directly(client, public_video, private_storage):
    """Aucune route ne sert MEDIA_URL ni le dossier privé : seules les vues de la porte servent des fichiers."""
    name = public_video.file.name
    for prefix in ("/media/", "/media-non-servi/", "/static/", "/private/", "/"):
        r = client.get(prefix + name)
        assert r.status_code == 404, prefix
        assert hashlib.sha256(r.content).hexdigest() != public_video.sha256


def test_every_file_route_uses_the_gate():
    """Chaque vue dont la route sert des fichiers (/fichiers/...) doit être une vue connue de la porte."""
    from media_library.views import serve as media_serve

    allowed_modules = {media_serve.__name__}
    offenders = []

    def walk(patterns, prefix=""):
        for p in patterns:
            route = prefix + str(p.pattern)
            if hasattr(p, "url_patterns"):
                walk(p.url_patterns, route)
            elif route.startswith("fichiers/"):
                module = getattr(p.callback, "__module__", "")
                source = open(__import__(module, fromlist=["x"]).__file__).read()
                if "serve_gated" not in source:
                    offenders.append((route, module))

    walk(get_resolver().url_patterns)
    assert offenders == []
    assert allowed_modules


def test_missing_file_in_storage_is_404_not_500(client, public_video):
    from django.core.files.storage import default_storage

    default_storage.delete(public_video.file.name)
    assert client.get(public_video.get_serve_url("website")).status_code == 404
    assert MediaFile.objects.filter(pk=public_video.pk).exists()
