"""Les sous-titres d'un extrait de chapitre, depuis l'éditeur de chapitres de l'administration."""

import re

import pytest

from media_library import testing
from media_library.flows.ingest import ingest_file
from media_library.flows.request_clip import request_clip
from media_library.models import Chapter, ProcessingJob
from transcription.models import SubtitleTrack
from transcription.subtitles import Cue


@pytest.fixture
def clipped(db, cleared_work, tmp_path, django_capture_on_commit_callbacks):
    src = testing.make_video(tmp_path / "film.mp4", seconds=4, size="160x120")
    with django_capture_on_commit_callbacks(execute=True):
        media = ingest_file(cleared_work, src)
    chapter = Chapter.objects.create(work=cleared_work, media_file=media, start=1.0, end=3.0, title_fr="L'arrivée")
    with django_capture_on_commit_callbacks(execute=True):
        job = request_clip(chapter)
    job.refresh_from_db()
    assert job.status == ProcessingJob.Status.DONE, job.error
    return chapter


def _links(html):
    return re.findall(r'<a href="([^"]+)" download>([^<]+)</a>', html)


def test_each_clip_offers_its_subtitles_cut_from_each_approved_track(admin_client, clipped, unpublish):
    work = clipped.work
    url = f"/admin/archives/oeuvres/{work.pk}/chapitres/"
    # Pas encore de piste approuvée : aucun lien de sous-titres (un brouillon n'est jamais servi).
    draft = SubtitleTrack.objects.create(work=work, language="bm")
    draft.replace_cues([Cue(1.2, 2.0, "I ni ce.")])
    assert _links(admin_client.get(url).content.decode()) == []

    track = SubtitleTrack.objects.create(work=work, language="fr")
    track.replace_cues([Cue(0.2, 0.9, "Avant l'extrait."), Cue(1.5, 2.5, "Dans l'extrait."),
                        Cue(2.8, 3.6, "À cheval sur la fin.")])
    track.approve(allow_issues=True)
    links = _links(admin_client.get(url).content.decode())
    assert [label for _href, label in links] == ["Sous-titres français (WebVTT)"]
    href = links[0][0].replace("&amp;", "&")
    response = admin_client.get(href)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/vtt")
    body = b"".join(response.streaming_content if response.streaming else [response.content]).decode()
    assert "Dans l'extrait." in body
    assert "Avant l'extrait." not in body and "À cheval sur la fin." not in body  # seulement le tout-dedans
    assert "00:00:00.500 --> 00:00:01.500" in body  # décalé : l'extrait commence à 0

    # La politique est redemandée à chaque octet : la déclaration révoquée (l'œuvre redevient interne), l'adresse
    # sans jeton ne sert plus rien au public, exactement comme une adresse qui n'existe pas.
    unpublish(work)
    assert admin_client.logout() is None
    assert admin_client.get(href.split("?")[0]).status_code == 404
