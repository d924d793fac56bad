"""La responsable du consentement, dans Chromium : elle crée une participante depuis le formulaire de
consentement (onglet « Nouvelle personne » du sélecteur), enregistre un consentement limité aux
projections fermées, reçoit l'avertissement d'un consentement oral sans preuve ; puis elle enregistre
un retrait (date du jour déjà remplie), lit sa page d'impact, et l'œuvre disparaît des pages et des
fichiers publics à la requête suivante."""

import datetime

import pytest

from consent.models import ConsentRecord, Participant, Withdrawal
from consent.roles import CONSENT_OFFICER, CURATOR, FACILITATOR
from exhibitions.tests import factories as f
from media_library.models import Work
from media_library.tests.factories import PartnerFactory

from paroles.browser_testing import session_cookie

from .people import Person, account, create_project, new_work

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_records_a_consent_for_closed_screenings_only(chromium, live_server, db):
    # La commissaire a catalogué le film (par les pages, dans son navigateur).
    account("aminata", role=CURATOR, superuser=True)
    curator_context = chromium.new_context(locale="fr-FR", viewport={"width": 1400, "height": 1000})
    curator = Person(curator_context, live_server.url, "commissaire")
    curator.login("aminata")
    create_project(curator, "Protection des migrants")
    new_work(curator, "r/Egard")
    curator_context.close()
    work = Work.objects.get(title_fr="r/Egard")
    account("fatoumata", role=CONSENT_OFFICER)
    context = chromium.new_context(locale="fr-FR", viewport={"width": 1400, "height": 1000})
    person = Person(context, live_server.url, "responsable du consentement")
    person.login("fatoumata")
    page = person.page
    page.goto(live_server.url + "/admin/consent_consentrecord/")
    person.click(page.get_by_role("link", name="Ajouter").first)
    page.wait_for_selector("text=Nouveau consentement")
    # La participante n'existe pas encore : elle est créée sans quitter le consentement.
    person.click("#id_participant-chooser [data-chooser-action-choose]")
    modal = page.locator(".modal-content")
    person.click(modal.get_by_role("tab", name="Nouvelle personne"))
    modal.locator("#id_pseudonym").fill("Mariam")
    modal.locator("#id_birth_year").fill("1990")
    person.click(modal.get_by_role("button", name="Créer la fiche"))
    page.wait_for_function("() => document.getElementById('id_participant').value !== ''")
    assert "Mariam" in page.inner_text("#id_participant-chooser")
    person.choose("id_work", "r/Egard")
    person.click(page.get_by_label("Projections fermées des partenaires"))
    page.select_option("#id_evidence_kind", value="oral")
    page.fill("#id_witness_name", "Kadiatou, animatrice")
    person.click(page.get_by_role("button", name="Créer", exact=True))
    page.wait_for_selector(".messages")
    messages = page.inner_text(".messages")
    assert "Consentement « " in messages and "créé." in messages
    assert "sans fichier de preuve" in messages  # l'avertissement, en français
    person.step("enregistrer un consentement (avec création de la participante)")
    person.shot("responsable-1-consentement")
    record = ConsentRecord.objects.get()
    assert record.participant == Participant.objects.get(pseudonym="Mariam")
    assert record.work == work and record.channels == ["closed_screening"]
    assert person.external_requests() == []
    person.save_clicks("responsable du consentement : consentement limité aux projections fermées")
    context.close()


def test_officer_records_a_withdrawal_reads_its_impact_and_the_work_disappears(chromium, live_server, tmp_path):
    partner = PartnerFactory(name="ARACEM")
    work = f.work_with_file(tmp_path, title="Carte de Salimata", pseudonym="Salimata")
    exhibition = f.exhibition([work], kind="online", publish=True, title="Nos corps, nos chemins")
    account("fatoumata", role=CONSENT_OFFICER)
    awa = account("awa", role=FACILITATOR, partner=partner)
    media = work.files.get()
    # Le public et les partenaires reçoivent un rendu sans métadonnées, jamais l'original.
    from media_library.processing.images import ensure_archive_image

    rendition = ensure_archive_image(media).get_rendition("max-400x400")
    file_url = rendition.get_serve_url("website")
    anonymous = chromium.new_context(locale="fr-FR")
    assert anonymous.request.get(live_server.url + work.get_absolute_url()).status == 200
    assert anonymous.request.get(live_server.url + file_url).status == 200
    assert anonymous.request.get(live_server.url + exhibition.url).status == 200
    # Une animatrice a téléchargé le fichier (par la porte) : la responsable devra la contacter.
    facilitator = chromium.new_context(locale="fr-FR")
    facilitator.add_cookies([session_cookie(live_server, awa)])
    assert facilitator.request.get(live_server.url + rendition.get_serve_url("facilitator_download")).status == 200
    facilitator.close()

    context = chromium.new_context(locale="fr-FR", viewport={"width": 1400, "height": 1000})
    person = Person(context, live_server.url, "responsable du consentement")
    person.login("fatoumata")
    page = person.page
    page.goto(live_server.url + "/admin/consent_participant/")
    row = page.locator("tr", has_text="Salimata")
    person.click(row.get_by_role("link", name="Enregistrer un retrait"))
    page.wait_for_selector("text=Enregistrer un retrait de consentement")
    # « Prend effet le » est rempli (aujourd'hui) : le premier envoi passe.
    assert page.input_value("#id_effective_on") == datetime.date.today().isoformat()
    person.click(page.get_by_role("button", name="Enregistrer le retrait"))
    page.wait_for_url("**/impact/")
    person.step("enregistrer le retrait")
    text = page.inner_text("main")
    assert "Carte de Salimata" in text
    assert "Nos corps, nos chemins" in text and "plus aucune œuvre visible" in text
    assert "awa" in text  # qui a téléchargé
    person.shot("responsable-2-impact-du-retrait")
    assert Withdrawal.objects.count() == 1
    assert person.external_requests() == []
    person.save_clicks("responsable du consentement : retrait et page d'impact")
    context.close()

    # À la requête suivante : plus rien du côté public (même réponse qu'une œuvre qui n'existe pas).
    assert anonymous.request.get(live_server.url + work.get_absolute_url()).status == 404
    assert anonymous.request.get(live_server.url + file_url).status == 404
    public = anonymous.new_page()
    public.goto(live_server.url + exhibition.url)
    assert "Carte de Salimata" not in public.inner_text("main")
    assert public.locator("[data-nothing-visible]").is_visible()
    anonymous.close()
