"""Vrai navigateur (Chromium de Debian, Playwright) : exposition, vidéo sous-titrée, body map, téléchargement.

Captures d'écran dans test-artifacts/.
"""

import pytest

from media_library.models import WorkKind
from media_library.tests.factories import PartnerFactory
from paroles.browser_testing import ARTIFACTS

from . import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def add_subtitles(work):
    from transcription.models import Cue, SubtitleTrack

    track = SubtitleTrack.objects.create(work=work, language="fr", status=SubtitleTrack.Status.IN_REVIEW)
    Cue.objects.create(track=track, position=0, start_ms=0, end_ms=1800, text="Bonjour, je m'appelle Awa.")
    track.approve(allow_issues=True)
    return track


def login(page, live_server, username):
    page.goto(live_server.url + "/animateurs/connexion/")
    page.fill("#id_username", username)
    page.fill("#id_password", "mot-de-passe-de-test")
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/connexion/" not in url)  # connectée : la page d'après, pas le formulaire


def test_exhibition_video_bodymap_and_toolkit_download(chromium, live_server, tmp_path):
    from media_library.tests.factories import UserFactory

    bodymap = f.work_with_file(tmp_path, kind=WorkKind.BODY_MAP, title="Carte de Fanta")
    capsule = f.work_with_file(tmp_path, kind=WorkKind.CAPSULE, title="Capsule sous-titrée", pseudonym="Mariam")
    add_subtitles(capsule)
    exhibition = f.exhibition([bodymap, capsule], kind="online", publish=True)
    aracem, ame = PartnerFactory(name="ARACEM"), PartnerFactory(name="AME")
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")
    aracem.users.add(alice)
    ame.users.add(bob)
    toolkit = f.toolkit([(capsule, [aracem])])
    material = toolkit.materials.first()

    context = chromium.new_context(viewport={"width": 390, "height": 844}, accept_downloads=True)  # téléphone
    page = context.new_page()
    external = []
    page.on("request", lambda r: external.append(r.url) if not r.url.startswith(live_server.url) else None)
    page.goto(live_server.url + exhibition.url)
    assert page.locator("h1").inner_text() == "Nos corps, nos chemins"

    # Vidéo avec sous-titres : la piste se charge et la lecture avance.
    video = page.locator("video").first
    assert page.locator("video track[srclang=fr]").count() == 1
    page.evaluate("""() => { const v = document.querySelector('video'); v.muted = true;
        v.textTracks[0].mode = 'showing'; return v.play(); }""")
    page.wait_for_function("() => document.querySelector('video').currentTime > 0.3", timeout=15000)
    cues = page.evaluate("() => { const t = document.querySelector('video').textTracks[0]; return t.cues ? t.cues.length : 0; }")
    assert cues >= 1
    video.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "exposition-video-sous-titres.png"))

    # Body map : zoom profond IIIF (OpenSeadragon, voir iiif/tests/test_viewer_browser.py) ; agrandir au
    # bouton puis au clavier, ouvrir un détail numéroté d'un toucher.
    fig = page.locator("[data-bodymap][data-iiif]").first
    fig.scroll_into_view_if_needed()
    page.wait_for_function("(fig) => fig.dataset.ready === '1'", arg=fig.element_handle(), timeout=20000)
    zoom = "(fig) => fig.querySelector('.bodymap-osd').parolesViewer.viewport.getZoom(true)"
    home = page.evaluate(zoom, fig.element_handle())
    fig.locator("button[data-zoom=in]").click()
    page.wait_for_function(f"(fig) => ({zoom})(fig) > {home} * 1.4", arg=fig.element_handle())
    fig.locator(".openseadragon-canvas").focus()
    page.keyboard.press("+")
    page.wait_for_function(f"(fig) => ({zoom})(fig) > {home} * 1.5", arg=fig.element_handle())
    fig.locator("button[data-zoom=home]").click()
    fig.locator(".hotspot").first.click()
    assert "active" in (page.locator(".bodymap-details li").first.get_attribute("class") or "")
    assert "La tête" in fig.locator(".bodymap-open").inner_text()
    page.screenshot(path=str(ARTIFACTS / "exposition-body-map-zoom.png"))
    assert external == [], f"requêtes externes : {external}"

    # Animatrice d'ARACEM : téléchargement réel de la version téléphone.
    login(page, live_server, "alice")
    page.goto(live_server.url + toolkit.url)
    link = page.locator(f"#support-{material.pk} .downloads a[data-what=phone]").first
    with page.expect_download() as info:
        link.click()
    download = info.value
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    assert target.stat().st_size > 1000 and target.read_bytes()[4:8] == b"ftyp"
    page.screenshot(path=str(ARTIFACTS / "boite-a-outils-animatrice.png"))
    href = link.get_attribute("href")
    context.close()

    # Animateur d'une autre organisation : le même fichier est refusé.
    other = chromium.new_context(viewport={"width": 390, "height": 844})
    page = other.new_page()
    login(page, live_server, "bob")
    response = page.request.get(live_server.url + href)
    assert response.status == 403
    page.goto(live_server.url + toolkit.url)
    assert page.locator(f"#support-{material.pk} .downloads").count() == 0
    page.screenshot(path=str(ARTIFACTS / "boite-a-outils-autre-organisation.png"))
    other.close()
