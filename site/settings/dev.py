"""Réglages de développement et de démonstration (`make run`)."""

import secrets

from .base import *  # noqa: F401,F403
from .base import DATA_DIR, env, env_bool

DEBUG = env_bool("DJANGO_DEBUG", True)

if not SECRET_KEY:  # noqa: F405
    # Une clé propre à cette installation, créée une fois et gardée dans var/.
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    _key_file = DATA_DIR / "secret_key"
    if not _key_file.exists():
        _key_file.write_text(secrets.token_urlsafe(50))
        _key_file.chmod(0o600)
    SECRET_KEY = _key_file.read_text().strip()

ALLOWED_HOSTS = ["*"] if env("DJANGO_ALLOWED_HOSTS") is None else ALLOWED_HOSTS  # noqa: F405
