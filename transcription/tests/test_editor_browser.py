"""L'éditeur de sous-titres dans un vrai navigateur (Chromium de Debian via Playwright), comme une relectrice
s'en sert : répliques affichées avec la vidéo, normes vérifiées pendant la frappe, « début = instant de
lecture », couper et fusionner, Ctrl+S, refus clair d'un temps illisible sans rien écrire en base, piste
approuvée renvoyée en relecture. Capture dans test-artifacts/."""

import pytest

from media_library import testing
from media_library.models import Rendition
from media_library.flows.ingest import ingest_file
from paroles.browser_testing import ARTIFACTS, session_cookie
from transcription.models import Cue, SubtitleTrack

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def track(cleared_work, media_dir):
    src = testing.make_video(media_dir / "capsule.mp4", seconds=8, size="320x240")
    media = ingest_file(cleared_work, src)
    assert Rendition.objects.filter(media_file=media, kind="web").exists()
    track = SubtitleTrack.objects.create(work=cleared_work, language="fr", status=SubtitleTrack.Status.IN_REVIEW)
    Cue.objects.create(track=track, position=0, start_ms=0, end_ms=2500, text="Je m'appelle Awa.")
    Cue.objects.create(track=track, position=1, start_ms=3000, end_ms=6000, text="Nous sommes parties avec rien.")
    track.approve(allow_issues=True)
    return track


def _texts(track):
    return [c.text for c in Cue.objects.filter(track=track).order_by("position", "start_ms")]


def test_subtitle_editor_in_browser(chromium, live_server, track, admin_user):
    ARTIFACTS.mkdir(exist_ok=True)
    assert track.status == SubtitleTrack.Status.APPROVED
    context = chromium.new_context(locale="fr-FR", viewport={"width": 1400, "height": 1000})
    context.add_cookies([session_cookie(live_server, admin_user)])
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_server.url}/admin/transcription/piste/{track.pk}/editer/")
    page.wait_for_function("() => document.getElementById('pl-media').readyState >= 1", timeout=15000)
    rows = page.locator("#pl-cues > li")
    assert rows.count() == 2
    assert rows.nth(0).locator(".pl-start").input_value() == "00:00:00.000"
    assert rows.nth(1).locator(".pl-text").input_value() == "Nous sommes parties avec rien."

    # Normes vérifiées pendant la frappe : une ligne de plus de 42 caractères est signalée aussitôt.
    long_line = "Je m'appelle Awa et je viens de la région de Mopti, au centre."
    rows.nth(0).locator(".pl-text").fill(long_line)
    assert "ligne de 62 caractères (max. 42)" in rows.nth(0).locator(".pl-cue__issues").inner_text()
    assert page.inner_text("#pl-save-state") == "Modifications non enregistrées."

    # Couper au curseur (après « Awa ») : deux répliques, le temps partagé au prorata du texte.
    cut = long_line.index(" et ")
    rows.nth(0).locator(".pl-text").evaluate(f"(el) => {{ el.focus(); el.setSelectionRange({cut}, {cut}); }}")
    rows.nth(0).locator("button[data-act=split]").click()
    assert rows.count() == 3
    assert rows.nth(0).locator(".pl-text").input_value() == "Je m'appelle Awa"
    assert rows.nth(1).locator(".pl-text").input_value().startswith("et je viens de la région")
    issues = rows.nth(0).locator(".pl-cue__issues").inner_text()
    assert "ligne de" not in issues  # plus de ligne trop longue…
    assert "trop courte" in issues  # …mais 0,65 s pour « Je m'appelle Awa » : signalé

    # Fusionner les deux premières répliques, puis remettre un texte conforme.
    rows.nth(0).locator("button[data-act=merge]").click()
    assert rows.count() == 2
    rows.nth(0).locator(".pl-text").fill("Je m'appelle Awa,\nje viens de Mopti.")

    # « Début = lecture » : la deuxième réplique commence là où est le lecteur (3,5 s).
    page.evaluate("document.getElementById('pl-media').currentTime = 3.5")
    page.wait_for_function("() => Math.abs(document.getElementById('pl-media').currentTime - 3.5) < 0.05")
    rows.nth(1).locator("button[data-act=start-now]").click()
    assert rows.nth(1).locator(".pl-start").input_value() == "00:00:03.500"

    # Un temps illisible : signalé, et l'enregistrement est refusé sans rien écrire.
    rows.nth(1).locator(".pl-end").fill("1:99")
    assert "temps illisible" in rows.nth(1).locator(".pl-cue__issues").inner_text()
    page.keyboard.press("Control+s")
    page.wait_for_function("() => document.getElementById('pl-save-state').textContent.includes('temps illisible')")
    assert _texts(track) == ["Je m'appelle Awa.", "Nous sommes parties avec rien."]

    # Corrigé puis enregistré avec Ctrl+S : la base suit, et la piste approuvée repart en relecture.
    rows.nth(1).locator(".pl-end").fill("00:00:06.000")
    rows.nth(1).locator(".pl-end").dispatch_event("change")
    page.keyboard.press("Control+s")
    page.wait_for_function("() => document.getElementById('pl-save-state').textContent === 'Enregistré.'")
    track.refresh_from_db()
    assert track.status == SubtitleTrack.Status.IN_REVIEW
    assert page.inner_text("#pl-track-status") == track.get_status_display()
    cues = list(Cue.objects.filter(track=track).order_by("position", "start_ms"))
    assert [c.text for c in cues] == ["Je m'appelle Awa,\nje viens de Mopti.", "Nous sommes parties avec rien."]
    assert (cues[1].start_ms, cues[1].end_ms) == (3500, 6000)

    # L'aperçu sous la vidéo montre la réplique de l'instant de lecture.
    page.evaluate("document.getElementById('pl-media').currentTime = 4")
    page.wait_for_function("() => document.getElementById('pl-preview').textContent.includes('parties avec rien')")
    page.screenshot(path=str(ARTIFACTS / "editeur-sous-titres.png"), full_page=True)
    assert errors == []


@pytest.fixture
def mixed_track(cleared_work, media_dir):
    from transcription import subtitles as subs

    src = testing.make_video(media_dir / "mixte.mp4", seconds=14, size="320x240")
    ingest_file(cleared_work, src)
    track = SubtitleTrack.objects.create(work=cleared_work, language="fr", status=SubtitleTrack.Status.MACHINE_DRAFT)
    machine = {"origin": "machine", "model": "whisper-base", "language": "fr"}
    track.replace_cues([
        subs.Cue(0.0, 2.5, "Je m'appelle Awa.", **machine),
        subs.Cue(3.0, 5.5, "", language="bm"),
        subs.Cue(6.0, 8.5, "Nous sommes parties avec rien.", **machine),
        subs.Cue(9.0, 11.0, "", language="bm"),
        subs.Cue(11.5, 13.5, "", language="bm"),
    ])
    return track


def test_to_do_list_for_the_bambara_transcriber(chromium, live_server, mixed_track, admin_user):
    ARTIFACTS.mkdir(exist_ok=True)
    context = chromium.new_context(locale="fr-FR", viewport={"width": 1400, "height": 1000})
    context.add_cookies([session_cookie(live_server, admin_user)])
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_server.url}/admin/transcription/piste/{mixed_track.pk}/editer/")
    count = page.locator("#pl-todo-count")
    assert count.inner_text() == "3 réplique(s) à transcrire"
    assert page.locator("#pl-todo-list button").count() == 3
    rows = page.locator("#pl-cues > li")
    assert rows.nth(0).locator(".pl-cue__origin").inner_text() == "écrite par une machine (whisper-base)"
    assert rows.nth(1).locator(".pl-cue__origin").inner_text() == "à transcrire (bambara ?)"
    # Le minutage des répliques françaises voisines est à côté du passage à transcrire.
    ref = rows.nth(1).locator(".pl-cue__ref-text").inner_text()
    assert "00:00:00.000 → 00:00:02.500" in ref and "00:00:06.000 → 00:00:08.500" in ref

    # Filtre : seulement les répliques à transcrire ; « Suivante à transcrire » va à la première.
    page.check("#pl-todo-only")
    assert page.locator("#pl-cues > li:not([hidden])").count() == 3
    page.click("#pl-todo-next")
    page.wait_for_function("() => document.activeElement && document.activeElement.classList.contains('pl-text')")
    page.keyboard.type("N tɔgɔ ye Awa ye.")
    assert rows.nth(1).locator(".pl-cue__origin").inner_text() == "écrite par une personne"
    assert count.inner_text() == "2 réplique(s) à transcrire"
    page.click("#pl-save")
    page.wait_for_function("() => document.getElementById('pl-save-state').textContent === 'Enregistré.'")
    cues = list(Cue.objects.filter(track=mixed_track).order_by("position"))
    assert [(c.text, c.origin, c.language) for c in cues[1:2]] == [("N tɔgɔ ye Awa ye.", "person", "bm")]
    assert [c.origin for c in cues] == ["machine", "person", "machine", "todo", "todo"]
    assert cues[0].model_name == "whisper-base"

    # Rechargée, la page compte encore ce qui reste à faire.
    page.reload()
    page.wait_for_function("() => document.getElementById('pl-todo-count').dataset.count === '2'")
    assert page.locator("#pl-todo-list button").count() == 2
    page.screenshot(path=str(ARTIFACTS / "editeur-a-transcrire.png"), full_page=True)
    assert errors == []
