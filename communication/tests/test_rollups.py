"""Les cumuls du tableau de bord restent égaux à un recomptage complet, quelle que soit l'écriture."""

import datetime as dt
import random
import uuid

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from communication import rollups
from communication.flows.record_screening import record_screening
from communication.models import (
    BROADCAST_CHANNELS, COUNT_FIELDS, SENSITIVE_FIELDS, CommunicationPlan, MaterialMonthRollup, MaterialRollup,
    PlannedActivity, Screening, ScreeningMaterial, ScreeningMonthRollup, ScreeningRollup,
)


def assert_exact():
    counted, stored = rollups.recount(), rollups.stored()
    assert set(counted) == set(rollups.KEYS)
    for name in rollups.KEYS:
        assert stored[name] == counted[name], name
    assert all(bad == 0 for _rows, bad in rollups.check().values())
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
    assert sum(v["n"] for v in counted["ScreeningRollup"].values()) == 12
    assert sum(v["n"] for v in counted["ScreeningMonthRollup"].values()) == 12
    # Une œuvre montrée en deux extraits de la même séance compte une séance.
    assert sum(v["n"] for k, v in counted["MaterialRollup"].items() if k[-1] == w1.pk) == 12
    assert sum(v["n"] for k, v in counted["MaterialMonthRollup"].items() if k[-1] == w1.pk) == 12

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
    with pytest.raises(CommandError):
        call_command("rebuild_rollups", "--check", verbosity=0)
    call_command("rebuild_rollups", verbosity=0)
    assert_exact()
    call_command("rebuild_rollups", "--check", verbosity=0)
    # Vidé, un cumul disparaît (pas de ligne à zéro qui grossirait la table).
    Screening.objects.all().delete()
    for model in (ScreeningRollup, MaterialRollup, ScreeningMonthRollup, MaterialMonthRollup):
        assert not model.objects.exists(), model


# --------------------------------------------------------------------------------------------------
# Le tableau de bord lu sur les cumuls (mois entiers + jours des mois entamés) égale un calcul direct sur les
# fiches, sous des filtres tirés au hasard.

BROADCAST = {str(c) for c in BROADCAST_CHANNELS}
CHANNELS = ["community_talk", "school", "police_station", "radio", "tv"]


def _reference(filters, activities_list):
    """Le tableau de bord recalculé en Python, fiche par fiche (la définition, sans aucun cumul)."""
    rows = []
    for s in Screening.objects.prefetch_related("materials"):
        day = timezone.localtime(s.started_at).date()
        rows.append((s, day, {m.work_id for m in s.materials.all()}))
    chosen = [(s, day, works) for s, day, works in rows
              if (not filters.project or s.project_id == filters.project.pk)
              and (not filters.partner or s.partner_id == filters.partner.pk)
              and (not filters.channel or s.channel == filters.channel)
              and (not filters.start or day >= filters.start) and (not filters.end or day <= filters.end)]

    def add(acc, s):
        if s.channel in BROADCAST:
            acc["audience"] += s.estimated_audience or 0
            acc["broadcasts"] += 1
        else:
            acc["people"] += s.people_total
            acc["sessions"] += 1

    def new():
        return {"people": 0, "audience": 0, "sessions": 0, "broadcasts": 0}

    totals, partners, channels, regions, months, works = new(), {}, {}, {}, {}, {}
    totals.update(dict.fromkeys(COUNT_FIELDS, 0))
    for s, day, shown in chosen:
        add(totals, s)
        if s.channel not in BROADCAST:
            for f in COUNT_FIELDS:
                totals[f] += getattr(s, f)
        add(partners.setdefault(s.partner_id, new()), s)
        add(channels.setdefault(s.channel, new()), s)
        add(regions.setdefault(s.region_id, new()), s)
        add(months.setdefault(day.replace(day=1), new()), s)
        for w in shown:
            acc = works.setdefault(w, {"people": 0, "audience": 0, "sessions": 0})
            acc["people"] += 0 if s.channel in BROADCAST else s.people_total
            acc["audience"] += s.estimated_audience or 0
            acc["sessions"] += 1
    projects = {a.plan.project_id for a in activities_list}
    progress = {}
    for a in activities_list:
        progress[a.pk] = sum(
            (s.estimated_audience or 0) if a.is_broadcast else s.people_total
            for s, day, shown in rows
            if s.project_id in projects and s.partner_id == a.partner_id and a.start_date <= day <= a.end_date
            and (s.channel in BROADCAST) == a.is_broadcast and (not a.region_id or s.region_id == a.region_id)
            and (not a.channel or s.channel == a.channel) and (not a.work_id or a.work_id in shown))
    return totals, partners, channels, regions, months, works, progress


def _compare_dashboard(filters, user):
    from communication import dashboard

    data = dashboard.build(filters, user)
    acts = [row["activity"] for row in data["activities"]]
    totals, partners, channels, regions, months, works, progress = _reference(filters, acts)
    keys = ("people", "audience", "sessions", "broadcasts")
    for f in keys + tuple(f for f in COUNT_FIELDS if f not in SENSITIVE_FIELDS):
        assert data["totals"][f] == totals[f], (f, filters)
    for f in SENSITIVE_FIELDS:  # arrondi contrôlé à 5 près, toujours appliqué au vrai total
        assert data["totals"][f] == dashboard.suppress(totals[f]), (f, filters)
    assert {r["partner"]: {k: r[k] for k in keys} for r in data["by_partner"] if r["sessions"] or r["broadcasts"]} \
        == partners, filters
    assert {r["channel"]: {k: r[k] for k in keys} for r in data["by_channel"]} == channels, filters
    assert {r["region"]: {k: r[k] for k in keys} for r in data["by_region"]} == regions, filters
    got_months = {r["month"]: (r["people"], r["audience"], r["sessions"]) for r in data["by_month"]
                  if (r["people"], r["audience"], r["sessions"]) != (0, 0, 0)}
    assert got_months == {m: (v["people"], v["audience"], v["sessions"]) for m, v in months.items()
                          if (v["people"], v["audience"], v["sessions"]) != (0, 0, 0)}, filters
    assert {r["work"]: {k: r[k] for k in ("people", "audience", "sessions")} for r in data["by_material"]} == works
    assert {row["activity"].pk: row["actual"] for row in data["activities"]} == progress, filters


def test_dashboard_on_rollups_equals_direct_recount_under_random_filters(setup, payload, django_assert_max_num_queries):
    from django.contrib.auth import get_user_model

    from communication.dashboard import Filters

    rng = random.Random(18)
    user = get_user_model().objects.create_superuser("chef", "chef@example.org", "mot-de-passe-tres-long")
    partners = [setup["aracem"], setup["atc"]]
    works = setup["works"]
    places = [setup["places"]["faladie_site"], setup["places"]["socoura_site"]]
    today = timezone.localdate()
    base = today - dt.timedelta(days=120)
    with timezone.override("Africa/Nairobi"):  # UTC+3 : le jour local n'est pas le jour UTC autour de minuit
        # Des fiches sur quatre mois, autour des minuits et des changements de mois, par les signaux (saisie de
        # l'administration) ; puis des modifications et des suppressions.
        created = []
        for i in range(70):
            channel = rng.choice(CHANNELS)
            counts = dict.fromkeys(COUNT_FIELDS, 0)
            if channel not in BROADCAST:
                counts.update(women=rng.randint(0, 9), girls=rng.randint(0, 3), men=rng.randint(0, 4))
                counts["idps"] = counts["women"] + counts["girls"] + counts["men"]
                counts["sex_workers"] = rng.randint(0, 6)
            when = timezone.make_aware(dt.datetime.combine(base + dt.timedelta(days=rng.randrange(115)), dt.time(0))) \
                + dt.timedelta(minutes=rng.choice([-90, -5, 5, 90, 600, 1300]))
            s = Screening.objects.create(
                project=setup["project"], partner=rng.choice(partners), started_at=when, place=rng.choice(places),
                venue_type="idp_site", channel=channel,
                estimated_audience=rng.randint(100, 5000) if channel in BROADCAST else None, **counts)
            for w in rng.sample(works, rng.choice([1, 1, 2])):
                ScreeningMaterial.objects.create(screening=s, work=w)
                if rng.random() < 0.2:
                    ScreeningMaterial.objects.create(screening=s, work=w, excerpt="deuxième extrait")
            created.append(s)
        for s in rng.sample(created, 10):
            s.started_at += dt.timedelta(days=rng.choice([-31, -1, 1, 29]))
            s.partner = rng.choice(partners)
            s.save()
        Screening.objects.filter(pk__in=[s.pk for s in rng.sample(created, 6)]).delete()
        ScreeningMaterial.objects.filter(pk__in=rng.sample(list(ScreeningMaterial.objects.values_list("pk", flat=True)), 8)).delete()
        assert_exact()

        plan = CommunicationPlan.objects.create(project=setup["project"], title="Plan", objectives="…",
                                                start_date=base, end_date=today)
        for i in range(8):
            lo = base + dt.timedelta(days=rng.randrange(100))
            PlannedActivity.objects.create(
                plan=plan, title=f"Activité {i}", partner=rng.choice(partners), target=100,
                work=rng.choice([None, *works]), region=rng.choice([None, places[0].region, places[1].region]),
                channel=rng.choice(["", *CHANNELS]), start_date=lo, end_date=lo + dt.timedelta(days=rng.randrange(70)))

        _compare_dashboard(Filters(), user)
        for _i in range(25):
            start = rng.choice([None, base + dt.timedelta(days=rng.randrange(120))])
            end = rng.choice([None, (start or base) + dt.timedelta(days=rng.randrange(90))])
            if start and rng.random() < 0.3:
                start = start.replace(day=1)  # un mois entier, parfois
            filters = Filters(project=rng.choice([None, setup["project"]]), start=start, end=end,
                              partner=rng.choice([None, *partners]), channel=rng.choice(["", *CHANNELS]))
            with django_assert_max_num_queries(20):
                _compare_dashboard(filters, user)


# --------------------------------------------------------------------------------------------------
# Le cumul des téléchargements comptés suit le journal de la porte, dans n'importe quel ordre d'arrivée.


def test_download_rollup_follows_the_journal_and_matches_the_rule(setup):
    from django.contrib.auth import get_user_model

    from communication import dashboard, downloads
    from communication.models import DownloadRollup
    from media_library.models import ServedFile
    from media_library.tests.factories import UserFactory, WorkFactory

    rng = random.Random(11)
    w1, w2 = setup["works"]
    w1.duration_seconds, w2.duration_seconds = 600.0, None
    w1.save()
    w2.save()
    spare = WorkFactory(project=setup["project"], title_fr="Œuvre retirée")
    spare.duration_seconds = 300.0
    spare.save()
    users = [UserFactory(username=f"anim-{i}") for i in range(3)]
    base = timezone.make_aware(dt.datetime(2024, 2, 27, 0, 0))

    def log(n, works, users):
        rows = []
        for _i in range(n):
            start, end = rng.choice([(None, None), (0, 5_999_999), (0, 499_999), (1_000_000, 1_999_999), (10, 500)])
            rows.append(ServedFile.objects.create(
                # Dans le désordre, sur quelques jours autour d'un changement de mois, parfois au même instant.
                created_at=base + dt.timedelta(minutes=rng.choice([0, 30, 23 * 60 + 59, 24 * 60, 24 * 60 + 1])
                                               + 24 * 60 * rng.randrange(4) + rng.choice([0, 0, -120, 120])),
                user=rng.choice(users), work=rng.choice(works), channel=rng.choice(["facilitator_download"] * 4 + ["website"]),
                purpose="rendu:phone", object_key=rng.choice(["media_library.rendition:1", "media_library.rendition:2"]),
                range_start=start, range_end=end, size=6_000_000, allowed=rng.random() > 0.1))
        return rows

    with timezone.override("Africa/Nairobi"):  # jour local ≠ jour UTC autour de minuit
        rows = log(80, [w1, w2, spare], users)
        assert_exact()
        assert DownloadRollup.objects.exists()
        # Une ligne déplacée dans le temps, d'autres retirées une à une et en lot.
        moved = rng.choice(rows)
        moved.created_at -= dt.timedelta(hours=23)
        moved.save()
        assert_exact()
        rows[3].delete()
        ServedFile.objects.filter(pk__in=[r.pk for r in rng.sample(rows[4:], 12)]).delete()
        assert_exact()
        # La durée d'une œuvre devient connue : ses lectures partielles comptent alors selon leur longueur.
        w2.duration_seconds = 600.0
        w2.save()
        assert_exact()
        # Une personne supprimée (ses lignes perdent leur auteur, sans signal), une œuvre supprimée.
        get_user_model().objects.filter(pk=users[0].pk).delete()
        spare.delete()
        assert_exact()
        log(30, [w1, w2], users[1:])
        # Le tableau de bord lit le cumul ; il donne les mêmes lignes que la règle rejouée sur le journal.
        for _i in range(12):
            start = rng.choice([None, base.date() + dt.timedelta(days=rng.randrange(-1, 4))])
            end = rng.choice([None, (start or base.date()) + dt.timedelta(days=rng.randrange(3))])
            filters = dashboard.Filters(project=rng.choice([None, setup["project"]]), start=start, end=end)
            expected = downloads.downloads_per_work(project=filters.project, start=filters.start_dt(), end=filters.end_dt())
            assert dashboard.downloads_per_work(filters) == expected, filters
        assert sum(r["downloads"] for r in dashboard.downloads_per_work(dashboard.Filters())) == downloads.counted().count()
        # Un chargement en masse (sans signaux) : le cumul diffère, rebuild_rollups le recompte.
        template = downloads.counted().first()  # une ligne qui compte, neuf jours après tout le journal
        template.pk, template.created_at = None, template.created_at + dt.timedelta(days=9)
        ServedFile.objects.bulk_create([template])
        with pytest.raises(CommandError):
            call_command("rebuild_rollups", "--check", verbosity=0)
        call_command("rebuild_rollups", verbosity=0)
        assert_exact()
