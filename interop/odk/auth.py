"""Authentification des animatrices pour ODK Collect / KoBoCollect : HTTP Basic, sous HTTPS.

ODK Collect et KoBoCollect envoient l'identifiant et le mot de passe saisis dans « Paramètres du
serveur » après un premier refus 401 (`WWW-Authenticate: Basic`). Le mot de passe peut être :
- celui du compte (vérifié par `django.contrib.auth.authenticate`, donc par django-axes : les essais
  répétés bloquent comme sur la page de connexion) ;
- ou, mieux, un jeton d'API Wagtail de ce compte (`wagtail_…`, créé dans l'administration, un par
  téléphone) : il se révoque seul, sans changer le mot de passe, si le téléphone est perdu.
Aucune session n'est ouverte et aucun cookie n'est lu : chaque requête porte son authentification.

Django ne fournit pas HTTP Digest et le mot de passe n'est stocké que haché (PBKDF2), d'où Basic ; il
n'est sûr que sous HTTPS, ce que la production impose (DJANGO_SECURE_SSL_REDIRECT).
"""

import base64
import binascii

from django.contrib.auth import authenticate, get_user_model
from wagtail.models import APIToken

REALM = "Paroles ODK"


def _token_user(username, token):
    if not APIToken.validate_token_format(token):
        return None
    api_token = (
        APIToken.objects.select_related("user")
        .filter(key_hash__in=APIToken.candidate_key_hashes(token), revoked_at__isnull=True)
        .first()
    )
    if api_token is None:
        return None
    user = api_token.user
    if not user.is_active or user.get_username() != username:
        return None
    return user


def basic_credentials(request):
    header = request.headers.get("Authorization", "")
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic" or not encoded:
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    username, sep, password = decoded.partition(":")
    if not sep:
        return None
    return username, password


def authenticate_request(request):
    """L'utilisateur authentifié par l'en-tête Authorization de la requête, ou None."""
    credentials = basic_credentials(request)
    if credentials is None:
        return None
    username, password = credentials
    user = _token_user(username, password)
    if user is None:
        user = authenticate(request, username=username, password=password)
    if user is None or not user.is_active:
        return None
    return get_user_model().objects.get(pk=user.pk)
