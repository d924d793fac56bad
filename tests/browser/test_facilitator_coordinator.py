"""L'animatrice sur son téléphone (360×740) et la coordinatrice, dans Chromium.

L'animatrice d'ARACEM ouvre la boîte à outils, télécharge trois capsules AVEC les sous-titres
incrustés (faits à l'approbation des pistes, sans autre geste), puis note sa causerie hors ligne ; la
fiche part une seule fois au retour du réseau. La coordinatrice ouvre le tableau de bord et télécharge
l'export des bailleurs. Le lien « Version légère pour téléphone » doit se lire dans le navigateur."""

import csv
import io

import pytest

from communication.models import Screening
from consent.roles import CONSENT_OFFICER, CURATOR, FACILITATOR
from exhibitions.tests import factories as f
from media_library import testing
from media_library.models import Work
from media_library.tests.factories import PartnerFactory
from transcription.models import SubtitledRendition

from .people import Person, account, create_project, record_consent, subtitled_capsule, write_srt

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 360, "height": 740}
HEADERS = ["Code", "Indicateur", "Mesure", "Période", "Début", "Fin", "Partenaire", "Ventilation",
           "Valeur de référence", "Cible", "Réalisé", "% de la cible"]


TITLES = ("Briser le silence", "Les règles ne sont pas une honte", "Au commissariat")


@pytest.fixture
def capsules(chromium, live_server, media_dir):
    """Les trois capsules, par les pages : la commissaire crée chaque œuvre, téléverse le film, importe la piste
    française et l'approuve (la version téléphone sous-titrée se fait seule) ; la responsable du consentement
    enregistre le consentement « Téléchargement par les animateurs ». Seule la boîte à outils (la page qui les
    range pour ARACEM) est posée par l'ORM."""
    account("aminata", role=CURATOR, superuser=True)
    account("fatoumata", role=CONSENT_OFFICER)
    context = chromium.new_context(locale="fr-FR", viewport={"width": 1400, "height": 1000})
    curator = Person(context, live_server.url, "commissaire")
    curator.login("aminata")
    create_project(curator, "Protection des migrants")
    for i, title in enumerate(TITLES, 1):
        film = testing.make_video(media_dir / f"capsule-{i}.mp4", seconds=3, size="320x240", freq=300 + 110 * i)
        srt = write_srt(media_dir / f"capsule-{i}.fr.srt", [(0.2, 1.8, f"Capsule {i}.")])
        subtitled_capsule(curator, title, film, srt)
    assert curator.external_requests() == []
    context.close()
    context = chromium.new_context(locale="fr-FR", viewport={"width": 1400, "height": 1000})
    officer = Person(context, live_server.url, "responsable du consentement")
    officer.login("fatoumata")
    evidence = testing.make_pdf(media_dir / "formulaire.pdf")
    for i, title in enumerate(TITLES, 1):
        record_consent(officer, f"Awa {i}", title, ["Téléchargement par les animateurs"], evidence)
    context.close()
    works = [Work.objects.get(title_fr=t) for t in TITLES]
    assert SubtitledRendition.objects.filter(status="ready", track__work__in=works).count() == 3
    return works


def test_facilitator_downloads_three_subtitled_capsules_on_her_phone(chromium, live_server, capsules):
    aracem = PartnerFactory(name="ARACEM")
    account("awa", role=FACILITATOR, partner=aracem)
    toolkit = f.toolkit([(w, [aracem]) for w in capsules])
    context = chromium.new_context(locale="fr-FR", viewport=PHONE, is_mobile=True, has_touch=True, accept_downloads=True)
    person = Person(context, live_server.url, "animatrice")
    page = person.page
    page.goto(live_server.url + toolkit.url)
    person.click(page.get_by_role("link", name="Se connecter"))
    page.fill("#id_username", "awa")
    page.fill("#id_password", "mot-de-passe-de-test-42")
    person.click("button[type=submit]")
    page.wait_for_url(lambda url: "connexion" not in url)
    person.step("se connecter à la boîte à outils")
    assert "Version téléphone (sans sous-titres incrustés)" not in page.inner_text("main")
    links = page.get_by_role("link", name="Version téléphone, sous-titres français incrustés")
    assert links.count() == 3
    sizes, names = [], []
    for i in range(3):
        with page.expect_download() as download:
            person.click(links.nth(i))
        path = download.value.path()
        assert download.value.suggested_filename.endswith("-telephone-fr.mp4")
        assert path.read_bytes()[4:8] == b"ftyp"  # un vrai MP4, pas une page d'erreur
        sizes.append(path.stat().st_size)
        names.append(download.value.suggested_filename)
    assert all(s > 1000 for s in sizes) and len(set(names)) == 3
    person.step("télécharger trois capsules sous-titrées")
    person.shot("animatrice-1-boite-a-outils-telephone")
    assert person.external_requests() == []
    person.save_clicks("animatrice : trois capsules sous-titrées sur le téléphone")
    context.close()


def test_facilitator_logs_a_session_offline_on_her_phone_and_it_syncs_once(chromium, live_server, db):
    from communication.places_seed import seed
    from communication.models import Place

    seed(Place)
    aracem = PartnerFactory(name="Association des Refoulés d'Afrique Centrale au Mali", acronym="ARACEM")
    from media_library.tests.factories import WorkFactory
    from consent.testing import publish

    publish(WorkFactory(title_fr="Capsule VBG 1"))
    account("awa", role=FACILITATOR, partner=aracem)
    context = chromium.new_context(locale="fr-FR", viewport=PHONE, is_mobile=True, has_touch=True)
    person = Person(context, live_server.url, "animatrice")
    page = person.page
    page.goto(live_server.url + "/journal/connexion/?next=/journal/")
    page.fill("#id_username", "awa")
    page.fill("#id_password", "mot-de-passe-de-test-42")
    person.click("button[type=submit]")
    page.wait_for_url(live_server.url + "/journal/")
    page.wait_for_selector("#journal[data-ready='1']")
    page.evaluate("async () => { await navigator.serviceWorker.ready; return true; }")
    context.set_offline(True)  # au commissariat, pas de réseau
    page.select_option("#f-place-1", label="District de Bamako")
    page.select_option("#f-place-2", label="Commune VI")
    page.select_option("#f-venue_type", value="police_station")
    page.select_option("#f-channel", value="community_talk")
    page.select_option(".material-work", index=1)
    page.fill("#f-women", "7")
    page.fill("#f-men", "3")
    page.fill("#f-people_total", "10")
    page.fill("#f-host_community", "10")
    page.fill("#f-discussion_minutes", "30")
    person.click("#save-entry")
    page.wait_for_selector("#entry-list > li[data-state='queued']")
    assert "Hors ligne" in page.inner_text("#net-status")
    assert "En attente d'envoi" in page.inner_text("#entry-list")  # texte du catalogue JavaScript
    person.step("noter la causerie hors ligne")
    person.shot("animatrice-2-journal-hors-ligne")
    assert Screening.objects.count() == 0
    # Le lendemain, le réseau revient : la fiche part, une fois.
    context.set_offline(False)
    with page.expect_response(lambda r: "/journal/api/" in r.url and r.request.method == "POST") as sent:
        person.click("#sync-now")
    assert sent.value.status in (200, 201)
    page.wait_for_selector("#entry-list > li[data-state='accepted']")
    person.click("#sync-now")  # un nouvel envoi ne double rien
    page.wait_for_selector("#net-status:has-text('Toutes les fiches sont envoyées')")
    assert Screening.objects.count() == 1
    screening = Screening.objects.get()
    assert screening.people_total == 10 and screening.partner == aracem
    assert person.external_requests() == []
    person.save_clicks("animatrice : causerie notée hors ligne, envoyée au retour du réseau")
    context.close()


def test_coordinator_opens_the_dashboard_and_exports_the_donor_table(chromium, live_server, db, tmp_path):
    # Le plan et sa cible, saisis par les pages : le projet (Archives → Projets), puis Communication → Plans de
    # communication → Ajouter, avec un indicateur du cadre logique et sa cible.
    account("mariam", superuser=True)
    account("kadiatou", perms=("wagtailadmin.access_admin", "communication.view_dashboard"))
    planner_context = chromium.new_context(locale="fr-FR", viewport={"width": 1400, "height": 1000})
    planner = Person(planner_context, live_server.url, "chargée du suivi")
    planner.login("mariam")
    create_project(planner, "Protection des migrants")
    page = planner.page
    page.goto(live_server.url + "/admin/communication/plans/new/")
    planner.choose("id_project", "Protection des migrants")
    page.fill("#id_title", "Plan de communication 2026")
    page.fill("#id_start_date", "2026-01-01")
    page.fill("#id_end_date", "2026-12-31")
    page.keyboard.press("Escape")  # ferme le calendrier
    page.fill("#id_objectives", "Faire connaître les recours aux femmes migrantes.")
    planner.click("#id_indicators-ADD")
    page.fill("#id_indicators-0-code", "IExt 2.3")
    page.fill("#id_indicators-0-label", "Personnes touchées par les causeries")
    page.fill("#id_indicators-0-target", "40")
    planner.click(page.get_by_role("button", name="Créer", exact=True))
    page.wait_for_selector(".messages")
    planner.shot("plan-de-communication")
    assert page.locator(".messages li.success").count() == 1, page.inner_text("main")
    planner_context.close()
    context = chromium.new_context(locale="fr-FR", viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    person = Person(context, live_server.url, "coordinatrice")
    person.login("kadiatou")
    page = person.page
    # Dans le menu : « Communication » puis « Tableau de bord » (deux clics, comptés).
    person.clicks += 2
    page.goto(live_server.url + "/admin/communication/tableau-de-bord/")
    assert "Tableau de bord" in page.inner_text("main")
    person.step("ouvrir le tableau de bord")
    with page.expect_download() as download:
        person.click(page.get_by_role("link", name="Export bailleurs (XLSX)"))
    assert download.value.suggested_filename.startswith("indicateurs-communication-")
    assert download.value.suggested_filename.endswith(".xlsx")
    import openpyxl

    saved = tmp_path / "export.xlsx"
    download.value.save_as(saved)
    sheet = openpyxl.load_workbook(saved).active
    assert [c.value for c in sheet[1]] == HEADERS
    row = {h: c.value for h, c in zip(HEADERS, sheet[2])}
    assert row["Code"] == "IExt 2.3" and row["Cible"] == 40 and row["Réalisé"] == 0
    with page.expect_download() as download:
        person.click(page.get_by_role("link", name="Export bailleurs (CSV)"))
    assert download.value.suggested_filename.startswith("indicateurs-communication-")
    assert download.value.suggested_filename.endswith(".csv")
    text = download.value.path().read_bytes().decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert table[0] == HEADERS
    row = dict(zip(HEADERS, table[1]))
    assert row["Code"] == "IExt 2.3" and row["Indicateur"] == "Personnes touchées par les causeries"
    assert row["Cible"] == "40" and row["Réalisé"] == "0"
    person.step("exporter le tableau des bailleurs")
    person.shot("coordinatrice-tableau-de-bord")
    assert person.external_requests() == []
    person.save_clicks("coordinatrice : tableau de bord et export")
    context.close()


# Le lien « Version légère pour téléphone » qui se lit et s'enregistre : media_library/tests/test_phone_browser.py
# (la CSP des médias de la porte bloque les aides d'attente de Playwright : le test y écoute « timeupdate »).
