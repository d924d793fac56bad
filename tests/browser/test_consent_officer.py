"""La responsable du consentement, dans Chromium, seulement par les pages (l'ORM ne crée que les comptes,
et n'est lu que pour vérifier) :

- étape 2 : elle lie les douze femmes qui paraissent dans le film et enregistre leurs consentements (chaque
  participante créée depuis le formulaire, onglet « Nouvelle personne » du sélecteur) ; l'une n'accepte que
  les projections fermées (consentement oral, avec témoin, sans fichier : l'avertissement est en français) ;
- étape 6 : l'œuvre téléversée, consentie, publiée dans une exposition et téléchargée par une animatrice,
  elle enregistre le retrait (date du jour déjà remplie), lit sa page d'impact, et à la requête suivante
  l'œuvre a disparu de chaque page et de chaque adresse de fichier du visiteur (le même 404 qu'une œuvre
  qui n'existe pas)."""

import datetime
import json
import re
import time

import pytest
from playwright.sync_api import expect

from consent.models import ConsentRecord, Participant, Withdrawal
from consent.roles import CONSENT_OFFICER, CURATOR, FACILITATOR
from media_library import testing
from media_library.models import Work
from media_library.tests.factories import PartnerFactory

from paroles.browser_testing import ARTIFACTS

from .people import (PASSWORD, Person, account, build_exhibition, create_project, file_urls, new_work,
                     publish_in_editor, record_consent, upload)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DESKTOP = {"width": 1400, "height": 1000}
# Les douze femmes du film (pseudonymes) ; la dernière n'accepte que les projections fermées.
WOMEN = ["Awa", "Fatou", "Kadiatou", "Aminata", "Oumou", "Rokia", "Djeneba", "Assitan", "Nana", "Safiatou",
         "Korotoumou"]


def _note_duration(story, seconds):
    path = ARTIFACTS / "clics.json"
    data = json.loads(path.read_text()) if path.exists() else {}
    data.setdefault(story, {})["secondes"] = round(seconds, 1)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2))


def _same(response):
    """Le corps d'une réponse, sans ce qui change à chaque requête (nonce de la CSP, jeton CSRF)."""
    return re.sub(r'(nonce|value)="[^"]*"', "", response.text())


def _catalogue_the_film(chromium, live_server, title, film=None):
    """Étape 1, par les pages : la commissaire crée le projet et l'œuvre (et téléverse le film)."""
    context = chromium.new_context(locale="fr-FR", viewport=DESKTOP)
    curator = Person(context, live_server.url, "commissaire")
    curator.login("aminata")
    create_project(curator, "Protection des migrants")
    new_work(curator, title)
    if film is not None:
        upload(curator, film)
    assert curator.external_requests() == []
    return curator


def test_officer_links_the_twelve_women_of_the_film(chromium, live_server, media_dir):
    account("aminata", role=CURATOR, superuser=True)
    account("fatoumata", role=CONSENT_OFFICER)
    evidence = testing.make_pdf(media_dir / "formulaire-signe.pdf")
    _catalogue_the_film(chromium, live_server, "r/Egard").context.close()

    context = chromium.new_context(locale="fr-FR", viewport=DESKTOP)
    person = Person(context, live_server.url, "responsable du consentement")
    person.login("fatoumata")
    page = person.page
    started = time.monotonic()
    # Onze femmes : formulaire signé, site web, musée et projections fermées.
    for pseudonym in WOMEN:
        record_consent(person, pseudonym, "r/Egard",
                       ["Site web public", "Exposition au musée", "Projections fermées des partenaires"], evidence)
    person.step("onze consentements (formulaire signé joint)")
    # La douzième : projections fermées seulement, consentement oral devant témoin, sans fichier.
    page.goto(live_server.url + "/admin/consent_consentrecord/")
    person.click(page.get_by_role("link", name="Ajouter").first)
    page.wait_for_selector("text=Nouveau consentement")
    person.click("#id_participant-chooser [data-chooser-action-choose]")
    modal = page.locator(".modal-content")
    person.click(modal.get_by_role("tab", name="Nouvelle personne"))
    modal.locator("#id_pseudonym").fill("Mariam")
    modal.locator("#id_birth_year").fill("1990")
    person.click(modal.get_by_role("button", name="Créer la fiche"))
    page.wait_for_function("() => document.getElementById('id_participant').value !== ''")
    expect(page.locator("#id_participant-chooser")).to_contain_text("Mariam")
    person.choose("id_work", "r/Egard")
    person.click(page.get_by_label("Projections fermées des partenaires", exact=True))
    page.select_option("#id_evidence_kind", value="oral")
    page.fill("#id_witness_name", "Kadiatou, animatrice")
    person.click(page.get_by_role("button", name="Créer", exact=True))
    messages = page.locator(".messages")
    expect(messages).to_contain_text("créé.")
    expect(messages).to_contain_text("sans fichier de preuve")  # l'avertissement, en français
    person.step("la douzième : projections fermées seulement (oral, témoin)")
    elapsed = time.monotonic() - started
    person.shot("responsable-1-douze-consentements")
    # Ce qu'elle voit : les douze consentements du film, et les canaux de Mariam.
    page.goto(live_server.url + "/admin/consent_consentrecord/")
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(12)
    mariam = rows.filter(has_text="Mariam")
    expect(mariam).to_contain_text("Projections fermées des partenaires")
    assert "Site web public" not in mariam.inner_text()
    # (lu pour vérifier, pas pour agir)
    work = Work.objects.get(title_fr="r/Egard")
    assert ConsentRecord.objects.filter(work=work).count() == 12
    assert ConsentRecord.objects.get(participant__pseudonym="Mariam").channels == ["closed_screening"]
    assert Participant.objects.count() == 12
    assert person.external_requests() == []
    story = "responsable du consentement : les douze femmes du film"
    person.save_clicks(story)
    _note_duration(story, elapsed)
    print(f"\nDouze consentements par les pages : {elapsed:.1f} s, {person.clicks} clics")
    context.close()


def test_officer_records_a_withdrawal_reads_its_impact_and_the_work_disappears(chromium, live_server, media_dir):
    account("aminata", role=CURATOR, superuser=True)
    account("fatoumata", role=CONSENT_OFFICER)
    account("awa", role=FACILITATOR, partner=PartnerFactory(name="ARACEM"))
    film = testing.make_video(media_dir / "voyage.mp4", seconds=2, size="320x240")
    evidence = testing.make_pdf(media_dir / "formulaire-signe.pdf")
    title = "Le voyage de Salimata"
    # Étapes 1 à 3, par les pages : le film téléversé, le consentement de Salimata, l'exposition publiée.
    curator = _catalogue_the_film(chromium, live_server, title, film)
    officer_context = chromium.new_context(locale="fr-FR", viewport=DESKTOP)
    officer = Person(officer_context, live_server.url, "responsable du consentement")
    officer.login("fatoumata")
    record_consent(officer, "Salimata", title,
                   ["Site web public", "Exposition au musée", "Téléchargement par les animateurs"], evidence)
    panel = build_exhibition(curator, "Nos corps, nos chemins", "Salle 1 : le voyage", [title])
    expect(panel).to_contain_text("Toutes les œuvres ont le consentement")
    publish_in_editor(curator)
    expect(curator.page.locator(".messages li.success")).to_contain_text("Nos corps, nos chemins")
    curator.context.close()

    # Le visiteur : l'exposition, puis la page de l'œuvre ; il garde chaque adresse de fichier donnée.
    visitor_context = chromium.new_context(locale="fr-FR", viewport={"width": 1200, "height": 900})
    visitor = Person(visitor_context, live_server.url, "visiteur")
    vpage = visitor.page
    assert vpage.goto(live_server.url + "/expositions/").status == 200
    visitor.click(vpage.get_by_role("link", name="Nos corps, nos chemins").first)
    expect(vpage.locator("main")).to_contain_text(title)
    exhibition_url = vpage.url
    urls = file_urls(vpage)
    work_url = live_server.url + Work.objects.get(title_fr=title).get_absolute_url()  # (lu, l'adresse de la page)
    assert vpage.goto(work_url).status == 200
    expect(vpage.locator("main")).to_contain_text(title)
    urls = sorted(set(urls) | set(file_urls(vpage)))
    assert any("/fichiers/rendu/" in u for u in urls), urls
    for url in urls:
        assert vpage.request.get(url).status == 200, url

    # Une animatrice se connecte et télécharge la version téléphone depuis la page de l'œuvre.
    facilitator_context = chromium.new_context(locale="fr-FR", accept_downloads=True)
    facilitator = Person(facilitator_context, live_server.url, "animatrice")
    fpage = facilitator.page
    fpage.goto(live_server.url + "/animateurs/connexion/?next=" + work_url.removeprefix(live_server.url))
    fpage.fill("#id_username", "awa")
    fpage.fill("#id_password", PASSWORD)
    facilitator.click("button[type=submit]")
    fpage.wait_for_url(work_url)
    with fpage.expect_download() as download:
        facilitator.click(fpage.get_by_role("link", name="télécharger", exact=True))
    saved = media_dir / "copie-awa.mp4"
    download.value.save_as(saved)
    assert saved.stat().st_size > 0
    facilitator_context.close()

    # La responsable enregistre le retrait et lit la page d'impact.
    officer.clicks = 0
    page = officer.page
    page.goto(live_server.url + "/admin/consent_participant/")
    row = page.locator("tr", has_text="Salimata")
    officer.click(row.get_by_role("link", name="Enregistrer un retrait"))
    page.wait_for_selector("text=Enregistrer un retrait de consentement")
    # « Prend effet le » est rempli (aujourd'hui) : le premier envoi passe.
    assert page.input_value("#id_effective_on") == datetime.date.today().isoformat()
    officer.click(page.get_by_role("button", name="Enregistrer le retrait"))
    page.wait_for_url("**/impact/")
    officer.step("enregistrer le retrait")
    main = page.locator("main")
    expect(main).to_contain_text(title)
    expect(main).to_contain_text("Nos corps, nos chemins")
    expect(main).to_contain_text("plus aucune œuvre visible")
    expect(main.locator("tr", has_text="awa")).to_be_visible()  # qui a téléchargé : à contacter
    officer.shot("responsable-2-impact-du-retrait")
    assert Withdrawal.objects.count() == 1
    assert officer.external_requests() == []
    officer.save_clicks("responsable du consentement : retrait et page d'impact")
    officer_context.close()

    # À la requête suivante : chaque page et chaque fichier du visiteur répond comme une œuvre absente.
    absent_page = vpage.request.get(live_server.url + "/archives/999999/")
    assert absent_page.status == 404
    gone = vpage.request.get(work_url)
    assert gone.status == 404 and _same(gone) == _same(absent_page)
    absent_file = vpage.request.get(live_server.url + "/fichiers/rendu/00000000-0000-4000-8000-000000000000/x.mp4")
    assert absent_file.status == 404
    for url in urls:
        response = vpage.request.get(url)
        assert response.status == 404, url
        assert _same(response) == _same(absent_file), url
    assert vpage.goto(exhibition_url).status == 200
    assert title not in vpage.inner_text("main")
    expect(vpage.locator("[data-nothing-visible]")).to_be_visible()
    assert visitor.external_requests() == []
    visitor_context.close()
