"""La commissaire dans l'éditeur d'exposition (Chromium) : le panneau du consentement dit, avant tout
enregistrement, que la publication en ligne sera refusée et pourquoi ; passer l'exposition « Au musée »
le met à jour aussitôt (sans enregistrer) ; puis elle imprime les cartels (PDF avec QR codes)."""

import pytest

from consent.roles import CURATOR
from exhibitions.tests import factories as f

from .people import Person, account

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_consent_panel_follows_the_form_and_labels_print(chromium, live_server, tmp_path):
    museum_only = f.work_with_file(tmp_path, title="Carte de Mariam", channels=["museum"], pseudonym="Mariam")
    page_obj = f.exhibition([museum_only], kind="online", title="Nos corps, nos chemins")
    account("aminata", role=CURATOR, superuser=True)
    context = chromium.new_context(locale="fr-FR", viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    person = Person(context, live_server.url, "commissaire")
    person.login("aminata")
    page = person.page
    page.goto(f"{live_server.url}/admin/pages/{page_obj.pk}/edit/")
    panel = page.locator("[data-consent-check]")
    panel.wait_for()
    assert "La publication sera refusée" in panel.inner_text()
    assert "Carte de Mariam" in panel.inner_text()
    assert "data-base-url-warning" in panel.inner_html()  # l'adresse publique de test est locale
    # Type « Au musée » : le panneau est revérifié d'après le formulaire, sans enregistrer.
    with page.expect_response(lambda r: "/consentement/" in r.url and r.request.method == "POST") as checked:
        page.select_option("#id_kind", value="museum")
    assert checked.value.status == 200
    page.wait_for_selector("[data-consent-check]:has-text('Toutes les œuvres ont le consentement')")
    person.step("voir le refus, passer au musée")
    page_obj.refresh_from_db()
    assert page_obj.kind == "online"  # rien n'a été enregistré
    person.shot("commissaire-exposition-panneau")
    link = page.get_by_role("link", name="Cartels muraux (PDF)").first
    if not link.is_visible():  # les boutons d'en-tête sont dans le menu « Actions » de la page
        person.click(page.locator("header [data-w-dropdown-target='toggle']").first)
    with page.expect_download() as download:
        person.click(link)
    saved = tmp_path / "cartels.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")
    person.step("imprimer les cartels")
    assert person.external_requests() == []
    person.save_clicks("commissaire : exposition, consentement revérifié, cartels")
    context.close()
