"""Sous-titres incrustés : vraie incrustation ffmpeg/libass sur une petite vidéo."""

import av
import numpy as np
import pytest

from media_library import testing
from transcription.burn import burn_file
from transcription.subtitles import Cue


def _frame(path, t):
    with av.open(str(path)) as c:
        stream = c.streams.video[0]
        for frame in c.decode(stream):
            if frame.time >= t:
                return frame.to_ndarray(format="gray")


def test_burned_phone_version(tmp_path):
    src = tmp_path / "in.mp4"  # fond gris uni 4:3 : tout écart vient du texte incrusté
    testing.run_ffmpeg("-f", "lavfi", "-i", "color=c=gray:size=640x480:rate=25:duration=3", "-f", "lavfi",
                       "-i", "sine=duration=3", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
                       "-c:a", "aac", "-shortest", src)
    plain = tmp_path / "plain.mp4"
    burned = tmp_path / "burned.mp4"
    burn_file(src, [Cue(0.0, 0.1, ".")], plain)  # même chaîne, réplique hors du temps testé
    burn_file(src, [Cue(0.5, 2.5, "Briser le silence,\nc'est déjà se protéger.")], burned)
    with av.open(str(burned)) as c:
        v = c.streams.video[0]
        assert (v.codec_context.width, v.codec_context.height) == (640, 360)
        assert c.streams.audio[0].codec_context.name == "aac"
    head = burned.read_bytes()[:4096]
    assert head.find(b"moov") != -1 and (head.find(b"mdat") == -1 or head.find(b"moov") < head.find(b"mdat"))
    a, b = _frame(plain, 1.5), _frame(burned, 1.5)
    diff = np.abs(a.astype(int) - b.astype(int))
    # Le texte est dans le bas de l'image, pas ailleurs.
    assert diff[240:, :].mean() > 3 * max(diff[:120, :].mean(), 0.05)
    assert (b[240:, :] > 230).sum() > 500  # des pixels blancs (le texte) en bas


@pytest.mark.django_db
def test_burn_in_service_stores_a_gated_rendition(project, tmp_path, make_track, django_capture_on_commit_callbacks):
    from media_library.flows.ingest import ingest_file
    from media_library.tests.factories import WorkFactory
    from transcription.flows.burn_in import request_burn_in

    work = WorkFactory(project=project, kind="capsule")
    ingest_file(work, testing.make_video(tmp_path / "c.mp4", seconds=2), original_filename="c.mp4")
    track = make_track(work, cues=[Cue(0.2, 1.8, "Bonjour.")], approve=True)
    with django_capture_on_commit_callbacks(execute=True):
        rendition = request_burn_in(track)
    rendition.refresh_from_db()
    assert rendition.status == "ready", rendition.error
    assert rendition.file and rendition.size > 1000 and rendition.is_current
    assert "/fichiers/sous-titre/" in rendition.get_serve_url()


@pytest.mark.django_db
def test_approving_a_track_makes_its_burned_phone_version(project, tmp_path, make_track,
                                                         django_capture_on_commit_callbacks):
    """Approuver (comme l'éditeur) suffit : la version téléphone sous-titrée est faite sans autre geste,
    une seule fois par approbation ; une nouvelle approbation en refait une."""
    from media_library.flows.ingest import ingest_file
    from media_library.tests.factories import WorkFactory
    from transcription.flows.approve import approve_track
    from transcription.models import SubtitledRendition

    work = WorkFactory(project=project, kind="capsule")
    ingest_file(work, testing.make_video(tmp_path / "c.mp4", seconds=2), original_filename="c.mp4")
    track = make_track(work, cues=[Cue(0.2, 1.8, "Bonjour.")])
    assert not SubtitledRendition.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        approve_track(track)
    (rendition,) = SubtitledRendition.objects.filter(track=track)
    assert rendition.status == "ready", rendition.error
    assert rendition.is_current and rendition.size > 1000
    with django_capture_on_commit_callbacks(execute=True):
        from transcription.flows.approve import burn_in_if_needed

        assert burn_in_if_needed(track) is None  # déjà faite pour cette approbation
    assert SubtitledRendition.objects.filter(track=track).count() == 1


@pytest.mark.django_db
def test_approving_a_track_without_video_asks_no_burn_in(project, make_track):
    from media_library.tests.factories import WorkFactory
    from transcription.flows.approve import approve_track
    from transcription.models import SubtitledRendition

    track = make_track(WorkFactory(project=project, kind="podcast"))
    approve_track(track)
    assert track.is_approved and not SubtitledRendition.objects.exists()
