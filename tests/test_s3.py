"""Stockage S3 de bout en bout contre un serveur moto (mode serveur, port aléatoire), par django-storages
et boto3 : écriture des originaux et des rendus, porte = redirection signée courte, refus après retrait
du consentement, aucun objet lisible sans signature."""

import hashlib
import socket
import urllib.error
import urllib.request
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.files.storage import default_storage
from django.test import override_settings

from media_library.models import MediaFile
from media_library.flows.ingest import ingest_file

BUCKET = "paroles-archive-test"


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def s3(monkeypatch):
    boto3 = pytest.importorskip("boto3")
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    for key, value in {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
                       "AWS_DEFAULT_REGION": "us-east-1"}.items():
        monkeypatch.setenv(key, value)
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=BUCKET)
    storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": BUCKET, "endpoint_url": endpoint, "region_name": "us-east-1",
            "access_key": "test", "secret_key": "test", "default_acl": "private", "querystring_auth": True,
            "querystring_expire": 60, "file_overwrite": False, "signature_version": "s3v4",
            "addressing_style": "path",
        },
    }
    with override_settings(STORAGES={"default": storage,
                                     "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}):
        yield {"client": client, "endpoint": endpoint}
    server.stop()


def _public(work):
    try:
        from consent.testing import grant, make_participant
    except ImportError:
        return None
    participant = make_participant("Awa")
    grant(work, participant=participant)
    return participant


def _get(url):
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, b""


@pytest.mark.s3
@pytest.mark.django_db
def test_s3_upload_renditions_signed_gate_withdrawal_and_no_unsigned_read(s3, cleared_work, small_image, client,
                                                                          admin_user):
    from storages.backends.s3 import S3Storage

    from django.core.files.storage import storages

    assert isinstance(storages["default"], S3Storage)
    participant = _public(cleared_work)
    media = ingest_file(cleared_work, small_image)
    # 1. L'original est dans le seau, octet pour octet.
    body = s3["client"].get_object(Bucket=BUCKET, Key=media.file.name)["Body"].read()
    assert hashlib.sha256(body).hexdigest() == media.sha256 == hashlib.sha256(small_image.read_bytes()).hexdigest()

    # 2. Écriture de rendus : rendus du traitement (s'il y en a) et rendu d'image Wagtail.
    try:
        from media_library.processing.images import ensure_image_renditions
    except ImportError:  # pragma: no cover - avant l'arrivée des rendus
        ensure_image_renditions = None
    if ensure_image_renditions is not None:
        ensure_image_renditions(media)
    written = []
    for rendition in getattr(media, "renditions", MediaFile.objects.none()).all():
        written.append(rendition.file.name)
    media.refresh_from_db()
    if media.image_id:
        wagtail_rendition = media.image.get_rendition("width-64")
        written.append(wagtail_rendition.file.name)
        served = client.get(wagtail_rendition.get_serve_url("website"))
        assert served.status_code == 302 and "X-Amz-Signature" in served["Location"]
    assert written, "aucun rendu écrit sur S3"
    keys = {o["Key"] for o in s3["client"].list_objects_v2(Bucket=BUCKET)["Contents"]}
    assert set(written) <= keys

    # 3. La porte : redirection vers une URL signée de courte durée, jamais mise en cache. L'original ne sort
    # que pour l'équipe, sur l'archive interne ; le public n'a que des rendus.
    from django.test import Client

    assert client.get(media.get_serve_url("website")).status_code == 404
    staff = Client()
    staff.force_login(admin_user)
    response = staff.get(media.get_serve_url("internal"))
    assert response.status_code == 302
    assert response["Cache-Control"] == "private, no-store"
    location = response["Location"]
    assert location.startswith(s3["endpoint"])
    query = parse_qs(urlparse(location).query)
    assert "X-Amz-Signature" in query and int(query["X-Amz-Expires"][0]) <= 300
    status, data = _get(location)
    assert status == 200 and hashlib.sha256(data).hexdigest() == media.sha256

    # 4. Sans signature : refusé (objet et rendus).
    for key in [media.file.name, *written]:
        status, _ = _get(f"{s3['endpoint']}/{BUCKET}/{key}")
        assert status == 403, key
    head = urllib.request.Request(f"{s3['endpoint']}/{BUCKET}/{media.file.name}", method="HEAD")
    with pytest.raises(urllib.error.HTTPError) as exc:
        urllib.request.urlopen(head, timeout=30)
    assert exc.value.code == 403

    # 5. Retrait du consentement (ou œuvre retirée du site) : plus de redirection, plus d'URL signée.
    if participant is not None:
        from consent.testing import withdraw_all

        withdraw_all(participant)
    else:
        import datetime as dt

        from consent.models import NoIdentifiablePersonDeclaration

        for declaration in NoIdentifiablePersonDeclaration.objects.filter(work=cleared_work):
            declaration.revoked_on = dt.date.today()  # comme l'admin : enregistré, l'époque change
            declaration.save(update_fields=["revoked_on"])
    refused = client.get(wagtail_rendition.get_serve_url("website") if media.image_id else media.get_serve_url())
    assert refused.status_code == 404
    assert "Location" not in refused and b"X-Amz" not in refused.content
