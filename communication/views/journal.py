"""Le journal des projections, formulaire installable (PWA) qui marche hors ligne.

La page est une coquille sans donnée personnelle : le service worker la garde en cache, et le
script charge les listes (organisations, supports, lieux) par l'API, puis les garde sur le
téléphone (IndexedDB) avec les fiches en attente.

CSRF : l'API d'envoi est authentifiée par la session et protégée par le jeton CSRF de Django. En
production le cookie CSRF n'est pas lisible par le script (CSRF_COOKIE_HTTPONLY) ; avant chaque
synchronisation le script demande donc un jeton frais à /journal/api/session/ (même origine,
connecté) et l'envoie dans l'en-tête X-CSRFToken. Un jeton gardé dans la page en cache ne servirait
plus après une reconnexion (Django renouvelle le secret CSRF à chaque connexion).
"""

import json

from django.contrib.auth import views as auth_views
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.template.response import TemplateResponse

from paroles import offline as offline_shell

from ..flows.record_screening import record_screening
from ..selectors import journal_options

# Changez ce numéro quand la coquille change : le service worker renouvelle alors son cache.
SHELL_VERSION = "3"  # 2 : le catalogue des textes (jsi18n) est gardé hors ligne ; 3 : la coquille commune
THEME_COLOR = "#2f6f5e"


def _login_required_json():
    return JsonResponse({"status": "login_required", "message": _("Connectez-vous pour envoyer vos fiches.")}, status=401)


@require_GET
def journal(request):
    from ..models import GROUP_FIELDS, SENSITIVE_FIELDS, SEX_AGE_FIELDS, Screening

    def fields(names):
        return [(n, Screening._meta.get_field(n).verbose_name) for n in names]

    response = TemplateResponse(request, "communication/journal.html", {
        "shell_version": SHELL_VERSION,
        "theme_color": THEME_COLOR,
        "sex_age_fields": fields(SEX_AGE_FIELDS),
        "group_fields": fields(GROUP_FIELDS),
        "sensitive_fields": fields(SENSITIVE_FIELDS),
    })
    response["Cache-Control"] = "no-cache"
    return response


class JournalLoginView(auth_views.LoginView):
    template_name = "communication/login.html"
    redirect_authenticated_user = False
    next_page = reverse_lazy("communication:journal")

    def get_default_redirect_url(self):
        return str(self.next_page)


@require_POST
def journal_logout(request):
    from django.contrib.auth import logout

    logout(request)
    return JsonResponse({"status": "logged_out"}) if request.headers.get("Accept") == "application/json" else \
        HttpResponse(status=303, headers={"Location": reverse("communication:journal")})


@require_GET
def manifest(request):
    return offline_shell.manifest_response(
        name=_("Journal des projections · Paroles"),
        short_name=_("Journal"),
        description=_("Noter chaque projection, même sans réseau ; l'envoi se fait au retour du réseau."),
        scope=reverse("communication:journal"),
        theme_color=THEME_COLOR,
        icons=[("communication/img/icon-192.png", "192x192", "image/png"),
               ("communication/img/icon-512.png", "512x512", "image/png"),
               ("communication/img/icon.svg", "any", "image/svg+xml")],
    )


@require_GET
def service_worker(request):
    """Le service worker, servi sous /journal/ pour que sa portée couvre le formulaire."""
    scope = reverse("communication:journal")
    return offline_shell.service_worker_response(
        app_name=_("Journal des projections"), scope=scope, sw_url=reverse("communication:service_worker"),
        cache_prefix="paroles-journal-", version=SHELL_VERSION,
        precache=offline_shell.precache_urls(scope, reverse("communication:manifest"), [
            "communication/journal.js", "communication/journal.css", "communication/img/icon.svg",
            "communication/img/icon-192.png",
        ]),
    )


@never_cache
@require_GET
def api_session(request):
    if not request.user.is_authenticated:
        return JsonResponse({"authenticated": False, "login_url": reverse("communication:login")})
    return JsonResponse({
        "authenticated": True,
        "csrf_token": get_token(request),
        "user": {"id": request.user.pk, "username": request.user.get_username()},
    })


@never_cache
@require_GET
def api_options(request):
    if not request.user.is_authenticated:
        return _login_required_json()
    return JsonResponse(journal_options(request.user))


@never_cache
@require_POST
def api_submit(request):
    if not request.user.is_authenticated:
        return _login_required_json()
    try:
        payload = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return JsonResponse({"status": "refused", "errors": {"__all__": [_("Fiche illisible (JSON invalide).")]}}, status=400)
    outcome = record_screening(request.user, payload)
    return JsonResponse(outcome.body, status=outcome.http_status)
