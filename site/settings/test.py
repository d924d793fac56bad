"""Réglages des tests : hachage rapide, cache locmem, MEDIA temporaire, tâches immédiates."""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F401,F403
from .base import env

SECRET_KEY = "tests-seulement-pas-un-secret"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

_TMP = Path(tempfile.mkdtemp(prefix="paroles-tests-"))
PRIVATE_MEDIA_ROOT = _TMP / "private"
MEDIA_ROOT = PRIVATE_MEDIA_ROOT
STATIC_ROOT = _TMP / "static"
if not os.environ.get("AWS_STORAGE_BUCKET_NAME"):
    STORAGES["default"] = {  # noqa: F405
        "BACKEND": "paroles.storage.PrivateFileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT)},
    }

if not env("DATABASE_URL"):
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}

TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["default", "media", "transcription"],
    }
}
# « shared » est en base hors des tests (voir base.py) ; ici en mémoire, pour les tests sans base.
# tests/test_zip_crc_cache.py le remet en base pour vérifier le partage.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
          "shared": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "shared"},
          "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"}}
# Cache des pages : coupé par défaut ; `PAROLES_PAGE_CACHE=1` relance la suite du consentement et la matrice
# avec lui (make test, .ci/run). Vidé avant chaque test (conftest.py).
PAROLES_PAGE_CACHE = env("PAROLES_PAGE_CACHE", "0").strip().lower() in {"1", "true", "yes", "on", "oui"}
# Mémo du processus : allumé comme en production (PAROLES_MEMO=0 pour le couper) ; vidé avant chaque test.
PAROLES_MEMO = env("PAROLES_MEMO", "1").strip().lower() in {"1", "true", "yes", "on", "oui"}
LOGGING["root"]["level"] = "WARNING"  # noqa: F405

AXES_ENABLED = False  # limitation des connexions : testée à part (tests/test_security.py)

PAROLES_AUTO_TRANSCRIBE = False  # transcription : pas de Whisper implicite à chaque fichier de test
