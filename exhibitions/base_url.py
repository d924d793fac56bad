"""L'adresse publique du site (PAROLES_BASE_URL), celle des QR codes imprimés sur les cartels."""

from django.conf import settings


def public_base_url():
    return settings.PAROLES_BASE_URL.rstrip("/")


def base_url_is_local():
    """Vrai si l'adresse publique désigne cette machine seule (localhost, 127.0.0.1, ::1) : les QR codes
    imprimés avec elle ne mèneraient nulle part depuis un téléphone."""
    from urllib.parse import urlsplit

    host = (urlsplit(public_base_url()).hostname or "").lower()
    return host in {"", "localhost", "::1", "0.0.0.0"} or host.startswith("127.") or host.endswith(".localhost")
