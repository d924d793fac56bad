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
- **Mémo du processus** (`memo(clé, construire)`) : ce qui ne dépend pas de qui demande (faits du
  consentement d'un lot d'œuvres, lignes des œuvres, pistes, images, menu…) est gardé dans la mémoire du
  processus tant que l'époque lue au début de la requête est la même. L'époque est donc suivie dès que le
  cache des pages OU le mémo est allumé (`tracking()`). Voir `memo`.
"""

import datetime
import threading
import time
import uuid

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.core.signals import request_finished, request_started
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


def memo_enabled():
    return getattr(settings, "PAROLES_MEMO", False)


def tracking():
    """L'époque est-elle tenue à jour ? Oui dès qu'un cache s'en sert (pages ou mémo du processus)."""
    return enabled() or memo_enabled()


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
    if not tracking():
        return
    using = using or DEFAULT_DB_ALIAS
    connection = connections[using]
    # La requête en cours a écrit : elle ne se sert plus du mémo (elle lit ce qu'elle vient d'écrire).
    if getattr(_request, "epoch", None) is not None:
        _request.epoch = None
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
# Mémo du processus : ce qui ne dépend pas de qui demande, gardé tant que l'époque ne change pas

_UNREAD = object()
_request = threading.local()  # l'époque de la requête en cours dans ce fil (lue à la première demande)
_store = {"state": None, "born": 0.0, "entries": {}}
MEMO_MAX_ENTRIES = 4000


def _request_started(sender, environ=None, **kwargs):
    # Seules les lectures (GET/HEAD) se servent du mémo : une requête qui écrit relit la base.
    method = (environ or {}).get("REQUEST_METHOD", "GET")
    _request.epoch = _UNREAD if method in ("GET", "HEAD") else None


def _request_finished(sender, **kwargs):
    _request.epoch = None


def note_request_epoch(token):
    """L'époque déjà lue par le cache des pages pour cette requête : le mémo la reprend (aucune lecture de plus)."""
    if getattr(_request, "epoch", None) is _UNREAD and token is not None:
        _request.epoch = token


def memo_clear():
    _store["state"], _store["born"], _store["entries"] = None, 0.0, {}


def memo(key, builder):
    """`builder()`, gardé dans la mémoire du processus sous `key` tant que l'époque et le jour ne changent pas.

    Règles (pour ne jamais servir un consentement périmé) :

    - seulement pendant une requête GET/HEAD : l'époque est lue UNE fois, au début (avant les données), comme
      le cache des pages ; hors requête (tâches, commandes, code de test), et quand une écriture de cette
      connexion attend sa validation, `builder()` est appelé à chaque fois ;
    - une entrée ne sert qu'à une requête qui a lu la même époque : tout changement qui peut modifier une
      réponse d'accès (retrait, consentement, œuvre, fichier, piste, page…) change l'époque, donc vide le mémo
      à la requête suivante, dans chaque processus ;
    - ce qui change tout seul : les règles raisonnent au jour près et `next_change` tombe toujours à minuit
      (un consentement qui expire, une exposition qui ferme, un·e mineur·e qui devient majeur·e) ; le jour
      local fait partie de l'état du mémo, qui est donc vidé au premier instant où une réponse peut changer
      d'elle-même, sans les lectures de `next_change` ; plafond de vie `PAROLES_PAGE_CACHE_SECONDS` en plus ;
    - `builder` ne dépend pas de qui demande : les décisions (qui voit quoi) sont prises par la politique à
      chaque requête, sur ces faits. Ce qu'il rend est partagé entre requêtes : on le lit, on ne le modifie
      pas.
    """
    token = getattr(_request, "epoch", None)
    if token is None or not memo_enabled():
        return builder()
    connection = connections[DEFAULT_DB_ALIAS]
    if token is _UNREAD:
        token = _request.epoch = current()
    if getattr(connection, _DIRTY, False) and connection.in_atomic_block:
        return builder()  # cette requête a écrit : la suite de la requête lit la base
    state = (token, timezone.localdate())
    now = time.monotonic()
    if (_store["state"] != state or now - _store["born"] > settings.PAROLES_PAGE_CACHE_SECONDS
            or len(_store["entries"]) > MEMO_MAX_ENTRIES):
        _store["state"], _store["born"], _store["entries"] = state, now, {}
    entries = _store["entries"]
    try:
        return entries[key]
    except KeyError:
        pass
    value = builder()
    if _store["state"] == state:  # (un autre fil a pu passer à une autre époque entre-temps)
        entries[key] = value
    return value


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
    request_started.connect(_request_started, dispatch_uid="paroles-consent-epoch-request")
    request_finished.connect(_request_finished, dispatch_uid="paroles-consent-epoch-request-end")
