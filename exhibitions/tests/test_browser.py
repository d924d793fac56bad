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


def test_a_clip_shows_its_own_poster_and_plays_with_its_own_subtitles(chromium, live_server, tmp_path):
    """Un bloc « Extrait (chapitre) » dans Chromium : avant la lecture, l'affiche de l'extrait (pas un cadre
    noir) ; à la lecture, les sous-titres de sa fenêtre seule, qui commencent à 0."""
    from exhibitions.flows.prepare_clips import request_page_clips
    from exhibitions.models import ExhibitionPage
    from media_library.processing.jobs import run_job
    from transcription.models import Cue, SubtitleTrack

    capsule = f.work_with_file(tmp_path, kind=WorkKind.CAPSULE, title="Capsule à extraits")
    track = SubtitleTrack.objects.create(work=capsule, language="fr", status=SubtitleTrack.Status.IN_REVIEW)
    Cue.objects.create(track=track, position=0, start_ms=0, end_ms=900, text="Premier temps, hors de l'extrait.")
    Cue.objects.create(track=track, position=1, start_ms=1000, end_ms=1900, text="Second temps, dans l'extrait.")
    track.approve(allow_issues=True)
    clip = {"type": "chapter_clip", "value": {"work": capsule.pk, "title_fr": "Le second temps", "title_bm": "",
                                              "start": 1.0, "end": 2.0, "note_fr": "", "note_bm": ""}}
    page_obj = ExhibitionPage(title="Extraits", slug="extraits", kind="online", body=[{"type": "section", "value": {
        "title_fr": "Salle 1", "title_bm": "", "intro_fr": "", "intro_bm": "", "content": [clip]}}])
    f.index_page().add_child(instance=page_obj)
    page_obj.save_revision().publish()
    for job in request_page_clips(page_obj):  # ce que fait la publication, sans attendre le travailleur
        run_job(job.pk)

    context = chromium.new_context(viewport={"width": 390, "height": 844})  # téléphone
    page = context.new_page()
    external = []
    page.on("request", lambda r: external.append(r.url) if not r.url.startswith(live_server.url) else None)
    page.goto(live_server.url + page_obj.url)
    video = page.locator("figure.clip video")
    poster = video.get_attribute("poster")
    assert poster and "/fichiers/" in poster
    response = page.request.get(live_server.url + poster if poster.startswith("/") else poster)
    assert response.status == 200 and response.headers["content-type"] == "image/jpeg"
    video.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "extrait-affiche.png"))
    video.evaluate("v => { v.muted = true; v.textTracks[0].mode = 'showing'; return v.play(); }")
    page.wait_for_function("v => v.textTracks[0].cues && v.textTracks[0].cues.length > 0", arg=video.element_handle())
    cues = video.evaluate("v => Array.from(v.textTracks[0].cues).map(c => [c.startTime, c.endTime, c.text])")
    assert cues == [[0, 0.9, "Second temps, dans l'extrait."]]
    assert video.evaluate("v => v.duration") < 1.5
    assert external == [], f"requêtes externes : {external}"
    context.close()
