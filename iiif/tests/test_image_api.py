"""IIIF Image API 3.0 : pyramide faite à l'arrivée (libvips), info.json, tuiles, sonde, tout par la porte."""

import io
import json
import math

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from iiif.views import channel_for, space_for

from consent.models import ConsentRecord
from consent.testing import withdraw_all
from media_library.models import Rendition


def pyramid(work):
    return Rendition.objects.get(media_file__work=work, kind="iiif")


def base_url(work, space="web"):
    return f"/iiif/{space}/image/{work.files.first().uuid}"


def tile_urls(info, base):
    """Les adresses de tuiles qu'un visionneur calcule d'après l'info.json (comme OpenSeadragon)."""
    width, height = info["width"], info["height"]
    tile = info["tiles"][0]
    urls = []
    for factor in tile["scaleFactors"]:
        span = tile["width"] * factor
        for top in range(0, height, span):
            for left in range(0, width, span):
                w, h = min(span, width - left), min(span, height - top)
                region = "full" if (w, h) == (width, height) and (left, top) == (0, 0) else f"{left},{top},{w},{h}"
                size = f"{math.ceil(w / factor)},{math.ceil(h / factor)}"
                urls.append((f"{base}/{region}/{size}/0/default.jpg", (math.ceil(w / factor), math.ceil(h / factor))))
    return urls


@pytest.mark.django_db
def test_info_json_describes_the_pyramid_for_the_request_host(body_map, client):
    response = client.get(base_url(body_map) + "/info.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/ld+json")
    assert response["Access-Control-Allow-Origin"] == "*"
    info = json.loads(response.content)
    assert info["@context"] == "http://iiif.io/api/image/3/context.json"
    assert info["type"] == "ImageService3" and info["protocol"] == "http://iiif.io/api/image"
    assert info["id"] == "http://testserver" + base_url(body_map)
    assert info["profile"] == "level1"
    assert info["maxArea"] > 0 and info["maxWidth"] > 0 and info["maxHeight"] > 0
    assert (info["width"], info["height"]) == (1400, 2100)
    assert info["tiles"] == [{"width": 512, "height": 512, "scaleFactors": [1, 2, 4, 8]}]
    sizes = [(s["width"], s["height"]) for s in info["sizes"]]
    assert sizes[-1] == (700, 1050) and (175, 263) in sizes and min(max(s) for s in sizes) >= 64
    assert info["service"][0]["type"] == "AuthProbeService2"
    # Une autre adresse de site : l'id suit l'hôte de la requête.
    other = json.loads(client.get(base_url(body_map) + "/info.json", HTTP_HOST="localhost").content)
    assert other["id"] == "http://localhost" + base_url(body_map)
    # L'adresse de base renvoie vers l'info.json (Image API 3.0, § 2.2).
    base = client.get(base_url(body_map))
    assert base.status_code == 303 and base["Location"].endswith("/info.json")


@pytest.mark.django_db
def test_every_tile_and_size_is_served_with_the_right_dimensions(body_map, client):
    info = json.loads(client.get(base_url(body_map) + "/info.json").content)
    urls = tile_urls(info, base_url(body_map))
    urls += [(f"{base_url(body_map)}/full/{s['width']},{s['height']}/0/default.jpg", (s["width"], s["height"]))
             for s in info["sizes"]]
    assert len(urls) > 20
    for url, dims in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"] == "image/jpeg"
        assert response["X-Content-Type-Options"] == "nosniff"
        with Image.open(io.BytesIO(b"".join(response.streaming_content))) as img:
            assert img.size == dims, url
    # Pas d'échappée du dossier : l'adresse n'est pas une requête d'image (404) ; une région qui n'en est
    # pas une est mal formée (400).
    assert client.get(f"{base_url(body_map)}/..%2F..%2Finfo.json/1,1/0/default.jpg").status_code == 404
    assert client.get(f"{base_url(body_map)}/..,..,1,1/1,1/0/default.jpg").status_code == 400
    assert client.get(f"{base_url(body_map)}/full/max/90/default.jpg").status_code == 400


@pytest.mark.django_db
def test_tiles_carry_no_metadata(body_map, client):
    media = body_map.files.first()
    with media.file.open("rb") as fh:
        original = fh.read()
    assert b"Telephone-de-terrain" in original  # l'original garde tout, intact
    info = json.loads(client.get(base_url(body_map) + "/info.json").content)
    for url, _dims in tile_urls(info, base_url(body_map))[:6]:
        data = b"".join(client.get(url).streaming_content)
        assert b"Telephone-de-terrain" not in data and b"Exif" not in data and b"http://ns.adobe.com/xap" not in data
        with Image.open(io.BytesIO(data)) as img:
            assert not img.getexif() and "icc_profile" not in img.info and "exif" not in img.info


@pytest.mark.django_db
def test_withdrawal_refuses_info_tiles_and_probe_on_the_next_request(body_map, client, django_user_model):
    info_url = base_url(body_map) + "/info.json"
    info = json.loads(client.get(info_url).content)
    tile_url = tile_urls(info, base_url(body_map))[0][0]
    probe_url = base_url(body_map) + "/probe"
    assert client.get(tile_url).status_code == 200
    assert json.loads(client.get(probe_url).content)["status"] == 200

    record = ConsentRecord.objects.get(work=body_map)
    withdraw_all(record.participant)

    assert client.get(info_url).status_code == 404
    assert client.get(tile_url).status_code == 404
    assert client.get(base_url(body_map, space_for("museum")) + "/info.json").status_code == 404
    probe = client.get(probe_url)
    assert probe.status_code == 200 and probe["Access-Control-Allow-Origin"] == "*"
    result = json.loads(probe.content)
    assert result["type"] == "AuthProbeResult2" and result["status"] == 401
    assert result["heading"]["fr"] == ["Cette œuvre n'est pas présentée ici."]
    assert "bm" in result["heading"]
    text = probe.content.decode()
    from django.contrib.auth.models import AnonymousUser

    from consent.policy import policy

    reason = str(policy.decide(AnonymousUser(), body_map, "website").reason)
    assert reason and reason not in text  # jamais la raison privée (retrait, personne…)
    assert record.participant.pseudonym not in text
    # Une image qui n'existe pas répond exactement pareil : rien ne révèle qu'elle existe.
    missing = json.loads(client.get("/iiif/web/image/00000000-0000-4000-8000-000000000000/probe").content)
    assert {k: v for k, v in missing.items() if k != "id"} == {k: v for k, v in result.items() if k != "id"}
    assert client.get("/iiif/web/image/00000000-0000-4000-8000-000000000000/info.json").status_code == 404
    # Connecté·e sans droit sur l'archive : 403, même formulation publique.
    user = django_user_model.objects.create_user("visiteuse", password="x")
    client.force_login(user)
    refused = json.loads(client.get(probe_url).content)
    assert refused["status"] == 403 and refused["heading"] == result["heading"]


@pytest.mark.django_db
def test_a_rebuilt_pyramid_is_a_new_version_and_the_old_one_goes(body_map, client, django_capture_on_commit_callbacks):
    from media_library.flows.request_renditions import request_renditions

    old = pyramid(body_map)
    old_root = old.file.name.rsplit("/", 1)[0]
    assert default_storage.exists(old.file.name)
    with django_capture_on_commit_callbacks(execute=True):
        request_renditions(body_map.files.first(), kinds=["iiif"], force=True)
    new = pyramid(body_map)
    assert new.pk == old.pk and new.file.name != old.file.name and new.settings_hash == old.settings_hash
    assert default_storage.exists(new.file.name)
    assert not default_storage.exists(old.file.name)
    assert not default_storage.exists(f"{old_root}/full/700,1050/0/default.jpg")
    assert client.get(base_url(body_map) + "/full/700,1050/0/default.jpg").status_code == 200


@pytest.mark.django_db
def test_a_damaged_image_fails_with_a_french_reason_and_keeps_its_original(project, media_dir, django_capture_on_commit_callbacks):
    from consent.testing import grant
    from media_library.models import MediaFile, ProcessingJob
    from media_library.processing.jobs import run_job
    from media_library.tests.factories import WorkFactory
    from media_library import testing

    work = WorkFactory(project=project, title_fr="Photo abîmée", kind="photovoice")
    grant(work)
    path = testing.make_image(media_dir / "ok.jpg", size=(900, 700))
    from media_library.flows.ingest import ingest_file

    with django_capture_on_commit_callbacks(execute=True):
        media = ingest_file(work, path)
    media = MediaFile.objects.get(work=work)
    # L'original est abîmé après coup dans le stockage (disque) : la pyramide refaite échoue proprement.
    full = media.file.path
    data = open(full, "rb").read()
    with open(full, "wb") as fh:
        fh.write(data[: len(data) // 3])
    job = ProcessingJob.objects.create(media_file=media, rendition_kinds=["iiif"], force=True)
    job = run_job(job.pk)
    assert job.status == ProcessingJob.Status.FAILED
    assert "original est conservé" in job.error
    assert open(full, "rb").read() == data[: len(data) // 3]
    # L'ancienne pyramide reste servie tant qu'aucune nouvelle n'est publiée.
    rendition = Rendition.objects.get(media_file=media, kind="iiif")
    assert default_storage.exists(rendition.file.name)


def test_the_museum_space_is_issued_by_the_surface_never_chosen_by_the_requester(settings):
    """Comme pour les fichiers : « musée » n'est obtenu que par le jeton qu'émet la page d'écoute du musée."""
    import time

    assert channel_for("web") == "website"
    issued = space_for("museum")
    assert issued.startswith("m-") and channel_for(issued) == "museum"
    assert channel_for("m-museum") == "website"  # jeton forgé
    assert channel_for(issued[:-2] + "xx") == "website"  # jeton modifié
    settings.PAROLES_FILE_LINK_SECONDS = -1
    time.sleep(0.01)
    assert channel_for(issued) == "website"  # jeton expiré
