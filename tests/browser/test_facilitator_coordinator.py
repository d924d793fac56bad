"""Étapes 4 et 5 du brief, d'une seule histoire, dans Chromium : l'ORM ne crée que les comptes.

La commissaire crée par les pages le projet, l'association ARACEM (et y range l'animatrice), le quartier où
se tiendra la causerie (Communication → Lieux), les trois capsules (téléversement, piste française importée
puis approuvée : la version téléphone sous-titrée se fait seule), puis la boîte à outils qui les range pour
ARACEM (éditeur de pages). La responsable du consentement enregistre le consentement « Téléchargement par
les animateurs ». La chargée du suivi saisit le plan de communication : un indicateur et une activité
d'ARACEM à Bamako, cible 40. L'animatrice, sur son téléphone (360×740), télécharge les trois capsules
sous-titrées, note sa causerie hors ligne ; la fiche part une fois au retour du réseau. La coordinatrice
ouvre le tableau de bord par le menu et y lit CETTE séance par support, partenaire, mois et région contre
les cibles du plan ; l'export des bailleurs (XLSX et CSV) donne Réalisé = 10 et 25 % de la cible."""

import csv
import io
import re

import pytest
from playwright.sync_api import expect

from communication.models import Screening
from consent.roles import CONSENT_OFFICER, CURATOR, FACILITATOR
from media_library import testing

from .people import (
    Person, account, create_project, fill_page_title, publish_in_editor, record_consent, subtitled_capsule, write_srt,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1400, "height": 1000}
HEADERS = ["Code", "Indicateur", "Mesure", "Période", "Début", "Fin", "Partenaire", "Ventilation",
           "Valeur de référence", "Cible", "Réalisé", "% de la cible"]
TITLES = ("Briser le silence", "Les règles ne sont pas une honte", "Au commissariat")
ARACEM = "Association des Refoulés d'Afrique Centrale au Mali"
QUARTIER = "Dianéguéla"  # quartier de la commune VI, absent du découpage amorcé : la commissaire l'ajoute
SESSION_AT = "2026-03-10T10:00"  # la causerie, dans la période du plan (mars 2026)


# --- Les gestes de l'histoire ------------------------------------------------------------------------------------


def pick_many(person, field_id, label):
    """Un champ à choix multiples de l'administration (cases à cocher ou liste), par le libellé visible."""
    page = person.page
    field = page.locator(f"#{field_id}")
    if field.evaluate("el => el.tagName") == "SELECT":
        field.select_option(label=label)
    else:
        person.click(field.get_by_label(label, exact=True))


def type_date(person, field_id, value, next_field):
    """Un champ date de Wagtail : le calendrier s'ouvre un instant APRÈS le focus (minuterie du widget) et, resté
    ouvert, avale les clics suivants. La personne clique le champ, voit le calendrier, tape la date, puis clique
    le champ suivant (qu'elle remplit ensuite) : le calendrier se ferme ; on vérifie qu'aucun n'est resté ouvert."""
    page = person.page
    opened = page.locator(".xdsoft_datetimepicker:visible")
    page.locator(f"#{field_id}").click()  # non compté : la personne y tape la date
    expect(opened).to_have_count(1)
    page.fill(f"#{field_id}", value)
    page.keyboard.press("Escape")
    page.locator(f"#{next_field}").click()  # non compté : la personne allait y taper
    expect(opened).to_have_count(0)
    expect(page.locator(f"#{field_id}")).to_have_value(value)


def add_partner(person, name, acronym, member):
    """Archives → Organisations partenaires → Ajouter : nom, sigle, ville, et l'animatrice parmi les membres."""
    page = person.page
    page.goto(person.base + "/admin/snippets/media_library/partnerorganisation/")
    person.click(page.get_by_role("link", name="Ajouter").first)
    page.fill("#id_name", name)
    page.fill("#id_acronym", acronym)
    page.fill("#id_city", "Bamako")
    pick_many(person, "id_users", member)
    person.click(page.get_by_role("button", name="Enregistrer").first)
    expect(page.locator(".messages li.success")).to_contain_text(acronym)


def add_place(person, name, level, parent):
    """Communication → Lieux → Ajouter : le quartier, rattaché à sa commune."""
    page = person.page
    page.goto(person.base + "/admin/communication/lieux/")
    person.click(page.get_by_role("link", name="Ajouter").first)
    page.fill("#id_name", name)
    page.select_option("#id_level", value=level)
    page.select_option("#id_parent", label=parent)
    person.click(page.get_by_role("button", name="Créer", exact=True))
    expect(page.locator(".messages li.success")).to_contain_text(name)


def build_toolkit(person, title, works, partner):
    """Pages → sous-pages du site → « Ajouter une sous-page » → « Boîte à outils » : le titre, puis pour chaque
    capsule « Ajouter un support », l'œuvre par son sélecteur, l'organisation destinataire ; publier. Renvoie
    l'adresse publique de la page (lue dans son slug)."""
    page = person.page
    page.goto(person.base + "/admin/pages/")
    person.click(page.locator("a[title^='Explorer les sous-pages'][title*='Welcome']"))
    person.click(page.get_by_role("link", name="Ajouter une sous-page", exact=True))
    person.click(page.get_by_role("link", name="Boîte à outils", exact=True))
    fill_page_title(person, title)
    for n, work_title in enumerate(works):
        person.click("#id_materials-ADD")
        page.wait_for_selector(f"#id_materials-{n}-work-chooser")
        person.choose(f"id_materials-{n}-work", work_title)
        pick_many(person, f"id_materials-{n}-organisations", partner)
    slug = page.input_value("#id_slug")
    publish_in_editor(person)
    expect(page.locator(".messages li.success")).to_be_visible()
    return f"/{slug}/"


def plan_with_target(person, project, partner, region, work_title, target):
    """Communication → Plans de communication → Ajouter : projet, titre, période, objectifs ; un indicateur du
    cadre logique (code, intitulé, cible) et l'activité d'ARACEM à Bamako (support, partenaire, région,
    période, cible) ; « Créer »."""
    page = person.page
    page.goto(person.base + "/admin/communication/plans/")
    person.click(page.get_by_role("link", name="Ajouter").first)
    person.choose("id_project", project)
    page.fill("#id_title", "Plan de communication 2026")
    type_date(person, "id_start_date", "2026-01-01", "id_objectives")
    type_date(person, "id_end_date", "2026-12-31", "id_objectives")
    page.fill("#id_objectives", "Faire connaître les recours aux femmes migrantes.")
    person.click("#id_activities-ADD")
    page.fill("#id_activities-0-title", "Causeries VBG au commissariat")
    person.choose("id_activities-0-work", work_title)
    page.select_option("#id_activities-0-channel", value="community_talk")
    person.choose("id_activities-0-partner", partner)
    page.select_option("#id_activities-0-region", label=region)
    type_date(person, "id_activities-0-start_date", "2026-01-01", "id_activities-0-target")
    type_date(person, "id_activities-0-end_date", "2026-12-31", "id_activities-0-target")
    page.fill("#id_activities-0-target", str(target))
    person.click("#id_indicators-ADD")
    page.fill("#id_indicators-0-code", "IExt 2.3")
    page.fill("#id_indicators-0-label", "Personnes touchées par les causeries")
    page.fill("#id_indicators-0-target", str(target))
    person.click(page.get_by_role("button", name="Créer", exact=True))
    page.wait_for_selector(".messages")
    assert page.locator(".messages li.success").count() == 1, page.inner_text("main")


def select_work(page, selector, title):
    """Le support dans la liste du journal (« Titre (type) »), par le début de son libellé."""
    option = page.locator(f"{selector} option").filter(has_text=re.compile(f"^{re.escape(title)}")).first
    page.select_option(selector, value=option.get_attribute("value"))


def table_row(page, heading, first_cell, *, exact=True):
    """La ligne d'un tableau du tableau de bord, sous son titre, lue comme la personne la lit."""
    section = page.locator(f"xpath=//section[h2[normalize-space()='{heading}']]")
    pattern = f"^{re.escape(first_cell)}" + ("$" if exact else "")
    row = section.locator("table.cm-table tbody tr").filter(
        has=page.locator("td:first-child", has_text=re.compile(pattern)))
    expect(row).to_have_count(1)
    return [c.strip() for c in row.locator("td").all_inner_texts()]


# --- L'histoire --------------------------------------------------------------------------------------------------


def test_facilitator_session_reaches_the_coordinator_dashboard_and_the_donor_export(chromium, live_server, media_dir,
                                                                                    tmp_path):
    # Les comptes, seuls posés par l'ORM.
    account("aminata", role=CURATOR, superuser=True)
    account("fatoumata", role=CONSENT_OFFICER)
    account("awa", role=FACILITATOR)
    account("mariam", superuser=True)
    account("kadiatou", perms=("wagtailadmin.access_admin", "communication.view_dashboard"))
    base = live_server.url

    # La commissaire : projet, association (l'animatrice y est rangée), quartier, trois capsules sous-titrées.
    curator_context = chromium.new_context(locale="fr-FR", viewport=DESKTOP)
    curator = Person(curator_context, base, "commissaire")
    curator.login("aminata")
    create_project(curator, "Protection des migrants")
    add_partner(curator, ARACEM, "ARACEM", "awa")
    add_place(curator, QUARTIER, "quartier", "Commune VI (District de Bamako)")
    for i, title in enumerate(TITLES, 1):
        film = testing.make_video(media_dir / f"capsule-{i}.mp4", seconds=3, size="320x240", freq=300 + 110 * i)
        srt = write_srt(media_dir / f"capsule-{i}.fr.srt", [(0.2, 1.8, f"Capsule {i}.")])
        subtitled_capsule(curator, title, film, srt)

    # La responsable du consentement : chaque capsule peut être téléchargée par les animateurs.
    officer_context = chromium.new_context(locale="fr-FR", viewport=DESKTOP)
    officer = Person(officer_context, base, "responsable du consentement")
    officer.login("fatoumata")
    evidence = testing.make_pdf(media_dir / "formulaire.pdf")
    for i, title in enumerate(TITLES, 1):
        record_consent(officer, f"Awa {i}", title, ["Téléchargement par les animateurs"], evidence)
    assert officer.external_requests() == []
    officer_context.close()

    # La commissaire range les trois capsules pour ARACEM dans la boîte à outils.
    curator.step("projet, association, quartier, trois capsules")
    toolkit_url = build_toolkit(curator, "Boîte à outils ARACEM", TITLES, "ARACEM")
    curator.step("boîte à outils par l'éditeur de pages")
    assert curator.external_requests() == []
    curator.save_clicks("commissaire : association, quartier, capsules et boîte à outils")
    curator_context.close()

    # La chargée du suivi : le plan, son indicateur et l'activité d'ARACEM, cible 40.
    planner_context = chromium.new_context(locale="fr-FR", viewport=DESKTOP)
    planner = Person(planner_context, base, "chargée du suivi")
    planner.login("mariam")
    plan_with_target(planner, "Protection des migrants", "ARACEM", "District de Bamako", TITLES[0], 40)
    planner.step("plan de communication, indicateur et activité")
    planner.shot("plan-de-communication")
    assert planner.external_requests() == []
    planner.save_clicks("chargée du suivi : plan, indicateur et activité")
    planner_context.close()

    # L'animatrice, sur son téléphone : trois capsules sous-titrées en français.
    context = chromium.new_context(locale="fr-FR", viewport=PHONE, is_mobile=True, has_touch=True, accept_downloads=True)
    facilitator = Person(context, base, "animatrice")
    page = facilitator.page
    page.goto(base + toolkit_url)
    facilitator.click(page.get_by_role("link", name="Se connecter"))
    page.fill("#id_username", "awa")
    page.fill("#id_password", "mot-de-passe-de-test-42")
    facilitator.click("button[type=submit]")
    page.wait_for_url(lambda url: "connexion" not in url)
    facilitator.step("se connecter à la boîte à outils")
    expect(page.get_by_role("heading", name="Boîte à outils ARACEM")).to_be_visible()
    assert "Version téléphone (sans sous-titres incrustés)" not in page.inner_text("main")
    links = page.get_by_role("link", name="Version téléphone, sous-titres français incrustés")
    expect(links).to_have_count(3)
    names = []
    for i in range(3):
        with page.expect_download() as download:
            facilitator.click(links.nth(i))
        path = download.value.path()
        assert download.value.suggested_filename.endswith("-telephone-fr.mp4")
        assert path.read_bytes()[4:8] == b"ftyp"  # un vrai MP4, pas une page d'erreur
        assert path.stat().st_size > 1000
        names.append(download.value.suggested_filename)
    assert len(set(names)) == 3
    facilitator.step("télécharger trois capsules sous-titrées")
    facilitator.shot("animatrice-1-boite-a-outils-telephone")

    # Au commissariat, sans réseau : la causerie notée dans le journal (installé sur le téléphone).
    page.goto(base + "/journal/connexion/?next=/journal/")
    page.fill("#id_username", "awa")
    page.fill("#id_password", "mot-de-passe-de-test-42")
    facilitator.click("button[type=submit]")
    page.wait_for_url(base + "/journal/")
    page.wait_for_selector("#journal[data-ready='1']")
    page.evaluate("async () => { await navigator.serviceWorker.ready; return true; }")
    facilitator.step("se connecter au journal")
    context.set_offline(True)
    expect(page.locator("#net-status")).to_contain_text("Hors ligne")
    page.fill("#f-started_at", SESSION_AT)
    expect(page.locator("#f-partner")).to_have_value(re.compile(r"\d+"))  # sa seule association, déjà choisie
    page.select_option("#f-place-1", label="District de Bamako")
    page.select_option("#f-place-2", label="Commune VI")
    page.select_option("#f-place-3", label=QUARTIER)
    page.select_option("#f-venue_type", value="police_station")
    page.select_option("#f-channel", value="community_talk")
    select_work(page, "#f-material-work-1", TITLES[0])
    for n, title in enumerate(TITLES[1:], 2):
        facilitator.click("#add-material")
        select_work(page, f"#f-material-work-{n}", title)
    page.fill("#f-women", "7")
    page.fill("#f-men", "3")
    page.fill("#f-people_total", "10")
    page.fill("#f-host_community", "10")
    page.fill("#f-discussion_minutes", "30")
    facilitator.click("#save-entry")
    expect(page.locator("#entry-list > li[data-state='queued']")).to_have_count(1)
    expect(page.locator("#entry-list")).to_contain_text("En attente d'envoi")  # texte du catalogue JavaScript
    facilitator.step("noter la causerie hors ligne")
    facilitator.shot("animatrice-2-journal-hors-ligne")
    assert Screening.objects.count() == 0
    # Le lendemain, le réseau revient : la fiche part, une fois ; un nouvel envoi ne double rien.
    context.set_offline(False)
    with page.expect_response(lambda r: "/journal/api/" in r.url and r.request.method == "POST") as sent:
        facilitator.click("#sync-now")
    assert sent.value.status in (200, 201)
    expect(page.locator("#entry-list > li[data-state='accepted']")).to_have_count(1)
    facilitator.click("#sync-now")
    expect(page.locator("#net-status")).to_contain_text("Toutes les fiches sont envoyées")
    expect(page.locator("#entry-list > li")).to_have_count(1)
    facilitator.step("envoyer au retour du réseau")
    assert Screening.objects.count() == 1
    assert facilitator.external_requests() == []
    facilitator.save_clicks("animatrice : trois capsules sous-titrées, causerie notée hors ligne puis envoyée")
    context.close()

    # La coordinatrice : Communication → Tableau de bord, par le menu ; CETTE séance contre les cibles du plan.
    context = chromium.new_context(locale="fr-FR", viewport=DESKTOP, accept_downloads=True)
    coordinator = Person(context, base, "coordinatrice")
    coordinator.login("kadiatou")
    page = coordinator.page
    coordinator.click(page.locator("#wagtail-sidebar").get_by_role("button", name="Communication"))
    coordinator.click(page.locator("#wagtail-sidebar a[href$='/communication/tableau-de-bord/']"))
    page.wait_for_url("**/admin/communication/tableau-de-bord/")
    expect(page.locator(".cm-kpi").first).to_contain_text("10")
    expect(page.locator(".cm-kpi").first).to_contain_text("personnes touchées en présentiel")
    coordinator.step("se connecter, ouvrir le tableau de bord par le menu")
    # Par partenaire et par région : 10 personnes, cible 40, une séance.
    assert table_row(page, "Par partenaire", "ARACEM")[:4] == ["ARACEM", "10", "40", "1"]
    assert table_row(page, "Par région", "District de Bamako") == ["District de Bamako", "10", "40", "1"]
    # Par support : chacune des trois capsules montrées ; la cible de l'activité porte sur la première.
    assert table_row(page, "Par support", TITLES[0])[:4] == [TITLES[0], "10", "40", "1"]
    for title in TITLES[1:]:
        assert table_row(page, "Par support", title)[:4] == [title, "10", "—", "1"]
    # Par mois : mars 2026, dans le graphique (titre SVG) et son tableau, avec la part de la cible du mois.
    month = table_row(page, "Par mois", "Mar 26")
    assert month[1] == "10" and month[2].isdigit() and int(month[2]) > 0, month
    assert page.locator("svg title", has_text=re.compile(r"^Mar 26 : 10$")).count() == 1
    # L'activité du plan : réalisé contre cible.
    activity = table_row(page, "Activités du plan : réalisé contre cible", "Causeries VBG au commissariat", exact=False)
    assert activity[4:] == ["10 personnes", "40", "25"], activity
    coordinator.shot("coordinatrice-tableau-de-bord")

    # L'export des bailleurs : Réalisé = 10, 25 % de la cible de l'indicateur (ensemble, tous les partenaires).
    def overall(rows):
        found = [r for r in rows if r["Période"] == "Ensemble" and r["Partenaire"] == "Tous les partenaires"
                 and r["Ventilation"] == "Total"]
        assert len(found) == 1, rows
        return found[0]

    with page.expect_download() as download:
        coordinator.click(page.get_by_role("link", name="Export bailleurs (XLSX)"))
    assert download.value.suggested_filename.startswith("indicateurs-communication-")
    assert download.value.suggested_filename.endswith(".xlsx")
    import openpyxl

    saved = tmp_path / "export.xlsx"
    download.value.save_as(saved)
    sheet = openpyxl.load_workbook(saved).active
    assert [c.value for c in sheet[1]] == HEADERS
    rows = [{h: c.value for h, c in zip(HEADERS, r)} for r in sheet.iter_rows(min_row=2)]
    row = overall(rows)
    assert (row["Code"], row["Cible"], row["Réalisé"], row["% de la cible"]) == ("IExt 2.3", 40, 10, 25)
    quarter = [r for r in rows if r["Période"] == "T1 2026" and r["Partenaire"] == "ARACEM" and r["Ventilation"] == "Total"]
    assert len(quarter) == 1 and quarter[0]["Réalisé"] == 10, rows

    with page.expect_download() as download:
        coordinator.click(page.get_by_role("link", name="Export bailleurs (CSV)"))
    assert download.value.suggested_filename.endswith(".csv")
    text = download.value.path().read_bytes().decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert table[0] == HEADERS
    row = overall([dict(zip(HEADERS, r)) for r in table[1:]])
    assert row["Indicateur"] == "Personnes touchées par les causeries"
    assert (row["Cible"], row["Réalisé"], row["% de la cible"]) == ("40", "10", "25")
    coordinator.step("exporter le tableau des bailleurs (XLSX puis CSV)")
    assert coordinator.external_requests() == []
    coordinator.save_clicks("coordinatrice : tableau de bord par le menu et export")
    context.close()


# Le lien « Version légère pour téléphone » qui se lit et s'enregistre : media_library/tests/test_phone_browser.py
# (la CSP des médias de la porte bloque les aides d'attente de Playwright : le test y écoute « timeupdate »).
