"""Aides pour les tests (de toutes les applications) : rendre une œuvre publique, consentir, retirer.

Seules les règles de consentement décident. Pour qu'une œuvre soit visible dans un test, utilisez par
exemple :

    from consent.testing import publish, grant, make_participant, withdraw_all
    publish(work)                                  # déclaration « aucune personne identifiable »
    grant(work, channels=["website", "museum"])     # un·e participant·e adulte qui consent
"""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from .channels import Channel
from .models import ConsentRecord, NoIdentifiablePersonDeclaration, Participant, Withdrawal
from .roles import CONSENT_OFFICER, CURATOR, FACILITATOR, PARTNER_ADMIN, ensure_roles

ALL_CHANNELS = [c.value for c in Channel]


def publish(work):
    """Rend l'œuvre utilisable sur tous les canaux : déclaration « aucune personne identifiable »."""
    declaration, _ = NoIdentifiablePersonDeclaration.objects.get_or_create(work=work, revoked_on=None)
    return declaration


def make_participant(pseudonym="Awa", *, birth_year=None, guardian_name="", partner=None, **kwargs):
    birth_year = birth_year or timezone.localdate().year - 30
    return Participant.objects.create(
        pseudonym=pseudonym, birth_year=birth_year, guardian_name=guardian_name, partner=partner, **kwargs
    )


def grant(work=None, *, channels=None, participant=None, workshop=None, given_on=None, **kwargs):
    """Un consentement valide (par défaut : tous les canaux, adulte, donné il y a 30 jours)."""
    participant = participant or make_participant()
    return ConsentRecord.objects.create(
        participant=participant,
        work=work if workshop is None else None,
        workshop=workshop,
        channels=ALL_CHANNELS if channels is None else [str(c) for c in channels],
        given_on=given_on or timezone.localdate() - datetime.timedelta(days=30),
        **kwargs,
    )


def withdraw_all(participant, *, effective_on=None):
    return Withdrawal.objects.create(participant=participant, effective_on=effective_on or timezone.localdate())


def user_with_role(username, role, *, partner=None, password=None):
    groups = ensure_roles()
    User = get_user_model()
    user, _ = User.objects.get_or_create(username=username, defaults={"email": f"{username}@example.org"})
    if password:
        user.set_password(password)
        user.save()
    user.groups.add(groups[role])
    if partner is not None:
        partner.users.add(user)
    return user


__all__ = [
    "ALL_CHANNELS", "publish", "make_participant", "grant", "withdraw_all", "user_with_role",
    "CONSENT_OFFICER", "CURATOR", "FACILITATOR", "PARTNER_ADMIN",
]


def read_sitemap(client):
    """Le plan du site tel qu'un moteur le lit : l'index `/sitemap.xml`, puis chacun des documents qu'il nomme.
    Rend (réponse de l'index, [réponses des documents]) ; chaque document doit répondre 200."""
    import re
    from urllib.parse import urlsplit

    index = client.get("/sitemap.xml")
    documents = []
    if index.status_code == 200:
        for loc in re.findall(rb"<sitemap><loc>([^<]+)</loc></sitemap>", index.content):
            documents.append(client.get(urlsplit(loc.decode()).path))
    return index, documents


def sitemap_text(client):
    """Le texte de tous les documents du plan du site, mis bout à bout (index suivi)."""
    index, documents = read_sitemap(client)
    assert index.status_code == 200, index.status_code
    assert all(d.status_code == 200 for d in documents), [d.status_code for d in documents]
    return "".join(d.content.decode() for d in documents)
