"""Vrai navigateur (Chromium de Debian, Playwright) : une photo Photo Voice en zoom profond IIIF
(OpenSeadragon), au téléphone (360 × 740, tactile) et sur ordinateur, les mots de l'enfant tels qu'écrits.
Captures dans test-artifacts/."""

import io

import pytest
from PIL import Image, ImageStat

from iiif.testing import WORDS, WORDS_BM, photovoice_exhibition
from paroles.browser_testing import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWER = "fig.querySelector('.bodymap-osd').parolesViewer"
FITS = f"""(fig) => {{ const v = {VIEWER};
  const b = v.viewport.getBounds(true), i = v.world.getItemAt(0).getBounds(true), e = 0.002;
  return i.x >= b.x - e && i.y >= b.y - e && i.x + i.width <= b.x + b.width + e && i.y + i.height <= b.y + b.height + e
    && (i.width >= b.width * 0.95 - e || i.height >= b.height * 0.95 - e); }}"""
ZOOM = f"(fig) => {VIEWER}.viewport.getZoom(true)"
HOME = f"(fig) => {VIEWER}.viewport.getHomeZoom()"
LOADED = f"(fig) => {{ const v = {VIEWER}; return v && v.world.getItemCount() === 1 && v.world.getItemAt(0).getFullyLoaded(); }}"


@pytest.mark.parametrize("device", [
    {"name": "telephone", "viewport": {"width": 360, "height": 740}, "has_touch": True, "is_mobile": True},
    {"name": "ordinateur", "viewport": {"width": 1280, "height": 800}, "has_touch": False, "is_mobile": False},
], ids=["telephone", "ordinateur"])
def test_photovoice_opens_whole_zooms_and_keeps_the_words_verbatim(chromium, live_server, tmp_path, device):
    work, page_obj = photovoice_exhibition(tmp_path, size=(1600, 1200))
    context = chromium.new_context(viewport=device["viewport"], has_touch=device["has_touch"],
                                   is_mobile=device["is_mobile"])
    page = context.new_page()
    external, problems, images = [], [], []
    page.on("request", lambda r: external.append(r.url) if not r.url.startswith(live_server.url) else None)
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("response", lambda r: images.append(r.url) if r.request.resource_type == "image" else None)
    page.goto(live_server.url + page_obj.url)

    fig = page.locator("[data-photovoice][data-iiif]").first
    fig.scroll_into_view_if_needed()
    handle = fig.element_handle()
    page.wait_for_function("(fig) => fig.dataset.ready === '1'", arg=handle, timeout=20000)
    page.wait_for_function(LOADED, arg=handle, timeout=20000)

    # Les mots de l'enfant, exactement tels qu'écrits (espaces, fautes, ponctuation), en français et en bambara.
    quotes = fig.locator("blockquote.verbatim")
    assert quotes.nth(0).evaluate("(q) => q.textContent") == WORDS
    assert quotes.nth(1).evaluate("(q) => q.textContent") == WORDS_BM
    assert quotes.nth(1).get_attribute("lang") == "bm"

    # À l'ouverture, la photo entière est visible et le canevas n'est pas vide.
    assert page.evaluate(FITS, handle)
    shot = Image.open(io.BytesIO(fig.locator(".bodymap-osd").screenshot())).convert("L")
    assert ImageStat.Stat(shot).stddev[0] > 10, "le canevas est vide"
    page.screenshot(path=str(ARTIFACTS / f"iiif-photovoice-{device['name']}.png"))
    # Seules les tuiles IIIF ont été chargées (jamais l'original ni le grand JPEG).
    assert images and all("/iiif/web/image/" in url for url in images), images
    assert fig.locator("img").count() == 0

    # Clavier : « + » agrandit, la flèche déplace, « 0 » revient à la photo entière.
    home = page.evaluate(HOME, handle)
    fig.locator(".openseadragon-canvas").focus()
    page.keyboard.press("+")
    page.wait_for_function(f"(fig) => ({ZOOM})(fig) > {home} * 1.05", arg=handle)
    center = page.evaluate(f"(fig) => {VIEWER}.viewport.getCenter(true).x", handle)
    page.evaluate(f"""(fig) => {{ const v = {VIEWER};
        window.parolesIdle = new Promise((done) => v.addOnceHandler('animation-finish', () => done(true))); }}""", handle)
    page.keyboard.press("ArrowRight")
    assert page.evaluate("() => window.parolesIdle")
    assert page.evaluate(f"(fig) => {VIEWER}.viewport.getCenter(true).x", handle) > center
    page.keyboard.press("0")
    page.wait_for_function(f"(fig) => Math.abs(({ZOOM})(fig) - {home}) < {home} * 0.01", arg=handle)
    page.wait_for_function(FITS, arg=handle, timeout=10000)
    # Les boutons.
    fig.locator("button[data-zoom=in]").click()
    page.wait_for_function(f"(fig) => ({ZOOM})(fig) > {home} * 1.2", arg=handle)
    fig.locator("button[data-zoom=home]").click()
    page.wait_for_function(f"(fig) => Math.abs(({ZOOM})(fig) - {home}) < {home} * 0.01", arg=handle)

    if device["has_touch"]:
        # Toucher : pincer pour agrandir (événements tactiles réels du protocole CDP).
        box = fig.locator(".bodymap-osd").bounding_box()
        cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        cdp = context.new_cdp_session(page)

        def touch(kind, d):
            points = [] if kind == "touchEnd" else [{"x": cx - d, "y": cy, "id": 1}, {"x": cx + d, "y": cy, "id": 2}]
            cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

        touch("touchStart", 10)
        for d in range(20, 120, 10):
            touch("touchMove", d)
        touch("touchEnd", 0)
        page.wait_for_function(f"(fig) => ({ZOOM})(fig) > {home} * 1.5", arg=handle)
    assert external == [], f"requêtes externes : {external}"
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems
    context.close()
