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
