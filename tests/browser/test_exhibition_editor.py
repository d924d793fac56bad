"""L'étape 3 de l'histoire, dans Chromium, seulement par les pages (l'ORM ne crée que les comptes) :
la commissaire téléverse le film, la responsable du consentement enregistre les consentements des deux
femmes (l'une n'accepte pas le site web), puis la commissaire assemble l'exposition dans l'éditeur de
pages de Wagtail (salle, œuvres choisies dans le sélecteur), la prévisualise ; la publication en ligne
est refusée avec sa raison, la version « Au musée » passe (panneau revérifié sans enregistrer), les
cartels s'impriment, et le public voit l'exposition publiée."""

import re

import pytest
from playwright.sync_api import expect

from consent.roles import CONSENT_OFFICER, CURATOR
from media_library import testing

from .people import print_wall_labels, Person, account, create_project, fill_page_title, new_work, record_consent, upload

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DESKTOP = {"width": 1400, "height": 1000}


def add_work_block(person, n, title):
    """Dans la salle : « + » (Insérer un bloc), « Œuvre », puis l'œuvre dans le sélecteur."""
    person.insert_block(re.compile("^Œuvre"))
    person.choose(f"body-0-value-content-{n}-value-work", title)


def publish_from_editor(person):
    """Le menu du bouton du pied de page, puis « Publier »."""
    page = person.page
    person.click(page.locator("footer [data-w-dropdown-target='toggle']").first)
    with page.expect_navigation():
        person.click(page.get_by_role("button", name="Publier"))


def test_curator_assembles_the_exhibition_in_the_page_editor(chromium, live_server, media_dir):
    account("aminata", role=CURATOR, superuser=True)
    account("fatoumata", role=CONSENT_OFFICER)
    film = testing.make_video(media_dir / "regard.mp4", seconds=2, size="320x240")
    evidence = testing.make_pdf(media_dir / "formulaire-signe.pdf")
    context = chromium.new_context(locale="fr-FR", viewport=DESKTOP, accept_downloads=True)
    curator = Person(context, live_server.url, "commissaire")
    curator.login("aminata")
    create_project(curator, "Protection des migrants")
    new_work(curator, "r/Egard")
    upload(curator, film)
    new_work(curator, "Capsule de Mariam", kind="capsule")
    curator.clicks = 0  # les étapes ci-dessus sont comptées dans leurs propres tests

    # La responsable du consentement, dans son navigateur.
    officer_context = chromium.new_context(locale="fr-FR", viewport=DESKTOP)
    officer = Person(officer_context, live_server.url, "responsable du consentement")
    officer.login("fatoumata")
    record_consent(officer, "Awa", "r/Egard", ["Site web public", "Exposition au musée"], evidence)
    record_consent(officer, "Mariam", "Capsule de Mariam",
                   ["Projections fermées des partenaires", "Exposition au musée"], evidence)
    assert officer.external_requests() == []
    officer_context.close()

    page = curator.page
    try:
        # Pages → les sous-pages du site → « Ajouter une sous-page » → « Liste des expositions », publiée.
        page.goto(live_server.url + "/admin/pages/")
        curator.click(page.locator("a[title^='Explorer les sous-pages'][title*='Welcome']"))
        curator.click(page.get_by_role("link", name="Ajouter une sous-page", exact=True))
        curator.click(page.get_by_role("link", name="Liste des expositions", exact=True))
        fill_page_title(curator, "Expositions")
        publish_from_editor(curator)
        curator.step("créer la liste des expositions")
        # « + » sur la ligne « Expositions » : une exposition (seul type permis), ses salles et ses œuvres.
        curator.click(page.locator("a[href$='/add_subpage/'][title*='Expositions']"))
        page.wait_for_selector("#id_title")
        fill_page_title(curator, "Nos corps, nos chemins")
        page.fill("#id_venue", "Musée du District de Bamako")
        curator.click(page.locator("button.c-sf-add-button").first)  # une salle (seul bloc possible)
        page.fill("#body-0-value-title_fr", "Salle 1 : le voyage")
        add_work_block(curator, 0, "r/Egard")
        add_work_block(curator, 1, "Capsule de Mariam")
        # Le panneau du consentement suit le formulaire : la publication en ligne sera refusée, et pourquoi.
        panel = page.locator("[data-consent-check]")
        expect(panel).to_contain_text("La publication sera refusée")
        expect(panel).to_contain_text("Capsule de Mariam")
        assert "r/Egard" not in panel.inner_text()
        assert "data-base-url-warning" in panel.inner_html()  # l'adresse publique de test est locale
        curator.step("assembler l'exposition (salle, deux œuvres)")
        # Prévisualiser : le panneau latéral montre la page telle que le public la verra.
        curator.click("button[data-side-panel-toggle='preview']")
        preview = page.frame_locator("#w-preview-iframe")
        expect(preview.locator("body")).to_contain_text("Nos corps, nos chemins")
        expect(preview.locator("body")).to_contain_text("Salle 1 : le voyage")
        curator.click("button[data-side-panel-toggle='preview']")
        curator.step("prévisualiser")
        # Publier en ligne : refusé, avec la raison ; le brouillon est gardé.
        publish_from_editor(curator)
        error = page.locator(".messages li.error")
        expect(error).to_contain_text("Publication refusée")
        expect(error).to_contain_text("Site web public")
        curator.step("publier en ligne : refusé")
        curator.shot("commissaire-exposition-refus")
        # « Au musée » : le panneau est revérifié d'après le formulaire, sans enregistrer.
        with page.expect_response(lambda r: "/consentement/" in r.url and r.request.method == "POST") as checked:
            page.select_option("#id_kind", value="museum")
        assert checked.value.status == 200
        expect(panel).to_contain_text("Toutes les œuvres ont le consentement")
        publish_from_editor(curator)
        expect(page.locator(".messages li.success")).to_contain_text("Nos corps, nos chemins")
        curator.step("passer au musée et publier")
        # Les cartels (PDF avec QR codes), depuis la page de l'exposition dans l'admin.
        print_wall_labels(curator, "Nos corps, nos chemins", media_dir)
        curator.step("imprimer les cartels")
    except Exception:
        curator.shot("commissaire-exposition-echec")
        raise
    assert curator.external_requests() == []
    curator.save_clicks("commissaire : exposition assemblée dans l'éditeur, refus en ligne, musée, cartels")
    context.close()

    # Le public voit l'exposition publiée : le film, pas l'œuvre de Mariam (qui n'a pas accepté le site web).
    visitor_context = chromium.new_context(locale="fr-FR", viewport={"width": 1200, "height": 900})
    visitor = Person(visitor_context, live_server.url, "visiteur")
    response = visitor.page.goto(live_server.url + "/expositions/")
    assert response.status == 200
    visitor.click(visitor.page.get_by_role("link", name="Nos corps, nos chemins").first)
    main = visitor.page.locator("main")
    expect(main).to_contain_text("Salle 1 : le voyage")
    expect(main).to_contain_text("r/Egard")
    assert "Capsule de Mariam" not in main.inner_text()
    visitor.shot("visiteur-exposition-publiee")
    assert visitor.external_requests() == []
    visitor_context.close()
