"""Sécurité des requêtes : CSP par zone, expiration de session par inactivité, double authentification.

- `ScopedCSPMiddleware` : la CSP stricte de CONTENT_SECURITY_POLICY partout (aucun script en ligne),
  sauf sous PAROLES_ADMIN_CSP_PREFIXES (l'administration Wagtail), qui reçoit PAROLES_ADMIN_CSP.
  Les fichiers servis par la porte gardent leur propre CSP « sandbox » (en-tête déjà posé).
- `AdminSecurityMiddleware` : déconnecte après PAROLES_IDLE_TIMEOUT secondes sans requête, et
  exige le code de double authentification d'un membre de l'équipe qui a un appareil TOTP.
"""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from csp.middleware import CSPMiddleware

LAST_ACTIVITY_KEY = "paroles_last_activity"


class ScopedCSPMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and parts.config is None and is_admin_path(request.path_info):
            parts.config = settings.PAROLES_ADMIN_CSP
        return parts


def is_admin_path(path):
    return path.startswith(tuple(getattr(settings, "PAROLES_ADMIN_CSP_PREFIXES", ["/admin/"])))


def user_has_device(user):
    from django_otp import user_has_device as _has

    return _has(user, confirmed=True)


def needs_otp(user):
    """Vrai si cet utilisateur connecté doit encore saisir son code (ou configurer un appareil)."""
    if not user.is_authenticated or getattr(user, "is_verified", lambda: True)():
        return False
    if user_has_device(user):
        return True
    return settings.PAROLES_REQUIRE_2FA and (user.is_staff or user.is_superuser or user.has_perm("wagtailadmin.access_admin"))


def _login_redirect(request):
    url = reverse("wagtailadmin_login")
    return redirect(f"{url}?{urlencode({'next': request.get_full_path()})}")


class AdminSecurityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response = self._check_idle(request)
            if response is None and is_admin_path(request.path_info):
                response = self._check_otp(request)
            if response is not None:
                return response
        return self.get_response(request)

    def _check_idle(self, request):
        now = time.time()
        last = request.session.get(LAST_ACTIVITY_KEY)
        timeout = settings.PAROLES_IDLE_TIMEOUT
        if timeout and last is not None and now - float(last) > timeout:
            logout(request)
            messages.warning(request, _("Votre session a expiré après une période d'inactivité. Reconnectez-vous."))
            return _login_redirect(request)
        # Une écriture au plus par minute : inutile de sauver la session à chaque requête.
        if last is None or now - float(last) > 60:
            request.session[LAST_ACTIVITY_KEY] = now
        return None

    def _check_otp(self, request):
        exempt = (
            reverse("wagtailadmin_login"),
            reverse("wagtailadmin_logout"),
            reverse("paroles_otp_verify"),
            reverse("paroles_otp_setup"),
            reverse("wagtailadmin_javascript_catalog"),
            reverse("wagtailadmin_sprite"),
        )
        if request.path_info.startswith(exempt):
            return None
        if not needs_otp(request.user):
            return None
        target = "paroles_otp_verify" if user_has_device(request.user) else "paroles_otp_setup"
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")


def lockout_response(request, original_response=None, credentials=None):
    """Réponse de django-axes quand un couple identifiant + adresse est bloqué (message en français)."""
    from django.template.response import TemplateResponse

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60) if settings.AXES_COOLOFF_TIME else 0
    response = TemplateResponse(
        request,
        "paroles/security/lockout.html",
        {"failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
    return response.render()


class RevalidateMiddleware:
    """Toute réponse qui n'a pas déjà sa politique de cache est « private, no-cache » : une page peut montrer
    une œuvre dont le consentement est retiré la minute suivante ; ni un proxy ni le navigateur ne doivent
    la resservir sans redemander au site (qui repasse alors par la vérification d'accès). Les fichiers
    statiques (sans rapport avec une œuvre) gardent leur propre politique."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control") and not request.path_info.startswith(settings.STATIC_URL):
            response["Cache-Control"] = "private, no-cache"
        return response


def upload_limit_message():
    return _("Envoi refusé : la requête (%(size)s) dépasse la taille maximale d'un fichier (%(limit)s). "
             "Réduisez le fichier ou découpez-le, puis réessayez.")


class RequestSizeLimitMiddleware:
    """Refuse par un 413 en français toute requête dont la taille déclarée (Content-Length) dépasse
    PAROLES_MAX_UPLOAD_SIZE (plus une marge pour les champs), avant qu'un autre intergiciel (CSRF, qui lit
    request.POST) ou une vue ne lise le corps. Placé en tête de MIDDLEWARE.

    Sans taille déclarée (envoi par morceaux), le gestionnaire de téléversement coupe au-delà de la limite
    (media_library.uploads) ; un StopUpload qui s'échapperait encore donne aussi ce 413, jamais un 500.
    """

    MARGIN = 1024 * 1024

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > settings.PAROLES_MAX_UPLOAD_SIZE + self.MARGIN:
            return self.too_large(request, declared)
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.core.files.uploadhandler import StopUpload

        if isinstance(exception, StopUpload):
            return self.too_large(request, None)
        return None

    @staticmethod
    def too_large(request, declared):
        from django.http import HttpResponse, JsonResponse
        from django.template.defaultfilters import filesizeformat

        message = upload_limit_message() % {
            "size": filesizeformat(declared) if declared else _("taille inconnue"),
            "limit": filesizeformat(settings.PAROLES_MAX_UPLOAD_SIZE),
        }
        wants_json = "json" in request.META.get("HTTP_ACCEPT", "") or "json" in request.META.get("CONTENT_TYPE", "")
        if wants_json or request.path_info.startswith(("/admin/", "/journal/api/")):
            response = JsonResponse({"ok": False, "error": message}, status=413,
                                    json_dumps_params={"ensure_ascii": False})
        else:
            from django.utils.html import escape

            response = HttpResponse(
                f'<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>{escape(_("Envoi trop volumineux"))}'
                f"</title></head><body><main><h1>{escape(_('Envoi trop volumineux'))}</h1><p>{escape(message)}</p>"
                "</main></body></html>",
                status=413, content_type="text/html; charset=utf-8",
            )
        return response


def client_ip(request):
    """Adresse du client pour la limitation des connexions (django-axes, AXES_CLIENT_IP_CALLABLE).

    Derrière PAROLES_TRUSTED_PROXY_COUNT mandataires de confiance (nginx : `X-Forwarded-For
    $proxy_add_x_forwarded_for`), la chaîne « X-Forwarded-For puis REMOTE_ADDR » se termine par ces N
    mandataires : le client est l'adresse juste avant eux. Ce qu'un client écrit lui-même dans
    X-Forwarded-For est plus à gauche et n'est jamais cru. Sans mandataire (N = 0) : REMOTE_ADDR.

    django-ipware ne convient pas ici : son `proxy_count` compte les mandataires inscrits DANS
    l'en-tête, alors que nginx y inscrit le client et se met dans REMOTE_ADDR ; avec un en-tête forgé, il
    rend l'adresse forgée (ordre « left-most ») ou celle du mandataire (« right-most »).
    """
    import ipaddress

    remote = request.META.get("REMOTE_ADDR", "")
    count = getattr(settings, "PAROLES_TRUSTED_PROXY_COUNT", 0)
    if count <= 0:
        return remote or None
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    chain = [*forwarded, remote]
    candidate = chain[-(count + 1)] if len(chain) > count else chain[0]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote or None
