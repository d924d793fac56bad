"""Règles de cohérence : refus en français, rien d'enregistré ; mêmes règles au serveur et au téléphone."""

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from django.utils import timezone

from communication.models import Screening
from communication.validation import MESSAGES

URL = "/journal/api/fiches/"


def post(client, data):
    return client.post(URL, data=json.dumps(data), content_type="application/json")


@pytest.mark.parametrize(
    "overrides, field, fragment",
    [
        ({"women": -3}, "women", "ne peut pas être négatif"),
        ({"people_total": 20}, "people_total", "ne correspond pas à la somme"),
        ({"idps": 5}, "other_group", "répartition par groupe"),
        ({"sex_workers": 40}, "sex_workers", "dépasse le nombre de personnes présentes"),
        ({"referrals": 99}, "referrals", "Plus de personnes orientées"),
        ({"girls": 0, "boys": 0, "women": 0, "men": 0, "people_total": 0, "idps": 0, "host_community": 0, "referrals": 0},
         "people_total", "au moins une personne"),
        ({"estimated_audience": 5000}, "estimated_audience", "réservé aux diffusions"),
        ({"started_at": "2999-01-01T10:00:00+00:00"}, "started_at", "dans le futur"),
        ({"started_at": "2009-01-01T10:00:00+00:00"}, "started_at", "trop ancienne"),
        ({"women": "douze"}, "women", "nombre entier"),
        ({"discussion_minutes": 5000}, "discussion_minutes", "entre 0 et 1 440"),
        ({"materials": []}, "materials", "au moins un support"),
        ({"channel": "telepathie"}, "channel", "Valeur inconnue"),
    ],
)
def test_impossible_entries_are_refused_in_french(facilitator_client, payload, overrides, field, fragment):
    response = post(facilitator_client, payload(**overrides))
    assert response.status_code == 422, response.content
    errors = response.json()["errors"]
    assert any(fragment in m for m in errors[field]), errors
    assert not Screening.objects.exists()


def test_broadcast_keeps_people_apart(facilitator_client, payload):
    tv = dict(girls=0, boys=0, women=0, men=0, people_total=0, idps=0, host_community=0, referrals=0,
              channel="tv", venue_type="media_studio", estimated_audience=None)
    response = post(facilitator_client, payload(**tv))
    assert "public estimé" in response.json()["errors"]["estimated_audience"][0]
    response = post(facilitator_client, payload(**dict(tv, women=3, people_total=3, estimated_audience=100000)))
    assert "ne compte pas de personnes présentes" in response.json()["errors"]["people_total"][0]
    response = post(facilitator_client, payload(**dict(tv, estimated_audience=1000000)))
    assert response.status_code == 201
    s = Screening.objects.get()
    assert s.people_total == 0 and s.estimated_audience == 1000000


def test_model_clean_applies_the_same_rules(setup):
    from django.core.exceptions import ValidationError

    s = Screening(project=setup["project"], partner=setup["aracem"], started_at=timezone.now() + dt.timedelta(days=3),
                  place=setup["places"]["faladie_site"], venue_type="idp_site", channel="community_talk", women=4,
                  idps=4)
    with pytest.raises(ValidationError) as exc:
        s.full_clean(exclude=["region"])
    assert "dans le futur" in str(exc.value)


def test_phone_script_uses_every_server_rule():
    """Le script du téléphone applique chaque règle du serveur (mêmes clés de message)."""
    js = (Path(__file__).resolve().parents[1] / "static/communication/journal.js").read_text()
    used = set(re.findall(r'msg\("([a-z_]+)"', js))
    server_only = {"unknown_material", "unknown_place", "unknown_partner", "not_your_partner", "unknown_theme", "unknown_choice"}
    assert set(MESSAGES) - server_only <= used, set(MESSAGES) - server_only - used


def test_options_api_ships_rules_and_lists(facilitator_client, setup):
    data = facilitator_client.get("/journal/api/options/").json()
    assert data["rules"]["messages"]["future"] == "La date de la séance est dans le futur."
    assert [p["label"] for p in data["partners"]] == ["ARACEM"]
    assert {w["label"] for w in data["works"]} == {"Capsule VBG 1", "Capsule VBG 2"}
    assert any(p["label"] == "Site de PDI de Faladié" for p in data["places"])
    assert {"tv", "radio", "social_media"} == set(data["rules"]["broadcast_channels"])
