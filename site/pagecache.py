"""Cache des pages publiques rendues, sûr pour le consentement (`PageCacheMiddleware`).

Une page rendue est gardée dans le cache `pages` (partagé : en base par défaut, Redis si `PAROLES_REDIS_URL`)
sous une clé faite de tout ce dont sa sortie dépend :

- méthode GET/HEAD, schéma, hôte (site Wagtail), chemin ET chaîne de requête, langue active ;
- qui demande : « anonyme », ou le compte, ses rôles (groupes) et ses organisations partenaires
  (`policy.organisations`) ; les pages d'un·e connecté·e affichent son nom, d'où le compte dans la clé ;
- l'empreinte du cookie CSRF (un jeton CSRF dans une page ne vaut que pour ce cookie) ;
- l'**époque du consentement** (`consent.epoch`) : l'entrée porte l'époque lue au début de la requête qui l'a
  rendue et n'est servie que si c'est toujours l'époque courante. Tout changement qui peut modifier une
  réponse d'accès change l'époque ; l'entrée meurt aussi au prochain changement « de lui-même » (expiration
  d'un consentement, dates d'une exposition, majorité d'un·e mineur·e : `consent.epoch.timeout_for`).

Jamais gardés : autre chose qu'un 200 en `text/html`, une réponse en flux (fichiers), une réponse qui pose un
cookie ou dont le jeton CSRF vient d'un cookie neuf (un jeton tiré du cookie que le navigateur envoie déjà est
gardé pour ce seul cookie), une réponse `Vary` sur autre chose que le cookie ou la langue, les chemins
de `PAROLES_PAGE_CACHE_EXCLUDE` (administration, fichiers, envois, API, hors ligne…), une page Wagtail protégée
(restriction de vue : `site/wagtail_hooks.py`), une requête qui porte des messages à afficher ou une
autorisation HTTP. Les réponses gardées gardent leurs propres en-têtes
(`Cache-Control: private, …`) : ce cache est côté serveur, ni un proxy ni un navigateur ne les resservent.

Deux places, une seule règle :

- `FastPageCacheMiddleware`, en tête de MIDDLEWARE : l'anonyme sans cookie de session (presque tout le public)
  est servi avant la session, l'authentification, le CSRF et la résolution d'URL, en UNE lecture du cache
  (époque + entrée) ; l'entrée garde la réponse complète, en-têtes de tous les intergiciels compris.
- `PageCacheMiddleware`, juste après `AdminSecurityMiddleware` (l'utilisateur est connu, la session inactive
  est déjà fermée) : les connecté·es et les anonymes qui ont une session ; les intergiciels extérieurs
  (session, CSRF, sécurité, CSP) s'appliquent à chaque réponse, servie depuis le cache ou non.

`X-Paroles-Cache: HIT` / `MISS` le dit.
"""

import hashlib

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpResponse
from django.utils import translation
from django.utils.cache import cc_delim_re

from consent import epoch
from consent.policy import policy

ALLOWED_VARY = {"cookie", "accept-language"}
HEADER = "X-Paroles-Cache"


def _identity(user):
    """Qui demande : « anonyme », ou le compte (et ses drapeaux, lus sur l'objet déjà chargé : aucune requête).

    Le compte suffit : une entrée ne sert que sous l'époque qui l'a rendue, et tout changement de rôle
    (groupes, permissions des groupes), d'organisation (membres d'une organisation partenaire) ou du compte
    lui-même change l'époque (`consent.epoch`, signaux `post_save` / `m2m_changed` sur `auth` et
    `media_library`). Lire les groupes et les organisations à chaque requête coûtait deux requêtes SQL par page
    servie depuis le cache, sans rien ajouter à l'exactitude (test : un rôle ou une organisation retiré·e est
    effectif à la requête suivante)."""
    if not (user and user.is_authenticated):
        return "anonyme"
    return f"u{user.pk}|su{int(user.is_superuser)}|a{int(user.is_active)}"


def cache_key(request, identity=None, prefix="paroles:page:"):
    csrf = request.COOKIES.get(settings.CSRF_COOKIE_NAME, "")
    if identity is None:
        identity = _identity(getattr(request, "user", None))
    parts = [
        request.method if request.method == "GET" else "GET",  # HEAD lit l'entrée de GET
        request.scheme, request.get_host(), request.path, request.META.get("QUERY_STRING", ""),
        translation.get_language() or "", identity,
        hashlib.sha256(csrf.encode()).hexdigest() if csrf else "",
    ]
    return prefix + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _has_pending_messages(request):
    if CookieStorage.cookie_name in request.COOKIES:
        return True
    if settings.SESSION_COOKIE_NAME in request.COOKIES and hasattr(request, "session"):
        return bool(request.session.get("_messages"))
    return False


def _eligible_request(request):
    if not settings.PAROLES_PAGE_CACHE or request.method not in ("GET", "HEAD"):
        return False
    if request.META.get("HTTP_AUTHORIZATION"):
        return False
    path = request.path_info
    if any(path.startswith(prefix) for prefix in settings.PAROLES_PAGE_CACHE_EXCLUDE):
        return False
    return not _has_pending_messages(request)


def _storable(request, response):
    if request.method != "GET" or response.status_code != 200 or response.streaming:
        return False
    if not response.get("Content-Type", "").startswith("text/html"):
        return False
    if response.cookies:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        # La page porte un jeton CSRF : gardée seulement s'il dérive du cookie que ce navigateur a déjà (la clé
        # contient l'empreinte de ce cookie) ; un jeton neuf (nouveau cookie à poser) ne l'est jamais.
        sent = request.COOKIES.get(settings.CSRF_COOKIE_NAME)
        if not sent or request.META.get("CSRF_COOKIE") != sent:
            return False
    if getattr(response, "paroles_no_page_cache", False) or getattr(request, "paroles_no_page_cache", False):
        return False
    vary = {v.strip().lower() for v in cc_delim_re.split(response.get("Vary", "")) if v.strip()}
    if vary - ALLOWED_VARY:
        return False
    storage = getattr(request, "_messages", None)
    if storage is not None and (storage.used or getattr(storage, "_queued_messages", None)):
        return False
    return True


def is_restricted(page, request):
    """La page (ou un ancêtre) a-t-elle une restriction de vue ? Seulement quand le cache est allumé ; la liste
    des chemins protégés est gardée sous l'époque de la requête (une restriction enregistrée change l'époque)."""
    current = getattr(request, "paroles_epoch", None)
    if not settings.PAROLES_PAGE_CACHE or current is None:
        return False
    key = f"paroles:pages-protegees:{current}"
    paths = epoch.cache().get(key)
    if paths is None:
        from wagtail.models import PageViewRestriction

        paths = list(PageViewRestriction.objects.values_list("page__path", flat=True))
        epoch.cache().set(key, paths, settings.PAROLES_PAGE_CACHE_SECONDS)
    return any(page.path.startswith(path) for path in paths)


def _hit(entry):
    response = HttpResponse(entry["content"], status=entry["status"])
    for name, value in entry["headers"]:
        response[name] = value
    response[HEADER] = "HIT"
    return response


def _store(request, response, key, current):
    if _storable(request, response):
        timeout = epoch.timeout_for(current)
        if timeout > 0:
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            headers = [(k, v) for k, v in response.items() if k.lower() != HEADER.lower()]
            epoch.cache().set(key, {"epoch": current, "status": response.status_code, "headers": headers,
                                     "content": response.content}, timeout)
    response[HEADER] = "MISS"
    return response


def _fast_eligible(request):
    """Anonyme sans session : rien de ce que les intergiciels feraient ne dépend de qui demande."""
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or CookieStorage.cookie_name in cookies:
        return False
    return _eligible_request(request)


class FastPageCacheMiddleware:
    """Le chemin court d'une page gardée, en TÊTE de MIDDLEWARE : pour un GET/HEAD anonyme sans cookie de
    session ni de messages, une seule lecture du cache (l'époque et l'entrée ensemble, `epoch.current_and` :
    une requête SQL, un MGET Redis) sert la réponse COMPLÈTE, en-têtes des autres intergiciels compris
    (sécurité, CSP, Cache-Control, Content-Length), sans session, authentification ni résolution d'URL.

    Exact parce que, sans cookie de session, ces intergiciels répondent la même chose à la même clé : aucun
    compte (AnonymousUser), aucun message, aucune session à lire ; la réponse gardée est celle qu'ils ont
    produite pour une requête de même clé (schéma, hôte, chemin, requête, langue, empreinte du cookie CSRF).
    Une réponse qui pose un cookie (jeton CSRF neuf, session créée) n'est jamais gardée. Les entrées vivent
    sous un préfixe à part : `PageCacheMiddleware` (dans la chaîne) ne sert jamais une réponse complète, ni
    celui-ci une réponse partielle."""

    PREFIX = "paroles:page:w:"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _fast_eligible(request):
            return self.get_response(request)
        key = cache_key(request, identity="anonyme", prefix=self.PREFIX)
        current, entry = epoch.current_and(key)
        if entry is not None and entry.get("epoch") == current:
            return _hit(entry)
        request.paroles_epoch = current
        epoch.note_request_epoch(current)
        request.paroles_fast_cache = True  # PageCacheMiddleware laisse passer : la réponse complète est gardée ici
        response = self.get_response(request)
        return _store(request, response, key, current)


class PageCacheMiddleware:
    """Dans la chaîne, après la session et l'authentification : les connecté·es (clé : le compte) et les
    anonymes qui ont une session. Les en-têtes des intergiciels extérieurs s'appliquent à chaque réponse."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if getattr(request, "paroles_fast_cache", False) or not _eligible_request(request):
            return self.get_response(request)
        key = cache_key(request)
        current, entry = epoch.current_and(key)
        if entry is not None and entry.get("epoch") == current:
            return _hit(entry)
        request.paroles_epoch = current
        epoch.note_request_epoch(current)
        response = self.get_response(request)
        return _store(request, response, key, current)


class SiteMemoMiddleware:
    """Le site Wagtail de la requête (hôte, port) et sa page racine, gardés sous l'époque du consentement
    (`consent.epoch.memo` : un site ou une page enregistré·e change l'époque) : Wagtail les relisait à chaque
    requête (trois lectures : le site, la racine, sa forme précise). Seulement pour GET/HEAD (le mémo ne sert
    qu'à eux) et hors des chemins de `PAROLES_PAGE_CACHE_EXCLUDE` (administration, fichiers, API, catalogue
    JavaScript… : ils lisent le site eux-mêmes s'ils en ont besoin) ; Wagtail lit `request._wagtail_site` s'il
    est posé."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (request.method in ("GET", "HEAD") and not hasattr(request, "_wagtail_site")
                and not any(request.path_info.startswith(p) for p in settings.PAROLES_PAGE_CACHE_EXCLUDE)):
            from wagtail.models import Site

            key = ("site", request._get_raw_host(), request.get_port())
            request._wagtail_site = epoch.memo(key, lambda: find_site(request))
        return self.get_response(request)


def find_site(request):
    """`Site._find_for_request(request)` (même choix que `wagtail.models.sites.get_site_for_hostname`), avec la
    forme précise de sa page racine lue dans la MÊME requête (jointures vers les tables des types de pages) :
    Wagtail la relisait ensuite (`root_page.specific`), une requête de plus à chaque mémo vide."""
    from django.db.models import Case, IntegerField, Q, When
    from django.http.request import split_domain_port
    from wagtail.models import Page, Site
    from wagtail.models.sites import MATCH_DEFAULT, MATCH_HOSTNAME, MATCH_HOSTNAME_DEFAULT, MATCH_HOSTNAME_PORT

    hostname = split_domain_port(request._get_raw_host())[0]
    port = request.get_port()
    children = [rel.get_accessor_name() for rel in Page._meta.related_objects if rel.one_to_one and rel.parent_link]
    sites = list(
        Site.objects.annotate(match=Case(
            When(hostname=hostname, port=port, then=MATCH_HOSTNAME_PORT),
            When(hostname=hostname, is_default_site=True, then=MATCH_HOSTNAME_DEFAULT),
            When(is_default_site=True, then=MATCH_DEFAULT),
            default=MATCH_HOSTNAME,
            output_field=IntegerField(),
        ))
        .filter(Q(hostname=hostname) | Q(is_default_site=True))
        .order_by("match")
        .select_related("root_page", *(f"root_page__{name}" for name in children))
    )
    site = None
    if sites:
        if len(sites) == 1 or sites[0].match in (MATCH_HOSTNAME_PORT, MATCH_HOSTNAME_DEFAULT):
            site = sites[0]
        elif sites[0].match == MATCH_DEFAULT:
            site = sites[len(sites) == 2]
    if site is not None:
        root = site.root_page
        specific_class = root.specific_class
        for name in children:
            child = getattr(root, name, None) if root.__class__ is Page else None
            if child is not None and child.__class__ is specific_class:
                site.root_page = child
                break
    return site
