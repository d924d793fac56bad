"""Démonstration : le plan de communication du projet « migrants » et quelques centaines de fiches.

Les cibles et indicateurs reprennent le cadre logique de l'évaluation finale (IExt 2.2, 2.3, 2.4) ;
les fiches sont inventées mais plausibles (causeries d'ARACEM sur les sites de PDI, séances d'ATC
dans les commissariats, événements sécurisés de CAS, diffusions de Mandé TV, exposition au musée).
Idempotent : plan retrouvé par son titre, fiches par un identifiant stable (uuid5).
"""

import datetime as dt
import random
import uuid

from django.contrib.auth.models import Permission
from django.utils import timezone

from communication.models import (
    COUNT_FIELDS, CommunicationPlan, Indicator, Place, PlanAudience, PlannedActivity, Screening, ScreeningMaterial,
)
from communication.places_seed import seed as seed_places

PLAN_TITLE = "Plan de communication Kafamuya 2022-2023"
NAMESPACE = uuid.UUID("6f1d0c1e-8a51-4c8e-9b7e-2f6f5e000000")
N_SCREENINGS = 320


def say(ctx, message):
    out = ctx.get("stdout")
    if out is not None:
        out.write(message)


def _place(name, level=None):
    qs = Place.objects.filter(name=name)
    if level:
        qs = qs.filter(level=level)
    return qs.first()


def build(ctx):
    seed_places(Place)
    project = ctx["projects"].get("migrants")
    if project is None:
        say(ctx, "Communication : pas de projet « migrants », rien à faire.")
        return
    partners = ctx.get("partners", {})
    works = ctx.get("works", {})
    aracem, atc, cas = partners.get("aracem"), partners.get("atc"), partners.get("cas")
    cisp, mande = partners.get("cisp"), partners.get("mande_tv")
    if not (aracem and atc):
        say(ctx, "Communication : partenaires ARACEM et ATC absents, démonstration ignorée.")
        return
    cisp = cisp or aracem
    bamako = _place("District de Bamako", "region")
    mopti = _place("Mopti", "region")

    _grant_permissions(ctx)

    plan = CommunicationPlan.objects.filter(project=project, title=PLAN_TITLE).first()
    if plan is None:
        plan = CommunicationPlan.objects.create(
            project=project, title=PLAN_TITLE, start_date=dt.date(2022, 1, 1), end_date=dt.date(2023, 11, 30),
            objectives=(
                "Faire connaître les droits des migrants, des réfugiés et des personnes déplacées, et changer le regard "
                "des communautés d'accueil, des autorités et de la police.\n\n"
                "Mettre les supports du projet (film r/Egard en extraits, capsules VBG, podcasts, body maps, "
                "Photo Voice) entre les mains de tous les animateurs des partenaires, et suivre leur usage.\n\n"
                "Montrer aux bailleurs la portée réelle des supports : personnes touchées par support, partenaire, "
                "région et mois."
            ),
        )
        for audience, messages in [
            ("migrants", "Vos droits au Mali ; où trouver écoute, soins et hébergement."),
            ("refugees", "Droit d'asile, services d'orientation."),
            ("idps", "Violences basées sur le genre : en parler, être orientée ; hygiène menstruelle."),
            ("host", "Les personnes migrantes et déplacées sont nos voisines : changer le regard."),
            ("authorities", "Respect des travailleuses du sexe et des migrantes dans les commissariats."),
            ("media", "Parler de migration sans stigmatiser."),
        ]:
            PlanAudience.objects.create(plan=plan, audience=audience, key_messages=messages)
        activities = [
            ("Capsules VBG en causeries", works.get("capsule_vbg_1"), "community_talk", "idps", aracem, bamako,
             dt.date(2022, 1, 1), dt.date(2022, 3, 31), 2000),
            ("Capsules VBG en causeries (suite)", works.get("capsule_vbg_1"), "community_talk", "migrants", aracem,
             bamako, dt.date(2022, 4, 1), dt.date(2023, 11, 30), 1600),
            ("Capsules VBG dans les commissariats", works.get("capsule_vbg_2"), "police_station", "authorities", atc,
             bamako, dt.date(2022, 1, 1), dt.date(2023, 6, 30), 150),
            ("Film r/Egard par extraits, groupes de parole", works.get("film_regard"), "community_talk", "migrants",
             atc, bamako, dt.date(2022, 3, 1), dt.date(2023, 11, 30), 900),
            ("Causeries sur les sites de PDI de Mopti", None, "community_talk", "idps", cisp, mopti,
             dt.date(2022, 1, 1), dt.date(2022, 12, 31), 800),
            ("Exposition body maps et Photo Voice au musée du district", works.get("bodymap_1"), "museum", "host",
             cisp, bamako, dt.date(2022, 10, 1), dt.date(2022, 12, 31), 1500),
        ]
        if cas:
            activities.append(("Capsules du collectif en événements sécurisés", works.get("capsule_secured"),
                               "secured_event", "", cas, bamako, dt.date(2022, 6, 1), dt.date(2023, 11, 30), 60))
        if mande:
            activities.append(("Diffusion des capsules VBG sur Mandé TV", works.get("capsule_vbg_1"), "tv", "host",
                               mande, bamako, dt.date(2022, 11, 1), dt.date(2023, 11, 30), 1_000_000))
        for order, (title, work, channel, audience, partner, region, start, end, target) in enumerate(activities):
            PlannedActivity.objects.create(plan=plan, sort_order=order, title=title, work=work, channel=channel,
                                           audience=audience, partner=partner, region=region, start_date=start,
                                           end_date=end, target=target)
        for order, (code, label, measure, channel, target) in enumerate([
            ("IExt 2.3", "Nbre de personnes touchées par les causeries de sensibilisation", "people", "", 5000),
            ("IExt 2.4", "Nbre de personnes touchées par les causeries par quartier sur Bamako", "people",
             "community_talk", 3400),
            ("IExt 2.2", "Nbre de personnes suivant la transmission (télévision, réseaux sociaux)", "broadcast", "",
             500000),
            ("Com 1", "Nbre de séances où un support du projet a été utilisé", "sessions", "", 300),
            ("Com 2", "Nbre de téléchargements de la boîte à outils par les animateurs", "downloads", "", 200),
        ]):
            Indicator.objects.create(plan=plan, sort_order=order, code=code, label=label, measure=measure,
                                     channel=channel, baseline=0, target=target)
        say(ctx, f"Communication : plan « {PLAN_TITLE} » créé.")

    created = _screenings(ctx, project, partners, works)
    say(ctx, f"Communication : {created} fiche(s) de projection créée(s).")


def _grant_permissions(ctx):
    users = ctx.get("users", {})
    codes = {
        "coordinator": ["view_dashboard", "add_screening", "change_screening", "view_screening",
                        "add_communicationplan", "change_communicationplan", "view_communicationplan",
                        "view_place", "change_place", "add_place"],
        "consent_officer": ["view_dashboard", "view_sensitive_counts", "view_screening"],
    }
    for key, codenames in codes.items():
        user = users.get(key)
        if user is not None:
            user.user_permissions.add(
                *Permission.objects.filter(content_type__app_label="communication", codename__in=codenames)
            )


def _screenings(ctx, project, partners, works):
    rng = random.Random(20221108)
    ids = [uuid.uuid5(NAMESPACE, f"demo-{i}") for i in range(N_SCREENINGS)]
    existing = set(Screening.objects.filter(client_id__in=ids).values_list("client_id", flat=True))
    if len(existing) == len(ids):
        return 0
    users = ctx.get("users", {})
    sites_bamako = list(Place.objects.filter(level="site", region__name="District de Bamako"))
    quartiers_bamako = list(Place.objects.filter(level="quartier", region__name="District de Bamako",
                                                 parent__name__in=["Commune IV", "Commune V", "Commune VI"]))
    mopti_places = list(Place.objects.filter(region__name="Mopti", level__in=["site", "commune", "quartier"]))
    museum_place = Place.objects.filter(name="Commune III").first() or sites_bamako[0]
    capsules = [w for k, w in works.items() if k in ("capsule_vbg_1", "capsule_vbg_2", "capsule_vbg_3")]
    film = works.get("film_regard")
    other = [w for k, w in works.items() if k in ("podcast_1", "leaflet_1", "photovoice_1", "drawing_1")]
    facilitator_aracem = users.get("facilitator")
    facilitator_atc = users.get("facilitator_atc")

    # (poids, partenaire, animateur, canal, type de lieu, lieux, supports, profil)
    profiles = [
        (45, partners.get("aracem"), facilitator_aracem, "community_talk", "idp_site", sites_bamako, capsules, "idp"),
        (15, partners.get("aracem"), facilitator_aracem, "community_talk", "association", quartiers_bamako,
         capsules + ([film] if film else []), "migrants"),
        (12, partners.get("atc"), facilitator_atc, "police_station", "police_station", quartiers_bamako, capsules,
         "police"),
        (12, partners.get("atc"), facilitator_atc, "community_talk", "association", quartiers_bamako,
         [film] if film else capsules, "women"),
        (8, partners.get("cisp"), None, "community_talk", "idp_site", mopti_places, capsules + other, "idp"),
        (3, partners.get("cisp"), None, "museum", "museum", [museum_place],
         [w for k, w in works.items() if k in ("bodymap_1", "bodymap_2", "photovoice_1", "photovoice_2")], "host"),
        (3, partners.get("cas"), None, "secured_event", "association", quartiers_bamako,
         [works["capsule_secured"]] if works.get("capsule_secured") else [], "community"),
        (2, partners.get("mande_tv"), None, "tv", "media_studio", [Place.objects.get(name="District de Bamako", level="region")],
         capsules + ([film] if film else []), "tv"),
    ]
    profiles = [p for p in profiles if p[1] is not None and p[5] and p[6]]
    weights = [p[0] for p in profiles]
    start = dt.datetime(2022, 1, 10, 9, 0)
    span_days = (dt.datetime(2023, 11, 25) - start).days

    new_screenings, materials = [], []
    for index, client_id in enumerate(ids):
        choice = rng.choices(profiles, weights=weights)[0]
        _w, partner, facilitator, channel, venue, places, supports, kind = choice
        day = start + dt.timedelta(days=rng.randrange(span_days), hours=rng.randrange(0, 8), minutes=rng.choice([0, 15, 30, 45]))
        place = rng.choice(places)
        counts = dict.fromkeys(COUNT_FIELDS, 0)
        audience = None
        if kind == "tv":
            audience = rng.choice([150_000, 200_000, 300_000, 450_000])
        else:
            if kind == "idp":
                counts.update(women=rng.randint(6, 22), girls=rng.randint(0, 8), boys=rng.randint(0, 5), men=rng.randint(0, 4))
            elif kind == "police":
                counts.update(men=rng.randint(4, 14), women=rng.randint(0, 4))
            elif kind == "women":
                counts.update(women=rng.randint(5, 15))
            elif kind == "host":
                counts.update(women=rng.randint(20, 80), men=rng.randint(20, 70), girls=rng.randint(5, 40), boys=rng.randint(5, 40))
            elif kind == "community":
                counts.update(women=rng.randint(3, 10), men=rng.randint(3, 12))
            else:
                counts.update(men=rng.randint(5, 20), women=rng.randint(2, 10))
            total = counts["girls"] + counts["boys"] + counts["women"] + counts["men"]
            if kind == "idp":
                counts["idps"] = total - (host := rng.randint(0, min(3, total)))
                counts["host_community"] = host
            elif kind == "police":
                counts["authorities"] = counts["men"] + counts["women"]
            elif kind == "women":
                counts["migrants"] = total - (sw := rng.randint(0, 3))
                counts["other_group"] = sw
                counts["sex_workers"] = rng.randint(0, total // 2)
            elif kind == "host":
                counts["host_community"] = total
            elif kind == "community":
                counts["other_group"] = total
                counts["gender_minorities"] = total
            else:
                counts["migrants"] = total - (r := rng.randint(0, 3))
                counts["refugees"] = r
        screening = Screening(
            client_id=client_id, content_hash="demo", project=project, partner=partner, facilitator=facilitator,
            recorded_by=facilitator, started_at=timezone.make_aware(day), place=place, region_id=place.region_id,
            venue_type=venue, channel=channel, estimated_audience=audience,
            discussion_minutes=None if kind in ("tv", "host") else rng.choice([30, 45, 60, 75, 90]),
            referrals=0 if kind in ("tv", "host", "police") else rng.randint(0, 2),
            follow_up_needed=rng.random() < 0.15, source=Screening.Source.IMPORT,
            quotes=rng.choice(["", "", "« Les femmes se sont reconnues dans les capsules et ont raconté leur histoire. »",
                               "« Après le film, les participants ont demandé à revenir pour continuer la discussion. »",
                               "« Les policiers ont posé beaucoup de questions sur le respect des travailleuses du sexe. »"]),
            **counts,
        )
        screening.period_month = Screening.month_of(screening.started_at)
        screening.people_total = counts["girls"] + counts["boys"] + counts["women"] + counts["men"]
        new_screenings.append(screening)
        shown = rng.sample(supports, k=min(len(supports), rng.choice([1, 1, 2, 3])))
        materials.append(shown)
    keep = [i for i, s in enumerate(new_screenings) if s.client_id not in existing]
    new_screenings = [new_screenings[i] for i in keep]
    materials = [materials[i] for i in keep]
    Screening.objects.bulk_create(new_screenings, batch_size=200)
    saved = dict(Screening.objects.filter(client_id__in=[s.client_id for s in new_screenings]).values_list("client_id", "pk"))
    ScreeningMaterial.objects.bulk_create(
        [ScreeningMaterial(screening_id=saved[s.client_id], work=w) for s, shown in zip(new_screenings, materials) for w in shown],
        batch_size=500,
    )
    # bulk_create n'envoie pas de signaux : les cumuls du tableau de bord sont recomptés d'un coup.
    from communication import rollups

    rollups.rebuild()
    return len(new_screenings)
