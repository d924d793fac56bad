"""Ce que partagent les tests navigateur (Chromium de Debian piloté par Playwright) : le binaire, ses
options, le dossier des captures et la session d'un utilisateur déjà connecté. Les fixtures `playwright`
et `chromium` sont dans le conftest.py racine."""

from pathlib import Path

from django.conf import settings
from django.test import Client

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync", "--disable-quic", "--autoplay-policy=no-user-gesture-required"]
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"


def session_cookie(live_server, user):
    """Le cookie de session de `user`, à poser dans un contexte Playwright (pas de formulaire à remplir)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    return {"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}


PHONE = {"width": 360, "height": 740}


def transferred_bytes(browser, url, *, cookies=(), viewport=PHONE):
    """Octets qu'un chargement de page transfère dans Chromium (en-têtes + corps encodés, comme la colonne
    « transféré » des outils de développement : `Network.loadingFinished.encodedDataLength`), au format
    téléphone (360×740, densité 2, tactile), avant toute action de la personne (pas de lecture lancée).
    Renvoie (total, {url: octets})."""
    context = browser.new_context(viewport=viewport, device_scale_factor=2, is_mobile=True, has_touch=True)
    if cookies:
        context.add_cookies(list(cookies))
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    urls, sizes = {}, {}
    cdp.on("Network.requestWillBeSent", lambda e: urls.__setitem__(e["requestId"], e["request"]["url"]))
    cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]))
    try:
        page.goto(url, wait_until="networkidle")
        page.wait_for_load_state("networkidle")
    finally:
        context.close()
    detail = {}
    for request_id, size in sizes.items():
        key = urls.get(request_id, request_id)
        detail[key] = detail.get(key, 0) + int(size)
    return sum(detail.values()), detail
