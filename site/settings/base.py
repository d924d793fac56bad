"""Réglages communs. Tout vient de l'environnement, avec des valeurs par défaut sûres.

Chaque variable lue ici figure dans le tableau « Configuration » du README.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent  # racine du dépôt
SITE_DIR = BASE_DIR / "site"


def env(name, default=None):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "oui"}


def env_int(name, default):
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} doit être un entier (reçu : {value!r})") from exc


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Dossier des données locales : base SQLite, fichiers privés, modèles, sauvegardes.
DATA_DIR = Path(env("PAROLES_DATA_DIR", str(BASE_DIR / "var"))).resolve()

DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = env("DJANGO_SECRET_KEY", "")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    # Nos applications d'abord : leurs gabarits priment sur ceux de Wagtail.
    "paroles",
    "media_library",
    "consent",
    "transcription",
    "exhibitions",
    "communication",
    "interop",
    "iiif",
    "demo",  # l'archive de démonstration : commande load_demo (make run)
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    # Pas de wagtail.documents : ses documents échapperaient aux contrôles de téléversement, au stockage
    # privé et à la porte. Tout fichier est l'original d'une œuvre (media_library), servi par la porte.
    "consent.images_app.WagtailImagesUnderConsentConfig",  # wagtail.images, sa politique sous le consentement
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # Tâches de fond (API Django Tasks, file d'attente en base)
    "django_tasks",
    "django_tasks_db",
    # Django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "paroles.security.RequestSizeLimitMiddleware",  # 413 avant que quiconque lise un corps trop gros
    "paroles.security.RevalidateMiddleware",  # pages : jamais resservies sans revérifier le consentement
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "consent.audit.CurrentUserMiddleware",  # journal d'audit du consentement : qui a fait le changement
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "paroles.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SITE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

WSGI_APPLICATION = "paroles.wsgi.application"

# Base de données : SQLite embarquée par défaut, PostgreSQL via DATABASE_URL.
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{DATA_DIR / 'paroles.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL : lectures concurrentes pendant qu'un travailleur écrit. Attente du verrou jusqu'à 30 s
    # (busy timeout). IMMEDIATE : une transaction prend le verrou d'écriture dès son début ; sinon une
    # lecture qui devient écriture échoue aussitôt (« database is locked ») sans attendre le délai.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", "timeout": 30,
         "transaction_mode": "IMMEDIATE"}
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and not env_bool("PAROLES_PG_JIT", False):
    # JIT coupé par connexion : le filtre SQL du consentement (sous-requêtes corrélées) dépasse le seuil de coût
    # de la compilation JIT, qui coûtait alors 7 s sur 8 au plan du site (5 000 œuvres, PostgreSQL 15) pour
    # des requêtes qui s'exécutent en ~100 ms sans elle. PAROLES_PG_JIT=1 la rend (mesure).
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = (_options.get("options", "") + " -c jit=off").strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Langues : le français d'abord. Les contenus existent aussi en bambara (bm).
LANGUAGE_CODE = "fr"
# L'interface n'est offerte que dans les langues dont elle a un catalogue complet (site/locale/<langue>) :
# le français. Les contenus (titres, sous-titres) gardent leurs champs bambara et anglais.
LANGUAGES = [("fr", "Français")]
LOCALE_PATHS = [SITE_DIR / "locale"]
TIME_ZONE = env("PAROLES_TIME_ZONE", "Africa/Bamako")
USE_I18N = True
USE_TZ = True
WAGTAILADMIN_PERMITTED_LANGUAGES = [("fr", "Français")]
WAGTAIL_I18N_ENABLED = False
WAGTAIL_CONTENT_LANGUAGES = [("fr", "Français")]

# Fichiers statiques : servis par le site lui-même (aucun CDN).
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [SITE_DIR / "static"]

# Fichiers des œuvres : stockage PRIVÉ. Aucun MEDIA_URL n'est servi ; chaque octet passe par
# la porte (media_library.gate). En local, les fichiers sont hors de toute racine web.
PRIVATE_MEDIA_ROOT = Path(env("PAROLES_PRIVATE_MEDIA_ROOT", str(DATA_DIR / "private"))).resolve()
MEDIA_ROOT = PRIVATE_MEDIA_ROOT
MEDIA_URL = "/media-non-servi/"  # jamais routé : toute URL de fichier passe par la porte

AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", "")
if AWS_STORAGE_BUCKET_NAME:
    _private_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env("AWS_S3_ENDPOINT_URL") or None,
            "region_name": env("AWS_S3_REGION_NAME") or None,
            "access_key": env("AWS_ACCESS_KEY_ID") or None,
            "secret_key": env("AWS_SECRET_ACCESS_KEY") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": env_int("AWS_QUERYSTRING_EXPIRE", 60),
            "file_overwrite": False,
            "signature_version": "s3v4",
            "addressing_style": env("AWS_S3_ADDRESSING_STYLE", "path"),
        },
    }
else:
    _private_storage = {
        "BACKEND": "paroles.storage.PrivateFileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT)},
    }
STORAGES = {
    "default": _private_storage,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Fichiers téléversés : écrits sur disque au fil de l'eau, jamais lus entièrement en mémoire.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_TEMP_DIR = env("PAROLES_UPLOAD_TEMP_DIR") or None
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750
FILE_UPLOAD_HANDLERS = ["media_library.uploads.HashingTemporaryFileUploadHandler"]
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000
PAROLES_MAX_UPLOAD_SIZE = env_int("PAROLES_MAX_UPLOAD_SIZE", 4 * 1024**3)  # 4 Gio
# Envoi ODK/KoBo (fiche + pièces jointes) : au-delà, ODK Collect découpe l'envoi (X-OpenRosa-Accept-Content-Length).
PAROLES_ODK_MAX_SUBMISSION_SIZE = env_int("PAROLES_ODK_MAX_SUBMISSION_SIZE", 10 * 1024**2)
# Interfaces des partenaires (interop/) : éditeur IATI, contact OAI-PMH.
PAROLES_IATI_ORG_REF = env("PAROLES_IATI_ORG_REF", "")
PAROLES_IATI_ORG_NAME = env("PAROLES_IATI_ORG_NAME", "")
PAROLES_OAI_ADMIN_EMAIL = env("PAROLES_OAI_ADMIN_EMAIL", "")

# La porte : derrière nginx, X-Accel-Redirect vers un emplacement « internal ».
PAROLES_ACCEL_REDIRECT_PREFIX = env("PAROLES_ACCEL_REDIRECT_PREFIX", "")

# Tâches de fond : API Django Tasks, dorsal en base (django-tasks-db).
TASKS = {
    "default": {
        "BACKEND": env("PAROLES_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default", "media", "transcription"],
    }
}

# Wagtail
WAGTAIL_SITE_NAME = "Paroles"
# Adresse publique du site : liens des courriels et QR codes imprimés (l'administration avertit quand
# elle désigne cette machine seule, localhost ou 127.0.0.1).
PAROLES_BASE_URL = env("PAROLES_BASE_URL", "http://127.0.0.1:8000")
WAGTAILADMIN_BASE_URL = PAROLES_BASE_URL
# Sur PostgreSQL, racines françaises (« femmes » trouve « femme ») ; SQLite ignore ce réglage. Les formes
# sans accents ni ponctuation sont indexées à part (media_library/search.py).
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database", "SEARCH_CONFIG": "french"}}
WAGTAILIMAGES_MAX_UPLOAD_SIZE = PAROLES_MAX_UPLOAD_SIZE
WAGTAILIMAGES_FORMAT_CONVERSIONS = {"avif": "webp", "heic": "jpeg"}
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp", "tif", "tiff"]
WAGTAIL_ALLOW_UNICODE_SLUGS = True
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_GRAVATAR_PROVIDER_URL = None  # aucun avatar demandé à gravatar.com : rien ne sort vers Internet
WAGTAIL_USAGE_COUNT_ENABLED = True
# L'enregistrement automatique de Wagtail 8 (toutes les 500 ms par défaut) envoie le formulaire de création
# pendant que la personne clique « Publier » : deux POST se croisent, la seconde page porte le même slug et la
# publication répond 500 (vu dans la CI, machine chargée). Coupé par défaut ; PAROLES_AUTOSAVE_MS le rallume.
WAGTAIL_AUTOSAVE_INTERVAL = env_int("PAROLES_AUTOSAVE_MS", 0)
WAGTAILADMIN_RECENT_EDITS_LIMIT = 5

LOGIN_URL = "wagtailadmin_login"
LOGIN_REDIRECT_URL = "wagtailadmin_home"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("PAROLES_SESSION_AGE", 8 * 3600)
# Durée de vie des adresses de fichiers qu'une surface émet pour un canal autre que le site web (musée,
# partenaires, archive interne) : rejouée plus tard, l'adresse ne vaut plus que pour le site web public.
PAROLES_FILE_LINK_SECONDS = env_int("PAROLES_FILE_LINK_SECONDS", 4 * 3600)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "SAMEORIGIN"
SECURE_REFERRER_POLICY = "same-origin"

# « default » : cache de chaque processus (Wagtail). « shared » : cache en base, commun à tous les processus
# et à toutes les machines, qui survit aux redémarrages (CRC du zip de la boîte à outils). Sa table se crée
# par `manage.py createcachetable` (make run, mise à jour : docs/deploy.md).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "shared": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "paroles_cache",
        "TIMEOUT": 30 * 24 * 3600,
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    },
    # Pages publiques rendues et époque du consentement (paroles.pagecache, consent.epoch) : partagé par tous
    # les processus et toutes les machines. En base (table créée par `migrate`) ; Redis si PAROLES_REDIS_URL.
    "pages": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "paroles_page_cache",
        "TIMEOUT": 600,
        "OPTIONS": {"MAX_ENTRIES": 50_000},
    },
}
PAROLES_REDIS_URL = env("PAROLES_REDIS_URL", "")
if PAROLES_REDIS_URL:
    CACHES["pages"] = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": PAROLES_REDIS_URL,
                       "KEY_PREFIX": "paroles", "TIMEOUT": 600}
PAROLES_PAGE_CACHE = env_bool("PAROLES_PAGE_CACHE", True)
# Mémo du processus (consent.epoch.memo) : faits du consentement, œuvres, pistes, images, menu, gardés en
# mémoire tant que l'époque du consentement ne change pas (un rendu non mis en cache relit moins la base).
PAROLES_MEMO = env_bool("PAROLES_MEMO", True)
# Plafond de vie d'une page gardée (s), en plus de l'époque et du prochain changement de lui-même.
PAROLES_PAGE_CACHE_SECONDS = env_int("PAROLES_PAGE_CACHE_SECONDS", 600)
PAROLES_PAGE_CACHE_EXCLUDE = ["/admin/", "/fichiers/", "/envoi/", "/api/", "/odk/", "/oai/", "/iiif/", "/journal/",
                              "/boite-a-outils/hors-ligne/", "/animateurs/", "/i18n/", "/jsi18n/", "/static/"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("PAROLES_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Une ligne par tâche lancée/réussie noierait la console de `make run` : seulement les échecs.
        "django_tasks": {"level": env("PAROLES_TASKS_LOG_LEVEL", "WARNING")},
    },
}

WAGTAILIMAGES_IMAGE_MODEL = "media_library.ArchiveImage"


# ---------------------------------------------------------------------------------------------
# Sécurité (ticket « production ») : CSP, limitation des connexions, double authentification,
# expiration de session. Voir docs/deploy.md. Les listes sont complétées ici plutôt que réécrites.
# ---------------------------------------------------------------------------------------------
from datetime import timedelta  # noqa: E402

from csp.constants import NONE, SELF  # noqa: E402

INSTALLED_APPS += ["axes", "django_otp", "django_otp.plugins.otp_totp"]
MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1, "paroles.security.ScopedCSPMiddleware")
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "django_otp.middleware.OTPMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.messages.middleware.MessageMiddleware") + 1, "paroles.security.AdminSecurityMiddleware"
)
# Cache des pages publiques (après la fermeture des sessions inactives, avant la vue).
MIDDLEWARE.insert(MIDDLEWARE.index("paroles.security.AdminSecurityMiddleware") + 1, "paroles.pagecache.PageCacheMiddleware")
# Site Wagtail de la requête gardé sous l'époque du consentement (paroles.pagecache.SiteMemoMiddleware).
MIDDLEWARE.insert(MIDDLEWARE.index("paroles.pagecache.PageCacheMiddleware") + 1, "paroles.pagecache.SiteMemoMiddleware")
# Chemin court des pages gardées (anonyme sans session) : en tête, avant tout le reste (paroles.pagecache).
MIDDLEWARE.insert(1, "paroles.pagecache.FastPageCacheMiddleware")  # après le refus des corps trop gros
MIDDLEWARE.append("axes.middleware.AxesMiddleware")  # en dernier, comme le veut django-axes

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # d'abord : refuse avant même de vérifier le mot de passe
    "django.contrib.auth.backends.ModelBackend",
]

# Content-Security-Policy stricte sur le site public : aucun script en ligne, rien de l'extérieur.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "media-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "frame-src": [SELF],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    }
}
# L'administration Wagtail a besoin de scripts et styles en ligne : politique compatible, limitée à /admin/.
PAROLES_ADMIN_CSP_PREFIXES = ["/admin/"]
PAROLES_ADMIN_CSP = {
    "default-src": [SELF],
    "script-src": [SELF, "'unsafe-inline'", "'unsafe-eval'"],
    "style-src": [SELF, "'unsafe-inline'"],
    "img-src": [SELF, "data:", "blob:"],
    "media-src": [SELF, "blob:"],
    "font-src": [SELF, "data:"],
    "connect-src": [SELF],
    "object-src": [NONE],
    "frame-src": [SELF],
    "worker-src": [SELF, "blob:"],
    "base-uri": [SELF],
    "form-action": [SELF],
    "frame-ancestors": [SELF],
}

# Limitation des tentatives de connexion (django-axes) : 5 échecs pour un couple identifiant + adresse
# IP bloquent ce couple 30 minutes. Derrière nginx, l'adresse vient de X-Forwarded-For (voir plus bas).
AXES_ENABLED = env_bool("PAROLES_AXES_ENABLED", True)
AXES_FAILURE_LIMIT = env_int("PAROLES_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("PAROLES_LOGIN_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "paroles.security.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
# Adresse du client : derrière PAROLES_TRUSTED_PROXY_COUNT mandataires, l'adresse que le dernier a vue
# (X-Forwarded-For), jamais ce que le client écrit lui-même (paroles.security.client_ip).
PAROLES_TRUSTED_PROXY_COUNT = env_int("PAROLES_TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "paroles.security.client_ip"

# Double authentification (TOTP) : un membre de l'équipe qui a un appareil doit saisir un code après
# son mot de passe. PAROLES_REQUIRE_2FA=1 l'impose aussi à ceux qui n'en ont pas encore (configuration).
PAROLES_REQUIRE_2FA = env_bool("PAROLES_REQUIRE_2FA", False)
OTP_TOTP_ISSUER = env("PAROLES_OTP_ISSUER", "Paroles")

# Session : 8 h au plus (SESSION_COOKIE_AGE ci-dessus), et déconnexion après une heure d'inactivité.
PAROLES_IDLE_TIMEOUT = env_int("PAROLES_IDLE_TIMEOUT", 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# File d'attente : une tâche « en cours » dont le travailleur ne donne plus signe de vie est relancée.
PAROLES_WORKER_HEARTBEAT = env_int("PAROLES_WORKER_HEARTBEAT", 10)  # secondes entre deux signes de vie
PAROLES_WORKER_DEAD_AFTER = env_int("PAROLES_WORKER_DEAD_AFTER", 60)  # sans signe de vie : travailleur mort
PAROLES_TASK_STALE_AFTER = env_int("PAROLES_TASK_STALE_AFTER", 6 * 3600)  # tâches d'un `db_worker` nu
PAROLES_TASK_MAX_ATTEMPTS = env_int("PAROLES_TASK_MAX_ATTEMPTS", 3)
PAROLES_TASK_LOCK_RETRIES = env_int("PAROLES_TASK_LOCK_RETRIES", 5)  # base verrouillée : nouveaux essais
# Stockage S3 injoignable pendant l'écriture d'un rendu : la tâche repart seule, attente doublée à chaque essai.
PAROLES_STORAGE_RETRIES = env_int("PAROLES_STORAGE_RETRIES", 5)  # essais en tout, puis échec avec la raison
PAROLES_STORAGE_RETRY_DELAY = env_int("PAROLES_STORAGE_RETRY_DELAY", 15)  # secondes avant le 2e essai
# Base coupée (PostgreSQL redémarré) : le travailleur attend au plus autant de secondes, puis relance la tâche.
PAROLES_DB_RECONNECT_WAIT = env_int("PAROLES_DB_RECONNECT_WAIT", 120)

# IIIF : bornes du service d'image (niveau 1), cache des images à la carte, jetons Auth 2.0.
PAROLES_IIIF_MAX_WIDTH = env_int("PAROLES_IIIF_MAX_WIDTH", 4096)
PAROLES_IIIF_MAX_HEIGHT = env_int("PAROLES_IIIF_MAX_HEIGHT", 4096)
PAROLES_IIIF_MAX_AREA = env_int("PAROLES_IIIF_MAX_AREA", 4_194_304)
PAROLES_IIIF_DERIVED_MAX = env_int("PAROLES_IIIF_DERIVED_MAX", 500)  # images à la carte gardées par pyramide
PAROLES_IIIF_TOKEN_SECONDS = env_int("PAROLES_IIIF_TOKEN_SECONDS", 300)
PAROLES_IIIF_TOKEN_ORIGINS = env_list("PAROLES_IIIF_TOKEN_ORIGINS", "")  # visionneurs d'autres sites admis

# Sauvegardes et corbeille.
PAROLES_BACKUP_DIR = Path(env("PAROLES_BACKUP_DIR", str(DATA_DIR / "backups"))).resolve()
PAROLES_TRASH_DAYS = env_int("PAROLES_TRASH_DAYS", 30)
PAROLES_BACKUP_KEEP = env_int("PAROLES_BACKUP_KEEP", 14)  # archives gardées (0 = toutes)
PAROLES_BACKUP_COMPRESSION = env("PAROLES_BACKUP_COMPRESSION", "gz")  # none, gz, xz
PAROLES_BACKUP_AGE_RECIPIENTS = env_list("PAROLES_BACKUP_AGE_RECIPIENTS", "")  # clés publiques age1…
PAROLES_BACKUP_AGE_IDENTITY_FILE = env("PAROLES_BACKUP_AGE_IDENTITY_FILE", "")  # clé secrète (restauration)

# --- Transcription (app `transcription`) -----------------------------------------------------
# Modèle Whisper base reconstitué depuis les paquets PyPI (vérifié par SHA-256) dans ce dossier.
PAROLES_WHISPER_BASE_DIR = env("PAROLES_WHISPER_BASE_DIR", str(DATA_DIR / "models" / "whisper-base"))
# Autres modèles CTranslate2 par langue, en JSON : {"bm": "/srv/modeles/whisper-bambara-ct2"}.
PAROLES_WHISPER_MODELS = env("PAROLES_WHISPER_MODELS", "{}")
PAROLES_WHISPER_COMPUTE_TYPE = env("PAROLES_WHISPER_COMPUTE_TYPE", "int8")
PAROLES_WHISPER_BEAM_SIZE = env_int("PAROLES_WHISPER_BEAM_SIZE", 1)
PAROLES_WHISPER_THREADS = env_int("PAROLES_WHISPER_THREADS", 0)  # 0 = tous les cœurs
PAROLES_WHISPER_VAD = env_bool("PAROLES_WHISPER_VAD", True)
PAROLES_WHISPER_CHUNK_SECONDS = env_int("PAROLES_WHISPER_CHUNK_SECONDS", 600)
PAROLES_WHISPER_MIN_LANGUAGE_PROBABILITY = float(env("PAROLES_WHISPER_MIN_LANGUAGE_PROBABILITY", "0.5"))
# Transcription automatique de chaque vidéo ou audio téléversé (désactivée dans les tests).
PAROLES_AUTO_TRANSCRIBE = env_bool("PAROLES_AUTO_TRANSCRIBE", True)

# --- Rendus et extraits (media_library.processing) -------------------------------------------
# Dossier des encodages en cours (hors du stockage : rien d'inachevé n'y est jamais visible).
PAROLES_PROCESSING_TMP = env("PAROLES_PROCESSING_TMP", str(DATA_DIR / "tmp" / "rendus"))
# Un travail « en cours » sans signe de vie depuis N minutes est repris (travailleur tué), au plus
# PAROLES_JOB_MAX_ATTEMPTS fois, puis marqué en échec avec la raison.
PAROLES_JOB_STALE_MINUTES = env_int("PAROLES_JOB_STALE_MINUTES", 10)
PAROLES_JOB_MAX_ATTEMPTS = env_int("PAROLES_JOB_MAX_ATTEMPTS", 3)
# Surcharges des préréglages, en JSON : {"video": {"phone": {"vb": "500k"}}} (les rendus concernés
# deviennent périmés et sont refaits par `rebuild_renditions`).
import json  # noqa: E402

PAROLES_RENDITION_PRESETS = json.loads(env("PAROLES_RENDITION_PRESETS", "{}") or "{}")

# Boîte à outils hors ligne : une copie gardée sur un téléphone et non reconfirmée par le serveur depuis ce
# nombre de jours ne se lit plus jusqu'à la prochaine synchronisation.
PAROLES_OFFLINE_MAX_DAYS = env_int("PAROLES_OFFLINE_MAX_DAYS", 30)
