"""Vrai navigateur (Chromium de Debian, Playwright) : la body map en zoom profond IIIF (OpenSeadragon),
au téléphone (360 × 740, tactile) et sur ordinateur. Captures dans test-artifacts/."""

import io

import pytest
from PIL import Image, ImageStat

from iiif.testing import body_map_exhibition
from paroles.browser_testing import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FITS = """(fig) => { const v = fig.querySelector('.bodymap-osd').parolesViewer;
  const b = v.viewport.getBounds(true), i = v.world.getItemAt(0).getBounds(true), e = 0.002;
  return i.x >= b.x - e && i.y >= b.y - e && i.x + i.width <= b.x + b.width + e && i.y + i.height <= b.y + b.height + e
    && (i.width >= b.width * 0.95 - e || i.height >= b.height * 0.95 - e); }"""
ZOOM = "(fig) => fig.querySelector('.bodymap-osd').parolesViewer.viewport.getZoom(true)"
HOME = "(fig) => fig.querySelector('.bodymap-osd').parolesViewer.viewport.getHomeZoom()"
LOADED = "(fig) => { const v = fig.querySelector('.bodymap-osd').parolesViewer; return v && v.world.getItemCount() === 1 && v.world.getItemAt(0).getFullyLoaded(); }"


@pytest.fixture
def exhibition(tmp_path):
    return body_map_exhibition(tmp_path, size=(1600, 2400))


@pytest.mark.parametrize("device", [
    {"name": "telephone", "viewport": {"width": 360, "height": 740}, "has_touch": True, "is_mobile": True},
    {"name": "ordinateur", "viewport": {"width": 1280, "height": 800}, "has_touch": False, "is_mobile": False},
], ids=["telephone", "ordinateur"])
def test_body_map_opens_whole_and_details_open_on_tap(chromium, live_server, exhibition, device):
    work, page_obj = exhibition
    context = chromium.new_context(viewport=device["viewport"], has_touch=device["has_touch"],
                                   is_mobile=device["is_mobile"])
    page = context.new_page()
    external, problems, images = [], [], []
    page.on("request", lambda r: external.append(r.url) if not r.url.startswith(live_server.url) else None)
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("response", lambda r: images.append(r.url) if r.request.resource_type == "image" else None)
    page.goto(live_server.url + page_obj.url)

    fig = page.locator("[data-bodymap][data-iiif]").first
    fig.scroll_into_view_if_needed()
    page.wait_for_function("(fig) => fig.dataset.ready === '1'", arg=fig.element_handle(), timeout=20000)
    assert fig.locator(".openseadragon-canvas canvas").count() >= 1
    handle = fig.element_handle()
    page.wait_for_function(LOADED, arg=handle, timeout=20000)

    # À l'ouverture, le tableau entier est visible (vue « maison ») et le dessin est bien là.
    assert page.evaluate(FITS, handle)
    shot = Image.open(io.BytesIO(fig.locator(".bodymap-osd").screenshot())).convert("L")
    assert ImageStat.Stat(shot).stddev[0] > 10, "le canevas est vide"
    page.screenshot(path=str(ARTIFACTS / f"iiif-body-map-{device['name']}.png"))
    # Seules les tuiles de la pyramide IIIF ont été chargées, jamais l'original ni le grand JPEG.
    assert images and all("/iiif/web/image/" in url for url in images), images

    # Un détail numéroté s'ouvre au toucher (téléphone) ou au clic, sur le tableau même.
    spot = fig.locator(".hotspot").nth(2)
    assert spot.is_visible()
    if device["has_touch"]:
        spot.tap()
    else:
        spot.click()
    panel = fig.locator(".bodymap-open")
    panel.wait_for(state="visible")
    assert "Les pieds" in panel.inner_text() and "La route jusqu'à Bamako." in panel.inner_text()
    assert "active" in (fig.locator(".bodymap-details li").nth(2).get_attribute("class") or "")
    assert spot.get_attribute("aria-expanded") == "true"
    page.screenshot(path=str(ARTIFACTS / f"iiif-body-map-detail-{device['name']}.png"))

    # Clavier : le canevas prend le focus, « + » agrandit, les flèches déplacent, « 0 » revient au tout.
    home = page.evaluate(HOME, handle)
    fig.locator(".openseadragon-canvas").focus()
    page.keyboard.press("+")
    page.wait_for_function(f"(fig) => ({ZOOM})(fig) > {home} * 1.05", arg=handle)
    center = page.evaluate("(fig) => fig.querySelector('.bodymap-osd').parolesViewer.viewport.getCenter(true).x", handle)
    page.evaluate("""(fig) => { const v = fig.querySelector('.bodymap-osd').parolesViewer;
        window.parolesIdle = new Promise((done) => v.addOnceHandler('animation-finish', () => done(true))); }""", handle)
    page.keyboard.press("ArrowRight")
    assert page.evaluate("() => window.parolesIdle")  # le déplacement au clavier va jusqu'au bout
    assert page.evaluate("(fig) => fig.querySelector('.bodymap-osd').parolesViewer.viewport.getCenter(true).x",
                         handle) > center
    page.keyboard.press("0")
    page.wait_for_function(f"(fig) => Math.abs(({ZOOM})(fig) - {home}) < {home} * 0.01", arg=handle)
    try:
        page.wait_for_function(FITS, arg=handle, timeout=10000)  # l'animation de retour finie : tout le tableau
    except Exception:
        raise AssertionError(page.evaluate("""(fig) => { const v = fig.querySelector('.bodymap-osd').parolesViewer;
            return [v.viewport.getBounds(true), v.world.getItemAt(0).getBounds(true)]; }""", handle))
    # Un détail s'ouvre aussi au clavier (Tab jusqu'au numéro, Entrée).
    fig.locator(".hotspot").first.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("(fig) => fig.dataset.open === '1'", arg=handle)
    # Les boutons : agrandir puis vue entière.
    fig.locator("button[data-zoom=in]").click()
    page.wait_for_function(f"(fig) => ({ZOOM})(fig) > {home} * 1.2", arg=handle)
    fig.locator("button[data-zoom=home]").click()
    page.wait_for_function(f"(fig) => Math.abs(({ZOOM})(fig) - {home}) < {home} * 0.01", arg=handle)

    if device["has_touch"]:
        # Toucher : pincer pour agrandir (deux doigts, événements tactiles réels du protocole CDP).
        box = fig.locator(".bodymap-osd").bounding_box()
        cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        cdp = context.new_cdp_session(page)

        def touch(kind, d):
            points = [] if kind == "touchEnd" else [{"x": cx - d, "y": cy, "id": 1}, {"x": cx + d, "y": cy, "id": 2}]
            cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

        touch("touchStart", 20)
        for d in range(30, 140, 10):
            touch("touchMove", d)
        touch("touchEnd", 0)
        page.wait_for_function(f"(fig) => ({ZOOM})(fig) > {home} * 1.5", arg=handle)
    assert external == [], f"requêtes externes : {external}"
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems
    context.close()
