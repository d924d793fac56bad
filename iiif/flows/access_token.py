"""Cas d'usage : le jeton d'accès IIIF Auth 2.0 (`AuthAccessToken2`) d'une personne connectée.

Le jeton ne DÉCIDE rien : il dit seulement QUI demande (la personne de la session qui l'a obtenu), pour
un visionneur d'une autre origine qui ne peut pas envoyer le cookie. La sonde le lit, puis pose à la
politique (`consent.policy.policy.decide`) la même question que la porte pour l'info.json ; aucune
autre règle. Il est signé, court (`PAROLES_IIIF_TOKEN_SECONDS`, 300 s par défaut), lié à l'origine du
visionneur qui l'a demandé et à l'empreinte de session du compte : une déconnexion de partout, un mot
de passe changé ou un compte désactivé l'annulent aussitôt.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.utils.crypto import constant_time_compare

SALT = "paroles.iiif.jeton"
TOKEN_SECONDS = 300


def lifetime():
    return int(getattr(settings, "PAROLES_IIIF_TOKEN_SECONDS", TOKEN_SECONDS))


def issue(user, origin):
    """Un jeton pour `user` (connecté·e, actif·ve) et l'origine du visionneur ; None sinon."""
    if not (user and user.is_authenticated and user.is_active):
        return None
    payload = {"u": user.pk, "h": user.get_session_auth_hash(), "o": origin}
    return signing.dumps(payload, salt=SALT, compress=True)


def user_for(token, origin=None):
    """La personne d'un jeton valide (signé, pas expiré, même origine, session toujours valable), ou None."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=lifetime())
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if origin and payload.get("o") != origin:
        return None  # un jeton remis à un autre visionneur
    user = get_user_model().objects.filter(pk=payload.get("u"), is_active=True).first()
    if user is None or not constant_time_compare(user.get_session_auth_hash(), payload.get("h") or ""):
        return None
    return user
