"""Un visionneur IIIF tiers (Mirador 4, paquet npm, fichier construit dans iiif/tests/viewer/) lit notre
manifeste de body map : il en affiche le titre, le canevas et les annotations des détails numérotés. Chromium de Debian, Playwright ; rien ne sort de la machine."""

import io
import time
from pathlib import Path

import pytest
from PIL import Image, ImageStat

from iiif.testing import body_map_exhibition
from paroles.browser_testing import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWER = Path(__file__).parent / "viewer"
TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8"}


def test_mirador_shows_our_body_map_canvas_and_its_annotations(chromium, live_server, tmp_path):
    _work, page_obj = body_map_exhibition(tmp_path, size=(1200, 1800))
    from iiif.manifests import image_blocks

    block_id = next(image_blocks(page_obj))[0]
    # La page du visionneur est servie par Playwright (jamais par le site, qui ne livre pas Mirador).
    # Chromium interdit à une origine « publique » d'appeler une adresse locale (Local Network Access) :
    # la page est donc posée sur l'origine du serveur de test ; les en-têtes CORS sont vérifiés ailleurs.
    museum = f"{live_server.url}/__visionneur_de_test__"
    manifest = f"{live_server.url}/iiif/web/exposition/{page_obj.pk}/bloc/{block_id}/manifest.json"

    context = chromium.new_context(viewport={"width": 1280, "height": 800})
    outside = []

    def museum_site(route):
        name = route.request.url.split("?")[0].rsplit("/", 1)[-1] or "index.html"
        path = VIEWER / name
        if path.is_file() and path.suffix in TYPES:
            route.fulfill(body=path.read_bytes(), content_type=TYPES[path.suffix])
        else:
            route.fulfill(status=404, body="")

    context.route(f"{museum}/**", museum_site)
    page = context.new_page()
    page.on("request", lambda r: outside.append(r.url)
            if not (r.url.startswith(live_server.url) or r.url.startswith("data:")
                    or r.url.startswith("blob:")) else None)
    tiles, failed = [], []
    page.on("requestfailed", lambda r: failed.append((r.url, r.failure)))
    page.on("console", lambda m: failed.append(("console", m.text[:300])) if m.type in ("error", "log") else None)
    page.on("pageerror", lambda e: failed.append(("pageerror", str(e)[:300])))
    page.on("response", lambda r: tiles.append((r.url, r.status)) if "/iiif/web/image/" in r.url else None)
    page.goto(f"{museum}/index.html?manifest={manifest}")

    # Le canevas : OpenSeadragon de Mirador dessine nos tuiles (demandées à notre service d'image).
    page.locator(".openseadragon-canvas canvas").first.wait_for(timeout=60000)
    page.wait_for_function("() => document.querySelectorAll('.openseadragon-canvas canvas').length > 0")
    page.screenshot(path=str(ARTIFACTS / "iiif-mirador-body-map.png"))
    # Le titre du manifeste (français ou bambara, selon la langue que choisit Mirador).
    try:
        page.wait_for_function("() => /Le chemin de Mariam|Mariam ka sira/.test(document.body.innerText)",
                               timeout=30000)
    except Exception as exc:
        raise AssertionError(f"manifeste non affiché : {failed} {tiles}") from exc
    # Les annotations : le panneau « Annotations » de Mirador liste les trois détails numérotés.
    page.get_by_role("tab", name="Annotations").first.click()
    for text in ("La tête", "La main", "Les pieds"):
        page.get_by_text(text, exact=False).first.wait_for(timeout=30000)
    assert page.get_by_text("3 annotations", exact=False).count() >= 1 or page.get_by_text("La route jusqu'à Bamako", exact=False).count() >= 1
    # Mirador dessine vraiment NOS pixels : il lit l'info.json, demande des tuiles au service d'image
    # (réponses 200, JPEG) et le canevas d'OpenSeadragon n'est pas vide.
    try:
        page.wait_for_function("""() => { const s = window.miradorInstance.store.getState().infoResponses;
            return Object.values(s).some((r) => r.json && !r.isFetching); }""", timeout=30000)
        page.wait_for_function("""() => performance.getEntriesByType('resource')
            .some((e) => /\\/iiif\\/web\\/image\\/.*\\/default\\.jpg$/.test(e.name))""", timeout=30000)
    except Exception as exc:
        raise AssertionError(f"Mirador ne dessine pas nos tuiles : {failed} {tiles}") from exc
    images = [(url, status) for url, status in tiles if url.endswith("/default.jpg")]
    assert any(url.endswith("/info.json") and status == 200 for url, status in tiles), tiles
    assert images and all(status == 200 for _url, status in images), tiles
    assert all(status == 200 for _url, status in tiles), tiles
    # Le canevas se remplit une fois les tuiles décodées : on regarde (captures successives, 30 s au plus).
    deadline, spread = time.monotonic() + 30, 0
    while spread <= 10 and time.monotonic() < deadline:
        shot = Image.open(io.BytesIO(page.locator(".openseadragon-canvas").first.screenshot())).convert("L")
        spread = ImageStat.Stat(shot).stddev[0]
    assert spread > 10, "le canevas de Mirador est vide"
    assert not [f for f in failed if f[0] == "pageerror" or "TypeError" in f[1]], failed
    page.screenshot(path=str(ARTIFACTS / "iiif-mirador-body-map.png"))
    assert outside == [], f"requêtes hors de la machine : {outside}"
    context.close()
