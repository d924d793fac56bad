"""Réglages d'une instance réelle lancée par la suite de pannes (tests/faults) : base SQLite sur disque
(DATABASE_URL), vraie file en base, fichiers dans PAROLES_DATA_DIR, signes de vie courts."""

import os

from paroles.settings.base import *  # noqa: F401,F403

SECRET_KEY = "pannes-seulement-pas-un-secret-" + "x" * 20  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AXES_ENABLED = False
PAROLES_AUTO_TRANSCRIBE = False
PAROLES_WORKER_HEARTBEAT = int(os.environ.get("PAROLES_WORKER_HEARTBEAT", "1"))
PAROLES_WORKER_DEAD_AFTER = int(os.environ.get("PAROLES_WORKER_DEAD_AFTER", "5"))
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
