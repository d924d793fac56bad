"""Aides du test matrice : œuvres dans chaque état de consentement, chaque rôle, ce qui est attendu.

`expected_served` et `expected_known` redisent les règles du produit (issue « Consentement » et
issue 11) SANS appeler la politique : la matrice compare la politique câblée sur chaque surface à
cette table écrite à la main.
"""

import datetime

from django.test import Client
from django.utils import timezone

from consent.channels import Channel
from consent.models import Participation
from consent.testing import (
    CONSENT_OFFICER, CURATOR, FACILITATOR, PARTNER_ADMIN, grant, make_participant, user_with_role, withdraw_all,
)
from consent.models import Withdrawal
from media_library.flows.ingest import ingest_file
from media_library.tests.factories import PartnerFactory, WorkFactory

STATES = [
    "granted", "declared", "missing", "expired", "withdrawn", "withdrawn_website", "minor_without_assent",
    "condition_unmet", "no_participant", "protected",
]
ROLES = [
    "anonymous",          # le public
    "facilitator",        # animatrice de l'organisation de l'œuvre
    "other_facilitator",  # animateur d'une autre organisation
    "curator",            # commissaire, membre de la communauté protégée
    "curator_outside",    # commissaire hors de la communauté protégée
    "partner_admin",      # administratrice de l'organisation de l'œuvre
    "officer",            # responsable du consentement
]
VIEW_ROLES = ("curator", "curator_outside", "partner_admin", "officer")  # voir une œuvre dans l'admin
CHANGE_ROLES = ("curator", "curator_outside", "officer")  # la modifier
TODAY = timezone.localdate()
PARTNER_CHANNELS = {Channel.CLOSED_SCREENING, Channel.SECURED_EVENT, Channel.FACILITATOR_DOWNLOAD}


def build_state(state, *, project, partner, protected_partner, image_path, index):
    """Une œuvre (avec un fichier image) dans l'état de consentement `state`, pour TOUS les canaux."""
    title = f"Matrice {state} jeton{index}x"
    work = WorkFactory(project=project, title_fr=title, kind="photovoice", partner=partner, words_verbatim="mes mots")
    # Chaque personne a un pseudonyme à elle (les surfaces des personnes le cherchent) ; celle de l'œuvre
    # d'une communauté protégée en est membre.
    person = make_participant(f"Pseudo{index}x", partner=protected_partner if state == "protected" else None)
    if state == "granted":
        grant(work, participant=person)
    elif state == "declared":
        from consent.testing import publish

        publish(work)
    elif state == "missing":
        grant(work, participant=person)  # une personne consent…
        other = make_participant(f"Muette{index}x")
        Participation.objects.create(participant=other, work=work)  # …l'autre n'a rien dit : non.
    elif state == "expired":
        grant(work, participant=person, given_on=TODAY - datetime.timedelta(days=400),
              expires_on=TODAY - datetime.timedelta(days=1))
    elif state == "withdrawn":
        record = grant(work, participant=person)
        withdraw_all(record.participant)
    elif state == "withdrawn_website":  # retrait partiel : le site web seulement
        record = grant(work, participant=person)
        Withdrawal.objects.create(participant=record.participant, channels=[Channel.WEBSITE.value],
                                  effective_on=TODAY)
    elif state == "minor_without_assent":
        child = make_participant(f"Fanta{index}x", birth_year=TODAY.year - 12, guardian_name="Tutrice")
        grant(work, participant=child, guardian_consent=True, child_assent=False)
    elif state == "condition_unmet":
        grant(work, participant=person, face_blurred=True)
    elif state == "no_participant":
        pass
    elif state == "protected":
        work.partner = protected_partner
        work.save()
        grant(work, participant=person)
    else:  # pragma: no cover
        raise AssertionError(state)
    # Chaque œuvre a son propre original (contenu distinct : pas de dédoublonnage par empreinte).
    from media_library import testing

    path = testing.make_image(image_path.parent / f"img-{index}.jpg", color=(index * 20 % 255, 80, 120))
    ingest_file(work, path)
    return work


def role_client(role, users):
    client = Client()
    user = users.get(role)
    if user is not None:
        client.force_login(user)
    client.role, client.user = role, user
    return client


# --- La table écrite à la main ----------------------------------------------------------------------


def _consent_allows(state, channel):
    """Ce que disent les consentements (sans le rôle) pour une fiche ou un fichier original non flouté."""
    channel = Channel(channel)
    if state in ("granted", "declared", "protected"):
        return True
    if state == "withdrawn_website":
        return channel != Channel.WEBSITE
    if state == "no_participant":
        return channel == Channel.INTERNAL
    return False  # missing, expired, withdrawn, minor_without_assent, condition_unmet (rien de flouté)


MEMBERS = {"facilitator", "other_facilitator", "partner_admin", "curator"}  # membres d'une organisation
STAFF = {"curator", "curator_outside", "officer"}


def expected_served(state, channel, role):
    """La surface sert-elle l'œuvre à ce rôle sur ce canal ?"""
    channel = Channel(channel)
    if role == "officer" and channel == Channel.INTERNAL:
        return True  # la responsable du consentement voit tout dans l'archive interne, pour agir
    if state == "protected" and role not in ("officer", "curator"):
        return False  # communauté protégée : ses membres et les responsables seulement
    if channel == Channel.INTERNAL and role not in STAFF:
        return False
    if channel in PARTNER_CHANNELS and role not in MEMBERS | {"officer"}:
        return False
    return _consent_allows(state, channel)


def expected_known(state, role):
    """L'administration laisse-t-elle ce rôle connaître l'œuvre (fiche, listes, recherche…) ?"""
    if role == "officer":
        return True
    if role in ("anonymous", "facilitator", "other_facilitator"):
        return False  # pas d'accès à l'administration
    if state == "protected" and role != "curator":
        return False
    fiche_ok = _consent_allows(state, Channel.INTERNAL) or state == "condition_unmet"  # la fiche n'a pas de visage
    if role in ("curator", "curator_outside"):
        return fiche_ok
    # partner_admin : son organisation (ce que l'archive interne laisserait connaître) ou un canal partenaire.
    return fiche_ok or any(_consent_allows(state, c) for c in PARTNER_CHANNELS)


def expected_person_known(state, role):
    """Une fiche de personne (participant·e) : connue des responsables ; de l'équipe, sauf une personne
    d'une communauté protégée dont elle n'est pas (règle 2 pour une personne)."""
    if role == "officer":
        return True
    if role not in STAFF:
        return False
    return state != "protected" or role == "curator"


def expected_notice_known(state, role):
    """Un retrait ou un avis aux commissaires : connu comme l'œuvre qu'il nomme, et aussi de l'équipe quand
    l'œuvre ne lui est cachée QUE par le retrait (elle doit agir : pages, téléchargements), sans son titre."""
    if state == "withdrawn" and role in STAFF:
        return True
    return expected_known(state, role)


def expected_member_known(state, role):
    """Une surface des membres d'une organisation (pièce jointe d'une fiche ODK) : l'animatrice de
    l'organisation de l'œuvre en sait ce qu'en sait son administratrice ; l'animateur d'une autre, rien."""
    if role == "facilitator":
        role = "partner_admin"
    return expected_known(state, role)


EXPECTATIONS = {"person": expected_person_known, "notice": expected_notice_known, "member": expected_member_known}


def build_matrix(project, media_dir):
    partner = PartnerFactory(name="Association des femmes", acronym="AF")
    protected_partner = PartnerFactory(name="Collectif protégé", acronym="CP", is_protected_community=True)
    users = {
        "anonymous": None,
        "facilitator": user_with_role("animatrice", FACILITATOR, partner=partner),
        "other_facilitator": user_with_role("animateur_autre", FACILITATOR,
                                            partner=PartnerFactory(name="Autre asso", acronym="AA")),
        "curator": user_with_role("commissaire_membre", CURATOR, partner=protected_partner),
        "curator_outside": user_with_role("commissaire", CURATOR),
        "partner_admin": user_with_role("admin_partenaire", PARTNER_ADMIN, partner=partner),
        "officer": user_with_role("responsable", CONSENT_OFFICER),
    }
    # Le journal des projections (communication) : comme dans la démo, la coordinatrice (commissaire) et la
    # responsable le consultent ; l'administratrice partenaire, celui de son organisation.
    from django.contrib.auth.models import Permission

    view_screening = Permission.objects.get(content_type__app_label="communication", codename="view_screening")
    for role in ("curator", "curator_outside", "officer", "partner_admin"):
        users[role].user_permissions.add(view_screening)
    works = {}
    for i, state in enumerate(STATES):
        works[state] = build_state(
            state, project=project, partner=partner, protected_partner=protected_partner,
            image_path=media_dir / "x.jpg", index=i + 1,
        )
    return {"works": works, "users": users, "partner": partner, "protected_partner": protected_partner}


def run_matrix(matrix, surfaces, *, stop_at_first_leak=False, roles=ROLES):
    """Essaie chaque surface × rôle × canal × état. Renvoie (cas vérifiés, échecs)."""
    from media_library.models import Work

    works, users = matrix["works"], matrix["users"]
    clients = {role: role_client(role, users) for role in roles}
    failures, checked = [], 0
    for surface in surfaces:
        for role in roles:
            client = clients[role]
            for channel in Channel:
                if not surface.applies_to(channel):
                    continue
                # Un rôle sans la permission d'ouvrir la surface est refusé quel que soit l'état : on ne
                # l'essaie que sur le premier état qui a un objet (l'œuvre pleinement consentie d'abord,
                # celle qui fuirait si la permission n'était pas vérifiée).
                unpermitted = surface.roles is not None and role not in surface.roles
                for state in STATES:
                    work = Work.all_objects.get(pk=works[state].pk)
                    asker = "anonymous" if surface.audience == "public" else role
                    if surface.roles is not None and role not in surface.roles:
                        expected = False  # ce rôle n'a pas la permission d'ouvrir cette surface
                    elif surface.kind == "admin":
                        expected = expected_known(state, asker)
                    elif surface.kind in EXPECTATIONS:
                        expected = EXPECTATIONS[surface.kind](state, asker)
                    else:
                        expected = expected_served(state, channel, asker)
                    served = surface.probe(client, work, channel)
                    if served is None:
                        continue  # sans objet (pas de consentement, de participation… pour cette œuvre)
                    served = bool(served)
                    checked += 1
                    if unpermitted and not served:
                        break
                    if served != expected:
                        kind = "FUITE" if served else "refus à tort"
                        failures.append(f"{kind} : {surface.name} / {role} / {channel.value} / {state}")
                        if stop_at_first_leak and served:
                            return checked, failures
    return checked, failures
