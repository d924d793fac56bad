import pytest
from django.core.exceptions import ValidationError

from communication.models import Place, PlaceLevel


def test_seeded_administrative_levels(places):
    bamako = places["bamako"]
    communes = set(Place.objects.filter(parent=bamako, level=PlaceLevel.COMMUNE).values_list("name", flat=True))
    assert communes == {"Commune I", "Commune II", "Commune III", "Commune IV", "Commune V", "Commune VI"}
    faladie = Place.objects.get(name="Faladié", level=PlaceLevel.QUARTIER)
    assert faladie.parent == places["commune6"] and faladie.region == bamako
    assert places["faladie_site"].region == bamako and places["faladie_site"].level == PlaceLevel.SITE
    mopti_cercles = Place.objects.filter(parent=places["mopti"], level=PlaceLevel.CERCLE).count()
    assert mopti_cercles == 8
    assert places["socoura_site"].region == places["mopti"]
    assert Place.objects.filter(level=PlaceLevel.REGION).count() == 11
    assert all(r.region_id == r.pk for r in Place.objects.filter(level=PlaceLevel.REGION))


def test_hierarchy_is_checked(places):
    bad = Place(name="Quartier flottant", level=PlaceLevel.QUARTIER, parent=places["bamako"])
    with pytest.raises(ValidationError):
        bad.full_clean()
    ok = Place(name="Site de Kalaban", level=PlaceLevel.SITE, parent=places["commune6"])
    ok.full_clean()
    ok.save()
    assert ok.region == places["bamako"]


def test_seed_is_idempotent(places):
    from communication.places_seed import seed

    before = Place.objects.count()
    seed(Place)
    assert Place.objects.count() == before
