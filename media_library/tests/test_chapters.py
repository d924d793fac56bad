"""Chapitres : validation, extraits web et téléphone, découpage des sous-titres, éditeur et page publique."""

import pytest
from django.core.exceptions import ValidationError

from media_library import testing
from media_library.models import Chapter, ProcessingJob, Rendition
from media_library.processing.clips import clip_ready, cut_subtitles, cut_vtt
from media_library.flows.ingest import ingest_file
from media_library.views.chapters import parse_timecode


@pytest.fixture
def video_media(db, cleared_work, tmp_path, django_capture_on_commit_callbacks):
    src = testing.make_video(tmp_path / "film.mp4", seconds=4, size="160x120")
    with django_capture_on_commit_callbacks(execute=True):
        return ingest_file(cleared_work, src)


def make_chapter(media, start, end, title="Le départ"):
    return Chapter(work=media.work, media_file=media, start=start, end=end, title_fr=title)


# --- Validation ----------------------------------------------------------------------------------


def test_chapter_end_before_start_is_refused(video_media):
    chapter = make_chapter(video_media, 3, 1)
    with pytest.raises(ValidationError) as exc:
        chapter.full_clean()
    assert exc.value.message_dict["end"] == ["La fin du chapitre (0:01) doit venir après son début (0:03)."]


def test_chapter_end_equal_to_start_is_refused(video_media):
    with pytest.raises(ValidationError) as exc:
        make_chapter(video_media, 2, 2).full_clean()
    assert "doit venir après son début" in exc.value.message_dict["end"][0]


def test_chapter_beyond_duration_is_refused(video_media):
    with pytest.raises(ValidationError) as exc:
        make_chapter(video_media, 1, 9.5).full_clean()
    assert exc.value.message_dict["end"] == ["La fin du chapitre (0:09,5) dépasse la durée du média (0:04)."]


def test_chapter_negative_start_is_refused(video_media):
    with pytest.raises(ValidationError) as exc:
        make_chapter(video_media, -1, 2).full_clean()
    assert "négatif" in exc.value.message_dict["start"][0]


def test_valid_chapter_is_accepted(video_media):
    chapter = make_chapter(video_media, 0.5, 2.5)
    chapter.full_clean()
    chapter.save()
    assert chapter.duration == pytest.approx(2.0)


@pytest.mark.parametrize(
    "text,seconds",
    [("83,5", 83.5), ("83.5", 83.5), ("1:23", 83), ("1:23,5", 83.5), ("0:01:23.5", 83.5), ("1:00:00", 3600)],
)
def test_parse_timecode(text, seconds):
    assert parse_timecode(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["", "abc", "1:75", "1::2", "-3"])
def test_parse_timecode_refuses_garbage(text):
    with pytest.raises(ValueError):
        parse_timecode(text)


# --- Découpage des sous-titres (fonction pure) ---------------------------------------------------

VTT = """WEBVTT
Kind: captions

NOTE relu par l'équipe

STYLE
::cue { color: yellow }

1
00:00:00.500 --> 00:00:02.000
Avant l'extrait

2
00:00:09.000 --> 00:00:11.000 align:start
À cheval sur le début

3
00:00:12.000 --> 00:00:14.500
Dans l'extrait
deux lignes

00:00:19.000 --> 00:00:23.000
À cheval sur la fin

4
00:00:25.000 --> 00:00:26.000
Après
"""


def test_cut_vtt_keeps_overlapping_cues_trimmed_and_shifted():
    out = cut_vtt(VTT, 10, 20)
    assert out.startswith("WEBVTT\nKind: captions\n\n")
    assert "Avant l'extrait" not in out and "Après" not in out and "NOTE" not in out
    assert "::cue { color: yellow }" in out  # bloc STYLE gardé
    assert "2\n00:00:00.000 --> 00:00:01.000 align:start\nÀ cheval sur le début" in out
    assert "3\n00:00:02.000 --> 00:00:04.500\nDans l'extrait\ndeux lignes" in out
    assert "00:00:09.000 --> 00:00:10.000\nÀ cheval sur la fin" in out


def test_cut_vtt_handles_hours_commas_crlf_and_bom():
    text = "\ufeffWEBVTT\r\n\r\n01:00:01,250 --> 01:00:03,000\r\nTard\r\n"
    out = cut_vtt(text, 3600, 3602)
    assert out == "WEBVTT\n\n00:00:01.250 --> 00:00:02.000\nTard\n"


def test_cut_vtt_drops_slivers_and_rejects_bad_input():
    text = "WEBVTT\n\n00:00:01.000 --> 00:00:05.020\nFin\n"
    assert "Fin" not in cut_vtt(text, 5.0, 8)
    with pytest.raises(ValueError):
        cut_vtt("1\n00:00:01,000 --> 00:00:02,000\nSRT\n", 0, 1)
    with pytest.raises(ValueError):
        cut_vtt(text, 3, 2)


def test_cut_subtitles_uses_the_chapter_bounds(video_media):
    chapter = make_chapter(video_media, 10, 20)
    assert cut_subtitles(VTT, chapter) == cut_vtt(VTT, 10, 20)


# --- Extraits ------------------------------------------------------------------------------------


def test_chapter_clip_in_web_and_phone(video_media, django_capture_on_commit_callbacks):
    from media_library.flows.request_clip import request_clip

    chapter = make_chapter(video_media, 1.0, 3.0)
    chapter.save()
    received = []

    def on_clip(sender, chapter, renditions, **kwargs):
        received.append((chapter, sorted(r.kind for r in renditions)))

    clip_ready.connect(on_clip)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            job = request_clip(chapter)
    finally:
        clip_ready.disconnect(on_clip)
    job.refresh_from_db()
    assert job.status == ProcessingJob.Status.DONE, job.error
    clips = {r.kind: r for r in Rendition.objects.filter(chapter=chapter)}
    assert set(clips) == {"clip_web", "clip_phone"}
    for clip in clips.values():
        assert clip.duration == pytest.approx(2.0, abs=0.15)
        assert clip.media_file == video_media
    assert received == [(chapter, ["clip_phone", "clip_web"])]
    # Les rendus de l'original ne sont pas touchés, et aucun doublon après une seconde demande.
    with django_capture_on_commit_callbacks(execute=True):
        request_clip(chapter)
    assert Rendition.objects.filter(chapter=chapter).count() == 2
    assert Rendition.objects.filter(media_file=video_media, chapter__isnull=True, kind="web").count() == 1


# --- Administration et page publique -------------------------------------------------------------


def test_chapter_editor_shows_player_timeline_and_refuses_bad_chapters(admin_client, video_media):
    work = video_media.work
    url = f"/admin/archives/oeuvres/{work.pk}/chapitres/"
    page = admin_client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="pl-player"' in html and "data-timeline" in html and "chapters-editor.js" in html
    web = video_media.get_rendition("web")
    assert web.get_serve_url("internal").split("?")[0] + "?acces=" in html
    response = admin_client.post(url, {"start": "0:03", "end": "0:01", "title_fr": "Retour"})
    assert response.status_code == 200
    assert "La fin du chapitre (0:01) doit venir après son début (0:03)." in response.content.decode()
    response = admin_client.post(url, {"start": "1", "end": "12", "title_fr": "Trop long"})
    assert "dépasse la durée du média" in response.content.decode()
    response = admin_client.post(url, {"start": "n'importe", "end": "2", "title_fr": "Illisible"})
    assert "Minutage illisible" in response.content.decode()
    assert not Chapter.objects.exists()
    response = admin_client.post(url, {"start": "0:01,5", "end": "3", "title_fr": "L'arrivée", "title_bm": "Sera"})
    assert response.status_code == 302
    chapter = Chapter.objects.get()
    assert (chapter.start, chapter.end, chapter.title_bm) == (1.5, 3.0, "Sera")
    # Modifier, puis demander l'extrait.
    response = admin_client.post(f"{url}{chapter.pk}/", {"start": "0:01", "end": "3", "title_fr": "L'arrivée"})
    assert response.status_code == 302
    chapter.refresh_from_db()
    assert chapter.start == 1.0


def test_chapter_editor_requires_permission(client, video_media):
    from media_library.tests.factories import UserFactory

    user = UserFactory()
    client.force_login(user)
    response = client.get(f"/admin/archives/oeuvres/{video_media.work.pk}/chapitres/")
    assert response.status_code in (302, 403)


def test_public_page_lists_chapters_for_jumping(client, video_media):
    work = video_media.work
    Chapter.objects.create(work=work, media_file=video_media, start=0, end=1.5, title_fr="Le départ", title_bm="Taa")
    Chapter.objects.create(work=work, media_file=video_media, start=1.5, end=4, title_fr="L'arrivée")
    html = client.get(work.get_absolute_url()).content.decode()
    assert "data-chapter-list" in html
    assert 'data-start="1.500"' in html and "Le départ" in html and 'lang="bm">Taa' in html
    assert f'data-paroles-player="{video_media.uuid}"' in html
    assert "/static/media_library/js/chapters-player.js" in html
    assert "<script>" not in html  # aucun script en ligne
