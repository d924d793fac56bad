"""Aides du test matrice : œuvres dans chaque état de consentement, public de chaque canal."""

import datetime

from django.test import Client
from django.utils import timezone

from consent.channels import Channel
from consent.models import Participation
from consent.testing import (
    ALL_CHANNELS, CONSENT_OFFICER, CURATOR, FACILITATOR, grant, make_participant, user_with_role, withdraw_all,
)
from media_library.services.ingest import ingest_file
from media_library.tests.factories import PartnerFactory, WorkFactory

STATES = ["granted", "missing", "expired", "withdrawn", "minor_without_assent", "condition_unmet", "no_participant", "protected"]
TODAY = timezone.localdate()


def build_state(state, *, project, partner, protected_partner, image_path, index):
    """Une œuvre (avec un fichier image) dans l'état de consentement `state`, pour TOUS les canaux."""
    title = f"Matrice {state} jeton{index}x"
    work = WorkFactory(project=project, title_fr=title, kind="photovoice", partner=partner, words_verbatim="mes mots")
    if state == "granted":
        grant(work)
    elif state == "missing":
        grant(work)  # une personne consent…
        other = make_participant("Sans réponse")
        Participation.objects.create(participant=other, work=work)  # …l'autre n'a rien dit : non.
    elif state == "expired":
        grant(work, given_on=TODAY - datetime.timedelta(days=400), expires_on=TODAY - datetime.timedelta(days=1))
    elif state == "withdrawn":
        record = grant(work)
        withdraw_all(record.participant)
    elif state == "minor_without_assent":
        child = make_participant("Fanta", birth_year=TODAY.year - 12, guardian_name="Tutrice")
        grant(work, participant=child, guardian_consent=True, child_assent=False)
    elif state == "condition_unmet":
        grant(work, face_blurred=True)
    elif state == "no_participant":
        pass
    elif state == "protected":
        work.partner = protected_partner
        work.save()
        grant(work)
    else:  # pragma: no cover
        raise AssertionError(state)
    # Chaque œuvre a son propre original (contenu distinct : pas de dédoublonnage par empreinte).
    from media_library import testing

    path = testing.make_image(image_path.parent / f"img-{index}.jpg", color=(index * 20 % 255, 80, 120))
    ingest_file(work, path)
    return work


def audience_client(channel, users):
    """Le public « naturel » d'un canal."""
    client = Client()
    channel = Channel(channel)
    if channel in (Channel.CLOSED_SCREENING, Channel.SECURED_EVENT, Channel.FACILITATOR_DOWNLOAD):
        client.force_login(users["facilitator"])
    elif channel == Channel.INTERNAL:
        client.force_login(users["curator"])
    return client


def expected_served(state, channel):
    if state == "granted":
        return True
    if state == "no_participant":
        return str(channel) == Channel.INTERNAL
    return False



def build_matrix(project, media_dir):
    partner = PartnerFactory(name="Association des femmes", acronym="AF")
    protected_partner = PartnerFactory(name="Collectif protégé", acronym="CP", is_protected_community=True)
    users = {
        "facilitator": user_with_role("animatrice", FACILITATOR, partner=partner),
        "other_facilitator": user_with_role("animateur_autre", FACILITATOR, partner=PartnerFactory(name="Autre asso", acronym="AA")),
        "protected_member": user_with_role("membre_protege", FACILITATOR, partner=protected_partner),
        "curator": user_with_role("commissaire", CURATOR),
        "officer": user_with_role("responsable", CONSENT_OFFICER),
    }
    works = {}
    for i, state in enumerate(STATES):
        works[state] = build_state(
            state, project=project, partner=partner, protected_partner=protected_partner,
            image_path=media_dir / "x.jpg", index=i + 1,
        )
    return {"works": works, "users": users, "partner": partner, "protected_partner": protected_partner}
