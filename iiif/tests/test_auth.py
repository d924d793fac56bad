"""IIIF Auth 2.0 : sonde, service d'accès (connexion des partenaires), service de jeton, service de sortie.

Le jeton dit seulement QUI demande ; la sonde pose alors la question à la politique, comme la porte.
"""

import json
import re

import pytest
from django.test import Client

from consent.models import ConsentRecord
from consent.testing import withdraw_all

pytestmark = pytest.mark.django_db


def base_url(work):
    return f"/iiif/web/image/{work.files.first().uuid}"


def token_message(client, origin="http://testserver", message_id="m-1"):
    response = client.get("/iiif/auth/jeton", {"messageId": message_id, "origin": origin})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert f'data-origin="{origin}"' in html  # le message ne part qu'à l'origine du visionneur
    match = re.search(r'<script id="iiif-jeton" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(match.group(1)), response


def probe(work, token=None, origin="http://testserver"):
    headers = {"Authorization": f"Bearer {token}", "Origin": origin} if token else {}
    response = Client().get(base_url(work) + "/probe", headers=headers)  # aucun cookie
    assert response.status_code == 200
    return json.loads(response.content)["status"]


@pytest.fixture
def partner(django_user_model):
    return django_user_model.objects.create_user("partenaire", password="x")


@pytest.fixture
def protected_map(body_map):
    """La body map d'une communauté protégée : refusée au public, montrée à la responsable du consentement."""
    from media_library.tests.factories import PartnerFactory

    body_map.partner = PartnerFactory(name="Collectif protégé", acronym="CP", is_protected_community=True)
    body_map.save()
    return body_map


@pytest.fixture
def officer():
    from consent.testing import CONSENT_OFFICER, user_with_role

    return user_with_role("responsable", CONSENT_OFFICER, password="x")


def test_info_json_declares_probe_access_token_and_logout_services(body_map, client):
    info = json.loads(client.get(base_url(body_map) + "/info.json").content)
    probe_service = info["service"][0]
    assert probe_service["type"] == "AuthProbeService2" and probe_service["id"].endswith("/probe")
    access = probe_service["service"][0]
    assert access["type"] == "AuthAccessService2" and access["profile"] == "active"
    assert access["id"] == "http://testserver/iiif/auth/acces"
    assert {"label", "heading", "note", "confirmLabel"} <= set(access)
    types = {s["type"]: s for s in access["service"]}
    assert types["AuthAccessTokenService2"]["id"] == "http://testserver/iiif/auth/jeton"
    assert types["AuthLogoutService2"]["id"] == "http://testserver/iiif/auth/sortie"
    assert types["AuthLogoutService2"]["label"]["fr"]


def test_access_service_leads_to_the_partner_login_then_says_connected(client, partner):
    response = client.get("/iiif/auth/acces?origin=http://testserver")
    assert response.status_code == 302
    assert response["Location"].startswith("/animateurs/connexion/?next=/iiif/auth/acces")
    client.force_login(partner)
    page = client.get("/iiif/auth/acces")
    assert page.status_code == 200 and 'data-iiif-auth="connected"' in page.content.decode()
    assert "iiif/js/auth-close.js" in page.content.decode()


def test_anonymous_gets_a_missing_aspect_error_with_public_wording(client):
    message, _response = token_message(client)
    assert message["type"] == "AuthAccessTokenError2" and message["profile"] == "missingAspect"
    assert message["messageId"] == "m-1" and message["heading"]["fr"]
    assert "accessToken" not in message


def test_token_service_refuses_bad_requests_and_foreign_origins(client, partner, settings):
    assert client.get("/iiif/auth/jeton", {"origin": "http://testserver"}).status_code == 400
    assert client.get("/iiif/auth/jeton", {"messageId": "x"}).status_code == 400
    assert client.get("/iiif/auth/jeton", {"messageId": "x", "origin": "javascript:alert(1)"}).status_code == 400
    assert client.get("/iiif/auth/jeton", {"messageId": "x", "origin": "http://a.org/chemin"}).status_code == 400
    client.force_login(partner)
    message, response = token_message(client, origin="https://musee.example")
    assert message["type"] == "AuthAccessTokenError2" and message["profile"] == "invalidOrigin"
    # Une origine admise par la configuration : jeton, et le cadre est permis à cette origine seulement.
    settings.PAROLES_IIIF_TOKEN_ORIGINS = ["https://musee.example"]
    message, response = token_message(client, origin="https://musee.example")
    assert message["type"] == "AuthAccessToken2"
    directives = dict(d.strip().split(" ", 1) for d in response["Content-Security-Policy"].split(";") if d.strip())
    assert directives["frame-ancestors"] == "'self' http://testserver https://musee.example"
    assert "X-Frame-Options" not in response


def test_a_token_identifies_the_person_and_the_policy_decides(protected_map, client, officer):
    from consent.policy import policy

    assert probe(protected_map) == 401  # le public : refusé
    client.force_login(officer)
    message, _response = token_message(client)
    assert message["type"] == "AuthAccessToken2" and message["expiresIn"] == 300 and message["messageId"] == "m-1"
    token = message["accessToken"]
    assert policy.decide(officer, protected_map, "website").allowed
    assert probe(protected_map, token) == 200  # la responsable, par son seul jeton (aucun cookie)
    # Le retrait vaut à la requête suivante, jeton ou pas : la politique répond (403 : connecté·e, refusé).
    withdraw_all(ConsentRecord.objects.get(work=protected_map).participant)
    assert probe(protected_map, token) == 403
    assert probe(protected_map) == 401


def test_a_token_is_short_lived_bound_to_its_origin_and_to_the_session(protected_map, client, officer, settings):
    client.force_login(officer)
    token = token_message(client)[0]["accessToken"]
    assert probe(protected_map, token) == 200
    assert probe(protected_map, token, origin="https://ailleurs.example") == 401  # remis à un autre visionneur
    assert probe(protected_map, token + "x") == 401  # modifié
    assert probe(protected_map, "n-importe-quoi") == 401
    officer.set_password("nouveau")  # un mot de passe changé annule les jetons
    officer.save()
    assert probe(protected_map, token) == 401
    client.force_login(officer)
    token = token_message(client)[0]["accessToken"]
    assert probe(protected_map, token) == 200
    settings.PAROLES_IIIF_TOKEN_SECONDS = -1  # expiré
    assert probe(protected_map, token) == 401


def test_probe_answers_the_cors_preflight_of_a_viewer_sending_authorization(body_map, client):
    response = client.options(base_url(body_map) + "/probe", headers={
        "Origin": "https://musee.example", "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "authorization"})
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Authorization" in response["Access-Control-Allow-Headers"]


def test_logout_service_is_a_post_button_and_ends_the_session(client, partner):
    client.force_login(partner)
    page = client.get("/iiif/auth/sortie")
    assert page.status_code == 200 and 'data-iiif-auth="logout"' in page.content.decode()
    assert 'method="post"' in page.content.decode()
    assert "_auth_user_id" in client.session  # un GET ne déconnecte pas
    done = client.post("/iiif/auth/sortie")
    assert done.status_code == 200 and 'data-iiif-auth="disconnected"' in done.content.decode()
    assert "_auth_user_id" not in client.session
    assert token_message(client)[0]["profile"] == "missingAspect"
