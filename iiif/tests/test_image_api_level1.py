"""IIIF Image API 3.0, niveau 1 de conformité : une vérification par fonction du niveau, codes exacts.

Les images à la carte sont produites par libvips depuis la pyramide stockée (jamais depuis l'original),
bornées (`maxWidth`, `maxHeight`, `maxArea` de l'info.json), mises en cache dans l'arborescence du rendu
et servies par la porte. Une requête mal formée reçoit 400 ; une œuvre refusée, 404 comme l'absence.
"""

import io
import json

import pytest
from django.core.files.storage import default_storage
from PIL import Image, ImageStat

from consent.models import ConsentRecord
from iiif.image_request import Canonical
from consent.testing import withdraw_all
from media_library.models import Rendition

pytestmark = pytest.mark.django_db

MISSING = "/iiif/web/image/00000000-0000-4000-8000-000000000000"


def base_url(work):
    return f"/iiif/web/image/{work.files.first().uuid}"


def image(response):
    assert response.status_code == 200, (response.status_code, getattr(response, "content", b"")[:200])
    assert response["Content-Type"] == "image/jpeg"
    data = b"".join(response.streaming_content) if response.streaming else response.content
    img = Image.open(io.BytesIO(data))
    assert img.format == "JPEG"
    return img.convert("RGB")


def reference(work, box, size):
    """La même région, réduite par Pillow depuis l'original (pour comparer les pixels, pas pour servir)."""
    with work.files.first().file.open("rb") as fh:
        return Image.open(fh).convert("RGB").crop(box).resize(size, Image.LANCZOS)


def close_to(img, ref, tolerance=10):
    """Mêmes pixels à peu de chose près (JPEG, autre noyau de réduction) : écart moyen après un léger flou."""
    from PIL import ImageChops, ImageFilter

    blur = ImageFilter.GaussianBlur(2)
    mean = ImageStat.Stat(ImageChops.difference(img.filter(blur), ref.filter(blur))).mean
    return max(mean) < tolerance, mean


@pytest.fixture
def info(body_map, client):
    return json.loads(client.get(base_url(body_map) + "/info.json").content)


def test_info_json_declares_level1_and_its_bounds(body_map, client, info):
    assert info["profile"] == "level1"
    assert info["maxWidth"] == 4096 and info["maxHeight"] == 4096 and info["maxArea"] == 4_194_304
    assert info["extraFeatures"] == ["sizeByConfinedWh"]
    # Validée par le schéma JSON de l'info.json : les champs obligatoires et leurs types.
    for key, kind in (("id", str), ("type", str), ("protocol", str), ("profile", str), ("width", int),
                      ("height", int), ("maxWidth", int), ("maxHeight", int), ("maxArea", int)):
        assert isinstance(info[key], kind), key


def test_region_by_px(body_map, client):
    img = image(client.get(f"{base_url(body_map)}/100,200,300,400/300,400/0/default.jpg"))
    assert img.size == (300, 400)
    ok, detail = close_to(img, reference(body_map, (100, 200, 400, 600), (300, 400)))
    assert ok, detail
    # Une région qui déborde est rognée à l'image (§ 4.1) : 1400 − 1300 = 100 de large.
    assert image(client.get(f"{base_url(body_map)}/1300,0,500,100/max/0/default.jpg")).size == (100, 100)


def test_region_square(body_map, client):
    img = image(client.get(f"{base_url(body_map)}/square/200,/0/default.jpg"))
    assert img.size == (200, 200)
    ok, detail = close_to(img, reference(body_map, (0, 350, 1400, 1750), (200, 200)))
    assert ok, detail


def test_size_by_w(body_map, client):
    assert image(client.get(f"{base_url(body_map)}/full/300,/0/default.jpg")).size == (300, 450)


def test_size_by_h(body_map, client):
    assert image(client.get(f"{base_url(body_map)}/full/,300/0/default.jpg")).size == (200, 300)


def test_size_by_wh_may_distort(body_map, client):
    assert image(client.get(f"{base_url(body_map)}/full/300,300/0/default.jpg")).size == (300, 300)


def test_size_max_and_confined(body_map, client):
    assert image(client.get(f"{base_url(body_map)}/full/max/0/default.jpg")).size == (1400, 2100)
    assert image(client.get(f"{base_url(body_map)}/full/!300,300/0/default.jpg")).size == (200, 300)


def test_rotation_0_quality_default_format_jpg_only(body_map, client):
    base = base_url(body_map)
    assert client.get(f"{base}/full/100,/0/default.jpg").status_code == 200
    for url in (f"{base}/full/100,/90/default.jpg", f"{base}/full/100,/!0/default.jpg",
                f"{base}/full/100,/0/gray.jpg", f"{base}/full/100,/0/color.jpg",
                f"{base}/full/100,/0/default.png", f"{base}/full/100,/0/default.webp"):
        response = client.get(url)
        assert response.status_code == 400, url
        assert response["Content-Type"].startswith("text/plain") and response.content.decode()


@pytest.mark.parametrize("region,size", [
    ("0,0,0,10", "max"), ("pct:0,0,50,50", "max"), ("a,b,c,d", "max"), ("0,0,10", "max"), ("-1,0,10,10", "max"),
    ("full", "0,"), ("full", ",0"), ("full", "abc"), ("full", "^max"), ("full", "pct:50"), ("full", "!100,"),
    ("full", ","),
])
def test_malformed_parameters_are_400_even_for_an_absent_image(body_map, client, region, size):
    for base in (base_url(body_map), MISSING):
        response = client.get(f"{base}/{region}/{size}/0/default.jpg")
        assert response.status_code == 400, (base, region, size)
        assert "text/plain" in response["Content-Type"]


def test_impossible_requests_against_the_image_are_400(body_map, client):
    base = base_url(body_map)
    assert client.get(f"{base}/1400,0,10,10/max/0/default.jpg").status_code == 400  # hors de l'image
    assert client.get(f"{base}/0,0,100,100/200,/0/default.jpg").status_code == 400  # agrandissement
    assert client.get(f"{base}/full/1401,/0/default.jpg").status_code == 400
    # Absurde : borné par maxWidth / maxArea, refusé avant tout calcul.
    assert client.get(f"{base}/full/99999999,/0/default.jpg").status_code == 400


def test_absurd_sizes_refused_by_the_declared_bounds(body_map, client, settings):
    settings.PAROLES_IIIF_MAX_AREA = 100 * 100
    info = json.loads(client.get(base_url(body_map) + "/info.json").content)
    assert info["maxArea"] == 10_000
    response = client.get(f"{base_url(body_map)}/full/200,/0/default.jpg")
    assert response.status_code == 400 and "trop grande" in response.content.decode()
    # `max` respecte les bornes déclarées.
    w, h = image(client.get(f"{base_url(body_map)}/full/max/0/default.jpg")).size
    assert w * h <= 10_000 and abs(w / h - 1400 / 2100) < 0.02


def test_derived_images_are_cached_in_the_pyramid_tree_never_from_the_original(body_map, client, monkeypatch):
    from iiif.flows import derive_image

    rendition = Rendition.objects.get(media_file__work=body_map, kind="iiif")
    url = f"{base_url(body_map)}/10,20,600,700/300,350/0/default.jpg"
    original = body_map.files.first().file.name
    opened = []
    real_load = derive_image._load_tile
    monkeypatch.setattr(derive_image, "_load_tile", lambda storage, name: opened.append(name) or real_load(storage, name))
    first = image(client.get(url))
    assert original not in opened and opened and all("/tree-" in name for name in opened)
    cached = derive_image.derived_name(rendition, Canonical(10, 20, 600, 700, 300, 350, False))
    assert default_storage.exists(cached)
    renders = []
    monkeypatch.setattr(derive_image, "render", lambda *a: renders.append(a) or b"")
    assert image(client.get(url)).tobytes() == first.tobytes()  # servi depuis le cache, sans calcul
    assert renders == []


def test_derived_cache_is_bounded(body_map, client, settings):
    from iiif.flows import derive_image

    settings.PAROLES_IIIF_DERIVED_MAX = 2
    rendition = Rendition.objects.get(media_file__work=body_map, kind="iiif")
    names = []
    for n in range(3):
        assert client.get(f"{base_url(body_map)}/0,0,{300 + n},300/100,100/0/default.jpg").status_code == 200
        names.append(derive_image.derived_name(rendition, Canonical(0, 0, 300 + n, 300, 100, 100, False)))
    assert [default_storage.exists(n) for n in names] == [False, False, True]


def test_a_withdrawn_work_derived_images_are_refused_like_absence(body_map, client):
    url = f"{base_url(body_map)}/10,20,600,700/300,/0/default.jpg"
    assert client.get(url).status_code == 200
    withdraw_all(ConsentRecord.objects.get(work=body_map).participant)
    refused = client.get(url)
    absent = client.get(f"{MISSING}/10,20,600,700/300,/0/default.jpg")
    assert refused.status_code == absent.status_code == 404
    assert refused.content == absent.content
    # Même une requête qui serait impossible pour l'image ne dit rien de ses dimensions : 404.
    assert client.get(f"{base_url(body_map)}/5000,0,10,10/max/0/default.jpg").status_code == 404
    # Et rien n'est calculé pour une œuvre refusée.
    assert client.get(f"{base_url(body_map)}/0,0,333,333/111,/0/default.jpg").status_code == 404
    rendition = Rendition.objects.get(media_file__work=body_map, kind="iiif")
    root = rendition.file.name.rsplit("/", 1)[0]
    assert not default_storage.exists(f"{root}/derivees/0,0,333,333/111,111/0/default.jpg")
