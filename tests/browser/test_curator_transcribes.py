"""Étape 1 du brief, la part de la machine : la commissaire téléverse un enregistrement en français, lance la
transcription depuis la page « Sous-titres » de l'œuvre, et le vrai modèle Whisper base (hors ligne) écrit une
piste qu'elle corrige puis approuve. Tout par les pages (l'ORM ne crée que le compte) ; la voix est une voix de
synthèse versionnée (`transcription/tests/data/francais_16s.opus`, espeak-ng : « femmes », « Mopti », « guerre »)."""

from pathlib import Path

import pytest

from consent.roles import CURATOR
from transcription.models import SubtitleTrack, TranscriptionJob

from .people import Person, account, create_project, new_work, opened_work_pk, upload

pytestmark = [pytest.mark.browser, pytest.mark.whisper, pytest.mark.django_db(transaction=True)]
SPEECH = Path(__file__).resolve().parents[2] / "transcription" / "tests" / "data" / "francais_16s.opus"


def test_curator_uploads_french_speech_and_corrects_the_machine_transcript(chromium, live_server, media_dir,
                                                                           settings):
    settings.PAROLES_WHISPER_MIN_LANGUAGE_PROBABILITY = 0.45  # voix de synthèse : « fr » à ~0,54 (mesuré)
    account("aminata", role=CURATOR, superuser=True)
    context = chromium.new_context(locale="fr-FR", viewport={"width": 1400, "height": 1000})
    person = Person(context, live_server.url, "commissaire")
    person.login("aminata")
    page = person.page
    before = person.clicks
    create_project(person, "Protection des migrants")
    person.clicks = before  # le projet se crée une fois pour tout le catalogue
    new_work(person, "Paroles de Mopti", kind="podcast")
    pk = opened_work_pk(person)
    upload(person, SPEECH)
    person.step("créer l'œuvre et téléverser l'enregistrement")

    # « Sous-titres » de l'œuvre : la langue parlée, « Lancer la transcription ».
    person.clicks += 1  # « Sous-titres » dans la liste des œuvres
    page.goto(f"{live_server.url}/admin/transcription/oeuvre/{pk}/")
    page.select_option("#pl-lang", value="fr")
    with page.expect_response(lambda r: r.request.method == "POST" and "/transcription/" in r.url,
                              timeout=600_000):
        person.click(page.get_by_role("button", name="Lancer la transcription"))
    # Le travail de fond (ici exécuté tout de suite, comme les tests font tourner les tâches) a écrit la piste :
    # la ligne du français propose « Éditer ».
    editor = page.locator("a.button", has_text="Éditer").first
    editor.wait_for(timeout=600_000)
    job = TranscriptionJob.objects.get(work_id=pk)
    assert job.status == TranscriptionJob.Status.DONE, job.message
    person.step("lancer la transcription en français")
    person.click(editor)
    page.wait_for_url("**/editer/")
    page.wait_for_selector("#pl-cues > li")
    texts = page.locator("#pl-cues > li .pl-text")
    heard = " ".join(texts.nth(i).input_value() for i in range(texts.count())).lower()
    assert "femmes" in heard and "mopti" in heard, heard  # ce que la machine a entendu, lu dans l'éditeur

    # Corriger la première réplique (la personne relit), enregistrer, approuver.
    first = texts.first
    corrected = first.input_value().strip() + " (relu)"
    first.fill(corrected)
    with page.expect_response(lambda r: "/enregistrer/" in r.url) as saved:
        person.click("#pl-save")
    assert saved.value.status == 200
    page.wait_for_selector("#pl-save-state:has-text('nregistr')")
    person.step("corriger une réplique")
    # Approuver : une transcription automatique peut s'écarter des normes de sous-titrage (vitesse de lecture,
    # durée) ; la page le dit en français, réplique par réplique, et la commissaire approuve en les acceptant.
    person.click(page.get_by_role("link", name="Pistes de l'œuvre"))
    person.click(page.get_by_role("button", name="Approuver").first)
    page.locator(".pl-status--approved, .pl-issues").first.wait_for()
    if page.locator(".pl-issues").count():
        issues = page.inner_text(".pl-issues")
        assert "#" in issues and "normes de sous-titrage" in page.inner_text("main"), issues
        person.click(page.get_by_role("button", name="Approuver en acceptant ces écarts (ils restent notés)"))
        page.wait_for_selector(".pl-status--approved")
    assert "Piste approuvée" in page.inner_text(".messages")
    person.step("approuver la piste")
    person.shot("commissaire-transcription-corrigee")
    track = SubtitleTrack.objects.get(work_id=pk, language="fr")
    assert track.status == SubtitleTrack.Status.APPROVED
    cue = track.cues.order_by("start_ms", "position").first()
    assert cue.text == corrected  # la correction relue est gardée
    assert person.external_requests() == []
    person.save_clicks("commissaire : transcription automatique en français, corrigée, approuvée")
    context.close()
