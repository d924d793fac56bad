"""Les cumuls du tableau de bord restent égaux à un recomptage complet, quelle que soit l'écriture."""

import datetime as dt
import random
import uuid

from django.core.management import call_command
from django.utils import timezone

from communication import rollups
from communication.flows.record_screening import record_screening
from communication.models import MaterialRollup, Screening, ScreeningMaterial, ScreeningRollup


def assert_exact():
    counted, stored = rollups.recount(), rollups.stored()
    assert stored[0] == counted[0]
    assert stored[1] == counted[1]
    return counted


def test_rollups_follow_every_kind_of_write(setup, payload):
    rng = random.Random(7)
    facilitator = setup["facilitator"]
    w1, w2 = setup["works"]
    days = [timezone.now() - dt.timedelta(days=d, hours=h) for d in (1, 2, 40) for h in (0, 5)]
    ids = []
    # 1. Le flux (téléphone, API, ODK) : fiches à un ou deux supports, une même œuvre en deux « extraits ».
    for i in range(12):
        materials = [{"work": w1.pk, "chapter": None, "excerpt": ""}]
        if i % 3 == 0:
            materials.append({"work": w2.pk, "chapter": None, "excerpt": ""})
        if i % 4 == 0:
            materials.append({"work": w1.pk, "chapter": None, "excerpt": "12:30 à 18:00"})
        women = rng.randint(1, 20)
        outcome = record_screening(facilitator, payload(
            id=str(uuid.uuid4()), started_at=days[i % len(days)].isoformat(), materials=materials,
            women=women, girls=0, boys=0, men=0, people_total=women, idps=women, host_community=0,
            channel=rng.choice(["community_talk", "police_station"])))
        assert outcome.http_status == 201, outcome.body
        ids.append(outcome.screening.pk)
    # Un renvoi identique ne compte pas deux fois.
    again = payload(id=str(Screening.objects.get(pk=ids[0]).client_id))
    record_screening(facilitator, again)
    counted = assert_exact()
    assert sum(v["n"] for v in counted[0].values()) == 12
    # Une œuvre montrée en deux extraits de la même séance compte une séance.
    assert sum(v["n"] for k, v in counted[1].items() if k[-1] == w1.pk) == 12

    # 2. L'administration : changer le partenaire, le jour, les comptes, le canal d'une fiche.
    s = Screening.objects.get(pk=ids[1])
    s.partner = setup["atc"]
    s.started_at = s.started_at - dt.timedelta(days=3)
    s.women, s.idps = 30, 30
    s.channel = "school"
    s.save()
    assert_exact()
    # 3. Supports ajoutés et retirés un par un.
    extra = ScreeningMaterial.objects.create(screening_id=ids[2], work=w2)
    assert_exact()
    ScreeningMaterial.objects.create(screening_id=ids[2], work=w2, excerpt="fin")
    extra.delete()
    assert_exact()
    ScreeningMaterial.objects.filter(screening_id=ids[2], work=w2).delete()
    assert_exact()
    # 4. Suppressions (les supports partent en cascade), une à une et en lot.
    Screening.objects.get(pk=ids[3]).delete()
    assert_exact()
    Screening.objects.filter(pk__in=ids[4:7]).delete()
    assert_exact()
    # 5. Un chargement en masse sans signaux, puis la reconstruction.
    template = Screening.objects.get(pk=ids[8])
    template.pk, template.client_id = None, uuid.uuid4()
    Screening.objects.bulk_create([template])
    assert rollups.recount() != rollups.stored()
    call_command("rebuild_rollups")
    assert_exact()
    call_command("rebuild_rollups", "--check")
    # Vidé, un cumul disparaît (pas de ligne à zéro qui grossirait la table).
    Screening.objects.all().delete()
    assert not ScreeningRollup.objects.exists() and not MaterialRollup.objects.exists()
