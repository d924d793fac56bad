"""Chapitres dans un vrai navigateur (Chromium via Playwright) : l'éditeur de l'administration et la
page publique où un visiteur saute d'un chapitre à l'autre. Captures dans test-artifacts/."""

import pytest

from media_library import testing
from media_library.models import Chapter, Rendition
from media_library.flows.ingest import ingest_file
from paroles.browser_testing import ARTIFACTS, session_cookie

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def film(cleared_work, media_dir):
    src = testing.make_video(media_dir / "film.mp4", seconds=8, size="320x240")
    media = ingest_file(cleared_work, src)  # hors transaction de test : le travail de rendus s'exécute
    assert Rendition.objects.filter(media_file=media, kind="web").exists()
    return media


def _wait_metadata(page, selector):
    page.wait_for_function(f"() => document.querySelector('{selector}').readyState >= 1", timeout=15000)


def test_chapter_editor_in_browser(chromium, live_server, film, admin_user):
    ARTIFACTS.mkdir(exist_ok=True)
    work = film.work
    Chapter.objects.create(work=work, media_file=film, start=0, end=3, title_fr="Le départ", title_bm="Taa")
    context = chromium.new_context(locale="fr-FR", viewport={"width": 1400, "height": 1000})
    context.add_cookies([session_cookie(live_server, admin_user)])
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_server.url}/admin/archives/oeuvres/{work.pk}/chapitres/")
    _wait_metadata(page, "#pl-player")
    # Le segment du chapitre existant est placé sur la frise (0 à 3 s sur 8 s).
    seg_width = page.eval_on_selector("[data-seg]", "el => el.style.width")
    assert seg_width.startswith("37.5")
    # Placer le lecteur à 4 s, « Début = instant actuel » ; à 6,5 s, « Fin = instant actuel ».
    page.evaluate("document.getElementById('pl-player').currentTime = 4")
    page.wait_for_function("() => Math.abs(document.getElementById('pl-player').currentTime - 4) < 0.05")
    page.click("[data-set=start]")
    page.evaluate("document.getElementById('pl-player').currentTime = 6.5")
    page.wait_for_function("() => Math.abs(document.getElementById('pl-player').currentTime - 6.5) < 0.05")
    page.click("[data-set=end]")
    assert page.input_value("input[name=start]") == "0:04"
    assert page.input_value("input[name=end]") == "0:06,5"
    page.fill("input[name=title_fr]", "L'arrivée")
    page.fill("input[name=title_bm]", "Sera")
    # Cliquer sur la frise déplace le lecteur (au quart : 2 s).
    # Comme la personne : la frise d'abord visible (la saisie des titres a pu faire défiler la page), puis
    # un clic au quart de sa largeur ; Playwright vérifie que c'est bien la frise qui reçoit le clic.
    timeline = page.locator("[data-timeline]")
    timeline.scroll_into_view_if_needed()
    box = timeline.bounding_box()
    timeline.click(position={"x": box["width"] / 4, "y": box["height"] / 2})
    try:
        page.wait_for_function("() => Math.abs(document.getElementById('pl-player').currentTime - 2) < 0.3")
    except Exception as exc:
        state = page.evaluate("() => [window.scrollY, document.getElementById('pl-player').currentTime, "
                              "document.getElementById('pl-player').duration]")
        raise AssertionError(f"le clic sur la frise n'a pas déplacé le lecteur : boîte {box}, "
                             f"défilement, instant, durée = {state}") from exc
    page.screenshot(path=str(ARTIFACTS / "chapitres-editeur.png"), full_page=True)
    with page.expect_navigation():  # la page d'après l'envoi, pas celle d'avant
        page.click("button[type=submit]:has-text('Enregistrer le chapitre')")
    assert Chapter.objects.filter(title_fr="L'arrivée", start=4, end=6.5, title_bm="Sera").exists()
    # Un chapitre qui dépasse la durée est refusé avec un message clair.
    page.fill("input[name=start]", "0:05")
    page.fill("input[name=end]", "0:20")
    page.fill("input[name=title_fr]", "Trop long")
    with page.expect_navigation():  # la page d'après l'envoi, pas celle d'avant
        page.click("button[type=submit]:has-text('Enregistrer le chapitre')")
    assert "dépasse la durée du média" in page.content()
    page.screenshot(path=str(ARTIFACTS / "chapitres-editeur-erreur.png"), full_page=True)
    # La liste des travaux de fond : le travail de rendus de l'original est « Terminé », à 100 %.
    page.goto(f"{live_server.url}/admin/archives/travaux/")
    row = page.locator("tr[data-job-id]").first
    assert row.get_attribute("data-job-status") == "done"
    assert "100 %" in row.inner_text() and "Terminé" in row.inner_text()
    page.screenshot(path=str(ARTIFACTS / "travaux-de-fond.png"), full_page=True)
    assert errors == []


def test_visitor_jumps_between_chapters(chromium, live_server, film):
    ARTIFACTS.mkdir(exist_ok=True)
    work = film.work
    Chapter.objects.create(work=work, media_file=film, start=0, end=3, title_fr="Le départ", title_bm="Taa")
    Chapter.objects.create(work=work, media_file=film, start=3, end=5.5, title_fr="La route")
    Chapter.objects.create(work=work, media_file=film, start=5.5, end=8, title_fr="L'arrivée")
    context = chromium.new_context(locale="fr-FR", viewport={"width": 1200, "height": 1000})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    requests = []
    page.on("request", lambda req: requests.append(req.url))
    page.goto(live_server.url + work.get_absolute_url())
    # preload="none" : rien ne se charge avant le geste ; choisir un chapitre lance la lecture à son début.
    page.click("li[data-chapter]:nth-child(2) .chapter-jump")
    page.wait_for_function("() => Math.abs(document.querySelector('[data-paroles-player]').currentTime - 3) < 0.5")
    page.evaluate("document.querySelector('[data-paroles-player]').pause()")
    assert page.get_attribute("li[data-chapter]:nth-child(2)", "aria-current") == "true"
    page.click("[data-chapter-next]")
    page.wait_for_function("() => document.querySelector('[data-paroles-player]').currentTime >= 5.4")
    page.evaluate("document.querySelector('[data-paroles-player]').pause()")
    page.click("[data-chapter-prev]")
    page.wait_for_function("() => Math.abs(document.querySelector('[data-paroles-player]').currentTime - 3) < 0.5")
    page.evaluate("document.querySelector('[data-paroles-player]').pause()")
    page.screenshot(path=str(ARTIFACTS / "chapitres-page-publique.png"), full_page=True)
    # Le lecteur lit le rendu web par la porte ; rien ne vient d'ailleurs que du site.
    assert any("/fichiers/rendu/" in url for url in requests)
    assert all(url.startswith(live_server.url) or url.startswith("data:") for url in requests)
    assert errors == []
