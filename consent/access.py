"""Les règles pures du consentement : « cet utilisateur peut-il obtenir cette œuvre, sur ce canal, maintenant ? »

Ce module ne répond à personne directement : toutes les surfaces (pages publiques, listes, expositions,
boîte à outils, chaque URL de fichier par media_library.gate, recherche, API, flux, aperçus) demandent
à la politique, `consent.policy.policy` (`decide`, `decide_many`, `visible`…), qui charge les faits et
applique les règles ci-dessous (`evaluate`, et le même filtre en SQL, `visible_q`). La flèche va dans un
seul sens : `consent.policy` → `consent.access`. Ne dupliquez jamais cette logique.

- `work_labels(works, *, user=None, at=None)` : les étiquettes de plusieurs œuvres d'un coup (listes).
- `channel_summary(work, *, at=None)` : l'état de chaque canal d'une œuvre (panneau d'admin).

Règles (issue « Consentement ») :
1. Œuvre à la corbeille : refusée (sauf archive interne pour l'équipe).
2. Communauté protégée (organisation de l'œuvre ou d'un·e participant·e) : seuls ses membres et les
   responsables du consentement la voient, sur tous les canaux, archive interne comprise.
3. Archive interne : responsables du consentement toujours (ils gèrent les retraits) ; commissaires
   selon les consentements ; personne d'autre.
4. Canaux des partenaires (projections fermées, événements sécurisés, téléchargement) : seulement les
   membres d'une organisation partenaire (et, règle 2, jamais l'œuvre d'une autre communauté protégée).
5. Consentement : chaque personne liée (participation ou consentement) doit avoir un consentement
   actif qui accorde le canal, donné, non expiré, non retiré ; les mineur·es (calculé à la date
   d'usage) ont l'accord du tuteur ET leur assentiment ; les conditions sont remplies par ce qui est
   servi (visage flouté → seul un rendu marqué `is_blurred` ; voix modifiée → `voice_altered`).
   Sans personne liée ni déclaration « aucune personne identifiable » : archive interne uniquement.
   Une réponse manquante vaut non.
"""

import datetime
import functools
from collections import defaultdict
from dataclasses import dataclass, field, replace

from django.apps import apps
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import epoch
from .channels import Channel

PARTNER_CHANNELS = frozenset({Channel.CLOSED_SCREENING, Channel.SECURED_EVENT, Channel.FACILITATOR_DOWNLOAD})
PUBLIC_CHANNELS = frozenset({Channel.WEBSITE})
MEDIA_CONDITIONS = {"face_blurred": "is_blurred", "voice_altered": "voice_altered"}


@dataclass(frozen=True)
class Label:
    code: str
    text: str
    tone: str = "ok"  # ok | warn | stop
    public: bool = True

    def __str__(self):
        return str(self.text)


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str = ""
    # Vrai quand la réponse dépend d'un consentement : elle ne doit pas être mise en cache partagé.
    restricted: bool = True
    labels: tuple = field(default_factory=tuple)
    # Conditions que la page doit respecter elle-même (les conditions sur les médias sont vérifiées
    # sur la variante servie) : n'afficher aucun lieu, aucun autre nom que le pseudonyme.
    hide_place: bool = False
    pseudonym_only: bool = False
    # Drapeaux qu'une variante servie doit porter (« is_blurred », « voice_altered »).
    required_variant_flags: frozenset = field(default_factory=frozenset)
    # Le nom de l'organisation de l'œuvre ne se montre pas (communauté protégée).
    hide_partner: bool = False

    def __bool__(self):
        return self.allowed


# --------------------------------------------------------------------------------------------------
# Rôles


def _perm(user, codename):
    return bool(user and user.is_authenticated and user.is_active and (user.is_superuser or user.has_perm(codename)))


def is_consent_officer(user):
    """Responsable du consentement (ou super-utilisateur) : voit tout, noms légaux et preuves compris."""
    return _perm(user, "consent.view_legal_identity")


def is_archive_staff(user):
    """Équipe de l'archive (commissaires, responsables du consentement) : accès à l'archive interne."""
    return _perm(user, "consent.access_internal_archive") or is_consent_officer(user)


@dataclass(frozen=True)
class UserContext:
    authenticated: bool
    officer: bool
    staff: bool
    org_ids: frozenset


_ORG_MARK = "#organisation"  # jamais une étiquette d'application (un identifiant Python) ; pas de NUL : PostgreSQL le refuse


def _load_permissions_and_organisations(user):
    """Les permissions du compte (les siennes et celles de ses groupes) ET ses organisations partenaires, en UNE
    requête (UNION ALL) au lieu de trois ; les permissions sont posées comme `ModelBackend` les garde
    (`user._perm_cache`, « app.codename »), donc `user.has_perm` répond ensuite sans requête, comme avant."""
    from django.contrib.auth.models import Permission
    from django.db.models import CharField, Value
    from django.db.models.functions import Cast

    perms = (Permission.objects.filter(Q(user=user) | Q(group__user=user)).order_by()
             .values_list("content_type__app_label", "codename"))
    orgs = (user.partner_organisations.order_by()
            .annotate(_mark=Value(_ORG_MARK, output_field=CharField()), _pk=Cast("pk", CharField()))
            .values_list("_mark", "_pk"))
    found, org_ids = set(), set()
    for first, second in perms.union(orgs, all=True):
        if first == _ORG_MARK:
            org_ids.add(int(second))
        else:
            found.add(f"{first}.{second}")
    if not hasattr(user, "_perm_cache"):
        user._perm_cache = found
    return frozenset(org_ids)


def user_context(user):
    if not (user and user.is_authenticated and user.is_active):
        return UserContext(False, False, False, frozenset())
    cached = getattr(user, "_paroles_consent_ctx", None)
    if cached is not None:
        return cached
    # Rôles et organisations du compte : gardés sous l'époque (un groupe, une permission, un·e membre
    # d'organisation changé·e change l'époque) ; la décision, elle, est prise à chaque requête.
    def build():
        org_ids = _load_permissions_and_organisations(user)
        return UserContext(True, is_consent_officer(user), is_archive_staff(user), org_ids)

    ctx = epoch.memo(("contexte", user.pk, user.is_superuser, user.is_active), build)
    try:
        user._paroles_consent_ctx = ctx  # valable le temps d'une requête (l'objet user est recréé ensuite)
    except AttributeError:
        pass
    return ctx


# --------------------------------------------------------------------------------------------------
# Faits chargés depuis la base (en lot) puis évalués en Python


@dataclass
class ParticipantFacts:
    pk: int
    birth_year: int
    partner_id: int | None
    partner_protected: bool

    def is_minor(self, on):
        from .models import ADULT_AGE

        return on.year - self.birth_year <= ADULT_AGE


@dataclass
class RecordFacts:
    pk: int
    participant_id: int
    work_id: int | None
    workshop_id: int | None
    channels: frozenset
    conditions: frozenset
    guardian_consent: bool
    child_assent: bool
    given_on: datetime.date
    expires_on: datetime.date | None
    review_on: datetime.date | None


@dataclass
class WithdrawalFacts:
    participant_id: int
    work_ids: frozenset  # vide = toutes les œuvres
    channels: frozenset  # vide = tous les canaux
    effective_on: datetime.date


@dataclass
class WorkFacts:
    pk: int
    trashed: bool
    partner_id: int | None
    partner_protected: bool
    workshop_id: int | None
    participant_ids: set = field(default_factory=set)
    records: list = field(default_factory=list)
    declared: bool = False
    variant_flags: frozenset = frozenset()  # drapeaux disponibles parmi les rendus prêts de l'œuvre
    # Personnes qui ne paraissent que dans certains chapitres : {participant_id: ((début, fin), …)}.
    # Une personne absente de ce dictionnaire paraît dans toute l'œuvre.
    segments: dict = field(default_factory=dict)
    # Pseudonymes publics des auteur·es (rôle « auteur »), triés, sans doublon : ce que les pages nomment (jamais
    # un nom légal). Lus avec les participations (aucune requête de plus).
    author_pseudonyms: tuple = ()


AUTHOR_ROLES = frozenset({"author", "auteur"})


@dataclass(frozen=True)
class Segment:
    """Une partie d'une œuvre servie seule (un extrait, un chapitre), de `start` à `end` secondes. Passée
    comme variante : seules les personnes qui y paraissent doivent avoir consenti. Ne porte aucun drapeau
    de condition (flou, voix) : une condition exigée la refuse, comme un rendu qui ne la remplit pas."""

    start: float
    end: float

    @property
    def consent_segment(self):
        return (self.start, self.end)


def appears_in(spans, segment):
    """La personne (ses chapitres `spans`) paraît-elle dans `segment` ? Deux intervalles qui se touchent
    seulement (fin = début) ne se recouvrent pas."""
    start, end = segment
    return any(s < end and start < e for s, e in spans)


def people_in(facts, segment):
    """Les personnes liées à l'œuvre qui paraissent dans `segment` (toutes si `segment` est None)."""
    if segment is None:
        return set(facts.participant_ids)
    return {p for p in facts.participant_ids if p not in facts.segments or appears_in(facts.segments[p], segment)}


def _as_date(at):
    if isinstance(at, datetime.datetime):
        return timezone.localtime(at).date() if timezone.is_aware(at) else at.date()
    return at


def _variant_model():
    """Le modèle des rendus (propriété de media_library), s'il porte des drapeaux de conditions."""
    try:
        model = apps.get_model("media_library", "Rendition")
    except LookupError:
        return None, None
    names = {f.name for f in model._meta.get_fields()}
    if "work" in names:
        path = "work_id"
    elif "media_file" in names:
        path = "media_file__work_id"
    elif "source" in names:
        path = "source__work_id"
    else:
        return None, None
    return model, path


def _variant_exists():
    """{drapeau: Exists(rendu prêt de l'œuvre `OuterRef("pk")` qui le porte)} : lus AVEC les lignes des œuvres
    (une requête de moins qu'une lecture à part des rendus)."""
    model, path = _variant_model()
    if model is None:
        return {}
    names = {f.name for f in model._meta.get_fields()}
    flags = [flag for flag in MEDIA_CONDITIONS.values() if flag in names]
    qs = model.objects.filter(**{path: OuterRef("pk")})
    if "status" in names:
        qs = qs.filter(status__in=["ready", "done", "ok"])
    return {flag: Exists(qs.filter(**{flag: True})) for flag in flags}


def load_facts(work_ids, *, at):
    """Charge, en un nombre fixe de requêtes, tout ce qu'il faut pour décider sur ces œuvres.

    `work_ids` : une liste d'identifiants ou un queryset `values("pk")` (sous-requête SQL).
    Renvoie ({work_id: WorkFacts}, {participant_id: ParticipantFacts}, [WithdrawalFacts]).

    Pour une liste, les faits (qui ne dépendent pas de qui demande) sont gardés sous l'époque du consentement
    et le jour (`epoch.memo`) : un retrait, un consentement, une déclaration… change l'époque, donc les faits
    sont relus à la requête suivante. On les lit, on ne les modifie pas.
    """
    if isinstance(work_ids, (list, tuple, set, frozenset)):
        ids = tuple(sorted({pk for pk in work_ids if pk is not None}))
        day = _as_date(at)
        return epoch.memo(("faits", ids, day), lambda: _load_facts(ids, at=day))
    return _load_facts(work_ids, at=at)


def _load_facts(work_ids, *, at):
    Work = apps.get_model("media_library", "Work")

    from .models import ConsentRecord, NoIdentifiablePersonDeclaration, Participation, Withdrawal

    day = _as_date(at)
    works = {}
    # La déclaration « aucune personne identifiable » en vigueur ce jour : lue avec l'œuvre (une requête de moins).
    declared_q = NoIdentifiablePersonDeclaration.objects.filter(work_id=OuterRef("pk"), declared_on__lte=day).filter(
        Q(revoked_on__isnull=True) | Q(revoked_on__gt=day))
    # Et les drapeaux (visage flouté, voix modifiée) que portent ses rendus prêts, en sous-requêtes EXISTS.
    variants = _variant_exists()
    annotations = {f"_variant_{flag}": q for flag, q in variants.items()}
    for pk, trashed_at, partner_id, protected, workshop_id, declared, *flags in (
        Work.all_objects.filter(pk__in=work_ids).annotate(_declared=Exists(declared_q), **annotations).values_list(
            "pk", "trashed_at", "partner_id", "partner__is_protected_community", "workshop_id", "_declared",
            *annotations)
    ):
        works[pk] = WorkFacts(pk, trashed_at is not None, partner_id, bool(protected), workshop_id,
                              declared=bool(declared),
                              variant_flags=frozenset(flag for flag, on in zip(variants, flags) if on))
    if not works:
        return works, {}, []
    ids = list(works)
    workshop_ids = {w.workshop_id for w in works.values() if w.workshop_id}
    by_workshop = defaultdict(list)
    for w in works.values():
        if w.workshop_id:
            by_workshop[w.workshop_id].append(w)

    # Une seule requête (jointure externe sur les chapitres : une ligne par chapitre, ou une ligne sans).
    spans = defaultdict(set)  # (work_id, participant_id, participation_pk) -> {(début, fin)}
    # Les faits de chaque personne (année de naissance, organisation) lus avec ses liens (participation ou
    # consentement) : aucune requête à part pour les personnes.
    participants = {}
    person = ("participant__birth_year", "participant__partner_id", "participant__partner__is_protected_community")

    def note_person(participant_id, birth_year, partner_id, protected):
        if participant_id not in participants:
            participants[participant_id] = ParticipantFacts(participant_id, birth_year, partner_id, bool(protected))

    authors = defaultdict(set)
    for pk, participant_id, work_id, start, end, role, pseudonym, *facts in Participation.objects.filter(
        work_id__in=ids
    ).values_list("pk", "participant_id", "work_id", "chapters__start", "chapters__end", "role",
                  "participant__pseudonym", *person):
        note_person(participant_id, *facts)
        if role in AUTHOR_ROLES and pseudonym:
            authors[work_id].add(pseudonym)
        works[work_id].participant_ids.add(participant_id)
        found = spans[(work_id, participant_id, pk)]
        if start is not None and end is not None:
            found.add((start, end))
    for work_id, names in authors.items():
        works[work_id].author_pseudonyms = tuple(sorted(names))
    linked = defaultdict(list)  # (work_id, participant_id) -> [chapitres de chaque participation]
    for (work_id, participant_id, _pk), found in spans.items():
        linked[(work_id, participant_id)].append(found)
    for (work_id, participant_id), rows in linked.items():
        # Limitée à des chapitres seulement si CHAQUE lien l'est (un lien sans chapitre = toute l'œuvre).
        if all(rows):
            works[work_id].segments[participant_id] = tuple(sorted(set().union(*rows)))

    record_q = Q(work_id__in=ids)
    if workshop_ids:
        record_q |= Q(workshop_id__in=workshop_ids)
    for row in ConsentRecord.objects.filter(record_q).values(
        "pk", "participant_id", "work_id", "workshop_id", "channels", "pseudonym_only", "face_blurred",
        "voice_altered", "no_place_named", "guardian_consent", "child_assent", "given_on", "expires_on",
        "review_on", "superseded_by_id", *person,
    ):
        note_person(row["participant_id"], *(row[name] for name in person))
        targets = [works[row["work_id"]]] if row["work_id"] else by_workshop.get(row["workshop_id"], [])
        for w in targets:
            # Même remplacé, un consentement lie la personne à l'œuvre (elle reste « liée »).
            w.participant_ids.add(row["participant_id"])
        if row["superseded_by_id"]:
            continue
        record = RecordFacts(
            pk=row["pk"],
            participant_id=row["participant_id"],
            work_id=row["work_id"],
            workshop_id=row["workshop_id"],
            channels=frozenset(str(c) for c in (row["channels"] or [])),
            conditions=frozenset(
                name for name in ("pseudonym_only", "face_blurred", "voice_altered", "no_place_named") if row[name]
            ),
            guardian_consent=row["guardian_consent"],
            child_assent=row["child_assent"],
            given_on=row["given_on"],
            expires_on=row["expires_on"],
            review_on=row["review_on"],
        )
        for w in targets:
            w.records.append(record)

    participant_ids = set().union(*(w.participant_ids for w in works.values()))
    withdrawals = []
    if participant_ids:
        # Les retraits et leurs œuvres en UNE requête (jointure externe : une ligne par œuvre, ou une sans).
        rows = {}
        for pk, participant_id, channels, effective_on, work_id in Withdrawal.objects.filter(
            participant_id__in=participant_ids, effective_on__lte=day
        ).order_by("-effective_on", "-pk").values_list("pk", "participant_id", "channels", "effective_on", "works__pk"):
            entry = rows.setdefault(pk, (participant_id, set(), channels, effective_on))
            if work_id is not None:
                entry[1].add(work_id)
        for participant_id, work_ids, channels, effective_on in rows.values():
            withdrawals.append(
                WithdrawalFacts(
                    participant_id,
                    frozenset(work_ids),
                    frozenset(str(c) for c in (channels or [])),
                    effective_on,
                )
            )
    return works, participants, withdrawals


# --------------------------------------------------------------------------------------------------
# Évaluation (pure, sans requête)

# Raisons (codes stables, utilisés par les étiquettes et les tests).
OK = "ok"
TRASHED = "trashed"
PROTECTED = "protected"
STAFF_ONLY = "staff_only"
PARTNER_ONLY = "partner_only"
NO_PARTICIPANT = "no_participant"
MISSING = "missing"
NOT_YET = "not_yet"
EXPIRED = "expired"
WITHDRAWN = "withdrawn"
MINOR = "minor_incomplete"
CONDITION = "condition_unmet"

REASONS = {
    TRASHED: _("Cette œuvre est à la corbeille."),
    PROTECTED: _("Contenu réservé à une communauté protégée."),
    STAFF_ONLY: _("Réservé à l'équipe de l'archive."),
    PARTNER_ONLY: _("Réservé aux partenaires autorisés à utiliser cette œuvre."),
    NO_PARTICIPANT: _("Aucune personne liée ni déclaration « aucune personne identifiable » : archive interne uniquement."),
    MISSING: _("Un consentement manque pour ce canal."),
    NOT_YET: _("Un consentement n'est pas encore en vigueur."),
    EXPIRED: _("Un consentement a expiré."),
    WITHDRAWN: _("Un consentement a été retiré."),
    MINOR: _("Pour une personne mineure, l'accord du tuteur et l'assentiment de l'enfant sont tous deux nécessaires."),
    CONDITION: _("Une condition du consentement n'est pas remplie par ce qui serait servi."),
}


@dataclass
class ChannelStatus:
    ok: bool
    code: str
    conditions: frozenset = frozenset()
    minors: bool = False
    review_due: bool = False


def _applicable_record(facts, participant_id, day):
    """Le consentement actif qui s'applique : celui de l'œuvre prime sur celui de l'atelier ; le plus récent gagne."""
    candidates = [r for r in facts.records if r.participant_id == participant_id]
    if not candidates:
        return None
    candidates.sort(key=lambda r: (r.work_id is not None, r.given_on, r.pk), reverse=True)
    return candidates[0]


def channel_status(facts, participants, withdrawals, channel, day):
    """Ce que disent les consentements de `facts` pour `channel` au jour `day` (sans l'utilisateur)."""
    if not facts.participant_ids:
        if facts.declared:
            return ChannelStatus(True, OK)
        return ChannelStatus(channel == Channel.INTERNAL, OK if channel == Channel.INTERNAL else NO_PARTICIPANT)
    conditions = set()
    minors = False
    review_due = False
    for participant_id in sorted(facts.participant_ids):
        record = _applicable_record(facts, participant_id, day)
        if record is None or channel not in record.channels:
            return ChannelStatus(False, MISSING)
        if record.given_on > day:
            return ChannelStatus(False, NOT_YET)
        if record.expires_on and day >= record.expires_on:
            return ChannelStatus(False, EXPIRED)
        for w in withdrawals:
            if (
                w.participant_id == participant_id
                and w.effective_on <= day
                and (not w.work_ids or facts.pk in w.work_ids)
                and (not w.channels or channel in w.channels)
            ):
                return ChannelStatus(False, WITHDRAWN)
        person = participants.get(participant_id)
        if person is None:
            return ChannelStatus(False, MISSING)
        if person.is_minor(day):
            minors = True
            if not (record.guardian_consent and record.child_assent):
                return ChannelStatus(False, MINOR)
        if record.review_on and record.review_on <= day:
            review_due = True
        conditions |= record.conditions
    return ChannelStatus(True, OK, frozenset(conditions), minors, review_due)


def _protected_orgs(facts, participants):
    orgs = set()
    if facts.partner_protected and facts.partner_id:
        orgs.add(facts.partner_id)
    for pid in facts.participant_ids:
        person = participants.get(pid)
        if person and person.partner_protected and person.partner_id:
            orgs.add(person.partner_id)
    return orgs


def variant_flags(variant):
    """Drapeaux portés par l'objet servi. Un objet sans image ni voix (piste de sous-titres, transcription)
    déclare `consent_no_face_or_voice = True` : les conditions visage/voix ne le concernent pas."""
    if getattr(variant, "consent_no_face_or_voice", False):
        return set(MEDIA_CONDITIONS.values())
    return {flag for flag in MEDIA_CONDITIONS.values() if getattr(variant, flag, False)}


def evaluate(ctx, facts, participants, withdrawals, channel, day, *, variant=None, with_labels=True):
    channel = Channel(channel)
    segment = getattr(variant, "consent_segment", None)
    if segment is not None and facts.segments:
        # Un extrait : seules comptent les personnes qui y paraissent (l'œuvre entière les demande toutes).
        facts = replace(facts, participant_ids=people_in(facts, segment))
    labels = (
        tuple(labels_for(facts, participants, withdrawals, day, staff=ctx.staff or bool(ctx.org_ids)))
        if with_labels
        else ()
    )

    def refuse(code):
        return Decision(False, REASONS[code], restricted=True, labels=labels)

    if facts.trashed and not (channel == Channel.INTERNAL and ctx.staff):
        return refuse(TRASHED)
    protected = _protected_orgs(facts, participants)
    if protected and not ctx.officer and not protected <= ctx.org_ids:
        return refuse(PROTECTED)
    if channel == Channel.INTERNAL:
        if ctx.officer:
            return Decision(True, restricted=True, labels=labels, hide_partner=bool(facts.partner_protected))
        if not ctx.staff:
            return refuse(STAFF_ONLY)
    if channel in PARTNER_CHANNELS and not ctx.officer and not ctx.org_ids:
        # Les canaux des partenaires demandent d'être membre d'une organisation partenaire ; ce qu'une
        # organisation peut utiliser = ce que les consentements accordent sur ce canal, moins les
        # œuvres des communautés protégées dont elle n'est pas (règle 2).
        return refuse(PARTNER_ONLY)

    status = channel_status(facts, participants, withdrawals, channel, day)
    if not status.ok:
        return refuse(status.code)

    required = frozenset(MEDIA_CONDITIONS[c] for c in status.conditions if c in MEDIA_CONDITIONS)
    if required:
        available = variant_flags(variant) if variant is not None else set(facts.variant_flags)
        if not required <= available:
            return refuse(CONDITION)
    restricted = bool(
        channel not in PUBLIC_CHANNELS or status.conditions or status.minors or protected or facts.participant_ids == set() and not facts.declared
    )
    return Decision(
        True,
        restricted=restricted,
        labels=labels,
        hide_place="no_place_named" in status.conditions,
        pseudonym_only="pseudonym_only" in status.conditions,
        required_variant_flags=required,
        hide_partner=bool(facts.partner_protected),
    )


def evaluate_person(ctx, person):
    """Une personne (fiche de participant·e) dans l'administration, règle 2 pour une personne : les
    responsables du consentement connaissent tout le monde ; l'équipe, chacun sauf les personnes d'une
    communauté protégée dont elle n'est pas ; les membres d'une organisation partenaire, les personnes
    de leur organisation seulement (une personne d'une autre organisation leur est absente)."""
    if ctx.officer:
        return Decision(True, restricted=True)
    if person.partner_protected and person.partner_id not in ctx.org_ids:
        return Decision(False, REASONS[PROTECTED], restricted=True)
    if ctx.staff or (person.partner_id is not None and person.partner_id in ctx.org_ids):
        return Decision(True, restricted=True)
    return Decision(False, REASONS[STAFF_ONLY], restricted=True)


# --------------------------------------------------------------------------------------------------
# Étiquettes (dans l'esprit des Local Contexts labels)

LABEL_TEXTS = {
    "verified": (_("Consentement vérifié"), "ok", True),
    "no_person": (_("Aucune personne identifiable"), "ok", True),
    "not_online": (_("Ne pas diffuser en ligne"), "stop", True),
    "secured_only": (_("Projection sécurisée uniquement"), "warn", True),
    "closed_only": (_("Projections fermées uniquement"), "warn", True),
    "museum_only": (_("Exposition au musée uniquement"), "warn", True),
    "no_broadcast": (_("Pas de télé, radio ni presse"), "warn", True),
    "no_download": (_("Pas de téléchargement"), "warn", True),
    "pseudonym_only": (_("Pseudonyme uniquement"), "warn", True),
    "face_blurred": (_("Visage flouté obligatoire"), "warn", True),
    "voice_altered": (_("Voix modifiée obligatoire"), "warn", True),
    "no_place_named": (_("Aucun lieu nommé"), "warn", True),
    "minor": (_("Personne mineure : accord du tuteur et assentiment"), "warn", False),
    "internal_only": (_("Archive interne uniquement"), "stop", False),
    "missing": (_("Consentement manquant"), "stop", False),
    "expired": (_("Consentement expiré"), "stop", False),
    "withdrawn": (_("Consentement retiré"), "stop", False),
    "minor_incomplete": (_("Mineur·e : accord ou assentiment manquant"), "stop", False),
    "protected": (_("Communauté protégée"), "stop", False),
    "review_due": (_("Consentement à revoir"), "warn", False),
    "trashed": (_("À la corbeille"), "stop", False),
}


def make_label(code):
    text, tone, public = LABEL_TEXTS[code]
    return Label(code, text, tone, public)


def channel_map(facts, participants, withdrawals, day):
    return {c: channel_status(facts, participants, withdrawals, c, day) for c in Channel}


def labels_for(facts, participants, withdrawals, day, *, staff=False):
    """Étiquettes d'une œuvre. Les étiquettes non publiques (retrait, mineur·e…) ne vont qu'à l'équipe."""
    statuses = channel_map(facts, participants, withdrawals, day)
    allowed = {c for c, s in statuses.items() if s.ok}
    codes = []
    if facts.trashed:
        codes.append("trashed")
    if _protected_orgs(facts, participants):
        codes.append("protected")
    if not facts.participant_ids:
        codes.append("no_person" if facts.declared else "internal_only")
    else:
        failing = [s.code for s in statuses.values() if not s.ok]
        if allowed - {Channel.INTERNAL}:
            codes.append("verified")
        for code in (WITHDRAWN, EXPIRED, MINOR, MISSING):
            if code in failing and not (code == MISSING and allowed - {Channel.INTERNAL}):
                codes.append(code)
        if not allowed - {Channel.INTERNAL} and "withdrawn" not in codes and "expired" not in codes:
            if "internal_only" not in codes and Channel.INTERNAL in allowed:
                codes.append("internal_only")
    public_allowed = allowed - {Channel.INTERNAL}
    if public_allowed:
        if Channel.WEBSITE not in allowed:
            codes.append("not_online")
        if public_allowed == {Channel.SECURED_EVENT}:
            codes.append("secured_only")
        elif public_allowed <= {Channel.CLOSED_SCREENING, Channel.SECURED_EVENT}:
            codes.append("closed_only")
        elif public_allowed == {Channel.MUSEUM}:
            codes.append("museum_only")
        elif Channel.WEBSITE in allowed and not allowed & {Channel.BROADCAST, Channel.PRESS_SOCIAL}:
            codes.append("no_broadcast")
        if Channel.FACILITATOR_DOWNLOAD not in allowed and Channel.WEBSITE in allowed:
            codes.append("no_download")
    elif facts.participant_ids and "not_online" not in codes:
        codes.append("not_online")
    conditions = set().union(*(s.conditions for s in statuses.values() if s.ok)) if allowed else set()
    for cond in ("pseudonym_only", "face_blurred", "voice_altered", "no_place_named"):
        if cond in conditions:
            codes.append(cond)
    if any(s.minors for s in statuses.values()):
        codes.append("minor")
    if any(s.review_due for s in statuses.values()):
        codes.append("review_due")
    labels = [make_label(c) for c in dict.fromkeys(codes)]
    return [label for label in labels if staff or label.public]


# --------------------------------------------------------------------------------------------------
# Étiquettes et résumé par canal (listes et panneaux de l'admin) ; les décisions d'accès se demandent à la
# politique, `consent.policy.policy` (`decide`, `visible`…), qui applique les règles ci-dessus.


def work_labels(works, *, user=None, at=None):
    """{work_id: [Label]} pour une liste d'œuvres, en un nombre borné de requêtes (listes, admin)."""
    ids = [w.pk if hasattr(w, "pk") else w for w in works]
    day = _as_date(at or timezone.now())
    facts, participants, withdrawals = load_facts(ids, at=day)
    ctx = user_context(user)
    staff = ctx.staff or bool(ctx.org_ids)
    return {pk: labels_for(f, participants, withdrawals, day, staff=staff) for pk, f in facts.items()}


def channel_summary(work, *, at=None):
    """{Channel: ChannelStatus} pour une œuvre, sans tenir compte de l'utilisateur (panneau d'admin)."""
    day = _as_date(at or timezone.now())
    works, participants, withdrawals = load_facts([work.pk], at=day)
    facts = works.get(work.pk)
    if facts is None:
        return {}
    return channel_map(facts, participants, withdrawals, day)


# --------------------------------------------------------------------------------------------------
# Les mêmes règles, exprimées en SQL : le filtre d'un queryset d'œuvres (listes, recherche, plan du site).
#
# `visible_q(ctx, channel, day)` est un `Q` sur `media_library.Work` qui garde exactement les œuvres pour
# lesquelles `evaluate(ctx, …, channel, day)` autorise (sans variante : il suffit qu'un rendu conforme
# existe). Les dates (expiration, anniversaire d'un·e mineur·e, prise d'effet d'un retrait, déclaration)
# sont comparées à `day` dans la requête : rien à rafraîchir, la réponse change d'elle-même le jour venu.
# Le coût suit la page, pas le catalogue : la base évalue le filtre par œuvre avec ses index, sans rien
# charger en Python. Un test compare, état par état, rôle par rôle et canal par canal, ce filtre à
# `evaluate` (tests/test_visible_query.py, sur SQLite et PostgreSQL).


def _deeper(ref):
    """La même référence vue d'une sous-requête un niveau plus bas."""
    from django.db.models import F, OuterRef

    if isinstance(ref, OuterRef):
        return OuterRef(ref)
    if isinstance(ref, F):
        return OuterRef(ref.name)
    return ref


def _has_channel(field, channel):
    """La liste JSON `field` contient `channel` (les valeurs des canaux sont des mots sans guillemets :
    le jeton entre guillemets ne peut correspondre qu'à l'élément entier, sur SQLite comme sur PostgreSQL)."""
    return Q(**{f"{field}__icontains": f'"{channel}"'})


def _empty_list(field):
    return Q(**{field: []}) | Q(**{f"{field}__isnull": True})


def _linked_record_q(work, workshop):
    """Consentements qui lient une personne à l'œuvre : ceux de l'œuvre, ceux de son atelier (sans œuvre)."""
    return Q(work_id=work) | Q(work_id__isnull=True, workshop_id=workshop)


def _participant_fails(participant, work, workshop, channel, day):
    """Q sur une ligne qui porte une personne liée (participation ou consentement) : vrai si, pour cette
    personne, `channel_status` refuse (consentement applicable manquant, hors canal, pas encore en vigueur,
    expiré, retiré, mineur·e sans accord et assentiment) ou si une condition sur les médias n'est remplie
    par aucun rendu de l'œuvre. `participant`, `work`, `workshop` : expressions valables sur cette ligne."""
    from django.db.models import Exists, F, OuterRef, Subquery

    from .models import ADULT_AGE, ConsentRecord, Withdrawal

    Rendition = apps.get_model("media_library", "Rendition")
    p1, w1, ws1 = _deeper(participant), _deeper(work), _deeper(workshop)
    p2, w2, ws2 = _deeper(p1), _deeper(w1), _deeper(ws1)
    # Le consentement applicable (`_applicable_record`) : celui de l'œuvre avant celui de l'atelier, puis le
    # plus récent (date, puis identifiant).
    applicable = (
        ConsentRecord.objects.filter(participant_id=p2, superseded_by__isnull=True)
        .filter(_linked_record_q(w2, ws2))
        .order_by(F("work_id").desc(nulls_last=True), "-given_on", "-pk")
        .values("pk")[:1]
    )
    good = ConsentRecord.objects.filter(pk=Subquery(applicable), given_on__lte=day).filter(
        _has_channel("channels", channel),
        Q(expires_on__isnull=True) | Q(expires_on__gt=day),
        Q(participant__birth_year__lt=day.year - ADULT_AGE) | Q(guardian_consent=True, child_assent=True),
    )
    for condition, flag in MEDIA_CONDITIONS.items():
        good = good.filter(
            Q(**{condition: False})
            | Exists(Rendition.objects.filter(media_file__work_id=w2, **{flag: True}))
        )
    Through = Withdrawal.works.through
    withdrawn = Withdrawal.objects.filter(participant_id=p1, effective_on__lte=day).filter(
        _empty_list("channels") | _has_channel("channels", channel),
        ~Exists(Through.objects.filter(withdrawal_id=OuterRef("pk")))
        | Exists(Through.objects.filter(withdrawal_id=OuterRef("pk"), work_id=w2)),
    )
    return ~Exists(good) | Exists(withdrawn)


def visible_q(ctx, channel, day):
    """Le filtre SQL des œuvres que `evaluate(ctx, …, channel, day)` autorise (voir plus haut).

    Le `Q` ne dépend que de ses trois arguments (il ne lit rien dans la base : les faits sont lus par la
    requête qui l'emploie, au moment où elle s'exécute) ; il est donc gardé en mémoire par (contexte, canal,
    jour) : il n'est plus construit à chaque liste, recherche ou document du plan du site.
    Django copie un `Q` et ses sous-requêtes quand un queryset l'emploie : l'objet gardé n'est jamais modifié."""
    return _visible_q(ctx, Channel(channel), _as_date(day))


@functools.lru_cache(maxsize=256)
def _visible_q(ctx, channel, day):
    from django.db.models import Exists, F, OuterRef

    from .models import ConsentRecord, NoIdentifiablePersonDeclaration, Participant, Participation

    channel = Channel(channel)
    day = _as_date(day)
    nothing = Q(pk__in=[])
    work, workshop = OuterRef("pk"), OuterRef("workshop_id")

    q = Q()
    # 1. Corbeille.
    if not (channel == Channel.INTERNAL and ctx.staff):
        q &= Q(trashed_at__isnull=True)
    # 2. Communauté protégée (de l'œuvre ou d'une personne liée, même par un consentement remplacé).
    if not ctx.officer:
        q &= Q(partner__isnull=True) | Q(partner__is_protected_community=False) | Q(partner_id__in=ctx.org_ids)
        foreign = Participant.objects.filter(partner__is_protected_community=True).exclude(
            partner_id__in=ctx.org_ids
        )
        # Sous-requêtes NON corrélées (calculées une fois par la base, puis un test d'appartenance par œuvre) :
        # les œuvres et ateliers liés à une personne d'une autre communauté protégée. Corrélées (EXISTS par
        # œuvre), elles coûtaient 3 lectures d'index par personne liée et par œuvre (PostgreSQL : 0,04 ms par
        # œuvre, 185 ms pour 5 000). Même réponse : `_linked_record_q` (consentement de l'œuvre, ou de son
        # atelier sans œuvre) ; une œuvre sans atelier n'est liée par aucun consentement d'atelier.
        foreign_records = ConsentRecord.objects.filter(participant__in=foreign.values("pk"))
        q &= ~Q(pk__in=Participation.objects.filter(participant__in=foreign.values("pk")).values("work_id"))
        q &= ~Q(pk__in=foreign_records.filter(work_id__isnull=False).values("work_id"))
        q &= Q(workshop_id__isnull=True) | ~Q(
            workshop_id__in=foreign_records.filter(work_id__isnull=True, workshop_id__isnull=False).values("workshop_id")
        )
    # 3. Archive interne.
    if channel == Channel.INTERNAL:
        if ctx.officer:
            return q
        if not ctx.staff:
            return nothing
    # 4. Canaux des partenaires.
    if channel in PARTNER_CHANNELS and not ctx.officer and not ctx.org_ids:
        return nothing
    # 5. Consentements (`channel_status`) et conditions sur les médias.
    has_participation = Exists(Participation.objects.filter(work_id=work))
    has_record = Exists(ConsentRecord.objects.filter(_linked_record_q(work, workshop)))
    nobody = ~has_participation & ~has_record
    declared = Exists(
        NoIdentifiablePersonDeclaration.objects.filter(work_id=work, declared_on__lte=day).filter(
            Q(revoked_on__isnull=True) | Q(revoked_on__gt=day)
        )
    )
    failing = Exists(
        Participation.objects.filter(work_id=work).filter(
            _participant_fails(F("participant_id"), work, workshop, channel, day)
        )
    ) | Exists(
        # Les personnes liées seulement par un consentement (celles qui ont une participation sont vues
        # au-dessus : on ne refait pas leur examen).
        ConsentRecord.objects.filter(_linked_record_q(work, workshop))
        # NOT IN, pas NOT EXISTS : PostgreSQL ferait de NOT EXISTS une anti-jointure placée APRÈS l'examen
        # coûteux de la personne ; une sous-requête NOT IN reste un filtre, évalué d'abord (moins cher) :
        # 0,052 → 0,007 ms par œuvre (plan du site, 5 000 œuvres). `participant_id` n'est jamais NULL.
        .exclude(participant_id__in=Participation.objects.filter(work_id=OuterRef(work)).values("participant_id"))
        .filter(_participant_fails(F("participant_id"), work, workshop, channel, day))
    )
    if channel == Channel.INTERNAL:
        consents = nobody | ~failing
    else:
        consents = (nobody & declared) | (~nobody & ~failing)
    return q & consents
