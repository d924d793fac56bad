"""Surfaces de l'application installable : manifeste, service worker, coquille sans donnée personnelle."""

import json

from django.urls import reverse


def test_manifest_is_installable(client, db):
    response = client.get("/journal/manifest.webmanifest")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/manifest+json")
    data = json.loads(response.content)
    assert data["start_url"] == "/journal/" and data["scope"] == "/journal/" and data["display"] == "standalone"
    sizes = {icon["sizes"] for icon in data["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in data["icons"]:
        assert icon["src"].startswith("/static/")  # rien de l'extérieur


def test_service_worker_scope_covers_the_form_and_never_caches_the_api(client, db):
    response = client.get("/journal/sw.js")
    assert response.status_code == 200 and "javascript" in response["Content-Type"]
    assert response["Service-Worker-Allowed"] == "/journal/"
    body = response.content.decode()
    assert '"/journal/api/"' in body and "url.pathname.startsWith(API)) return" in body
    assert "http://" not in body and "https://" not in body


def test_shell_has_no_personal_data_and_no_inline_script(client, setup):
    client.force_login(setup["facilitator"])
    html = client.get(reverse("communication:journal")).content.decode()
    assert 'rel="manifest"' in html and "journal.js" in html
    assert "awa" not in html and "ARACEM" not in html  # les listes viennent de l'API, pas de la page en cache
    assert "<script>" not in html and " style=" not in html  # CSP stricte du site public


def test_session_endpoint(client, setup):
    assert client.get("/journal/api/session/").json() == {"authenticated": False, "login_url": "/journal/connexion/"}
    client.force_login(setup["facilitator"])
    data = client.get("/journal/api/session/").json()
    assert data["authenticated"] and data["csrf_token"] and data["user"]["username"] == "awa"
    assert client.get("/journal/api/options/").status_code == 200
    client.logout()
    assert client.get("/journal/api/options/").status_code == 401


def test_login_page_and_redirect(client, setup):
    response = client.post("/journal/connexion/", {"username": "awa", "password": "mot-de-passe-de-test", "next": "/journal/"})
    assert response.status_code == 302 and response["Location"] == "/journal/"


def test_both_offline_apps_share_one_shell_with_their_own_scope_and_cache(client, db):
    """Le journal et la boîte à outils hors ligne : un seul service worker (paroles.offline), chacun sa portée,
    son cache et ses fichiers ; les deux pages chargent le script commun avant le leur."""
    journal = client.get("/journal/sw.js").content.decode()
    toolkit = client.get("/boite-a-outils/hors-ligne/sw.js").content.decode()

    def logic(body):
        return [line for line in body.split('"use strict";', 1)[1].splitlines() if not line.startswith("const ")]

    assert logic(journal) == logic(toolkit) and "caches.open(CACHE)" in "\n".join(logic(journal))
    assert 'const PREFIX = "paroles-journal-";' in journal and 'const API = "/journal/api/";' in journal
    assert 'const PREFIX = "paroles-horsligne-coquille-";' in toolkit
    assert 'const API = "/boite-a-outils/hors-ligne/api/";' in toolkit
    for body in (journal, toolkit):
        assert '"/static/paroles/offline/shell.js"' in body
    for page, script in (("/journal/", "communication/journal.js"), ("/boite-a-outils/hors-ligne/", "exhibitions/offline/offline.js")):
        html = client.get(page).content.decode()
        assert 0 < html.index("/static/paroles/offline/shell.js") < html.index(f"/static/{script}")
