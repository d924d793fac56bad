import datetime as dt
import uuid

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from media_library.tests.factories import PartnerFactory, ProjectFactory, ThemeFactory, UserFactory, WorkFactory


def make_usable(work):
    """Rend une œuvre utilisable sur tous les canaux (déclaration « aucune personne identifiable »)."""
    try:
        from consent.testing import publish
    except ImportError:  # fondation : le drapeau « cleared » suffit
        return work
    publish(work)
    return work


@pytest.fixture
def places(db):
    from communication.models import Place
    from communication.places_seed import seed

    seed(Place)  # idempotent : un test transactionnel (navigateur) vide les tables en partant
    bamako = Place.objects.get(name="District de Bamako", level="region")
    commune6 = Place.objects.get(name="Commune VI", parent=bamako)
    return {
        "bamako": bamako,
        "commune6": commune6,
        "faladie_site": Place.objects.get(name="Site de PDI de Faladié"),
        "mopti": Place.objects.get(name="Mopti", level="region"),
        "socoura_site": Place.objects.get(name="Site de PDI de Socoura"),
    }


@pytest.fixture
def setup(db, places):
    """Un projet, deux partenaires, une animatrice d'ARACEM, deux capsules publiables, un thème."""
    project = ProjectFactory(name="Kafamuya")
    aracem = PartnerFactory(name="Association des Refoulés d'Afrique Centrale au Mali", acronym="ARACEM")
    atc = PartnerFactory(name="Association Tilé Coura", acronym="ATC")
    facilitator = UserFactory(username="awa")
    aracem.users.add(facilitator)
    works = [WorkFactory(project=project, title_fr=f"Capsule VBG {i}") for i in (1, 2)]
    for work in works:
        make_usable(work)
    theme = ThemeFactory(name="Violences basées sur le genre")
    return {"project": project, "aracem": aracem, "atc": atc, "facilitator": facilitator, "works": works,
            "theme": theme, "places": places}


@pytest.fixture
def payload(setup):
    def make(**overrides):
        data = {
            "id": str(uuid.uuid4()),
            "started_at": (timezone.now() - dt.timedelta(days=1)).isoformat(),
            "partner": setup["aracem"].pk,
            "place": setup["places"]["faladie_site"].pk,
            "venue_type": "idp_site",
            "channel": "community_talk",
            "materials": [{"work": setup["works"][0].pk, "chapter": None, "excerpt": ""}],
            "girls": 2, "boys": 1, "women": 9, "men": 3, "people_total": 15,
            "migrants": 0, "refugees": 0, "idps": 12, "host_community": 3, "authorities": 0, "media_people": 0,
            "other_group": 0, "sex_workers": 0, "gender_minorities": 0,
            "estimated_audience": None, "discussion_minutes": 45, "themes": [setup["theme"].pk],
            "quotes": "« On ne savait pas que la police devait nous écouter. »", "referrals": 2,
            "referrals_note": "Centre de santé", "follow_up_needed": True, "follow_up_note": "Revenir dans un mois",
        }
        data.update(overrides)
        return data

    return make


@pytest.fixture
def facilitator_client(client, setup):
    client.force_login(setup["facilitator"])
    return client


@pytest.fixture
def coordinator(db):
    user = UserFactory(username="coordinatrice")
    user.user_permissions.add(
        Permission.objects.get(codename="view_dashboard"), Permission.objects.get(codename="access_admin")
    )
    return user


@pytest.fixture
def officer(coordinator):
    coordinator.user_permissions.add(Permission.objects.get(codename="view_sensitive_counts"))
    return coordinator
