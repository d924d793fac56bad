"""La piste, le chapitre et l'avertissement faits par la commissaire dans ses pages, puis la page publique telle
que la lit un visiteur. Tout par les pages (l'ORM ne crée que les comptes) : la commissaire téléverse la capsule,
importe le fichier SRT du sous-titreur, corrige une réplique dans l'éditeur et approuve (la version téléphone
sous-titrée se fait d'elle-même), marque un chapitre, pose un avertissement de contenu dans la fiche de l'œuvre ;
la responsable du consentement enregistre le consentement « Site web public ». Le visiteur voit l'avertissement
d'abord (aucun média demandé avant son choix), puis la transcription en paragraphes, la recherche qui surligne
et saute, le clic sur une phrase qui y mène le lecteur, et des minutages « 0:01 »."""

from pathlib import Path

import pytest

from consent.roles import CONSENT_OFFICER, CURATOR
from media_library import testing
from transcription.models import SubtitledRendition, SubtitleTrack

from .people import (Person, account, create_project, import_track, approve_in_page, new_work, opened_work_pk,
                     record_consent, upload, write_srt)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TITLE = "Briser le silence"
WARNING = "Récit de violences"


def curator_prepares_the_capsule(chromium, live_server, media_dir):
    """La commissaire, dans son navigateur : la capsule, sa piste corrigée et approuvée, un chapitre, un
    avertissement. Rend la personne (ses clics) et l'identifiant de l'œuvre lu dans l'adresse."""
    film = testing.make_video(media_dir / "capsule.mp4", seconds=3, size="320x240")
    srt = write_srt(media_dir / "capsule.fr.srt", [(0, 1.4, "Nous sommes parties"), (1.45, 2.9, "de Mopti a pied.")])
    context = chromium.new_context(locale="fr-FR", viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    person = Person(context, live_server.url, "commissaire")
    person.login("aminata")
    page = person.page
    before = person.clicks
    create_project(person, "Protection des migrants")
    person.clicks = before  # le projet se crée une fois pour tout le catalogue
    new_work(person, TITLE, kind="capsule")
    pk = opened_work_pk(person)
    upload(person, film)
    person.step("créer l'œuvre et téléverser la capsule")
    import_track(person, pk, srt)
    person.step("importer le fichier SRT (l'éditeur s'ouvre)")
    page.locator("#pl-cues > li").nth(1).locator(".pl-text").fill("de Mopti à pied.")  # l'accent oublié
    with page.expect_response(lambda r: "/enregistrer/" in r.url) as saved:
        person.click("#pl-save")
    assert saved.value.status == 200
    page.wait_for_selector("#pl-save-state:has-text('nregistr')")
    person.step("corriger une réplique")
    approve_in_page(person)  # « Version téléphone : Prête », sans autre geste
    person.step("approuver la piste")
    person.shot("commissaire-piste-approuvee")

    # Un chapitre : « Retour à l'œuvre », « Chapitres et extraits », début, fin, titre, enregistrer.
    person.click(page.get_by_role("link", name="Retour à l'œuvre"))
    person.click(page.get_by_role("link", name="Chapitres et extraits (0)"))
    page.wait_for_url("**/chapitres/")  # le clic a mené à l'éditeur des chapitres (sinon : l'ancienne page)
    page.wait_for_function("() => { const p = document.getElementById('pl-player'); return p && p.readyState >= 1; }")
    page.fill("input[name=start]", "0:01,4")
    page.fill("input[name=end]", "0:02,9")
    page.fill("input[name=title_fr]", "Le départ")
    person.click(page.get_by_role("button", name="Enregistrer le chapitre"))
    page.wait_for_selector("[data-seg][title='Le départ']")
    person.step("marquer un chapitre")
    # L'extrait du chapitre, puis ses sous-titres : la piste approuvée, découpée à la fenêtre du chapitre.
    person.click(page.get_by_role("button", name="Fabriquer l'extrait"))
    subtitles = page.get_by_role("link", name="Sous-titres français (WebVTT)")
    subtitles.wait_for()
    with page.expect_download() as download:
        person.click(subtitles)
    vtt = Path(download.value.path()).read_text()
    assert vtt.startswith("WEBVTT") and "de Mopti à pied." in vtt  # la réplique corrigée, tout entière dedans
    assert "Nous sommes parties" not in vtt  # dite avant le chapitre
    assert "00:00:00.050 --> 00:00:01.500" in vtt  # décalée : l'extrait commence à 0
    person.step("fabriquer l'extrait et télécharger ses sous-titres")

    # L'avertissement : ajouté une fois à la liste (Archives → Avertissements de contenu), puis coché dans la
    # fiche de l'œuvre (onglet Catalogue).
    before = person.clicks
    page.goto(live_server.url + "/admin/snippets/media_library/contentwarning/")
    person.click(page.get_by_role("link", name="Ajouter").first)
    page.fill("#id_name", WARNING)
    person.click(page.get_by_role("button", name="Enregistrer").first)
    page.wait_for_selector(".messages li.success")
    person.clicks = before
    page.goto(f"{live_server.url}/admin/snippets/media_library/work/edit/{pk}/")
    person.clicks += 1  # l'œuvre, dans la liste
    person.click(page.get_by_role("tab", name="Catalogue"))
    page.select_option("#id_content_warnings", label=WARNING)
    person.clicks += 1
    person.click(page.get_by_role("button", name="Enregistrer").first)
    page.wait_for_selector(".messages li.success")
    person.step("poser un avertissement de contenu")
    assert person.external_requests() == []
    person.save_clicks("commissaire : piste importée, corrigée, approuvée ; chapitre ; avertissement")
    context.close()
    return pk


def officer_allows_the_website(chromium, live_server, media_dir):
    context = chromium.new_context(locale="fr-FR", viewport={"width": 1400, "height": 1000})
    officer = Person(context, live_server.url, "responsable du consentement")
    officer.login("fatoumata")
    record_consent(officer, "Awa", TITLE, ["Site web public"], testing.make_pdf(media_dir / "formulaire.pdf"))
    context.close()


def test_curator_subtitles_marks_and_warns_then_the_visitor_sees_the_warning_first(chromium, live_server, media_dir):
    account("aminata", role=CURATOR, superuser=True)
    account("fatoumata", role=CONSENT_OFFICER)
    curator_prepares_the_capsule(chromium, live_server, media_dir)
    # Ce que la commissaire a fait, relu en base (l'état publié de la piste et de sa version téléphone).
    track = SubtitleTrack.objects.get(work__title_fr=TITLE, language="fr")
    assert track.is_approved and [c.text for c in track.cues.order_by("position")] == [
        "Nous sommes parties", "de Mopti à pied."]
    rendition = SubtitledRendition.objects.get(track=track)
    assert rendition.status == "ready" and rendition.is_current
    officer_allows_the_website(chromium, live_server, media_dir)

    context = chromium.new_context(locale="fr-FR", viewport={"width": 1200, "height": 900})
    person = Person(context, live_server.url, "visiteur")
    page = person.page
    media_requests = []
    page.on("request", lambda r: media_requests.append(r.url) if "/fichiers/" in r.url else None)
    # Le visiteur trouve l'œuvre dans la liste des archives ; il l'ouvre (un clic). La liste montre sa vignette :
    # on ne compte que ce que demande la page de l'œuvre, ouverte dans un onglet neuf, comme par un lien partagé.
    lister = context.new_page()
    lister.goto(live_server.url + "/archives/")
    href = lister.get_by_role("link", name=TITLE).first.get_attribute("href")
    lister.close()
    person.clicks += 1
    page.goto(live_server.url + href)
    page.wait_for_selector("#avertissement")
    page.wait_for_load_state("networkidle")
    assert page.locator("#avertissement").is_visible() and WARNING in page.inner_text("#avertissement")
    assert page.locator("video").count() == 0
    assert media_requests == []  # ni vidéo, ni affiche, ni sous-titres avant le choix
    assert page.inner_text(".chapter-time") == "0:01"  # minutage des chapitres à la seconde
    with page.expect_request(lambda r: "/fichiers/" in r.url):
        person.click("[data-cw-show]")
    page.wait_for_selector("video")  # le lecteur est là ; preload="none" : il ne charge rien avant un geste
    assert media_requests
    # La transcription : un paragraphe ; la recherche surligne et saute à l'occurrence.
    assert page.locator(".pl-transcript__para").count() == 1
    para = page.inner_text(".pl-transcript__para")
    assert "Nous sommes parties" in para and "de Mopti à pied." in para  # la correction, lue par le public
    page.fill("#pl-transcript-q", "mopti")
    page.wait_for_selector("mark.pl-hit")
    assert page.locator("mark.pl-hit").count() == 1 and page.inner_text("[data-count]") == "1 résultat"
    person.click(page.get_by_role("button", name="Suivant", exact=True))
    page.wait_for_selector("mark.pl-hit.is-active")
    assert page.inner_text("[data-count]") == "1 sur 1"
    page.wait_for_function("() => Math.abs(document.querySelector('video').currentTime - 1.45) < 0.2")
    person.click(page.locator(".pl-transcript__cue").first)  # cliquer une phrase : le lecteur y va
    page.wait_for_function("() => document.querySelector('video').currentTime < 1.4")
    person.shot("visiteur-avertissement-puis-transcription")
    assert person.external_requests() == []
    person.save_clicks("visiteur : avertissement, voir l'œuvre, chercher dans la transcription")
    context.close()
