"""L'époque du consentement : un jeton qui change à chaque changement capable de modifier une réponse d'accès.

Une page (ou un fragment) mise en cache porte l'époque lue au début de la requête qui l'a rendue ; elle ne
vaut que tant que l'époque n'a pas changé. Rien d'autre ne décide de l'invalidation : ce module est le seul
à écrire l'époque.

- **Un seul jeton, partagé** par tous les processus et toutes les machines : il vit dans le cache `pages`
  (cache en base par défaut, Redis si `PAROLES_REDIS_URL`). Chaque changement écrit un jeton **nouveau et
  unique** (pas un compteur incrémenté : deux changements simultanés ne peuvent pas retomber sur la même
  valeur).
- **Qui le change** : tout enregistrement ou suppression (signaux `post_save`, `post_delete`,
  `m2m_changed`, branchés dans `ConsentConfig.ready()`) d'un modèle des applications qui nourrissent une
  réponse d'accès ou une page publique (consentements, retraits, déclarations, participant·es,
  participations, œuvres, fichiers, rendus, pistes, répliques, pages Wagtail et leurs révisions,
  publication, déplacement, suppression, restrictions de vue, groupes, membres des organisations…), sauf les
  journaux qui changent sans cesse et ne changent aucune réponse (`IGNORED`). Une application ou un modèle
  nouveau de ces applications est donc suivi **par défaut**. Les flux qui écrivent par `QuerySet.update()`
  (qui n'envoie aucun signal : statut d'un fichier ou d'un rendu prêt, texte d'une réplique) appellent
  `bump()` eux-mêmes.
- **Quand** : après la validation de la transaction (`on_commit`) : un rendu qui a lu l'ancien état avant
  la validation porte l'ancienne époque, donc ne sert jamais. Dans une transaction encore ouverte (tests,
  requête qui écrit puis lit), la prochaine lecture de l'époque sur la même connexion en crée une nouvelle
  d'abord : cette connexion voit déjà le changement.
- **Ce qui change tout seul** (une date) : `next_change(at)` calcule, depuis la base, le prochain instant où
  une réponse change sans que rien ne soit enregistré (début, expiration ou revue d'un consentement, prise
  d'effet d'un retrait, déclaration qui commence ou se termine, dates d'une exposition, un·e mineur·e qui
  devient majeur·e au 1er janvier). Une entrée de cache ne vit pas au-delà (`timeout_for`).
"""

import datetime
import uuid

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Min, Q
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

CACHE_ALIAS = "pages"
KEY = "paroles:epoque-consentement"
NEXT_KEY = "paroles:prochain-changement:%s"

# Applications dont les modèles peuvent changer une réponse d'accès ou ce qu'une page publique montre.
WATCHED_APPS = frozenset({
    "consent", "media_library", "transcription", "exhibitions", "communication", "interop", "iiif",
    "wagtailcore", "wagtailimages", "taggit", "auth",
})
# Journaux et états de travail qui changent sans cesse et ne changent aucune réponse. Ce qu'ils produisent
# (un rendu prêt, une piste) change l'époque par son propre enregistrement ou par le flux (`bump()`).
IGNORED = frozenset({
    "consent.auditentry", "consent.curatornotice", "consent.curatornotice_works",
    "media_library.servedfile", "media_library.processingjob", "media_library.archiverendition",
    "transcription.transcriptionjob",
    "exhibitions.offlinedevice", "exhibitions.heldcopy",
    "communication.screening", "communication.screening_themes", "communication.screeningmaterial",
    "communication.screeningrollup", "communication.materialrollup", "communication.screeningmonthrollup",
    "communication.materialmonthrollup", "interop.screeningattachment",
    "wagtailcore.modellogentry", "wagtailcore.pagelogentry", "wagtailcore.referenceindex",
    "wagtailcore.pagesubscription", "wagtailcore.comment", "wagtailcore.commentreply",
    "wagtailcore.uploadedfile", "wagtailimages.rendition",
})

_DIRTY = "_paroles_epoch_dirty"


def enabled():
    return getattr(settings, "PAROLES_PAGE_CACHE", False)


def cache():
    return caches[CACHE_ALIAS]


def _new_token():
    token = uuid.uuid4().hex
    cache().set(KEY, token, None)
    return token


def _after_commit():
    _new_token()


def bump(using=None):
    """Une réponse d'accès a pu changer : nouvelle époque (maintenant, et de nouveau à la validation)."""
    if not enabled():
        return
    using = using or DEFAULT_DB_ALIAS
    connection = connections[using]
    if not connection.in_atomic_block:
        _new_token()
        return
    # Transaction ouverte : cette connexion voit déjà le changement ; sa prochaine lecture de l'époque en
    # crée une nouvelle (`current`). Les autres le verront après la validation : nouvelle époque alors.
    setattr(connection, _DIRTY, True)
    if not any(func is _after_commit for _sids, func, _robust in connection.run_on_commit):
        transaction.on_commit(_after_commit, using=using)


def current(using=None):
    """L'époque à lire AU DÉBUT d'une requête (avant de lire les données qu'elle rendra)."""
    connection = connections[using or DEFAULT_DB_ALIAS]
    if getattr(connection, _DIRTY, False) and connection.in_atomic_block:
        setattr(connection, _DIRTY, False)
        return _new_token()
    token = cache().get(KEY)
    if token is None:
        cache().add(KEY, uuid.uuid4().hex, None)
        token = cache().get(KEY)
    return token


def current_and(key, using=None):
    """L'époque et une entrée du même cache en une seule lecture (une requête SQL, un MGET Redis)."""
    connection = connections[using or DEFAULT_DB_ALIAS]
    if getattr(connection, _DIRTY, False) and connection.in_atomic_block:
        return current(using), None
    values = cache().get_many([KEY, key])
    if KEY not in values:
        return current(using), None
    return values[KEY], values.get(key)


# ------------------------------------------------------------------------------------------------
# Ce qui change tout seul


def _midnight(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def next_change(at=None):
    """Le prochain instant (datetime conscient) où une réponse d'accès change d'elle-même, ou None.

    Les règles (`consent.access`) raisonnent au jour (local) près : une date D prend effet à minuit le jour D
    ; une fin d'exposition E cesse d'être « ouverte » à minuit le jour E + 1.
    """
    now = at or timezone.now()
    today = timezone.localtime(now).date()
    ConsentRecord = apps.get_model("consent", "ConsentRecord")
    Withdrawal = apps.get_model("consent", "Withdrawal")
    Declaration = apps.get_model("consent", "NoIdentifiablePersonDeclaration")
    Participant = apps.get_model("consent", "Participant")
    ExhibitionPage = apps.get_model("exhibitions", "ExhibitionPage")
    from .models import ADULT_AGE

    days = []
    after = Q()
    for name in ("given_on", "expires_on", "review_on"):
        after |= Q(**{f"{name}__gt": today})
    records = ConsentRecord.objects.filter(after).aggregate(
        a=Min("given_on", filter=Q(given_on__gt=today)), b=Min("expires_on", filter=Q(expires_on__gt=today)),
        c=Min("review_on", filter=Q(review_on__gt=today)),
    )
    days += records.values()
    days.append(Withdrawal.objects.filter(effective_on__gt=today).aggregate(d=Min("effective_on"))["d"])
    declarations = Declaration.objects.aggregate(
        a=Min("declared_on", filter=Q(declared_on__gt=today)), b=Min("revoked_on", filter=Q(revoked_on__gt=today)),
    )
    days += declarations.values()
    pages = ExhibitionPage.objects.aggregate(
        a=Min("start_date", filter=Q(start_date__gt=today)), b=Min("end_date", filter=Q(end_date__gte=today)),
    )
    days.append(pages["a"])
    if pages["b"] is not None:
        days.append(pages["b"] + datetime.timedelta(days=1))
    # Mineur·e (`is_minor`) : année − année de naissance ≤ ADULT_AGE ; change au 1er janvier suivant.
    if Participant.objects.filter(birth_year__gte=today.year - ADULT_AGE).exists():
        days.append(datetime.date(today.year + 1, 1, 1))
    days = [d for d in days if d is not None and d > today]
    return _midnight(min(days)) if days else None


def timeout_for(epoch, at=None):
    """Durée de vie (s) d'une entrée rendue sous `epoch` : le plafond réglé, et jamais au-delà du prochain
    changement de lui-même (calculé une fois par époque, partagé). 0 : ne pas mettre en cache."""
    now = at or timezone.now()
    ceiling = settings.PAROLES_PAGE_CACHE_SECONDS
    key = NEXT_KEY % epoch
    stored = cache().get(key)
    if stored is None:
        instant = next_change(now)
        stored = instant.timestamp() if instant else 0.0
        life = ceiling if not instant else max(1, min(ceiling, int(instant.timestamp() - now.timestamp())))
        cache().set(key, stored, life)
    if not stored:
        return ceiling
    return max(0, min(ceiling, int(stored - now.timestamp())))


# ------------------------------------------------------------------------------------------------
# Signaux (branchés dans ConsentConfig.ready)


def _watched(sender):
    meta = getattr(sender, "_meta", None)
    return meta is not None and meta.app_label in WATCHED_APPS and meta.label_lower not in IGNORED


def _on_change(sender, using=None, **kwargs):
    if _watched(sender) and not kwargs.get("raw"):
        bump(using)


def _on_m2m(sender, action, using=None, **kwargs):
    if action in {"post_add", "post_remove", "post_clear"} and _watched(sender):
        bump(using)


def connect():
    post_save.connect(_on_change, dispatch_uid="paroles-consent-epoch-save")
    post_delete.connect(_on_change, dispatch_uid="paroles-consent-epoch-delete")
    m2m_changed.connect(_on_m2m, dispatch_uid="paroles-consent-epoch-m2m")
