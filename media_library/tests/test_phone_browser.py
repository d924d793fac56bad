"""Le lien public « Version légère pour téléphone » se lit dans Chromium, et « télécharger » enregistre un
fichier au nom lisible (Chromium de Debian via Playwright ; captures dans test-artifacts/).

Avant : la CSP `sandbox` du fichier donnait au document vidéo ouvert seul une origine opaque ; sa propre
requête média (`media-src 'self'`) était bloquée et la vidéo ne démarrait jamais.
"""

import pytest

from media_library import testing
from media_library.models import Rendition
from media_library.flows.ingest import ingest_file
from paroles.browser_testing import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def film(cleared_work, media_dir):
    src = testing.make_video(media_dir / "capsule.mp4", seconds=4, size="320x240")
    media = ingest_file(cleared_work, src)  # hors transaction de test : le travail de rendus s'exécute
    assert Rendition.objects.filter(media_file=media, kind="phone").exists()
    return media


def test_phone_link_plays_and_downloads(chromium, live_server, film, tmp_path):
    ARTIFACTS.mkdir(exist_ok=True)
    context = chromium.new_context(locale="fr-FR", accept_downloads=True)
    page = context.new_page()
    csp_errors = []
    page.on("console", lambda msg: csp_errors.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.goto(live_server.url + film.work.get_absolute_url())
    link = page.get_by_role("link", name="Version légère pour téléphone")
    href = link.get_attribute("href")
    assert href.startswith("/fichiers/rendu/") and "-phone.mp4" in href

    # Ouvert seul, comme sur un téléphone : le document média doit charger et lire la vidéo.
    response = page.goto(live_server.url + href)
    assert response.status == 200 and response.headers["content-type"] == "video/mp4"
    assert "sandbox" not in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    # La CSP du fichier interdit eval (voulu) : les sondes de Playwright (wait_for_function) en dépendent.
    # On attend donc par le protocole DevTools, dans le document lui-même : la lecture qui avance.
    cdp = context.new_cdp_session(page)
    played = cdp.send("Runtime.evaluate", {"awaitPromise": True, "returnByValue": True, "expression": """
        new Promise((resolve, reject) => {
          const v = document.querySelector('video');
          if (!v) return reject('pas de vidéo');
          v.addEventListener('error', () => reject('erreur ' + (v.error && v.error.code)));
          v.addEventListener('timeupdate', () => {
            if (v.currentTime > 0.5) resolve({t: v.currentTime, ready: v.readyState, error: v.error});
          });
          v.muted = true;
          v.play().catch(e => reject(String(e)));
        })"""})
    assert "exceptionDetails" not in played, played
    value = played["result"]["value"]
    assert value["t"] > 0.5 and value["ready"] >= 2 and value["error"] is None
    page.screenshot(path=str(ARTIFACTS / "phone-link-playing.png"))
    assert csp_errors == []

    # « télécharger » : un fichier enregistré, avec le nom proposé par Content-Disposition.
    page.goto(live_server.url + film.work.get_absolute_url())
    with page.expect_download() as info:
        page.locator("p.player-alt a[download]").first.click()
    download = info.value
    assert download.suggested_filename == "capsule-phone.mp4"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    data = saved.read_bytes()
    assert data[4:8] == b"ftyp" and len(data) == Rendition.objects.get(media_file=film, kind="phone").size
    context.close()
