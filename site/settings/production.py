"""Réglages de production : DEBUG coupé, HTTPS, cookies sécurisés, HSTS."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403
from .base import env, env_bool, env_int

DEBUG = False
if not SECRET_KEY or len(SECRET_KEY) < 40:  # noqa: F405
    raise ImproperlyConfigured("DJANGO_SECRET_KEY doit être défini (au moins 40 caractères) en production.")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True

# L'aperçu de Wagtail affiche la page dans un cadre du même site : X-Frame-Options reste SAMEORIGIN
# (et la CSP dit frame-ancestors 'self'). Aucun autre site ne peut nous mettre dans un cadre.
SILENCED_SYSTEM_CHECKS = ["security.W019"]
SESSION_COOKIE_HTTPONLY = True

# Derrière nginx (deploy/nginx/paroles.conf) : nginx sert les fichiers vérifiés par la porte.
PAROLES_ACCEL_REDIRECT_PREFIX = env("PAROLES_ACCEL_REDIRECT_PREFIX", "/_protege/")
PAROLES_TRUSTED_PROXY_COUNT = env_int("PAROLES_TRUSTED_PROXY_COUNT", 1)  # nginx devant gunicorn

# Journaux : les erreurs des requêtes en production vont dans le journal de systemd (stdout).
LOGGING["loggers"]["django.request"] = {"level": "ERROR"}  # noqa: F405
