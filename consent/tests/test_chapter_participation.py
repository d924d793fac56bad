"""Une personne qui ne paraît que dans un chapitre : un extrait qui ne la montre pas ne demande pas son
consentement ; l'œuvre entière et tout extrait qui touche son chapitre, toujours. La publication d'une
exposition le dit, extrait par extrait, avec le chapitre et le canal."""

import pytest
from django.contrib.auth.models import AnonymousUser

from consent.access import Segment
from consent.channels import Channel
from consent.forms import ParticipationForm
from consent.models import Participation
from consent.policy import policy
from consent.testing import grant, make_participant
from exhibitions.models import ExhibitionPage
from exhibitions.flows.publish_exhibition import check_publication, publication_problems_message
from exhibitions.tests import factories as f
from media_library.models import Chapter, WorkKind

pytestmark = pytest.mark.django_db

WEB = Channel.WEBSITE


@pytest.fixture
def film(tmp_path):
    """Le film : Awa (auteure) y paraît partout, tous canaux publics ; Mariam n'accepte que les projections
    fermées et ne paraît que dans « La route »."""
    work = f.work_with_file(tmp_path, kind=WorkKind.FILM, title="r/Egard", pseudonym="Awa",
                            channels=("website", "museum", "closed_screening"))
    media = work.files.get()
    depart = Chapter.objects.create(work=work, media_file=media, start=0, end=0.8, title_fr="Le départ")
    route = Chapter.objects.create(work=work, media_file=media, start=0.8, end=1.4, title_fr="La route")
    Chapter.objects.create(work=work, media_file=media, start=1.4, end=2, title_fr="L'arrivée")
    mariam = make_participant("Mariam")
    grant(work, channels=["closed_screening"], participant=mariam)
    link = Participation.objects.create(participant=mariam, work=work, role="in_image")
    link.chapters.set([route])
    return work, depart, route, mariam


def _decide(work, segment=None, channel=WEB):
    variant = Segment(*segment) if segment else None
    return policy.decide(AnonymousUser(), work, channel, variant=variant)


def test_a_clip_is_decided_by_the_people_who_appear_in_it(film):
    work, depart, route, mariam = film
    assert not _decide(work).allowed  # l'œuvre entière la montre
    assert _decide(work, (0, 0.8)).allowed  # « Le départ » : elle n'y est pas
    assert _decide(work, (1.4, 2)).allowed
    assert not _decide(work, (0.8, 1.4)).allowed  # « La route »
    assert not _decide(work, (0.5, 1.0)).allowed  # à cheval sur « La route »
    assert _decide(work, (0.2, 0.8)).allowed  # finit là où « La route » commence : ne la touche pas
    assert _decide(work, (0.8, 1.4), Channel.CLOSED_SCREENING).allowed is False  # anonyme : canal partenaire
    # Liée une seconde fois SANS chapitre (un autre rôle) : elle paraît dans toute l'œuvre.
    Participation.objects.create(participant=mariam, work=work, role="voice")
    assert not _decide(work, (0, 0.8)).allowed


def test_without_chapters_nothing_changes(film):
    work, depart, route, mariam = film
    Participation.objects.get(participant=mariam, role="in_image").chapters.clear()
    assert not _decide(work, (0, 0.8)).allowed
    assert not _decide(work).allowed


def _exhibition(kind, blocks):
    content = []
    for block in blocks:
        if isinstance(block, Chapter):
            content.append({"type": "chapter_clip", "value": {
                "work": block.work_id, "title_fr": block.title_fr, "title_bm": "", "start": block.start,
                "end": block.end, "note_fr": "", "note_bm": ""}})
        else:
            content.append({"type": "work", "value": {
                "work": block.pk, "caption_fr": "", "caption_bm": "", "alt_fr": "", "alt_bm": "",
                "show_chapters": True, "show_transcript": True}})
    return ExhibitionPage(title="Nos corps", kind=kind, body=[{"type": "section", "value": {
        "title_fr": "Salle 1", "title_bm": "", "intro_fr": "", "intro_bm": "", "content": content}}])


def test_publication_is_refused_for_the_one_chapter_that_would_expose_her(film):
    work, depart, route, mariam = film
    assert check_publication(_exhibition("online", [depart])) == []
    page = _exhibition("online", [depart, route])
    problems = check_publication(page)
    assert len(problems) == 1
    text = " ".join(publication_problems_message(page, problems))
    assert "« Site web public »" in text and "extrait « La route » (0:00,8–0:01,4)" in text
    assert "Le départ" not in text
    # L'œuvre entière : refusée ; au musée, Mariam ne l'a pas accepté non plus.
    assert len(check_publication(_exhibition("online", [work]))) == 1
    assert check_publication(_exhibition("museum", [depart])) == []


def test_the_officer_form_refuses_a_chapter_of_another_work(film, tmp_path, admin_user):
    work, depart, route, mariam = film
    other = f.work_with_file(tmp_path / "b", kind=WorkKind.FILM, title="Autre film", pseudonym="Oumou")
    stranger = Chapter.objects.create(work=other, media_file=other.files.get(), start=0, end=1, title_fr="Ailleurs")
    from consent.wagtail_hooks import ParticipationViewSet

    form_class = ParticipationViewSet().get_edit_handler().get_form_class()
    form = form_class({"participant": mariam.pk, "work": work.pk, "role": "voice",
                       "chapters": [route.pk, stranger.pk]}, for_user=admin_user)
    assert not form.is_valid()
    assert "ne sont pas dans l'œuvre choisie" in " ".join(form.errors["chapters"])
    assert "Ailleurs" in form.fields["chapters"].label_from_instance(stranger)
    form = form_class({"participant": mariam.pk, "work": work.pk, "role": "voice", "chapters": [route.pk]},
                      for_user=admin_user)
    assert form.is_valid(), form.errors
    saved = form.save()
    assert list(saved.chapters.all()) == [route]
