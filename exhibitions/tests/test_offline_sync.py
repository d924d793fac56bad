"""Synchronisation de la boîte à outils hors ligne : ce que le téléphone peut garder, ce qu'il doit effacer.

Chaque refus (anonyme, sans organisation, autre organisation, retrait, expiration, communauté protégée,
condition non remplie, support inconnu, téléphone d'un autre compte, demande illisible) et ce que le
serveur note (HeldCopy) pour la page d'impact d'un retrait.
"""

import datetime
import json
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from consent.models import ConsentRecord
from consent.testing import FACILITATOR, user_with_role, withdraw_all
from exhibitions.models import HeldCopy, OfflineDevice
from media_library.models import WorkKind
from media_library.tests.factories import PartnerFactory, UserFactory

from . import factories as f

pytestmark = pytest.mark.django_db
URL = "/boite-a-outils/hors-ligne/api/synchroniser/"
DEVICE = "0b6f2a4e-1c3d-4e5f-8a9b-0c1d2e3f4a5b"
NOTICE = "Un support a été retiré à la demande d'une personne concernée."


@pytest.fixture
def setup(tmp_path, django_capture_on_commit_callbacks):
    aracem, ame = PartnerFactory(name="ARACEM"), PartnerFactory(name="AME")
    alice = user_with_role("alice", FACILITATOR, partner=aracem)
    bob = user_with_role("bob", FACILITATOR, partner=ame)
    # Les rendus sont faits : la boîte à outils ne sert que des rendus, jamais l'original.
    with django_capture_on_commit_callbacks(execute=True):
        capsule = f.work_with_file(tmp_path, kind=WorkKind.CAPSULE, title="Capsule règles",
                                   channels=["facilitator_download"], pseudonym="Mariam")
    with django_capture_on_commit_callbacks(execute=True):
        open_capsule = f.work_with_file(tmp_path, kind=WorkKind.CAPSULE, title="Capsule pour tous",
                                        channels=["facilitator_download"], pseudonym="Kadi")
    page = f.toolkit([(capsule, [aracem]), (open_capsule, [])])
    participant = capsule.participations.first().participant
    participant.legal_name = "Nom Légal Secret"
    participant.save()
    items = {m.work_id: f"m{m.pk}" for m in page.materials.all()}
    return {"page": page, "alice": alice, "bob": bob, "capsule": capsule, "open": open_capsule, "items": items,
            "participant": participant}


def post(client, body):
    raw = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return client.post(URL, data=raw, content_type="application/json")


def body(device=None, held=(), deleted=()):
    return {"device": str(device or uuid.uuid4()), "held": [{"id": h, "files": []} for h in held], "deleted": list(deleted)}


def test_url_and_methods(client, setup):
    assert reverse("exhibitions:offline_sync") == URL
    client.force_login(setup["alice"])
    assert client.get(URL).status_code == 405


def test_anonymous_gets_401_and_nothing(client, setup):
    response = post(client, body(held=[setup["items"][setup["capsule"].pk]]))
    assert response.status_code == 401
    assert response.json()["status"] == "login_required"
    assert "items" not in response.json()
    assert not OfflineDevice.objects.exists()


def test_facilitator_gets_her_items_through_the_gate_and_nothing_sensitive(client, setup):
    client.force_login(setup["alice"])
    response = post(client, body())
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    data = response.json()
    ids = {d["id"] for d in data["items"]}
    assert ids == {setup["items"][setup["capsule"].pk], setup["items"][setup["open"].pk]}
    assert data["max_days"] == 30 and data["recall"] == [] and data["notice"] is None
    raw = response.content.decode()
    for secret in ("Nom Légal Secret", "Mariam", "Kadi", "@example.org"):
        assert secret not in raw
    capsule = next(d for d in data["items"] if d["work"] == setup["capsule"].pk)
    assert capsule["guide"]["messages"] == ["Message 1", "Message 2"]
    media = capsule["files"][0]
    # Un rendu (jamais l'original), avec le jeton du canal « téléchargement par les animateurs ».
    assert media["url"].startswith("/fichiers/rendu/") and "acces=" in media["url"]
    # Le fichier vient de la porte, plage comprise (reprise d'un téléchargement).
    first = client.get(media["url"], HTTP_RANGE="bytes=0-99")
    assert first.status_code == 206
    assert first["Content-Range"].startswith("bytes 0-99/")


def test_clips_of_the_material_come_with_it(client, setup):
    from exhibitions.models import ToolkitMaterial

    material = ToolkitMaterial.objects.get(work=setup["open"])
    material.clips = [("clip", {"work": setup["open"], "title_fr": "Le départ", "title_bm": "Taa", "start": 0.5,
                                "end": 1.5, "note_fr": "", "note_bm": ""})]
    material.save()
    client.force_login(setup["alice"])
    toolkit_html = client.get(setup["page"].url).content.decode()
    assert "/boite-a-outils/hors-ligne/" in toolkit_html  # lien depuis la boîte à outils
    data = post(client, body()).json()
    item = next(d for d in data["items"] if d["work"] == setup["open"].pk)
    assert item["clips"] == [{"title_fr": "Le départ", "title_bm": "Taa", "start": 0.5, "end": 1.5, "note_fr": "",
                              "note_bm": ""}]


def test_other_organisation_is_not_offered_and_recalled(client, setup):
    client.force_login(setup["bob"])
    item = setup["items"][setup["capsule"].pk]
    data = post(client, body(held=[item])).json()
    assert item not in {d["id"] for d in data["items"]}
    assert data["recall"] == [item] and data["keep"] == [] and data["notice"] == NOTICE


def test_user_without_organisation_gets_nothing(client, setup):
    lone = UserFactory(username="seule")
    client.force_login(lone)
    item = setup["items"][setup["open"].pk]
    data = post(client, body(held=[item])).json()
    assert data["items"] == [] and data["recall"] == [item]


def test_keep_then_withdrawal_recalls_and_records_the_deletion(client, setup):
    client.force_login(setup["alice"])
    device = uuid.uuid4()
    item = setup["items"][setup["capsule"].pk]
    data = post(client, body(device, held=[item])).json()
    assert data["keep"] == [item] and data["recall"] == []
    copy = HeldCopy.objects.get(device_id=device, item_id=item)
    assert copy.user == setup["alice"] and copy.work == setup["capsule"] and copy.confirmed_at and not copy.recalled_at

    withdraw_all(setup["participant"])
    data = post(client, body(device, held=[item])).json()
    assert data["keep"] == [] and data["recall"] == [item] and data["notice"] == NOTICE
    assert item not in {d["id"] for d in data["items"]}
    copy.refresh_from_db()
    assert copy.recalled_at and copy.recall_reason == HeldCopy.Reason.REFUSED and copy.deleted_at is None

    post(client, body(device, deleted=[item]))  # le téléphone confirme l'effacement
    copy.refresh_from_db()
    assert copy.deleted_at is not None
    assert HeldCopy.objects.filter(device_id=device).count() == 1


def test_expired_consent_is_recalled(client, setup):
    client.force_login(setup["alice"])
    for record in ConsentRecord.objects.filter(work=setup["open"]):
        record.given_on = timezone.localdate() - datetime.timedelta(days=400)
        record.expires_on = timezone.localdate() - datetime.timedelta(days=1)
        record.save()
    item = setup["items"][setup["open"].pk]
    data = post(client, body(held=[item])).json()
    assert data["recall"] == [item]


def test_protected_community_work_is_recalled_for_another_organisation(client, setup):
    protected = PartnerFactory(name="Collectif protégé", is_protected_community=True)
    work = setup["open"]
    work.partner = protected
    work.save()
    client.force_login(setup["alice"])
    item = setup["items"][work.pk]
    assert post(client, body(held=[item])).json()["recall"] == [item]


def test_condition_unmet_is_recalled(client, setup):
    client.force_login(setup["alice"])
    for record in ConsentRecord.objects.filter(work=setup["open"]):
        record.face_blurred = True
        record.save()
    item = setup["items"][setup["open"].pk]
    data = post(client, body(held=[item])).json()
    assert data["recall"] == [item]  # aucune version floutée : la copie gardée n'est pas conforme


def test_unknown_items_are_recalled_without_a_trace(client, setup):
    client.force_login(setup["alice"])
    data = post(client, body(held=["m999999", "x", "m"])).json()
    assert sorted(data["recall"]) == ["m", "m999999", "x"]
    assert not HeldCopy.objects.exists()


def test_device_of_another_account_is_refused(client, setup):
    device = uuid.uuid4()
    client.force_login(setup["alice"])
    post(client, body(device, held=[setup["items"][setup["open"].pk]]))
    client.force_login(setup["bob"])
    response = post(client, body(device))
    assert response.status_code == 409 and response.json()["status"] == "device_conflict"
    assert OfflineDevice.objects.get(pk=device).user == setup["alice"]


@pytest.mark.parametrize("raw", [
    "pas du json", json.dumps([1, 2]), json.dumps({"device": "pas-un-uuid"}),
    json.dumps({"device": DEVICE, "held": "m1"}),
    json.dumps({"device": DEVICE, "held": [{"id": 5}]}),
    json.dumps({"device": DEVICE, "held": ["m1"] * 501}),
], ids=["pas-json", "liste", "uuid-invalide", "held-texte", "id-nombre", "trop-long"])
def test_malformed_requests_are_refused_in_french(client, setup, raw):
    client.force_login(setup["alice"])
    response = post(client, raw)
    assert response.status_code == 400
    assert response.json()["status"] == "refused" and response.json()["message"]
    assert not OfflineDevice.objects.exists()


def test_csrf_is_required(setup):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(setup["alice"])
    assert post(client, body()).status_code == 403


def test_impact_page_lists_recalled_and_unsynced_copies(client, setup, admin_user):
    from django.test import Client

    from consent.flows.withdraw import record_withdrawal

    admin_client = Client()
    admin_client.force_login(admin_user)
    client.force_login(setup["alice"])
    recalled_device, silent_device = uuid.uuid4(), uuid.uuid4()
    item = setup["items"][setup["capsule"].pk]
    post(client, body(silent_device, held=[item]))
    post(client, body(recalled_device, held=[item]))
    OfflineDevice.objects.filter(pk=silent_device).update(last_sync_at=timezone.now() - datetime.timedelta(hours=1))
    withdrawal, _impact = record_withdrawal(setup["participant"], user=None)
    post(client, body(recalled_device, held=[item]))
    response = admin_client.get(reverse("consent_withdrawal_impact", args=[withdrawal.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Copies gardées dans l'application hors ligne" in html
    assert html.count('class="held-recalled"') == 1 and str(recalled_device)[:8] in html
    assert html.count('class="held-pending"') == 1 and str(silent_device)[:8] in html


def test_shell_manifest_and_service_worker(client, setup):
    shell = client.get("/boite-a-outils/hors-ligne/")
    assert shell.status_code == 200
    assert "blob:" in shell["Content-Security-Policy"].split("media-src")[1].split(";")[0]
    assert b"offline.js" in shell.content and b"/jsi18n/" in shell.content
    manifest = client.get("/boite-a-outils/hors-ligne/manifest.webmanifest").json()
    assert manifest["scope"] == "/boite-a-outils/hors-ligne/"
    sw = client.get("/boite-a-outils/hors-ligne/sw.js")
    assert sw["Service-Worker-Allowed"] == "/boite-a-outils/hors-ligne/"
    assert b"/jsi18n/" in sw.content
    assert client.get("/jsi18n/").status_code == 200


def test_logout_clears_the_session_and_the_cache(client, setup):
    client.force_login(setup["alice"])
    response = client.post("/boite-a-outils/hors-ligne/api/deconnexion/")
    assert response.status_code == 200 and response["Clear-Site-Data"] == '"cache"'
    assert response.cookies["paroles_hors_ligne_effacer"].value == "1"
    assert client.get("/boite-a-outils/hors-ligne/api/session/").json()["authenticated"] is False


def test_toolkit_logout_also_marks_the_offline_app_for_wiping(client, setup):
    client.force_login(setup["alice"])
    response = client.post("/animateurs/deconnexion/")
    assert response.status_code == 302
    assert response.cookies["paroles_hors_ligne_effacer"].value == "1"
    assert response["Clear-Site-Data"] == '"cache"'
