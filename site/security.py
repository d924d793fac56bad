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
