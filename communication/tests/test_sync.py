"""Envoi des fiches : idempotence, conflits, droits, et 1 000 envois avec renvois et doublons."""

import json
import random
import uuid
from unittest import mock

import pytest
from django.db import IntegrityError
from django.urls import reverse

from communication.flows import record_screening as flow
from communication.models import Screening, ScreeningMaterial

URL = "/journal/api/fiches/"


def post(client, data):
    return client.post(URL, data=json.dumps(data), content_type="application/json")


def test_accepts_and_records_everything(facilitator_client, payload, setup):
    data = payload()
    response = post(facilitator_client, data)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "accepted" and body["id"] == data["id"]
    s = Screening.objects.get(client_id=data["id"])
    assert (s.girls, s.boys, s.women, s.men, s.people_total) == (2, 1, 9, 3, 15)
    assert s.partner == setup["aracem"] and s.facilitator == setup["facilitator"]
    assert s.region == setup["places"]["bamako"]
    assert s.project == setup["project"]
    assert list(s.themes.all()) == [setup["theme"]]
    assert [m.work for m in s.materials.all()] == [setup["works"][0]]


def test_same_id_same_content_returns_original_result(facilitator_client, payload):
    data = payload()
    first = post(facilitator_client, data).json()
    again = post(facilitator_client, data)
    assert again.status_code == 200
    replay = again.json()
    assert replay.pop("replayed") is True
    assert replay == first
    assert Screening.objects.count() == 1


def test_same_id_different_content_is_refused(facilitator_client, payload):
    data = payload()
    post(facilitator_client, data)
    changed = dict(data, women=10, people_total=16, idps=13)
    response = post(facilitator_client, changed)
    assert response.status_code == 409
    assert "autre contenu" in response.json()["errors"]["__all__"][0]
    s = Screening.objects.get(client_id=data["id"])
    assert s.women == 9 and Screening.objects.count() == 1


def test_same_id_from_another_account_is_refused(client, payload, setup):
    from media_library.tests.factories import UserFactory

    data = payload()
    client.force_login(setup["facilitator"])
    post(client, data)
    other = UserFactory(username="intrus")
    setup["aracem"].users.add(other)
    client.force_login(other)
    assert post(client, data).status_code == 409


def test_facilitator_cannot_log_for_another_partner(facilitator_client, payload, setup):
    response = post(facilitator_client, payload(partner=setup["atc"].pk))
    assert response.status_code == 403
    assert "votre organisation" in response.json()["errors"]["partner"][0]
    assert not Screening.objects.exists()


def test_coordinator_may_log_for_any_partner(client, payload, setup):
    from django.contrib.auth.models import Permission
    from media_library.tests.factories import UserFactory

    boss = UserFactory(username="cisp")
    boss.user_permissions.add(Permission.objects.get(codename="add_screening"))
    client.force_login(boss)
    assert post(client, payload(partner=setup["atc"].pk)).status_code == 201


def test_login_required(client, payload):
    response = post(client, payload())
    assert response.status_code == 401
    assert response.json()["status"] == "login_required"
    assert not Screening.objects.exists()


def test_csrf_is_enforced_and_session_endpoint_gives_token(payload, setup):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(setup["facilitator"])
    assert post(client, payload()).status_code == 403
    token = client.get(reverse("communication:api_session")).json()["csrf_token"]
    response = client.post(URL, data=json.dumps(payload()), content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 201


def test_unknown_or_forbidden_work_is_refused(facilitator_client, payload, setup):
    from media_library.tests.factories import WorkFactory

    hidden = WorkFactory(project=setup["project"], title_fr="Capsule réservée")
    response = post(facilitator_client, payload(materials=[{"work": hidden.pk}]))
    assert response.status_code == 422
    assert "Support inconnu" in response.json()["errors"]["materials"][0]
    assert not Screening.objects.exists()


def test_refused_entry_can_be_fixed_and_resent_with_same_id(facilitator_client, payload):
    data = payload(women=-1)
    assert post(facilitator_client, data).status_code == 422
    data.update(women=9)
    assert post(facilitator_client, data).status_code == 201


def test_concurrent_insert_returns_the_winner(facilitator_client, payload, setup):
    """Deux envois simultanés : le second bute sur la contrainte d'unicité et répond comme un renvoi."""
    data = payload()
    assert post(facilitator_client, data).status_code == 201
    real_filter = Screening.objects.filter
    calls = {"n": 0}

    def first_lookup_misses(*args, **kwargs):
        calls["n"] += 1
        qs = real_filter(*args, **kwargs)
        return qs.none() if calls["n"] == 1 else qs

    with mock.patch.object(flow.Screening.objects, "filter", side_effect=first_lookup_misses):
        outcome = flow.record_screening(setup["facilitator"], data)
    assert outcome.status == "replayed" and outcome.http_status == 200
    assert Screening.objects.count() == 1


def test_database_refuses_a_second_row_with_the_same_client_id(payload, setup):
    from django.db import transaction

    data = payload()
    s = flow.record_screening(setup["facilitator"], data).screening
    with pytest.raises(IntegrityError), transaction.atomic():
        Screening.objects.create(
            client_id=s.client_id, project=s.project, partner=s.partner, started_at=s.started_at, place=s.place,
            region=s.region, venue_type=s.venue_type, channel=s.channel, women=1,
        )


def test_thousand_submissions_with_retries_and_duplicates(facilitator_client, payload, setup):
    """1 000 fiches distinctes ; le téléphone renvoie au hasard (coupures), dans le désordre : ni perte
    ni doublon, et chaque renvoi reçoit la même référence."""
    rng = random.Random(20231108)
    entries = []
    for i in range(1000):
        women = rng.randint(1, 25)
        men = rng.randint(0, 10)
        entries.append(payload(
            id=str(uuid.uuid4()), women=women, men=men, girls=0, boys=0, people_total=women + men,
            idps=women, host_community=men, referrals=0,
            materials=[{"work": setup["works"][i % 2].pk, "chapter": None, "excerpt": ""}],
        ))
    sends = []
    for e in entries:
        sends.append(e)
        for _ in range(rng.choice([0, 0, 1, 2])):  # retries
            sends.append(e)
    rng.shuffle(sends)
    references = {}
    statuses = {201: 0, 200: 0}
    for e in sends:
        response = post(facilitator_client, e)
        assert response.status_code in (200, 201), response.content
        statuses[response.status_code] += 1
        ref = response.json()["reference"]
        assert references.setdefault(e["id"], ref) == ref
    assert statuses[201] == 1000
    assert statuses[200] == len(sends) - 1000
    assert Screening.objects.count() == 1000
    assert set(str(u) for u in Screening.objects.values_list("client_id", flat=True)) == {e["id"] for e in entries}
    assert ScreeningMaterial.objects.count() == 1000
    expected = sum(e["people_total"] for e in entries)
    from django.db.models import Sum

    assert Screening.objects.aggregate(t=Sum("people_total"))["t"] == expected
