import io

import pytest

from demo import transcription as demo
from media_library.tests.factories import WorkFactory
from transcription.models import SubtitleTrack

pytestmark = pytest.mark.django_db


def test_demo_tracks_are_idempotent(project):
    pytest.importorskip("demo.catalogue")
    film = WorkFactory(project=project, kind="film", title_fr="r/Egard")
    capsule = WorkFactory(project=project, kind="capsule", title_fr="Capsule 1")
    ctx = {"works": {"film_regard": film, "capsule_vbg_1": capsule}, "stdout": io.StringIO(), "users": {}}
    assert demo.build(ctx) == 4
    fr = SubtitleTrack.objects.get(work=film, language="fr")
    bm = SubtitleTrack.objects.get(work=film, language="bm")
    assert fr.is_published and fr.cues.count() > 20
    assert bm.status == bm.Status.IN_REVIEW and not bm.cues.exclude(text="").exists()
    assert bm.cues.count() == fr.cues.count()
    assert demo.build(ctx) == 0
    assert SubtitleTrack.objects.count() == 4
