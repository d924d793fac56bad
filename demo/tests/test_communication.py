import pytest

from communication.models import CommunicationPlan, Screening
from communication.validation import validate_counts
from demo import communication as demo
from media_library.tests.factories import PartnerFactory, ProjectFactory, UserFactory, WorkFactory


@pytest.fixture
def ctx(db, places):
    project = ProjectFactory(name="Migrants")
    partners = {k: PartnerFactory(name=k.upper(), acronym=k.upper()) for k in ("aracem", "atc", "cas", "cisp", "mande_tv")}
    works = {k: WorkFactory(project=project, title_fr=k) for k in
             ("film_regard", "capsule_vbg_1", "capsule_vbg_2", "capsule_vbg_3", "capsule_secured", "podcast_1",
              "bodymap_1", "photovoice_1", "leaflet_1")}
    users = {"facilitator": UserFactory(username="f1"), "facilitator_atc": UserFactory(username="f2"),
             "coordinator": UserFactory(username="coord")}
    return {"projects": {"migrants": project}, "partners": partners, "works": works, "users": users, "stdout": None}


def test_demo_is_consistent_and_idempotent(ctx):
    demo.build(ctx)
    assert CommunicationPlan.objects.count() == 1
    plan = CommunicationPlan.objects.get()
    assert plan.activities.count() == 8 and plan.indicators.count() == 5
    assert Screening.objects.count() == demo.N_SCREENINGS
    for s in Screening.objects.all():
        data = {f.name: getattr(s, f.name) for f in Screening._meta.fields}
        assert validate_counts(data) == {}, (s.pk, validate_counts(data))
        assert s.region_id == s.place.region_id
    assert Screening.objects.filter(channel="tv", people_total=0, estimated_audience__gt=0).exists()
    assert set(Screening.objects.dates("started_at", "year")) == {__import__("datetime").date(2022, 1, 1), __import__("datetime").date(2023, 1, 1)}
    assert ctx["users"]["coordinator"].has_perm("communication.view_dashboard")
    demo.build(ctx)
    assert Screening.objects.count() == demo.N_SCREENINGS and CommunicationPlan.objects.count() == 1
