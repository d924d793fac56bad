"""Administration : rôles, listes filtrées, noms légaux cachés, consentements non supprimables, retrait."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from consent.channels import Channel
from consent.models import AuditEntry, ConsentRecord, CuratorNotice, Withdrawal
from consent.testing import CONSENT_OFFICER, CURATOR, FACILITATOR, PARTNER_ADMIN, grant, make_participant, user_with_role
from media_library.models import ServedFile
from media_library.flows.ingest import ingest_file
from media_library.tests.factories import PartnerFactory, WorkFactory


@pytest.fixture
def people(db):
    partner = PartnerFactory(name="Association A")
    return {
        "officer": user_with_role("officier", CONSENT_OFFICER),
        "curator": user_with_role("curatrice", CURATOR),
        "partner_admin": user_with_role("admin_partenaire", PARTNER_ADMIN, partner=partner),
        "facilitator": user_with_role("animatrice", FACILITATOR, partner=partner),
        "partner": partner,
    }


def login(client, user):
    client.force_login(user)
    return client


def test_participant_listing_hides_legal_names_from_curators(client, people):
    make_participant("Pseudo Awa", legal_name="Aminata Secrète")
    url = reverse("consent_participant:index")
    body = login(client, people["curator"]).get(url).content.decode()
    assert "Pseudo Awa" in body and "Aminata Secrète" not in body
    # Chercher par nom légal ne révèle rien non plus.
    assert "Pseudo Awa" not in client.get(url + "?q=Aminata").content.decode()
    body = login(client, people["officer"]).get(url).content.decode()
    assert "Aminata Secrète" in body


def test_curator_cannot_change_consent(client, people, work):
    record = grant(work)
    login(client, people["curator"])
    assert client.get(reverse("consent_consentrecord:index")).status_code == 200
    assert client.get(reverse("consent_consentrecord:add")).status_code in (302, 403)
    assert client.get(reverse("consent_consentrecord:edit", args=[record.pk])).status_code in (302, 403)
    assert client.get(reverse("consent_withdraw", args=[record.participant.pk])).status_code in (302, 403)


def test_consent_record_cannot_be_deleted_even_by_superuser(admin_client, work):
    record = grant(work)
    url = reverse("consent_consentrecord:delete", args=[record.pk])
    response = admin_client.post(url)
    assert response.status_code in (302, 403, 404)
    assert ConsentRecord.objects.filter(pk=record.pk).exists()
    edit = admin_client.get(reverse("consent_consentrecord:edit", args=[record.pk])).content.decode()
    assert url not in edit


def test_audit_log_is_read_only_in_admin(admin_client, work):
    grant(work)
    entry = AuditEntry.objects.first()
    assert admin_client.get(reverse("consent_audit:index")).status_code == 200
    for name, args in (("add", []), ("edit", [entry.pk]), ("delete", [entry.pk])):
        try:
            url = reverse(f"consent_audit:{name}", args=args)
        except Exception:  # noqa: BLE001 - pas de route : encore mieux
            continue
        assert admin_client.post(url, {"action": "x"}).status_code in (302, 403, 404)
    entry.refresh_from_db()
    assert entry.action == "création"


def test_consent_officer_records_consent_via_admin_form_with_french_errors(client, people, work):
    login(client, people["officer"])
    person = make_participant("Bintou")
    url = reverse("consent_consentrecord:add") + f"?work={work.pk}"
    assert client.get(url).status_code == 200
    data = {
        "participant": person.pk, "role": "author", "work": work.pk, "channels": ["website", "museum"],
        "evidence_kind": "written", "given_on": "2024-05-10", "expires_on": "2024-01-01",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "La date d&#x27;expiration doit être postérieure" in response.content.decode()
    assert not ConsentRecord.objects.exists()
    data["expires_on"] = "2030-01-01"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    record = ConsentRecord.objects.get()
    assert record.channels == ["website", "museum"] and record.recorded_by == people["officer"]
    assert AuditEntry.objects.filter(model="consent.consentrecord", user=people["officer"]).exists()


def test_work_admin_listing_filtered_by_role_and_shows_labels(client, people, project):
    own = WorkFactory(project=project, title_fr="Capsule de A", partner=people["partner"])
    other = WorkFactory(project=project, title_fr="Capsule de B", partner=PartnerFactory(name="B"))
    secret = WorkFactory(project=project, title_fr="Oeuvre protégée", partner=PartnerFactory(name="C", is_protected_community=True))
    for w in (own, other, secret):
        # L'administration suit la politique : la commissaire connaît ce que l'archive interne permet.
        grant(w, channels=["internal", "website"])
    url = reverse("wagtailsnippets_media_library_work:list")
    body = login(client, people["partner_admin"]).get(url).content.decode()
    assert "Capsule de A" in body and "Capsule de B" not in body and "Oeuvre protégée" not in body
    body = login(client, people["curator"]).get(url).content.decode()
    assert "Capsule de A" in body and "Capsule de B" in body and "Oeuvre protégée" not in body
    assert "Consentement vérifié" in body
    body = login(client, people["officer"]).get(url).content.decode()
    assert "Oeuvre protégée" in body


def test_work_edit_view_has_consent_panel(admin_client, work):
    grant(work, channels=["secured_event"])
    body = admin_client.get(reverse("wagtailsnippets_media_library_work:edit", args=[work.pk])).content.decode()
    assert "Projection sécurisée uniquement" in body
    assert "Permission effective" in body


def test_evidence_is_served_only_to_consent_officers(client, people, work):
    record = grant(work)
    record.evidence_file.save("formulaire.pdf", ContentFile(b"%PDF-1.4 preuve"), save=True)
    url = reverse("consent_evidence", args=[record.pk])
    assert login(client, people["curator"]).get(url).status_code in (302, 403)
    response = login(client, people["officer"]).get(url)
    assert response.status_code == 200 and "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    client.logout()
    assert client.get(url).status_code in (302, 403)


def test_withdrawal_workflow_end_to_end(client, people, project, small_image):
    work = WorkFactory(project=project, title_fr="Body map retirée", partner=people["partner"])
    record = grant(work)
    media = ingest_file(work, small_image)
    from media_library.processing.images import ensure_image_renditions

    copy = ensure_image_renditions(media)["large"]  # les partenaires reçoivent un rendu, jamais l'original
    # La facilitatrice télécharge le fichier : c'est journalisé.
    login(client, people["facilitator"])
    assert client.get(copy.get_serve_url(Channel.FACILITATOR_DOWNLOAD)).status_code == 200
    assert ServedFile.objects.filter(user=people["facilitator"], work=work, allowed=True).exists()
    client.logout()
    assert client.get(work.get_absolute_url()).status_code == 200

    login(client, people["officer"])
    url = reverse("consent_withdraw", args=[record.participant.pk])
    bad = client.post(url, {"effective_on": "2999-01-01"})
    assert "futur" in bad.content.decode() and not Withdrawal.objects.exists()
    response = client.post(url, {"effective_on": "2020-01-01", "reason": "Demande orale"})
    withdrawal = Withdrawal.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("consent_withdrawal_impact", args=[withdrawal.pk])
    impact = client.get(response["Location"]).content.decode()
    assert "Body map retirée" in impact and "animatrice" in impact
    notice = CuratorNotice.objects.get()
    assert work in notice.works.all()
    # Les commissaires voient l'avis sur le tableau de bord.
    home = login(client, people["curator"]).get(reverse("wagtailadmin_home")).content.decode()
    assert "Retraits de consentement à traiter" in home
    # Dès la requête suivante : plus rien nulle part.
    client.logout()
    assert client.get(work.get_absolute_url()).status_code == 404
    assert client.get(copy.get_serve_url("website")).status_code == 404
    login(client, people["facilitator"])
    assert client.get(copy.get_serve_url(Channel.FACILITATOR_DOWNLOAD)).status_code == 404  # refusé = absent
