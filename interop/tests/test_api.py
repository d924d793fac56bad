"""API JSON : schéma OpenAPI 3 validé, lectures filtrées par le consentement (comptes compris), écriture."""

import datetime as dt
import json
import uuid

import pytest
from django.utils import timezone
from openapi_spec_validator import validate
from wagtail.models import APIToken

from communication.models import Screening
from consent.testing import grant, withdraw_all
from media_library.tests.factories import WorkFactory


@pytest.fixture
def token(setup):
    return APIToken.create_token(user=setup["facilitator"], name="système d'ARACEM")[1]


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_openapi_schema_is_valid_openapi_3(client, db):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    assert spec["openapi"].startswith("3.")
    validate(spec)  # openapi-spec-validator : lève une exception si le schéma est invalide
    assert {"/api/works", "/api/works/{work_id}", "/api/exhibitions", "/api/toolkit", "/api/screenings"} <= set(spec["paths"])
    assert "BearerTokenAuth" in json.dumps(spec["components"]["securitySchemes"])


def test_anonymous_sees_public_website_works_only_and_counts_after_filtering(client, setup):
    public = WorkFactory(project=setup["project"], title_fr="Photo publique")
    grant(public, channels=["website"])
    museum_only = WorkFactory(project=setup["project"], title_fr="Au musée seulement")
    grant(museum_only, channels=["museum"])
    WorkFactory(project=setup["project"], title_fr="Sans consentement")
    body = client.get("/api/works").json()
    titles = {w["title_fr"] for w in body["items"]}
    # Les deux capsules de `setup` sont publiables partout (déclaration « aucune personne identifiable »).
    assert titles == {"Photo publique", "Capsule VBG 1", "Capsule VBG 2"}
    assert body["count"] == 3
    museum = client.get("/api/works?channel=museum").json()
    assert {w["title_fr"] for w in museum["items"]} == {"Au musée seulement", "Capsule VBG 1", "Capsule VBG 2"}
    assert client.get("/api/works?limit=1").json()["count"] == 3
    assert len(client.get("/api/works?limit=1").json()["items"]) == 1
    assert client.get("/api/works?limit=1000").status_code == 422


def test_refused_work_is_a_404_exactly_like_an_absent_one(client, setup):
    hidden = WorkFactory(project=setup["project"], title_fr="Retirée")
    record = grant(hidden)
    assert client.get(f"/api/works/{hidden.pk}").status_code == 200
    withdraw_all(record.participant)
    refused = client.get(f"/api/works/{hidden.pk}")
    absent = client.get("/api/works/999999")
    assert refused.status_code == absent.status_code == 404
    assert refused.content == absent.content
    assert "Retirée" not in client.get("/api/works").content.decode()


def test_a_session_cookie_does_not_raise_the_callers_rights(client, setup):
    """Une session d'administration ne vaut pas jeton : l'API ne lit que le jeton."""
    from consent.testing import CURATOR, user_with_role

    internal = WorkFactory(project=setup["project"], title_fr="Archive interne seulement")
    client.force_login(user_with_role("commissaire_api", CURATOR))
    assert client.get(f"/api/works/{internal.pk}?channel=internal").status_code == 404


def test_token_caller_sees_partner_channel(client, setup, token):
    closed = WorkFactory(project=setup["project"], title_fr="Projection fermée", partner=setup["aracem"])
    grant(closed, channels=["closed_screening"])
    url = f"/api/works/{closed.pk}?channel=closed_screening"
    assert client.get(url).status_code == 404  # anonyme
    response = client.get(url, **bearer(token))
    assert response.status_code == 200 and response.json()["title_fr"] == "Projection fermée"
    files = response.json()["files"]
    assert files == []  # pas encore de fichier
    assert client.get(url, HTTP_AUTHORIZATION="Bearer wagtail_faux").status_code == 404


def test_write_screening_through_record_screening(client, setup, token):
    data = {
        "id": str(uuid.uuid4()), "started_at": (timezone.now() - dt.timedelta(days=1)).isoformat(),
        "partner": setup["aracem"].pk, "place": setup["places"]["faladie_site"].pk, "venue_type": "idp_site",
        "channel": "community_talk", "materials": [{"work": setup["works"][0].pk}],
        "girls": 2, "boys": 1, "women": 9, "men": 3, "idps": 12, "host_community": 3,
    }
    post = lambda d, **kw: client.post("/api/screenings", data=json.dumps(d), content_type="application/json", **kw)  # noqa: E731
    assert post(data).status_code == 401  # écrire exige un jeton
    first = post(data, **bearer(token))
    assert first.status_code == 201, first.content
    assert first.json()["reference"].startswith("P-")
    again = post(data, **bearer(token))
    assert again.status_code == 200 and again.json()["replayed"] is True
    conflict = post(dict(data, women=10, idps=13), **bearer(token))
    assert conflict.status_code == 409 and "autre contenu" in conflict.json()["errors"]["__all__"][0]
    wrong = post(dict(data, id=str(uuid.uuid4()), women=8), **bearer(token))
    assert wrong.status_code == 422
    assert "ne correspond pas au total" in json.dumps(wrong.json(), ensure_ascii=False)
    other = post(dict(data, id=str(uuid.uuid4()), partner=setup["atc"].pk), **bearer(token))
    assert other.status_code == 403
    garbage = client.post("/api/screenings", data="[1,2", content_type="application/json", **bearer(token))
    assert garbage.status_code == 400
    assert Screening.objects.count() == 1


def test_exhibitions_list_only_publicly_visible_works(client, setup):
    from exhibitions.consent_surfaces import setup_exhibitions

    hidden = WorkFactory(project=setup["project"], title_fr="Cachée")
    setup_exhibitions(hidden)
    body = client.get("/api/exhibitions").json()
    assert body["count"] == 2
    for item in body["items"]:
        assert item["works"] == [] and item["work_count"] == 0
    grant(hidden)
    body = client.get("/api/exhibitions").json()
    assert all(item["works"] == [hidden.pk] for item in body["items"])
    one = body["items"][0]
    assert client.get(f"/api/exhibitions/{one['id']}").json()["work_count"] == 1
    assert client.get("/api/exhibitions/999999").status_code == 404


def test_toolkit_for_facilitator_only(client, setup, token):
    from exhibitions.consent_surfaces import setup_exhibitions

    work = setup["works"][0]
    setup_exhibitions(work)
    assert client.get("/api/toolkit").json()["items"][0]["can_download"] is False  # public : visible, pas téléchargeable
    body = client.get("/api/toolkit", **bearer(token)).json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["can_download"] is True and item["work"] == work.pk
    guide = [d for d in item["downloads"] if d["what"] == "guide"][0]
    assert guide["url"].endswith(f"support/{item['id']}/guide/")
