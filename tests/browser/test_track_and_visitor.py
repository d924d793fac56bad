"""Corriger puis approuver une piste (la version téléphone sous-titrée se fait d'elle-même), puis la page
publique telle que la lit un visiteur : avertissement d'abord (aucun média demandé avant son choix),
transcription en paragraphes, recherche qui surligne et saute, minutages « 0:15 »."""

import pytest

from consent.roles import CURATOR
from consent.testing import publish
from media_library import testing
from media_library.models import Chapter, ContentWarning
from media_library.flows.ingest import ingest_file
from media_library.tests.factories import WorkFactory
from transcription.models import Cue, SubtitledRendition, SubtitleTrack

from .people import Person, account

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def capsule(media_dir):
    work = WorkFactory(title_fr="Briser le silence", kind="capsule")
    publish(work)
    media = ingest_file(work, testing.make_video(media_dir / "capsule.mp4", seconds=3, size="320x240"))
    track = SubtitleTrack.objects.create(work=work, language="fr", status=SubtitleTrack.Status.IN_REVIEW)
    Cue.objects.create(track=track, position=0, start_ms=0, end_ms=1400, text="Nous sommes parties")
    Cue.objects.create(track=track, position=1, start_ms=1450, end_ms=2900, text="de Mopti a pied.")
    return work, media, track


def test_curator_corrects_and_approves_a_track_and_the_phone_version_is_made(chromium, live_server, capsule):
    work, _media, track = capsule
    account("aminata", role=CURATOR, superuser=True)
    context = chromium.new_context(locale="fr-FR", viewport={"width": 1400, "height": 1000})
    person = Person(context, live_server.url, "commissaire")
    person.login("aminata")
    page = person.page
    page.goto(f"{live_server.url}/admin/transcription/oeuvre/{work.pk}/")
    person.click(page.get_by_role("link", name="Éditer").first)
    page.wait_for_selector("#pl-cues > li")
    page.locator("#pl-cues > li").nth(1).locator(".pl-text").fill("de Mopti à pied.")  # l'accent oublié
    with page.expect_response(lambda r: "/enregistrer/" in r.url) as saved:
        person.click("#pl-save")
    assert saved.value.status == 200
    page.wait_for_selector("#pl-save-state:has-text('nregistr')")
    person.step("corriger une réplique")
    page.goto(f"{live_server.url}/admin/transcription/oeuvre/{work.pk}/")
    person.clicks += 1  # retour à la page des sous-titres de l'œuvre
    person.click(page.get_by_role("button", name="Approuver").first)
    page.wait_for_selector(".pl-status--approved")
    # Approuver suffit : la version téléphone sous-titrée est faite (travailleur immédiat en test).
    assert "Version téléphone : Prête" in page.inner_text("main")
    person.step("approuver la piste")
    person.shot("commissaire-piste-approuvee")
    track.refresh_from_db()
    assert track.is_approved and [c.text for c in track.cues.order_by("position")][1] == "de Mopti à pied."
    rendition = SubtitledRendition.objects.get(track=track)
    assert rendition.status == "ready" and rendition.is_current
    assert person.external_requests() == []
    person.save_clicks("commissaire : corriger et approuver une piste")
    context.close()


def test_visitor_sees_the_warning_first_then_chooses_and_searches_the_transcript(chromium, live_server, capsule):
    from transcription.flows.approve import approve_track

    work, media, track = capsule
    approve_track(track, allow_issues=True)
    Chapter.objects.create(work=work, media_file=media, start=1.8, end=2.9, title_fr="Le départ")
    work.content_warnings.add(ContentWarning.objects.get_or_create(slug="violences", defaults={"name": "Violences"})[0])
    work.save()
    context = chromium.new_context(locale="fr-FR", viewport={"width": 1200, "height": 900})
    person = Person(context, live_server.url, "visiteur")
    page = person.page
    media_requests = []
    page.on("request", lambda r: media_requests.append(r.url) if "/fichiers/" in r.url else None)
    page.goto(live_server.url + work.get_absolute_url())
    page.wait_for_load_state("networkidle")
    assert page.locator("#avertissement").is_visible() and "Violences" in page.inner_text("#avertissement")
    assert page.locator("video").count() == 0
    assert media_requests == []  # ni vidéo, ni affiche, ni sous-titres avant le choix
    # Minutage des chapitres à la seconde.
    assert page.inner_text(".chapter-time") == "0:01"
    with page.expect_request(lambda r: "/fichiers/" in r.url):
        person.click("[data-cw-show]")
    page.wait_for_selector("video")  # le lecteur est là ; preload="none" : il ne charge rien avant un geste
    assert media_requests
    # La transcription : un paragraphe ; la recherche surligne et saute à l'occurrence.
    assert page.locator(".pl-transcript__para").count() == 1
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
    context.close()
