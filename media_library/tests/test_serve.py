"""La porte : accès, Range, ETag, en-têtes de sécurité, journal ; aucune URL ne la contourne."""

import hashlib

import pytest
from django.test import override_settings
from django.urls import get_resolver

from media_library.models import MediaFile, ServedFile
from media_library.flows.ingest import ingest_file

pytestmark = pytest.mark.django_db


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def public_video(cleared_work, small_video):
    return ingest_file(cleared_work, small_video)


@pytest.fixture
def private_video(work, small_video):
    return ingest_file(work, small_video)


def web_rendition(media, data):
    """Un rendu web fait à la main (les octets de la petite vidéo) : la porte n'a pas besoin d'un encodage."""
    from django.core.files.base import ContentFile

    from media_library.models import Rendition

    rendition = Rendition(media_file=media, kind="web", settings_hash="test", mime_type="video/mp4", size=len(data))
    rendition.file.save("web.mp4", ContentFile(data), save=False)
    rendition.save()
    return rendition


@pytest.fixture
def public_web(public_video, small_video):
    return web_rendition(public_video, small_video.read_bytes())


def test_full_download_is_byte_identical(client, public_web, small_video):
    response = client.get(public_web.get_serve_url("website"))
    assert response.status_code == 200
    assert body(response) == small_video.read_bytes()
    assert response["Accept-Ranges"] == "bytes"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "video/mp4"
    assert response["Content-Length"] == str(small_video.stat().st_size)
    # Un média ouvert seul doit pouvoir se charger lui-même : pas de sandbox (origine opaque), rien d'autre.
    csp = response["Content-Security-Policy"]
    assert "sandbox" not in csp and "default-src 'none'" in csp and "media-src 'self'" in csp
    assert response["Content-Disposition"].startswith('inline; filename="capsule-web.mp4"')
    download = client.get(public_web.get_serve_url("website") + "?telecharger")
    assert download["Content-Disposition"].startswith('attachment; filename="capsule-web.mp4"')


def test_staff_original_on_internal_channel(admin_client, public_video, small_video):
    response = admin_client.get(public_video.get_serve_url("internal"))
    assert response.status_code == 200 and body(response) == small_video.read_bytes()
    assert response["ETag"] == f'"{public_video.sha256}"'


def test_scriptable_types_stay_sandboxed(admin_client, work, tmp_path):
    from media_library import testing

    pdf = ingest_file(work, testing.make_pdf(tmp_path / "guide.pdf"))
    response = admin_client.get(pdf.get_serve_url("internal"))
    assert response.status_code == 200
    assert response["Content-Security-Policy"].endswith("; sandbox")
    assert response["Content-Type"] == "application/pdf"


def test_range_requests_let_video_seek(client, public_web, small_video):
    data = small_video.read_bytes()
    size = len(data)
    url = public_web.get_serve_url("website")
    r = client.get(url, HTTP_RANGE="bytes=100-199")
    assert r.status_code == 206
    assert r["Content-Range"] == f"bytes 100-199/{size}" and r["Content-Length"] == "100"
    assert body(r) == data[100:200]
    # Plage suffixe : les 500 derniers octets.
    r = client.get(url, HTTP_RANGE="bytes=-500")
    assert r.status_code == 206 and body(r) == data[-500:]
    assert r["Content-Range"] == f"bytes {size - 500}-{size - 1}/{size}"
    # Suffixe plus long que le fichier : tout le fichier, en 206.
    r = client.get(url, HTTP_RANGE=f"bytes=-{size * 2}")
    assert r.status_code == 206 and body(r) == data and r["Content-Range"] == f"bytes 0-{size - 1}/{size}"
    # Plage ouverte.
    r = client.get(url, HTTP_RANGE=f"bytes={size - 10}-")
    assert r.status_code == 206 and body(r) == data[-10:]
    # Fin au-delà de la taille : tronquée.
    r = client.get(url, HTTP_RANGE=f"bytes=5-{size + 100}")
    assert r.status_code == 206 and body(r) == data[5:]


def test_unsatisfiable_ranges_answer_416(client, public_web, small_video):
    size = small_video.stat().st_size
    url = public_web.get_serve_url("website")
    for header in (f"bytes={size + 5}-", f"bytes={size}-{size + 9}", "bytes=-0"):
        r = client.get(url, HTTP_RANGE=header)
        assert r.status_code == 416, header
        assert r["Content-Range"] == f"bytes */{size}"
        assert r.content == b""
        assert r["X-Content-Type-Options"] == "nosniff"


def test_multiple_or_invalid_ranges_serve_the_whole_file(client, public_web, small_video):
    """Plusieurs plages (multipart/byteranges non pris en charge) ou syntaxe invalide : la RFC 9110 permet
    d'ignorer Range ; on sert tout, en 200."""
    data = small_video.read_bytes()
    url = public_web.get_serve_url("website")
    for header in ("bytes=0-9,20-29", "bytes=9-0", "octets=0-9", "bytes=abc", "bytes=-"):
        r = client.get(url, HTTP_RANGE=header)
        assert r.status_code == 200, header
        assert body(r) == data and "Content-Range" not in r


def test_if_range(client, public_web, small_video):
    data = small_video.read_bytes()
    url = public_web.get_serve_url("website")
    etag = client.head(url)["ETag"]
    r = client.get(url, HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE=etag)
    assert r.status_code == 206 and body(r) == data[:10]
    # ETag périmé, validateur faible ou date : la ressource a pu changer, on renvoie tout.
    for validator in ('"perime"', f"W/{etag}", "Tue, 01 Dec 2026 10:00:00 GMT"):
        r = client.get(url, HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE=validator)
        assert r.status_code == 200 and body(r) == data, validator


def test_etag_revalidation(client, public_web):
    url = public_web.get_serve_url("website")
    etag = client.get(url)["ETag"]
    r = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert r.status_code == 304 and r["ETag"] == etag and r.content == b""
    assert client.get(url, HTTP_IF_NONE_MATCH=f"W/{etag}").status_code == 304
    assert client.get(url, HTTP_IF_NONE_MATCH='"autre", ' + etag).status_code == 304
    assert client.get(url, HTTP_IF_NONE_MATCH='"autre"').status_code == 200


def test_head_request(client, public_web, small_video):
    before = ServedFile.objects.count()
    r = client.head(public_web.get_serve_url("website"))
    assert r.status_code == 200 and int(r["Content-Length"]) == small_video.stat().st_size
    assert r.content == b"" and r["Accept-Ranges"] == "bytes" and r["ETag"]
    r = client.head(public_web.get_serve_url("website"), HTTP_RANGE="bytes=-500")
    assert r.status_code == 206 and r["Content-Length"] == "500" and r.content == b""
    assert ServedFile.objects.count() == before  # rien n'est parti


def test_other_methods_are_405(client, public_web):
    r = client.post(public_web.get_serve_url("website"))
    assert r.status_code == 405 and r["Allow"] == "GET, HEAD"


def test_parse_range_follows_rfc_9110():
    from media_library.gate import UNSATISFIABLE, parse_range

    assert parse_range("bytes=0-99", 1000) == (0, 99)
    assert parse_range("bytes=-500", 1000) == (500, 999)
    assert parse_range("bytes=-5000", 1000) == (0, 999)
    assert parse_range("bytes=900-", 1000) == (900, 999)
    assert parse_range("BYTES=1-2", 1000) == (1, 2)
    assert parse_range("bytes=999-5000", 1000) == (999, 999)
    assert parse_range("bytes=1000-", 1000) == UNSATISFIABLE
    assert parse_range("bytes=-0", 1000) == UNSATISFIABLE
    assert parse_range("bytes=0-", 0) == UNSATISFIABLE
    for ignored in ("", "bytes=1-2,4-5", "bytes=5-1", "items=1-2", "bytes=x-", "bytes=-", "bytes 1-2"):
        assert parse_range(ignored, 1000) is None, ignored


def _same_as_missing(refused, missing):
    """Même statut, même corps, mêmes en-têtes (hors Date) : rien ne distingue un refus d'une absence."""
    assert refused.status_code == missing.status_code == 404
    assert refused.content == missing.content
    assert len(missing.content) > 200  # la page 404 du site, pas un texte à part
    drop = {"date"}
    assert {k.lower(): v for k, v in refused.items() if k.lower() not in drop} == \
        {k.lower(): v for k, v in missing.items() if k.lower() not in drop}


def _missing_url(url, uuid):
    import uuid as uuidlib

    return url.replace(str(uuid), str(uuidlib.uuid4()))


def test_refused_looks_exactly_like_missing_for_anonymous(client, private_video, small_video):
    hidden = web_rendition(private_video, small_video.read_bytes())
    url = hidden.get_serve_url("website")
    refused, missing = client.get(url), client.get(_missing_url(url, hidden.uuid))
    _same_as_missing(refused, missing)
    assert small_video.read_bytes()[:64] not in refused.content
    log = ServedFile.objects.get()
    assert log.allowed is False and log.work_id == private_video.work_id
    # L'original, sur n'importe quel canal, pareil.
    url = private_video.get_serve_url("website")
    _same_as_missing(client.get(url), client.get(_missing_url(url, private_video.uuid)))


def test_refused_looks_like_missing_for_logged_in_user_without_right_to_know(client, private_video):
    from media_library.tests.factories import UserFactory

    client.force_login(UserFactory())
    for channel in ("internal", "website"):
        url = private_video.get_serve_url(channel)
        _same_as_missing(client.get(url), client.get(_missing_url(url, private_video.uuid)))


def test_only_who_may_know_gets_the_reason(rf, private_video):
    """Le refus donne sa raison (403) seulement à qui a le droit de savoir que l'œuvre existe."""
    from django.contrib.auth.models import AnonymousUser

    from consent.access import Decision
    from consent.testing import CONSENT_OFFICER, user_with_role
    from media_library.gate import AccessDenied, refuse
    from media_library.tests.factories import UserFactory

    decision = Decision(False, "Consentement retiré pour ce canal.")
    for user in (AnonymousUser(), UserFactory()):
        request = rf.get("/")
        request.user = user
        with pytest.raises(AccessDenied):
            refuse(request, private_video.work, private_video, "website", "original", decision)
    request = rf.get("/")
    request.user = user_with_role("responsable", CONSENT_OFFICER)
    response = refuse(request, private_video.work, private_video, "website", "original", decision)
    assert response.status_code == 403 and "retiré" in response.content.decode()
    assert response["Cache-Control"] == "private, no-store"


def test_revalidation_also_goes_through_the_check(client, private_video, small_video):
    hidden = web_rendition(private_video, small_video.read_bytes())
    r = client.get(hidden.get_serve_url("website"), HTTP_IF_NONE_MATCH="*")
    assert r.status_code == 404


def test_access_decided_on_every_request(client, public_web, unpublish):
    url = public_web.get_serve_url("website")
    assert client.get(url).status_code == 200
    unpublish(public_web.work)
    assert client.get(url).status_code == 404


def test_gate_calls_the_one_access_function(client, public_web, monkeypatch):
    from consent.access import Decision

    calls = []

    def deny(user, work, channel, **kwargs):
        calls.append((work.pk, str(channel)))
        return Decision(False, "non")

    monkeypatch.setattr("consent.policy.policy.decide", deny)
    assert client.get(public_web.get_serve_url("website")).status_code == 404
    assert calls and calls[0] == (public_web.work.pk, "website")


def test_staff_reaches_internal_channel_and_response_is_not_cached(admin_client, private_video):
    r = admin_client.get(private_video.get_serve_url("internal"))
    assert r.status_code == 200
    assert r["Cache-Control"] == "private, no-store"
    log = ServedFile.objects.get()
    assert log.allowed and log.user.username == "admin" and log.purpose == "original"


def test_wrong_filename_is_404(client, public_web):
    url = public_web.get_serve_url("website")
    assert client.get(url).status_code == 200
    assert client.get(url.replace("capsule-web.mp4", "autre.mp4")).status_code == 404


@override_settings(PAROLES_ACCEL_REDIRECT_PREFIX="/_prive/")
def test_x_accel_redirect_behind_nginx(client, public_web):
    r = client.get(public_web.get_serve_url("website"))
    assert r.status_code == 200
    assert r["X-Accel-Redirect"] == "/_prive/" + public_web.file.name
    assert r.content == b""
    assert r["X-Content-Type-Options"] == "nosniff"


def test_no_url_serves_private_storage_directly(client, public_video, private_storage):
    """Aucune route ne sert MEDIA_URL ni le dossier privé : seules les vues de la porte servent des fichiers."""
    name = public_video.file.name
    for prefix in ("/media/", "/media-non-servi/", "/static/", "/private/", "/"):
        r = client.get(prefix + name)
        assert r.status_code == 404, prefix
        assert hashlib.sha256(r.content).hexdigest() != public_video.sha256


def _file_routes():
    """{nom de la vue: gabarit} pour chaque route qui sert des fichiers (/fichiers/…), dans toutes les applications."""
    routes = {}

    def walk(patterns, prefix=""):
        for p in patterns:
            route = prefix + str(p.pattern)
            if hasattr(p, "url_patterns"):
                walk(p.url_patterns, route)
            elif route.startswith("fichiers/"):
                routes[f"{p.callback.__module__}.{p.callback.__name__}"] = route

    walk(get_resolver().url_patterns)
    return routes


def test_every_file_route_asks_the_gate_which_refuses_a_work_without_consent(client, work, small_video, small_image,
                                                                             django_capture_on_commit_callbacks):
    """Chaque route de fichiers, appelée pour une œuvre sans consentement, répond 404 parce que la porte l'a refusée
    (signal file_refused, journal ServedFile) ; une fois l'œuvre publique, les mêmes adresses servent le fichier
    (200 ; l'original, à l'équipe seulement). Une nouvelle route de fichiers fait échouer ce test tant qu'elle n'y est pas appelée."""
    from django.contrib.auth import get_user_model
    from django.core.files.base import ContentFile
    from django.urls import resolve

    from media_library.signals import file_refused
    from transcription.models import SubtitledRendition, SubtitleTrack
    from transcription.subtitles import Cue

    video = ingest_file(work, small_video)
    with django_capture_on_commit_callbacks(execute=True):  # l'image Wagtail et ses rendus
        image = ingest_file(work, small_image)
    image.refresh_from_db()
    track = SubtitleTrack.objects.create(work=work, language="fr")
    track.replace_cues([Cue(0.2, 1.5, "Bonjour.")])
    track.approve(allow_issues=True)
    subtitled = SubtitledRendition.objects.create(track=track, media_file=video, status="ready",
                                                  track_approved_at=track.approved_at)
    subtitled.file.save("s.mp4", ContentFile(small_video.read_bytes()), save=True)
    urls = {
        "media_library.views.serve.serve_original": video.get_serve_url("website"),
        "media_library.views.serve.serve_image_rendition": image.image.renditions.first().get_serve_url("website"),
        "media_library.views.renditions.serve_rendition": web_rendition(video, small_video.read_bytes())
        .get_serve_url("website"),
        "transcription.views.serve.serve_track": track.get_serve_url("website"),
        "transcription.views.serve.serve_track_window": track.get_window_url(0, 1.5, "website"),
        "transcription.views.serve.serve_subtitled": subtitled.get_serve_url("website"),
    }
    assert set(_file_routes()) == set(urls)

    refused = []

    def on_refused(sender, work, obj, **kwargs):
        refused.append((work.pk, obj))

    file_refused.connect(on_refused)
    try:
        for view, url in urls.items():
            match = resolve(url.split("?")[0])
            assert f"{match.func.__module__}.{match.func.__name__}" == view
            refused.clear()
            response = client.get(url)
            assert response.status_code == 404, view
            assert [pk for pk, _obj in refused] == [work.pk], view
            assert ServedFile.objects.filter(work=work, allowed=False).exists(), view
    finally:
        file_refused.disconnect(on_refused)

    from consent.testing import publish

    publish(work)  # déclaration « aucune personne identifiable » : les mêmes adresses servent le fichier
    original = urls.pop("media_library.views.serve.serve_original")
    for view, url in urls.items():
        assert client.get(url).status_code == 200, view
    # L'original ne sort jamais pour le public : il sort pour l'équipe, sur le canal interne.
    assert client.get(original).status_code == 404
    client.force_login(get_user_model().objects.create_superuser("equipe", "equipe@example.org", "mot-de-passe"))
    assert client.get(video.get_serve_url("internal")).status_code == 200


def test_missing_file_in_storage_is_404_not_500(client, public_web):
    from django.core.files.storage import default_storage

    default_storage.delete(public_web.file.name)
    assert client.get(public_web.get_serve_url("website")).status_code == 404
    assert MediaFile.objects.filter(pk=public_web.media_file_id).exists()
