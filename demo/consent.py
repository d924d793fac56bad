"""Démonstration du consentement : rôles, personnes (fictives), consentements, retrait, expiration.

Appelé par `manage.py load_demo` après media_library.demo. Idempotent : une deuxième exécution ne crée
rien de nouveau. Les quatre cas de l'issue :
- « photovoice_1 » : une enfant (13 ans) ; accord de la tutrice ET assentiment ; site web permis,
  pseudonyme uniquement ;
- « capsule_secured » : capsule d'un collectif (communauté protégée), événements sécurisés uniquement ;
- « bodymap_withdrawn » : sa participante a retiré son consentement (retrait total enregistré) ;
- « capsule_expired » : un consentement expiré.
Les autres œuvres sont consenties pour tous les canaux (le site public vit), sauf les documents sans
personne identifiable (dépliants, livre), couverts par une déclaration.
"""

import datetime
import secrets

from django.contrib.auth import get_user_model
from django.utils import timezone

from consent.audit import acting_as
from consent.channels import Channel
from consent.flows.withdraw import record_withdrawal
from consent.models import ConsentRecord, EvidenceKind, NoIdentifiablePersonDeclaration, Participant, Role, Withdrawal
from consent.roles import CONSENT_OFFICER, CURATOR, FACILITATOR, PARTNER_ADMIN, ensure_roles

ALL = [c.value for c in Channel]
NO_PERSON = {"leaflet_1", "book_sira", "esclavage_leaflet"}
MINOR_KEYS = {"photovoice_1", "photovoice_2", "photovoice_3", "photovoice_4", "drawing_1"}

# Rôles des comptes créés par media_library.demo (clé de ctx["users"] → groupe).
USER_ROLES = {
    "consent_officer": CONSENT_OFFICER,
    "curator": CURATOR,
    "coordinator": CURATOR,
    "facilitator": FACILITATOR,
    "facilitator_atc": FACILITATOR,
    "collectif_member": FACILITATOR,
    "facilitator_temedt": FACILITATOR,
}

# Comptes à créer s'ils n'existent pas encore : (clé, identifiant, rôle, clé du partenaire).
FALLBACK_USERS = [
    ("consent_officer", "responsable.consentement", CONSENT_OFFICER, None),
    ("curator", "conservatrice", CURATOR, None),
    ("facilitator", "animatrice.aracem", FACILITATOR, "aracem"),
    ("facilitator_atc", "animateur.atc", FACILITATOR, "atc"),
]

FIRST_NAMES = ["Awa", "Kadiatou", "Mariam", "Fatoumata", "Aminata", "Salimata", "Rokia", "Oumou", "Djeneba",
               "Assitan", "Nana", "Bintou", "Hawa", "Sitan", "Korotoumou"]


def _say(ctx, message):
    stdout = ctx.get("stdout")
    if stdout is not None:
        stdout.write(message)


def build_users(ctx):
    groups = ensure_roles()
    User = get_user_model()
    created = []
    for key, username, role, partner_key in FALLBACK_USERS:
        if key in ctx["users"]:
            continue
        user = User.objects.filter(username=username).first()
        if user is None:
            password = secrets.token_urlsafe(12)
            user = User.objects.create_user(username, f"{username}@paroles.demo", password)
            created.append((username, password))
        partner = ctx["partners"].get(partner_key) if partner_key else None
        if partner is not None:
            partner.users.add(user)
        ctx["users"][key] = user
    for key, user in ctx["users"].items():
        role = USER_ROLES.get(key)
        if role:
            user.groups.add(groups[role])
    if created:
        _say(ctx, "Comptes du consentement créés (mots de passe affichés une seule fois) :")
        for username, password in created:
            _say(ctx, f"  {username:28} {password}")
    _say(ctx, "Rôles : " + ", ".join(f"{k} → {USER_ROLES[k]}" for k in ctx["users"] if k in USER_ROLES))


def _participant(pseudonym, *, birth_year, partner=None, guardian="", legal=""):
    person = Participant.objects.filter(pseudonym=pseudonym).first()
    if person is None:
        person = Participant(
            pseudonym=pseudonym,
            legal_name=legal or f"{pseudonym.split()[0]} (nom fictif de démonstration)",
            contact="+223 00 00 00 00 (fictif)",
            birth_year=birth_year,
            guardian_name=guardian,
            guardian_contact="+223 00 00 00 01 (fictif)" if guardian else "",
            partner=partner,
        )
        person.full_clean()
        person.save()
    return person


def _consent(person, work, *, channels=ALL, given_on, officer, **extra):
    record = ConsentRecord.objects.filter(participant=person, work=work).first()
    if record is None:
        record = ConsentRecord(participant=person, work=work, channels=list(channels), given_on=given_on,
                               recorded_by=officer, **extra)
        record.full_clean()
        record.save()
    return record


def build(ctx):
    build_users(ctx)
    officer = ctx["users"].get("consent_officer")
    works = ctx.get("works", {})
    today = timezone.localdate()
    counts = {"personnes": 0, "consentements": 0}
    with acting_as(officer):
        for index, (key, work) in enumerate(sorted(works.items())):
            partner = work.partner
            given = work.date_made or datetime.date(2022, 6, 1)
            given = min(given, today)
            if key in NO_PERSON:
                if not NoIdentifiablePersonDeclaration.objects.filter(work=work).exists():
                    NoIdentifiablePersonDeclaration.objects.create(
                        work=work, declared_by=officer, declared_on=given,
                        note="Document graphique : aucune personne identifiable (démonstration).",
                    )
                continue
            name = FIRST_NAMES[index % len(FIRST_NAMES)]
            if key == "photovoice_1":
                child = _participant("Fanta", birth_year=today.year - 13, partner=partner,
                                     guardian="Sa mère (nom fictif)")
                _consent(
                    child, work, given_on=given, officer=officer,
                    channels=[Channel.INTERNAL, Channel.WEBSITE, Channel.MUSEUM, Channel.CLOSED_SCREENING,
                              Channel.FACILITATOR_DOWNLOAD],
                    pseudonym_only=True, guardian_consent=True, child_assent=True,
                    evidence_kind=EvidenceKind.ORAL, witness_name="Animatrice du Samusocial (fictif)",
                    review_on=datetime.date(today.year + 1, 1, 15),
                )
            elif key == "capsule_secured":
                person = _participant("Membre du collectif", birth_year=1994, partner=partner)
                _consent(person, work, given_on=given, officer=officer,
                         channels=[Channel.INTERNAL, Channel.SECURED_EVENT], pseudonym_only=True, face_blurred=False)
            elif key == "capsule_expired":
                person = _participant("Vendeuse du marché", birth_year=1985, partner=partner)
                _consent(person, work, given_on=given, officer=officer, expires_on=given + datetime.timedelta(days=730))
            elif key == "bodymap_withdrawn":
                person = _participant("M.", birth_year=1990, partner=partner)
                _consent(person, work, given_on=given, officer=officer)
                if not Withdrawal.objects.filter(participant=person).exists():
                    record_withdrawal(person, user=officer, effective_on=today - datetime.timedelta(days=3),
                                      reason="Demande orale de la participante (démonstration).")
            elif key in MINOR_KEYS:
                child = _participant(f"{name}, enfant du site", birth_year=today.year - 12, partner=partner,
                                     guardian="Son père (nom fictif)")
                _consent(child, work, given_on=given, officer=officer, guardian_consent=True, child_assent=True,
                         pseudonym_only=True, evidence_kind=EvidenceKind.ORAL, witness_name="Animateur (fictif)")
            else:
                person = _participant(f"{name} ({key})", birth_year=1980 + index % 20, partner=partner)
                _consent(person, work, given_on=given, officer=officer, role=Role.AUTHOR)
                if key == "film_regard":
                    for extra in range(2):
                        other = _participant(f"Témoin {extra + 1} de r/Egard", birth_year=1988 + extra, partner=partner)
                        _consent(other, work, given_on=given, officer=officer, role=Role.IN_IMAGE)
    counts["personnes"] = Participant.objects.count()
    counts["consentements"] = ConsentRecord.objects.count()
    _say(ctx, f"Consentement : {counts['personnes']} personnes, {counts['consentements']} consentements, "
              f"{Withdrawal.objects.count()} retrait(s), {NoIdentifiablePersonDeclaration.objects.count()} déclaration(s).")
