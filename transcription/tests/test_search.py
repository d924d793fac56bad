import pytest

from media_library.tests.factories import WorkFactory
from transcription.search import search_transcripts
from transcription.subtitles import Cue

pytestmark = pytest.mark.django_db


def test_search_finds_approved_moments_with_consent(client, project, make_track):
    from django.contrib.auth.models import AnonymousUser

    from consent.testing import grant, publish

    public = WorkFactory(project=project, kind="capsule", title_fr="Capsule publique")
    publish(public)
    hidden = WorkFactory(project=project, kind="capsule", title_fr="Capsule protégée")
    grant(hidden, channels=["closed_screening"])  # projections fermées seulement
    draft = WorkFactory(project=project, kind="capsule", title_fr="Capsule brouillon")
    publish(draft)
    cues = [Cue(0, 3, "Bonjour."), Cue(42.5, 46, "Le site de Faladié accueille des déplacées.")]
    make_track(public, cues=cues, approve=True)
    make_track(hidden, cues=cues, approve=True)
    make_track(draft, cues=cues)
    hits = search_transcripts(AnonymousUser(), "faladie DEPLACEES")
    assert [h.work for h in hits] == [public]
    assert hits[0].start == 42.5 and hits[0].url.endswith("?t=42#t=42")
    assert search_transcripts(AnonymousUser(), "") == []
    html = client.get("/archives/recherche-paroles/?q=Faladié").content.decode()
    assert "Capsule publique" in html and "Capsule protégée" not in html and "?t=42" in html
