"""`load_demo` : une vraie exécution (ffmpeg, Pillow, reportlab, ingestion) sur une base de test vide.

L'option --quick réduit la définition des vidéos et des images, pas la structure : le film garde
toute sa bande son (plus de deux minutes de voix française).
"""

import io
import json
from pathlib import Path

import av
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from demo import catalogue as demo
from demo import recordings
from media_library.models import MediaFile, PartnerOrganisation, Project, Work, WorkKind

REQUIRED_KEYS = {
    "film_regard", "capsule_vbg_1", "capsule_vbg_2", "capsule_vbg_3", "capsule_secured", "capsule_expired",
    "podcast_1", "bodymap_1", "bodymap_2", "bodymap_withdrawn", "photovoice_1", "photovoice_2", "drawing_1",
    "leaflet_1", "esclavage_capsule", "esclavage_podcast",
}


def snapshot():
    from django.contrib.auth import get_user_model

    return {
        "works": Work.all_objects.count(),
        "files": MediaFile.objects.count(),
        "projects": Project.objects.count(),
        "partners": PartnerOrganisation.objects.count(),
        "users": get_user_model().objects.count(),
        "shas": sorted(MediaFile.objects.values_list("sha256", flat=True)),
    }


def work(key):
    return Work.all_objects.get(external_id=demo.EXTERNAL_PREFIX + key)


def streams(media):
    with media.file.open("rb") as fh, av.open(fh) as container:
        return {s.type for s in container.streams}


def check_two_projects_and_every_key():
    assert Project.objects.count() >= 2
    keys = {w.external_id.removeprefix(demo.EXTERNAL_PREFIX) for w in Work.all_objects.filter(external_id__startswith="demo:")}
    assert REQUIRED_KEYS <= keys
    projects = set(Work.objects.values_list("project__name", flat=True))
    assert len(projects) >= 2
    assert work("esclavage_capsule").project != work("film_regard").project


def check_film_is_minutes_long_with_french_speech():
    film = work("film_regard")
    assert film.kind == WorkKind.FILM
    media = film.files.get()
    assert media.media_type == "video" and media.video_codec == "h264" and media.audio_codec == "aac"
    assert media.duration >= 120
    assert film.duration_seconds >= 120
    assert {"video", "audio"} <= streams(media)
    assert film.spoken_languages.filter(code="fr").exists()
    # La bande son du film est la voix versionnée, dont le texte exact est fourni.
    assert "Je m'appelle Awa." in recordings.fixture_text("film_regard").splitlines()
    # Ses chapitres, avec leurs thèmes et leurs extraits demandés au travailleur.
    chapters = list(film.chapters.order_by("start"))
    assert [c.title_fr for c in chapters] == ["Le départ", "La route", "Le site de Faladié", "Prendre la parole"]
    assert all(0 < c.start < c.end <= media.duration for c in chapters)
    assert chapters[0].themes.filter(name="Parcours migratoire").exists()
    from media_library.models import ProcessingJob

    assert ProcessingJob.objects.filter(chapter__in=chapters, kind=ProcessingJob.Kind.CLIP).count() == 4


def check_three_capsules_and_a_podcast_with_audio():
    capsules = Work.objects.filter(kind=WorkKind.CAPSULE, series__name="Capsules VBG")
    assert capsules.count() >= 3
    for capsule in capsules:
        media = capsule.files.get()
        assert {"video", "audio"} <= streams(media)
        assert 20 < media.duration < 90
    podcast = work("podcast_1")
    assert podcast.kind == WorkKind.PODCAST and podcast.series.name == "Paroles de femmes brisées"
    media = podcast.files.get()
    assert media.media_type == "audio" and media.mime_type == "audio/mpeg" and media.duration > 30


def check_images_photovoice_words_and_catalogue():
    for key in ("bodymap_1", "bodymap_2", "bodymap_withdrawn"):
        body_map = work(key)
        assert body_map.kind == WorkKind.BODY_MAP
        assert body_map.workshop.name == "Atelier body mapping de Faladié"
        image = body_map.files.get()
        assert image.media_type == "image" and image.height > image.width
    photo = work("photovoice_1")
    assert photo.kind == WorkKind.PHOTOVOICE and photo.files.get().media_type == "image"
    # Les mots de l'enfant, tels quels (fautes comprises).
    assert "la queu longtemp avant lécole" in photo.words_verbatim
    assert work("photovoice_2").words_verbatim
    assert work("leaflet_1").files.get().mime_type == "application/pdf"
    for key in demo.WORK_KEYS:
        w = work(key)
        assert w.title_fr and w.title_bm and w.description_fr, key
        assert w.project_id and w.partner_id and w.licence, key
        assert w.themes.exists() and w.spoken_languages.exists(), key
        assert w.files.exists(), key
    assert work("capsule_secured").partner.is_protected_community
    assert work("film_regard").content_warnings.exists()


def check_files_are_stored_privately_through_ingest():
    for media in MediaFile.objects.all():
        assert media.file.name.startswith("originals/")
        assert len(media.sha256) == 64 and media.size == media.file.size


@pytest.mark.slow
def test_load_demo_builds_a_living_archive_and_a_second_run_creates_nothing(db):
    out = io.StringIO()
    call_command("load_demo", "--quick", stdout=out)
    assert "Archive de démonstration prête" in out.getvalue()
    check_two_projects_and_every_key()
    check_film_is_minutes_long_with_french_speech()
    check_three_capsules_and_a_podcast_with_audio()
    check_images_photovoice_words_and_catalogue()
    check_files_are_stored_privately_through_ingest()

    before = snapshot()
    out = io.StringIO()
    call_command("load_demo", "--quick", stdout=out)
    assert snapshot() == before
    assert "0 œuvre(s) créée(s), 0 fichier(s) ajouté(s)" in out.getvalue()


def test_if_empty_does_nothing_when_works_exist(db, monkeypatch):
    from media_library.tests.factories import WorkFactory

    WorkFactory(title_fr="Une œuvre déjà là")
    called = []
    monkeypatch.setattr(demo, "build", lambda ctx: called.append(ctx))
    out = io.StringIO()
    call_command("load_demo", "--if-empty", stdout=out)
    assert called == []
    assert "déjà des œuvres" in out.getvalue()
    assert Work.objects.count() == 1


def test_failing_app_demo_fails_loudly_and_saves_nothing(db, monkeypatch, small_image):
    """Une démo d'application qui lève fait échouer la commande : ni ligne en base, ni fichier rangé."""
    from django.core.files.storage import default_storage

    from demo.management.commands import load_demo
    from media_library.flows.ingest import ingest_file
    from media_library.tests.factories import WorkFactory

    stored = []

    class Broken:
        __name__ = "broken.demo"

        @staticmethod
        def build(ctx):
            work = WorkFactory(title_fr="Œuvre à moitié")
            stored.append(ingest_file(work, small_image).file.name)
            raise RuntimeError("panne simulée")

    monkeypatch.setattr(load_demo, "demo_modules", lambda: [("broken", Broken)])
    with pytest.raises(CommandError, match="broken.*panne simulée"):
        call_command("load_demo", stdout=io.StringIO())
    assert not Work.all_objects.filter(title_fr="Œuvre à moitié").exists()
    assert not MediaFile.objects.exists()
    assert stored and not default_storage.exists(stored[0])


def test_committed_fixtures_are_small_and_match_their_texts():
    manifest = json.loads((recordings.FIXTURES / "manifest.json").read_text(encoding="utf-8"))
    total = sum(p.stat().st_size for p in recordings.FIXTURES.iterdir())
    assert total < 5 * 1024 * 1024
    for name, rec in manifest["recordings"].items():
        opus = recordings.FIXTURES / f"{name}.opus"
        assert opus.exists(), name
        lines = recordings.fixture_text(name).splitlines()
        assert lines == [cue["text"] for cue in rec["cues"]], name
        with av.open(str(opus)) as container:
            stream = container.streams.audio[0]
            assert stream.codec_context.name == "opus"
            duration = float(container.duration) / av.time_base
        assert abs(duration - rec["duration"]) < 0.5, name
        starts = [cue["start"] for cue in rec["cues"]]
        assert starts == sorted(starts) and rec["cues"][-1]["end"] <= rec["duration"]
    film = manifest["recordings"]["film_regard"]
    assert film["duration"] >= 120 and len(film["chapters"]) >= 4
    assert Path(demo.__file__).parent.joinpath("data", "make_recordings.py").exists()
