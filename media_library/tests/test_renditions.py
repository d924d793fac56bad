"""Rendus : vraie chaîne ffmpeg sur de petits médias générés (160x120, 1 à 2 s)."""

import re
import subprocess
from pathlib import Path

import av
import pytest
from django.core.files.storage import default_storage
from django.test import override_settings

from media_library import testing
from media_library.models import MediaFile, ProcessingJob, Rendition, ServedFile
from media_library.processing import presets
from media_library.flows.ingest import ingest_file
from media_library.flows.request_renditions import request_renditions

pytestmark = pytest.mark.django_db


@pytest.fixture
def ingest(django_capture_on_commit_callbacks):
    def _ingest(work, path, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return ingest_file(work, path, **kwargs)

    return _ingest


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    def _run(func, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return func(*args, **kwargs)

    return _run


def streams(path):
    with av.open(str(path)) as c:
        return {
            "video": [(s.codec_context.name, s.codec_context.width, s.codec_context.height) for s in c.streams.video],
            "audio": [(s.codec_context.name, s.codec_context.channels) for s in c.streams.audio],
            "duration": c.duration / 1e6 if c.duration else None,
        }


def top_level_boxes(path):
    import struct

    names = []
    with open(path, "rb") as fh:
        while True:
            head = fh.read(8)
            if len(head) < 8:
                break
            size, kind = struct.unpack(">I4s", head)
            names.append(kind.decode())
            if size == 1:
                size = struct.unpack(">Q", fh.read(8))[0]
                fh.seek(size - 16, 1)
            else:
                fh.seek(size - 8, 1)
    return names


def by_kind(media):
    return {r.kind: r for r in Rendition.objects.filter(media_file=media, chapter__isnull=True)}


def test_video_gets_web_phone_audio_poster_and_thumbs(work, tmp_path, ingest):
    src = testing.make_video(tmp_path / "capsule.mp4", seconds=2, size="160x120")
    media = ingest(work, src)
    job = ProcessingJob.objects.get(media_file=media)
    assert job.status == ProcessingJob.Status.DONE, job.error
    assert job.progress == 100
    made = by_kind(media)
    assert set(made) == {"web", "phone", "audio", "poster", "thumbs"}
    for kind in ("web", "phone"):
        info = streams(made[kind].file.path)
        assert info["video"][0][0] == "h264"
        assert info["audio"][0][0] == "aac"
        # +faststart : l'index (moov) est avant les données (mdat), la lecture commence tout de suite.
        boxes = top_level_boxes(made[kind].file.path)
        assert boxes.index("moov") < boxes.index("mdat")
        assert made[kind].mime_type == "video/mp4"
        assert abs(made[kind].duration - 2) < 0.2
        # Pas d'agrandissement d'une petite source.
        assert (made[kind].width, made[kind].height) == (160, 120)
    audio = streams(made["audio"].file.path)
    assert audio["video"] == [] and audio["audio"][0][0] == "aac"
    assert made["poster"].mime_type == "image/jpeg" and made["poster"].width == 160
    assert made["thumbs"].meta["count"] == 10 and made["thumbs"].width == 1600
    # Les rendus sont rangés en privé, jamais à côté de l'original, qui est intact.
    assert all(r.file.name.startswith(f"renditions/{media.uuid.hex}/") for r in made.values())
    media.refresh_from_db()
    assert sha_of(media.file.path) == media.sha256


def sha_of(path):
    from media_library.files import sha256_of

    return sha256_of(path)


def test_landscape_hd_is_scaled_for_phone_and_web(work, tmp_path, ingest):
    src = testing.make_video(tmp_path / "hd.mp4", seconds=1, size="1920x1080", rate=5)
    media = ingest(work, src)
    made = by_kind(media)
    assert (made["phone"].width, made["phone"].height) == (640, 360)
    assert (made["web"].width, made["web"].height) == (1280, 720)
    assert streams(made["phone"].file.path)["video"][0][1:] == (640, 360)


def test_portrait_phone_video_stays_portrait(work, tmp_path, ingest):
    src = testing.make_video(tmp_path / "portrait.mp4", seconds=1, size="1080x1920", rate=5)
    media = ingest(work, src)
    made = by_kind(media)
    assert (made["phone"].width, made["phone"].height) == (360, 640)
    assert (made["web"].width, made["web"].height) == (720, 1280)
    assert made["poster"].height > made["poster"].width


def test_rotated_phone_video_is_turned_upright(work, tmp_path, ingest):
    # Un téléphone enregistre souvent en paysage avec une matrice de rotation de 90° : on l'affiche debout.
    flat = testing.make_video(tmp_path / "flat.mp4", seconds=1, size="640x360", rate=5)
    rotated = tmp_path / "rotated.mp4"
    testing.run_ffmpeg("-display_rotation", "90", "-i", flat, "-c", "copy", rotated)
    media = ingest(work, rotated)
    made = by_kind(media)
    assert made["phone"].height > made["phone"].width
    assert (made["phone"].width, made["phone"].height) == (360, 640)


def test_odd_dimensions_give_even_sizes(work, tmp_path, ingest):
    src = tmp_path / "odd.mp4"
    testing.run_ffmpeg("-f", "lavfi", "-i", "testsrc2=size=1001x563:rate=5:duration=1", "-c:v", "libx264",
                       "-preset", "ultrafast", "-pix_fmt", "yuv444p", src)
    media = ingest(work, src)
    phone = by_kind(media)["phone"]
    assert phone.width % 2 == 0 and phone.height % 2 == 0
    assert phone.width <= 640 and phone.height <= 360


def test_video_without_audio_track(work, tmp_path, ingest):
    src = testing.make_video(tmp_path / "muet.mp4", seconds=1, size="160x120", audio=False)
    media = ingest(work, src)
    job = ProcessingJob.objects.get(media_file=media)
    assert job.status == ProcessingJob.Status.DONE, job.error
    made = by_kind(media)
    assert "audio" not in made  # rien à extraire
    assert set(made) == {"web", "phone", "poster", "thumbs"}
    assert streams(made["web"].file.path)["audio"] == []


def test_audio_only_mp4_gets_audio_renditions_and_waveform(work, tmp_path, ingest):
    src = tmp_path / "parole.mp4"
    testing.run_ffmpeg("-f", "lavfi", "-i", "sine=frequency=300:duration=2", "-c:a", "aac", "-b:a", "64k", src)
    media = ingest(work, src)
    assert media.media_type == "audio"
    job = ProcessingJob.objects.get(media_file=media)
    assert job.status == ProcessingJob.Status.DONE, job.error
    made = by_kind(media)
    assert set(made) == {"web", "phone", "waveform"}
    phone = streams(made["phone"].file.path)
    assert phone["video"] == [] and phone["audio"] == [("aac", 1)]
    assert made["web"].mime_type == "audio/mp4"
    assert made["waveform"].mime_type == "image/png"


def test_waveform_draws_the_signal(work, small_audio, ingest):
    from PIL import Image

    media = ingest(work, small_audio)
    wave = by_kind(media)["waveform"]
    with Image.open(wave.file.path) as img:
        assert img.size == (1200, 160)
        # Une sinusoïde : la colonne du milieu est colorée bien au-delà de la ligne centrale.
        column = [img.getpixel((600, y)) for y in range(160)]
    coloured = sum(1 for px in column if px != (255, 255, 255))
    assert coloured > 60  # le silence ne colore que la ligne centrale (1 à 2 px)
    assert wave.meta["peak"] > 3000  # sinusoïde de lavfi : amplitude 1/8 (≈ 4096)


def test_pdf_gets_cover_thumbnail(work, small_pdf, ingest):
    from PIL import Image

    media = ingest(work, small_pdf)
    cover = by_kind(media)["pdf_cover"]
    assert cover.mime_type == "image/jpeg" and cover.width == 800
    assert cover.meta["pages"] == 1
    with Image.open(cover.file.path) as img:
        assert img.size == (800, cover.height)
        assert cover.height > 1000  # une page A4, en portrait
        # Le titre noir du document est rendu (pas une page blanche).
        assert img.convert("L").getextrema()[0] < 60


def test_image_gets_wagtail_renditions_from_a_copy(work, small_image, ingest, django_capture_on_commit_callbacks):
    media = ingest(work, small_image)
    media.refresh_from_db()
    image = media.image
    assert image is not None
    assert image.file.name != media.file.name  # une copie, jamais le même fichier
    specs = set(image.renditions.values_list("filter_spec", flat=True))
    assert set(presets.IMAGE_FILTERS.values()) <= specs
    large = image.renditions.get(filter_spec=presets.IMAGE_FILTERS["large"])
    assert large.url.startswith("/fichiers/image/")
    # Supprimer l'image Wagtail (et ses fichiers) ne perd jamais l'original.
    original = Path(media.file.path)
    with django_capture_on_commit_callbacks(execute=True):
        image.delete()
    assert original.exists()
    assert sha_of(original) == media.sha256
    assert not default_storage.exists(image.file.name)


def test_running_twice_creates_no_duplicates(work, small_video, ingest, run_on_commit):
    media = ingest(work, small_video)
    before = {r.kind: (r.pk, r.file.name) for r in Rendition.objects.filter(media_file=media)}
    job = run_on_commit(request_renditions, media)
    job.refresh_from_db()
    assert job.status == ProcessingJob.Status.DONE
    after = {r.kind: (r.pk, r.file.name) for r in Rendition.objects.filter(media_file=media)}
    assert after == before  # rien refait, rien dupliqué
    # Forcé : refait, mais toujours une seule ligne par type ; les anciens fichiers sont retirés.
    run_on_commit(request_renditions, media, force=True)
    forced = {r.kind: (r.pk, r.file.name) for r in Rendition.objects.filter(media_file=media)}
    assert set(forced) == set(before)
    assert all(forced[k][0] == before[k][0] and forced[k][1] != before[k][1] for k in before)
    assert not any(default_storage.exists(name) for _pk, name in before.values())
    assert Rendition.objects.filter(media_file=media).count() == len(before)


def test_changing_phone_preset_replaces_only_phone(work, small_video, ingest, run_on_commit):
    media = ingest(work, small_video)
    before = {r.kind: (r.settings_hash, r.file.name) for r in Rendition.objects.filter(media_file=media)}
    with override_settings(PAROLES_RENDITION_PRESETS={"video": {"phone": {"vb": "300k", "maxrate": "350k"}}}):
        new_hash = presets.get_preset("phone", "video").settings_hash
        run_on_commit(request_renditions, media)
    after = {r.kind: (r.settings_hash, r.file.name) for r in Rendition.objects.filter(media_file=media)}
    assert new_hash != before["phone"][0]
    assert after["phone"][0] == new_hash
    for kind in ("web", "audio", "poster", "thumbs"):
        assert after[kind] == before[kind], kind
    assert not default_storage.exists(before["phone"][1])
    assert default_storage.exists(after["phone"][1])


def test_file_that_fails_mid_decode(work, tmp_path, ingest, admin_client):
    good = tmp_path / "bon.mkv"
    testing.run_ffmpeg("-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25:duration=4", "-f", "lavfi", "-i",
                       "sine=duration=4", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-shortest", good)
    broken = tmp_path / "coupe.mkv"
    broken.write_bytes(good.read_bytes()[:30000])  # l'en-tête annonce 4 s ; les données s'arrêtent avant
    media = ingest(work, broken)
    assert media.duration == pytest.approx(4, abs=0.1)  # l'analyse de l'en-tête passe
    job = ProcessingJob.objects.get(media_file=media)
    assert job.status == ProcessingJob.Status.FAILED
    assert "endommagé" in job.error and "conservé tel quel" in job.error
    media.refresh_from_db()
    assert media.status == MediaFile.Status.FAILED and media.error
    # L'original est toujours là, intact ; aucun rendu vidéo incomplet n'est publié.
    assert Path(media.file.path).exists() and sha_of(media.file.path) == media.sha256
    assert not Rendition.objects.filter(media_file=media, kind__in=["web", "phone", "audio"]).exists()
    # L'œuvre reste modifiable dans l'administration.
    response = admin_client.get(f"/admin/snippets/media_library/work/edit/{work.pk}/")
    assert response.status_code == 200
    assert "endommagé" in response.content.decode()


def test_ten_hour_silent_file_is_streamed(work, tmp_path, ingest):
    """Un fichier de 10 heures : analysé par son en-tête, empreinte par blocs, commandes en flux.

    Fabriqué sans encoder 10 heures : une minute de silence MP3 à 8 kHz et 8 kb/s (débit constant, donc
    ~36 Mo pour 10 h), recopiée 600 fois sans réencodage (-c copy).
    """
    import tracemalloc

    minute = tmp_path / "minute.mp3"
    testing.run_ffmpeg("-f", "lavfi", "-i", "anullsrc=r=8000:cl=mono", "-t", "60", "-c:a", "libmp3lame", "-b:a", "8k",
                       minute)
    long_file = tmp_path / "dix-heures.mp3"
    testing.run_ffmpeg("-stream_loop", "599", "-i", minute, "-c", "copy", long_file)
    size = long_file.stat().st_size
    tracemalloc.start()
    from media_library.flows.ingest import ingest_file as plain_ingest

    media = plain_ingest(work, long_file)  # sans lancer le travail : on vérifie ses commandes ci-dessous
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert media.duration == pytest.approx(36000, rel=0.01)
    assert size > 30 * 1024 * 1024
    assert peak < size / 4 and peak < 8 * 1024 * 1024  # jamais le fichier entier en mémoire

    from media_library.processing import steps

    web = presets.get_preset("web", "audio")
    cmd = steps.audio_command(media.file.path, tmp_path / "web.m4a", web.options)
    assert media.file.path in cmd and "-progress" in cmd and "pipe:1" in cmd  # ffmpeg lit par le chemin

    # La forme d'onde se calcule en flux : mémoire bornée par la largeur et le bloc, pas par la durée
    # (10 minutes décodées = 9,6 Mo d'échantillons, jamais présents ensemble en mémoire).
    import numpy  # noqa: F401 - importé avant la mesure

    ten_minutes = tmp_path / "dix-minutes.mp3"
    testing.run_ffmpeg("-stream_loop", "9", "-i", minute, "-c", "copy", ten_minutes)
    tracemalloc.start()
    lows, highs, seen = steps.waveform_peaks(ten_minutes, width=1200, rate=8000, duration=600)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert seen == pytest.approx(4_800_000, rel=0.01)
    assert peak < 2 * 1024 * 1024
    assert int(highs.max()) < 50  # du silence

    # Et une vraie exécution des rendus sur une minute du même silence.
    short = plain_ingest(work, minute)
    from media_library.processing.jobs import run_job

    job = run_job(request_renditions(short, enqueue=False).pk)
    assert job.status == ProcessingJob.Status.DONE, job.error
    assert set(by_kind(short)) == {"web", "phone", "waveform"}


# --- Service par la porte ---------------------------------------------------------------------------


def test_renditions_are_served_only_through_the_gate(client, cleared_work, work, small_video, tmp_path, ingest):
    media = ingest(cleared_work, small_video)
    web = by_kind(media)["web"]
    url = web.get_serve_url("website")
    assert url.startswith(f"/fichiers/rendu/{web.uuid}/")
    response = client.get(url, HTTP_RANGE="bytes=0-99")
    assert response.status_code == 206
    assert response["Content-Range"].startswith("bytes 0-99/")
    assert response["Content-Type"] == "video/mp4"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content)[4:8] == b"ftyp"
    # Une œuvre non validée : refus (404 pour un anonyme), journalisé.
    other = ingest(work, testing.make_video(tmp_path / "autre.mp4", seconds=1, size="160x120", freq=880))
    hidden = by_kind(other)["phone"]
    response = client.get(hidden.get_serve_url("website"))
    assert response.status_code == 404
    assert ServedFile.objects.filter(work=work, allowed=False, purpose="rendu:phone").exists()
    # Un mauvais nom de fichier ne sert rien.
    assert client.get(url.replace(web.download_name, "autre.mp4")).status_code == 404
    # Aucun fichier n'est accessible par son chemin de stockage.
    assert client.get("/" + web.file.name).status_code == 404


def test_gate_receives_the_served_variant(client, cleared_work, small_video, ingest, monkeypatch):
    from consent.access import Decision

    media = ingest(cleared_work, small_video)
    phone = by_kind(media)["phone"]
    seen = []

    def fake_decide(user, work, channel, *, variant=None, at=None):
        seen.append(variant)
        # Une condition « visage flouté » n'est remplie que par un rendu réellement flouté.
        ok = getattr(variant, "is_blurred", False)
        return Decision(ok, "" if ok else "Flou exigé.", restricted=True)

    monkeypatch.setattr("consent.policy.policy.decide", fake_decide)
    assert client.get(phone.get_serve_url("website")).status_code == 404
    assert seen[0] == phone
    phone.is_blurred = True  # enregistré comme le fait le traitement : l'époque change
    phone.save(update_fields=["is_blurred"])
    assert client.get(phone.get_serve_url("website")).status_code == 200


def test_public_player_uses_web_rendition_and_poster(client, cleared_work, small_video, ingest):
    media = ingest(cleared_work, small_video)
    made = by_kind(media)
    html = client.get(cleared_work.get_absolute_url()).content.decode()
    assert made["web"].get_serve_url("website") in html
    assert made["poster"].get_serve_url("website") in html
    assert made["phone"].get_serve_url("website") in html
    assert media.get_serve_url("website") not in html  # l'original n'est plus envoyé au lecteur


def test_public_player_never_falls_back_to_original(client, admin_client, cleared_work, small_video):
    """Sans rendu (travail pas encore exécuté), le public n'a pas l'original : il a ses métadonnées."""
    from media_library.flows.ingest import ingest_file as plain_ingest

    media = plain_ingest(cleared_work, small_video)
    original_path = media.get_serve_url("website").split("?")[0]
    html = client.get(cleared_work.get_absolute_url()).content.decode()
    assert original_path not in html and "<video" in html


def test_listing_and_home_show_the_video_poster_and_the_pdf_cover(client, project, small_video, small_pdf, ingest,
                                                                  publish):
    """Une œuvre sans image garde une vignette : l'affiche d'une vidéo, la couverture d'un PDF, servies par
    la porte ; une œuvre sans rendu affiche son type."""
    from exhibitions.tests.factories import home

    from .factories import WorkFactory

    film = publish(WorkFactory(project=project, title_fr="Film", kind="film"))
    leaflet = publish(WorkFactory(project=project, title_fr="Dépliant", kind="leaflet"))
    podcast = publish(WorkFactory(project=project, title_fr="Podcast sans fichier", kind="podcast"))
    poster = by_kind(ingest(film, small_video))["poster"]
    cover = by_kind(ingest(leaflet, small_pdf))["pdf_cover"]
    home()
    for url in ("/archives/", "/"):
        html = client.get(url).content.decode()
        assert f'src="{poster.get_serve_url("website")}"' in html, url
        # La couverture du PDF, dans sa propre balise <img>, chargée paresseusement et marquée « document ».
        cover_tag = re.search(r'<img src="' + re.escape(cover.get_serve_url("website")) + r'"[^>]*>', html)
        assert cover_tag, url
        assert 'loading="lazy"' in cover_tag.group(0) and 'class="document"' in cover_tag.group(0), url
        assert podcast.title_fr in html and "Épisode de podcast" in html
    assert client.get(poster.get_serve_url("website")).status_code == 200


def test_listing_card_image_is_responsive_and_hidden_under_a_content_warning(client, project, media_dir, ingest,
                                                                            publish, django_assert_max_num_queries):
    """Carte des archives : l'image en deux tailles (`srcset`, `sizes`), chargée paresseusement, avec sa
    largeur et sa hauteur, servie par la porte ; une œuvre sous avertissement de contenu n'a pas d'image sur
    sa carte (l'avertissement est écrit à la place)."""
    from media_library.models import ContentWarning

    from .factories import WorkFactory

    shown = publish(WorkFactory(project=project, title_fr="Body map visible", kind="bodymap"))
    warned = publish(WorkFactory(project=project, title_fr="Body map sous avertissement", kind="bodymap"))
    def picture(n):  # une image différente à chaque fois (l'archive refuse un fichier en double)
        return testing.make_image(media_dir / f"carte-{n}.jpg", color=(40 * n % 256, 90, 40))

    for n, work in enumerate((shown, warned)):
        ingest(work, picture(n))
    warned.content_warnings.add(ContentWarning.objects.create(name="Violences décrites"))
    warned.save()  # (relation « parentale » de modelcluster : écrite à l'enregistrement)
    html = client.get("/archives/").content.decode()
    cards = {title: card for card in re.findall(r'<li class="card">(.*?)</li>', html, flags=re.S)
             for title in (shown.title_fr, warned.title_fr) if title in card}
    image = shown.files.get().image
    big = image.renditions.get(filter_spec=presets.IMAGE_FILTERS["small"])
    small = image.renditions.get(filter_spec=presets.IMAGE_FILTERS["small_phone"])
    tag = re.search(r"<img [^>]*>", cards[shown.title_fr]).group(0)
    assert f'src="{big.get_serve_url("website")}"' in tag
    assert f'srcset="{small.get_serve_url("website")} {small.width}w, {big.get_serve_url("website")} {big.width}w"' in tag
    assert 'sizes="' in tag and 'loading="lazy"' in tag
    assert f'width="{big.width}"' in tag and f'height="{big.height}"' in tag
    assert "<img" not in cards[warned.title_fr]
    assert "Violences décrites" in cards[warned.title_fr]
    assert client.get(small.get_serve_url("website")).status_code == 200
    # L'accueil (« Dernières œuvres ») : la même règle, l'image de l'œuvre sous avertissement n'y est pas.
    from exhibitions.tests import factories as ef

    ef.home()
    home = client.get("/").content.decode()
    latest = home.split('id="dernieres"', 1)[1].split("</section>", 1)[0]
    home_cards = {title: card for card in re.findall(r'<li class="card">(.*?)</li>', latest, flags=re.S)
                  for title in (shown.title_fr, warned.title_fr) if title in card}
    assert "<img" in home_cards[shown.title_fr]
    assert "<img" not in home_cards[warned.title_fr]
    # Les rendus des cartes sont préchargés : pas une requête par carte.
    more = [publish(WorkFactory(project=project, title_fr=f"Photo {i}", kind="photovoice")) for i in range(3)]
    for n, work in enumerate(more, start=2):
        ingest(work, picture(n))
    client.get("/archives/")
    with django_assert_max_num_queries(30):
        client.get("/archives/")
