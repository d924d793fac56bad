"""Arrivée d'un original : empreinte, type détecté, analyse, refus clairs, rien à moitié."""

import hashlib

import pytest
from django.core.files.storage import default_storage
from django.test import override_settings

from media_library import testing
from media_library.files import MediaError
from media_library.models import MediaFile
from media_library.flows.ingest import ingest_file

pytestmark = pytest.mark.django_db


def stored_names():
    names = []
    dirs = ["originals"]
    while dirs:
        d = dirs.pop()
        if not default_storage.exists(d):
            continue
        sub, files = default_storage.listdir(d)
        dirs += [f"{d}/{s}" for s in sub]
        names += [f"{d}/{f}" for f in files]
    return names


def test_video_is_stored_privately_with_hash_and_probe(work, small_video):
    media = ingest_file(work, small_video)
    assert media.sha256 == hashlib.sha256(small_video.read_bytes()).hexdigest()
    assert media.size == small_video.stat().st_size
    assert media.mime_type == "video/mp4"
    assert media.media_type == "video"
    assert media.width == 320 and media.height == 240
    assert media.video_codec == "h264" and media.audio_codec == "aac"
    assert 1.9 < media.duration < 2.2
    # L'original est intact, octet pour octet, et pas sous une URL publique.
    with media.file.open("rb") as fh:
        assert hashlib.sha256(fh.read()).hexdigest() == media.sha256
    with pytest.raises(NotImplementedError):
        default_storage.url(media.file.name)
    work.refresh_from_db()
    assert work.duration_seconds == pytest.approx(media.duration)


def test_audio_image_pdf(work, small_audio, small_image, small_pdf):
    audio = ingest_file(work, small_audio)
    assert (audio.media_type, audio.mime_type, audio.audio_codec) == ("audio", "audio/mpeg", "mp3")
    image = ingest_file(work, small_image)
    assert (image.media_type, image.mime_type, image.width, image.height) == ("image", "image/jpeg", 640, 480)
    pdf = ingest_file(work, small_pdf)
    assert (pdf.media_type, pdf.mime_type) == ("document", "application/pdf")


def test_audio_only_mp4_is_audio(work, media_dir):
    path = testing.make_audio(media_dir / "voix.m4a", seconds=1)
    media = ingest_file(work, path)
    assert media.media_type == "audio"
    assert media.mime_type == "audio/mp4"


def test_same_bytes_refused_naming_the_work(work, small_video, project):
    from media_library.tests.factories import WorkFactory

    ingest_file(work, small_video)
    other = WorkFactory(project=project)
    with pytest.raises(MediaError) as exc:
        ingest_file(other, small_video, original_filename="copie.mp4")
    assert "Capsule d'essai" in str(exc.value)
    assert f"n° {work.pk}" in str(exc.value)
    assert MediaFile.objects.count() == 1
    assert len(stored_names()) == 1


def test_zero_byte_file(work, media_dir):
    empty = media_dir / "vide.mp4"
    empty.write_bytes(b"")
    with pytest.raises(MediaError, match="vide"):
        ingest_file(work, empty)
    assert not MediaFile.objects.exists() and stored_names() == []


def test_truncated_mp4(work, small_video, media_dir):
    data = small_video.read_bytes()
    truncated = media_dir / "tronque.mp4"
    truncated.write_bytes(data[: len(data) // 2])
    with pytest.raises(MediaError, match="tronqué"):
        ingest_file(work, truncated)
    assert not MediaFile.objects.exists() and stored_names() == []


def test_truncated_mp4_without_faststart(work, media_dir):
    video = testing.make_video(media_dir / "sans-faststart.mp4", seconds=2, faststart=False)
    data = video.read_bytes()
    cut = media_dir / "coupe.mp4"
    cut.write_bytes(data[: int(len(data) * 0.8)])
    with pytest.raises(MediaError):
        ingest_file(work, cut)
    assert not MediaFile.objects.exists()


@pytest.mark.parametrize(
    "content",
    [
        b"<!DOCTYPE html><html><script>alert(1)</script></html>",
        b"<?xml version='1.0'?><svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
        b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
        b"MZ\x90\x00" + b"\x00" * 200,
        b"\x7fELF\x02\x01\x01" + b"\x00" * 200,
    ],
    ids=["html", "xml-svg", "svg", "exe", "elf"],
)
def test_mp4_that_is_really_markup_or_program(work, media_dir, content):
    fake = media_dir / "capsule.mp4"
    fake.write_bytes(content)
    with pytest.raises(MediaError, match="refusé"):
        ingest_file(work, fake)
    assert not MediaFile.objects.exists() and stored_names() == []


def test_extension_that_lies_about_content(work, small_image, media_dir):
    liar = media_dir / "film.mp4"
    liar.write_bytes(small_image.read_bytes())
    with pytest.raises(MediaError, match="annonce"):
        ingest_file(work, liar)


@override_settings(PAROLES_MAX_UPLOAD_SIZE=1000)
def test_file_over_size_limit(work, small_video):
    with pytest.raises(MediaError, match="limite"):
        ingest_file(work, small_video)
    assert not MediaFile.objects.exists()


def test_db_failure_leaves_no_stored_file(work, small_video, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("base indisponible")

    monkeypatch.setattr(MediaFile.objects, "create", boom)
    with pytest.raises(RuntimeError):
        ingest_file(work, small_video)
    assert stored_names() == []


def test_path_traversal_in_original_name_is_harmless(work, small_video):
    media = ingest_file(work, small_video, original_filename="../../etc/passwd.mp4")
    assert media.file.name.startswith("originals/")
    assert ".." not in media.file.name
    assert media.safe_filename == "passwd.mp4"


def test_two_originals_never_share_a_storage_name(work, media_dir):
    a = testing.make_video(media_dir / "meme-nom.mp4", seconds=1, freq=300)
    first = ingest_file(work, a)
    b = testing.make_video(media_dir / "autre" / "meme-nom.mp4" if False else media_dir / "meme-nom2.mp4", seconds=1, freq=500)
    second = ingest_file(work, b, original_filename="meme-nom.mp4")
    assert first.file.name != second.file.name
    with first.file.open("rb") as fh:
        assert hashlib.sha256(fh.read()).hexdigest() == first.sha256
