"""Le filtre SQL de `policy.visible` (access.visible_q) concorde avec la réponse pour un objet (`decide`).

Des œuvres dans chaque état de consentement (ceux de la matrice, et les cas de dates : expiration
aujourd'hui / demain, mineur·e qui a 18 ans l'an prochain, retrait partiel ou total, à venir, consentement
d'atelier, remplacé, pas encore en vigueur, déclaration révoquée, conditions sur les médias, communauté
protégée de l'œuvre ou d'une personne, corbeille…), pour chaque rôle, chaque canal et plusieurs jours :
`visible()` == [w for w in works if decide(…).allowed]. Le même test tourne sur PostgreSQL
(`PAROLES_PG_PORT=5417 bash .ci/postgres.sh consent/tests/test_visible_query.py`).
"""

import datetime
import uuid

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from consent.channels import Channel
from consent.models import ConsentRecord, NoIdentifiablePersonDeclaration, Participation, Withdrawal
from consent.policy import policy
from consent.testing import (
    CONSENT_OFFICER, CURATOR, FACILITATOR, PARTNER_ADMIN, grant, make_participant, publish, user_with_role,
    withdraw_all,
)
from media_library.models import MediaFile, Rendition, Work
from media_library.tests.factories import PartnerFactory, WorkFactory, WorkshopFactory

TODAY = timezone.localdate()
TOMORROW = TODAY + datetime.timedelta(days=1)
NEXT_YEAR = datetime.date(TODAY.year + 1, 1, 1)
LAST_YEAR = TODAY - datetime.timedelta(days=365)
DAYS = [TODAY, TOMORROW, NEXT_YEAR, LAST_YEAR]


def _rendition(work, **flags):
    media = MediaFile.objects.create(
        work=work, file=f"originaux/{uuid.uuid4().hex}.jpg", original_filename="x.jpg", sha256=uuid.uuid4().hex * 2,
        size=1, mime_type="image/jpeg", media_type="image",
    )
    return Rendition.objects.create(media_file=media, kind="web", settings_hash="x", file="rendus/x.jpg",
                                    mime_type="image/jpeg", **flags)


def build_states(partner, protected):
    """{état: œuvre}. Chaque fonction met une œuvre dans un état."""
    d = datetime.timedelta
    other_work = WorkFactory(title_fr="Autre œuvre", partner=partner)
    grant(other_work)
    workshop = WorkshopFactory(name="Atelier de Faladié")
    protected_workshop = WorkshopFactory(name="Atelier du collectif")

    def granted(w):
        grant(w)

    def declared(w):
        publish(w)

    def missing(w):
        grant(w)
        Participation.objects.create(participant=make_participant("Sans réponse"), work=w)

    def expired(w):
        grant(w, given_on=TODAY - d(days=400), expires_on=TODAY - d(days=1))

    def expires_today(w):
        grant(w, expires_on=TODAY)

    def expires_tomorrow(w):
        grant(w, expires_on=TOMORROW)

    def not_yet(w):
        grant(w, given_on=TOMORROW)

    def withdrawn(w):
        withdraw_all(grant(w).participant)

    def withdrawn_tomorrow(w):
        withdraw_all(grant(w).participant, effective_on=TOMORROW)

    def withdrawn_website(w):
        Withdrawal.objects.create(participant=grant(w).participant, channels=[Channel.WEBSITE.value],
                                  effective_on=TODAY)

    def withdrawn_this_work(w):
        withdrawal = Withdrawal.objects.create(participant=grant(w).participant, effective_on=TODAY)
        withdrawal.works.add(w)

    def withdrawn_other_work(w):
        person = make_participant("Deux œuvres")
        grant(w, participant=person)
        grant(other_work, participant=person)
        withdrawal = Withdrawal.objects.create(participant=person, effective_on=TODAY)
        withdrawal.works.add(other_work)

    def withdrawn_museum_this_work(w):
        withdrawal = Withdrawal.objects.create(participant=grant(w).participant, channels=[Channel.MUSEUM.value],
                                               effective_on=TODAY)
        withdrawal.works.add(w)

    def minor_without_assent(w):
        child = make_participant("Fanta", birth_year=TODAY.year - 12, guardian_name="Tutrice")
        grant(w, participant=child, guardian_consent=True, child_assent=False)

    def minor_with_both(w):
        child = make_participant("Mariam", birth_year=TODAY.year - 12, guardian_name="Tutrice")
        grant(w, participant=child, guardian_consent=True, child_assent=True)

    def turning_adult(w):  # mineure cette année (18 ans), majeure au 1er janvier
        teen = make_participant("Kadia", birth_year=TODAY.year - 18, guardian_name="Tutrice")
        grant(w, participant=teen, guardian_consent=True, child_assent=False)

    def condition_unmet(w):
        grant(w, face_blurred=True)
        _rendition(w, is_blurred=False)

    def condition_met(w):
        grant(w, face_blurred=True)
        _rendition(w, is_blurred=True)

    def voice_unmet(w):
        grant(w, voice_altered=True)
        _rendition(w, is_blurred=True)

    def both_conditions_met(w):
        grant(w, voice_altered=True, face_blurred=True)
        _rendition(w, is_blurred=True)
        _rendition(w, voice_altered=True)

    def no_participant(w):
        pass

    def protected_work(w):
        w.partner = protected
        w.save()
        grant(w)

    def protected_person(w):
        grant(w, participant=make_participant("Protégée", partner=protected))

    def protected_person_superseded(w):  # liée seulement par un consentement remplacé : liée quand même
        old = grant(w, participant=make_participant("Ancienne", partner=protected))
        new = grant(w)
        old.superseded_by = new
        old.save()

    def protected_person_workshop(w):  # liée par le consentement de l'atelier (sans œuvre) : liée quand même
        w.workshop = protected_workshop
        w.save()
        grant(w)
        grant(workshop=protected_workshop, participant=make_participant("Protégée d'atelier", partner=protected))

    def protected_participation_only(w):  # une participation sans consentement enregistré
        grant(w)
        Participation.objects.create(participant=make_participant("Protégée sans fiche", partner=protected), work=w)

    def superseded(w):
        old = grant(w)
        new = grant(w, participant=old.participant, channels=[Channel.INTERNAL, Channel.MUSEUM])
        old.superseded_by = new
        old.save()

    def newer_record_wins(w):
        person = make_participant("Deux fois")
        grant(w, participant=person, given_on=TODAY - d(days=60))
        grant(w, participant=person, channels=[Channel.MUSEUM], given_on=TODAY - d(days=10))

    def workshop_consent(w):
        w.workshop = workshop
        w.save()
        grant(workshop=workshop, participant=make_participant("Atelier"))

    def work_record_beats_workshop(w):
        w.workshop = workshop
        w.save()
        person = make_participant("Atelier et œuvre")
        grant(workshop=workshop, participant=person, given_on=TODAY - d(days=5))
        grant(w, participant=person, channels=[Channel.WEBSITE], given_on=TODAY - d(days=90))

    def partial_channels(w):
        grant(w, channels=[Channel.CLOSED_SCREENING, Channel.SECURED_EVENT, Channel.MUSEUM])

    def declaration_revoked(w):
        NoIdentifiablePersonDeclaration.objects.create(work=w, declared_on=TODAY - d(days=30), revoked_on=TODAY)

    def declaration_future(w):
        NoIdentifiablePersonDeclaration.objects.create(work=w, declared_on=TOMORROW)

    def declared_and_person(w):
        publish(w)
        Participation.objects.create(participant=make_participant("Présente"), work=w)

    def trashed(w):
        grant(w)
        Work.all_objects.filter(pk=w.pk).update(trashed_at=timezone.now())

    def two_people_one_expired(w):
        grant(w)
        grant(w, expires_on=TOMORROW)

    builders = {name: fn for name, fn in locals().items() if callable(fn) and name not in ("d",)}
    works = {"other_work": other_work}
    for name, fn in builders.items():
        if name in ("other_work", "workshop", "protected_workshop"):
            continue
        work = WorkFactory(title_fr=f"État {name}", partner=partner)
        fn(work)
        works[name] = Work.all_objects.get(pk=work.pk)
    return works


@pytest.fixture
def states(db):
    partner = PartnerFactory(name="Association des femmes", acronym="AF")
    protected = PartnerFactory(name="Collectif protégé", acronym="CP", is_protected_community=True)
    users = {
        "anonymous": AnonymousUser(),
        "facilitator": user_with_role("animatrice", FACILITATOR, partner=partner),
        "other_facilitator": user_with_role("animateur_autre", FACILITATOR,
                                            partner=PartnerFactory(name="Autre asso", acronym="AA")),
        "curator": user_with_role("commissaire_membre", CURATOR, partner=protected),
        "curator_outside": user_with_role("commissaire", CURATOR),
        "partner_admin": user_with_role("admin_partenaire", PARTNER_ADMIN, partner=partner),
        "officer": user_with_role("responsable", CONSENT_OFFICER),
    }
    return build_states(partner, protected), users


def test_visible_query_agrees_with_decide(states):
    works, users = states
    assert len(works) >= 35
    checked, allowed_cases = 0, 0
    for role, user in users.items():
        for channel in Channel:
            for day in DAYS:
                listed = set(policy.visible(user, channel, Work.all_objects.all(), at=day).values_list("pk", flat=True))
                expected = {w.pk for w in works.values() if policy.decide(user, w, channel, at=day).allowed}
                names = {w.pk: n for n, w in works.items()}
                assert listed == expected, (
                    role, channel.value, day, "en trop :", sorted(names[p] for p in listed - expected),
                    "manquantes :", sorted(names[p] for p in expected - listed),
                )
                checked += len(works)
                allowed_cases += len(expected)
    # Le test n'est pas vide : des œuvres sont servies, d'autres refusées.
    assert 0 < allowed_cases < checked


def test_time_based_changes_need_no_refresh(states):
    """Les changements dus aux dates : la même requête, un autre jour, une autre réponse."""
    works, users = states
    anonymous = users["anonymous"]

    def shown(name, day):
        return policy.visible(anonymous, Channel.WEBSITE, Work.objects.filter(pk=works[name].pk), at=day).exists()

    assert not shown("expires_today", TODAY) and shown("expires_today", TODAY - datetime.timedelta(days=1))
    assert shown("expires_tomorrow", TODAY) and not shown("expires_tomorrow", TOMORROW)
    assert not shown("turning_adult", TODAY) and shown("turning_adult", NEXT_YEAR)
    assert shown("withdrawn_tomorrow", TODAY) and not shown("withdrawn_tomorrow", TOMORROW)
    assert not shown("not_yet", TODAY) and shown("not_yet", TOMORROW)
    assert not shown("declaration_future", TODAY) and shown("declaration_future", TOMORROW)
    assert shown("declaration_revoked", TODAY - datetime.timedelta(days=1)) and not shown("declaration_revoked", TODAY)


def test_derived_querysets_follow_the_work(states):
    """Un queryset d'objets dérivés (rendus) suit la réponse de son œuvre."""
    works, users = states
    anonymous = users["anonymous"]
    rendered = Rendition.objects.filter(media_file__work__in=[works["condition_met"], works["condition_unmet"]])
    visible = set(policy.visible(anonymous, Channel.WEBSITE, rendered).values_list("media_file__work_id", flat=True))
    assert visible == {works["condition_met"].pk}
