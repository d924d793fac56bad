"""La boîte à outils hors ligne : une application installable (portée /boite-a-outils/hors-ligne/), sœur du journal.

La page est une coquille sans donnée : le service worker la garde, le script demande au serveur ce que
cette personne peut prendre (exhibitions.flows.offline_sync), télécharge les fichiers PAR LA PORTE
(adresses des rendus et des pistes, canal « téléchargement par les animateurs »), les garde dans le
stockage de l'application (Cache Storage) et, à chaque synchronisation, efface ce qui n'est plus permis.

CSRF : comme le journal, l'API est authentifiée par la session ; le script demande un jeton frais à
api/session/ avant chaque envoi (le cookie CSRF n'est pas lisible en production).
"""

import json

from csp.decorators import csp_update
from django.conf import settings
from django.contrib.auth import logout as auth_logout
from django.http import JsonResponse
from django.middleware.csrf import get_token
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from paroles import offline as offline_shell

from ..flows.offline_sync import max_days, sync

# Posé par toute déconnexion des animateurs : à sa prochaine ouverture, même sans réseau, l'application hors ligne
# efface tout ce qu'elle garde (le cookie de session, illisible par le script, ne permet pas de le savoir).
WIPE_COOKIE = "paroles_hors_ligne_effacer"

# Changez ce numéro quand la coquille change : le service worker renouvelle alors son cache.
SHELL_VERSION = "3"  # 2 : la coquille commune ; 3 : copies gardées rangées sous le chemin du fichier, sans jeton
THEME_COLOR = "#7a3b1d"
# Taille des tranches téléchargées (requêtes Range) : une coupure ne fait perdre que la tranche en cours.
CHUNK_BYTES = 512 * 1024


def _no_store(response):
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@csp_update({"media-src": ["blob:"]})  # lecture des copies gardées (Blob) et de leurs sous-titres
def app(request):
    from communication.models import GROUP_FIELDS, SEX_AGE_FIELDS, Screening

    def fields(names):
        return [(n, Screening._meta.get_field(n).verbose_name) for n in names]

    response = TemplateResponse(request, "exhibitions/offline/app.html", {
        "shell_version": SHELL_VERSION,
        "chunk_bytes": CHUNK_BYTES,
        "max_days": max_days(),
        "wipe_cookie": WIPE_COOKIE,
        "theme_color": THEME_COLOR,
        "sex_age_fields": fields(SEX_AGE_FIELDS),
        "group_fields": fields(GROUP_FIELDS),
    })
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def manifest(request):
    return offline_shell.manifest_response(
        name=_("Boîte à outils hors ligne · Paroles"),
        short_name=_("Boîte à outils"),
        description=_("Les capsules, extraits et guides des causeries, gardés sur le téléphone pour les montrer sans réseau."),
        scope=reverse("exhibitions:offline"),
        theme_color=THEME_COLOR,
        icons=[("communication/img/icon-192.png", "192x192", "image/png"),
               ("communication/img/icon-512.png", "512x512", "image/png")],
    )


@require_GET
def service_worker(request):
    scope = reverse("exhibitions:offline")
    return offline_shell.service_worker_response(
        app_name=_("Boîte à outils hors ligne"), scope=scope, sw_url=reverse("exhibitions:offline_sw"),
        cache_prefix="paroles-horsligne-coquille-", version=SHELL_VERSION,
        precache=offline_shell.precache_urls(scope, reverse("exhibitions:offline_manifest"), [
            "exhibitions/offline/offline.js", "exhibitions/offline/offline.css", "communication/img/icon-192.png",
        ]),
    )


@never_cache
@require_GET
def api_session(request):
    if not request.user.is_authenticated:
        return JsonResponse({"authenticated": False, "login_url": reverse("exhibitions:login")})
    return JsonResponse({"authenticated": True, "csrf_token": get_token(request), "user": {"id": request.user.pk}})


@never_cache
@require_POST
def api_sync(request):
    try:
        payload = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        payload = None
    if payload is None and request.user.is_authenticated:
        return _no_store(JsonResponse({"status": "refused", "message": _("Demande illisible (JSON invalide).")}, status=400))
    outcome = sync(request.user, payload)
    return _no_store(JsonResponse(outcome.body, status=outcome.http_status))


def mark_wipe(response):
    response.set_cookie(WIPE_COOKIE, "1", max_age=365 * 24 * 3600, samesite="Lax", secure=settings.SESSION_COOKIE_SECURE)
    response["Clear-Site-Data"] = '"cache"'
    return response


@require_POST
def logout(request):
    """Déconnexion : la session se ferme et le navigateur vide son cache HTTP pour le site.

    Les copies gardées (Cache Storage, IndexedDB de cette application) sont effacées par le script AVANT cet
    appel. « Clear-Site-Data: "storage" » n'est pas envoyé : il viderait aussi, pour tout le site, les fiches
    du journal des projections pas encore envoyées.
    """
    auth_logout(request)
    return _no_store(mark_wipe(JsonResponse({"status": "logged_out"})))
