"""Réglages du travailleur lancé par test_postgres_restart : ceux des travailleurs de tests (vraie file
en base, signes de vie courts), avec les fichiers du processus de test (PAROLES_TEST_MEDIA_ROOT)."""

import os
from pathlib import Path

from tests.worker_settings import *  # noqa: F401,F403

PRIVATE_MEDIA_ROOT = MEDIA_ROOT = Path(os.environ["PAROLES_TEST_MEDIA_ROOT"])
STORAGES["default"] = {  # noqa: F405
    "BACKEND": "paroles.storage.PrivateFileSystemStorage",
    "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT)},
}
