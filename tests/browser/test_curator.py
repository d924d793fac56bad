"""La commissaire, dans Chromium : elle crée une œuvre, téléverse le film par le sélecteur de fichiers
puis par glisser-déposer, voit la progression puis les rendus arriver ; les refus sont en français ;
aucune page de l'administration ne demande quoi que ce soit hors du site (pas de gravatar)."""

import base64

import pytest

from consent.roles import CURATOR
from media_library import testing
from media_library.models import MediaFile, Rendition, Work

from .people import Person, account, create_project, new_work, upload

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def curator(db):
    return account("aminata", role=CURATOR, superuser=True)


def _new_work(person, title):
    """Le projet d'abord (Archives → Projets), puis l'œuvre : une œuvre neuve enchaîne sur ses fichiers."""
    before = person.clicks
    create_project(person, "Protection des migrants")
    person.clicks = before  # le projet se crée une fois pour tout le catalogue : hors du compte de l'œuvre
    new_work(person, title)


def _wait_saved(page, n):
    page.wait_for_function(f"() => document.querySelectorAll('#pl-queue .pl-ok').length >= {n}")


def test_curator_uploads_the_film_with_the_file_chooser_and_sees_renditions(chromium, live_server, curator,
                                                                            media_dir):
    film = testing.make_video(media_dir / "regard.mp4", seconds=3, size="320x240")
    context = chromium.new_context(locale="fr-FR", viewport={"width": 1400, "height": 1000})
    person = Person(context, live_server.url, "commissaire")
    person.login("aminata")
    _new_work(person, "r/Egard")
    person.step("créer l'œuvre")
    page = person.page
    row = upload(person, film)
    assert row.locator("progress").get_attribute("value") == "100"
    assert "Enregistré · Vidéo" in row.inner_text() and "3.0 s" in row.inner_text()
    person.step("téléverser le film")
    person.shot("commissaire-1-televerse")
    # Les rendus (immédiats en test) : web, téléphone, affiche.
    person.click(page.get_by_role("link", name="Retour à l'œuvre"))
    person.click(page.locator("a.button", has_text="Rendus ("))
    page.wait_for_selector("table.pl-kinds")
    table = page.inner_text("table.pl-kinds")
    assert "web" in table and "phone" in table and "poster" in table
    assert "pas encore fabriqué" not in table.split("poster")[0]
    person.step("voir les rendus")
    person.shot("commissaire-2-rendus")
    work = Work.objects.get(title_fr="r/Egard")
    media = MediaFile.objects.get(work=work)
    assert {"web", "phone", "poster"} <= set(Rendition.objects.filter(media_file=media).values_list("kind", flat=True))
    assert person.external_requests() == []
    person.save_clicks("commissaire : téléverser le film (sélecteur de fichiers)")
    context.close()


def test_curator_drops_files_and_reads_french_refusals(chromium, live_server, curator, media_dir):
    capsule = testing.make_video(media_dir / "capsule.mp4", seconds=3, size="320x240", freq=660)
    context = chromium.new_context(locale="fr-FR", viewport={"width": 1400, "height": 1000})
    person = Person(context, live_server.url, "commissaire")
    person.login("aminata")
    _new_work(person, "Capsule : les règles")
    page = person.page

    def drop(name, data, mime):
        person.clicks += 1  # un glisser-déposer : un geste
        page.evaluate(
            """([b64, name, mime]) => {
                const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
                const dt = new DataTransfer();
                dt.items.add(new File([bytes], name, {type: mime}));
                const zone = document.getElementById('pl-drop');
                for (const type of ['dragenter', 'dragover', 'drop'])
                    zone.dispatchEvent(new DragEvent(type, {dataTransfer: dt, bubbles: true, cancelable: true}));
            }""",
            [base64.b64encode(data).decode(), name, mime],
        )

    with page.expect_response(lambda r: r.request.method == "POST") as response:
        drop("capsule.mp4", capsule.read_bytes(), "video/mp4")
    assert response.value.status == 201
    _wait_saved(page, 1)
    person.step("déposer la capsule")
    # Refus clairs, en français, sans rien enregistrer.
    drop("vide.mp4", b"", "video/mp4")  # refusé dans la page, avant l'envoi
    page.wait_for_selector("#pl-queue li:nth-child(2) .pl-error")
    assert "vide" in page.inner_text("#pl-queue li:nth-child(2) .pl-error")
    with page.expect_response(lambda r: r.request.method == "POST") as response:
        drop("page.mp4", b"<!DOCTYPE html><html><body>faux</body></html>", "video/mp4")
    assert response.value.status == 422
    page.wait_for_selector("#pl-queue li:nth-child(3) .pl-error")
    assert "HTML" in page.inner_text("#pl-queue li:nth-child(3) .pl-error")
    with page.expect_response(lambda r: r.request.method == "POST") as response:
        drop("copie.mp4", capsule.read_bytes(), "video/mp4")
    assert response.value.status == 422
    page.wait_for_selector("#pl-queue li:nth-child(4) .pl-error")
    assert "Capsule : les règles" in page.inner_text("#pl-queue li:nth-child(4) .pl-error")  # doublon nommé
    person.shot("commissaire-3-glisser-deposer")
    assert MediaFile.objects.count() == 1
    assert person.external_requests() == []
    person.save_clicks("commissaire : déposer une capsule (glisser-déposer)")
    context.close()


def test_admin_pages_ask_nothing_outside_the_site(chromium, live_server, curator, media_dir):
    """Pas d'avatar de gravatar.com, ni aucune autre ressource extérieure, sur les pages de l'admin."""
    context = chromium.new_context(locale="fr-FR", viewport={"width": 1400, "height": 1000})
    person = Person(context, live_server.url, "commissaire")
    person.login("aminata")
    _new_work(person, "Carte corporelle")
    upload(person, testing.make_pdf(media_dir / "carte.pdf"))
    work = Work.objects.get(title_fr="Carte corporelle")
    pages = ["/admin/", "/admin/snippets/media_library/work/", f"/admin/snippets/media_library/work/edit/{work.pk}/",
             f"/admin/archives/oeuvres/{work.pk}/fichiers/", f"/admin/archives/oeuvres/{work.pk}/rendus/",
             "/admin/archives/travaux/", "/admin/consent_participant/", "/admin/consent_consentrecord/new/", "/admin/pages/",
             "/admin/account/", "/admin/communication/tableau-de-bord/"]
    for url in pages:
        response = person.page.goto(live_server.url + url)
        assert response.status == 200, url
        person.page.wait_for_load_state("networkidle")
        assert person.page.locator("img[src*='gravatar']").count() == 0, url
        text = person.page.inner_text("body")
        assert "Moderators approval" not in text and "Nouvel(le)" not in text, url
    assert person.external_requests() == []
    context.close()
