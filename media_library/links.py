"""Le canal d'un fichier est posé par la SURFACE qui émet son adresse, jamais par qui la demande.

- Sans jeton, une adresse de fichier vaut pour le site web public : c'est ce qu'obtient un visiteur
  anonyme, quelle que soit la façon dont il a eu l'adresse.
- Une surface qui sert un autre canal (page d'écoute du musée → `museum` ; pages des partenaires →
  leurs canaux ; administration → `internal`) émet une adresse portant un jeton signé
  (`django.core.signing.TimestampSigner`) qui lie CE canal à CE chemin, pour PAROLES_FILE_LINK_SECONDS.
  Rejoué ailleurs (autre fichier), modifié ou expiré, le jeton ne vaut rien : on retombe sur le site web.
  Le jeton ne donne aucun droit : la fonction d'accès décide toujours (les canaux des partenaires
  exigent une personne connectée membre d'une organisation, l'archive interne l'équipe).
- Presse et diffusion télé/radio : uniquement par un `ReleaseLink` qu'un·e commissaire remet à un·e
  destinataire nommé·e, avec une date d'expiration ; le jeton porte alors l'identifiant du lien, vérifié
  en base à chaque requête (révoqué ou expiré : plus rien).

Ce module émet les adresses (les modèles l'appellent) ; media_library.grants les relit à chaque requête.
"""

import time
from urllib.parse import urlencode

from django.core import signing

from consent.channels import Channel

PARAM = "acces"
SALT = "paroles.fichiers.canal"
LINK_SALT = "paroles.fichiers.envoi"
LINK_ONLY = frozenset({Channel.PRESS_SOCIAL, Channel.BROADCAST})


class _MinuteSigner(signing.TimestampSigner):
    """Horodatage à la minute : la même surface émet la même adresse pendant une minute (le navigateur
    revalide par ETag au lieu de tout retélécharger) ; la durée de vie reste exacte à une minute près."""

    def timestamp(self):
        return signing.b62_encode(int(time.time()) // 60 * 60)


def file_signer():
    return _MinuteSigner(salt=SALT)


def file_url(path, channel, *, link=None):
    """L'adresse de `path` pour la surface qui sert `channel`."""
    channel = Channel(channel)
    if link is not None:
        if str(link.channel) != channel.value:
            raise ValueError("le lien ne vaut pas pour ce canal")
    elif channel in LINK_ONLY:
        raise ValueError("presse et diffusion : seulement par un lien remis à un·e destinataire (ReleaseLink)")
    if channel == Channel.WEBSITE and link is None:
        return path
    payload = {"c": channel.value, "p": path}
    if link is not None:
        payload["l"] = link.pk
    token = file_signer().sign_object(payload, compress=True)
    return f"{path}?{urlencode({PARAM: token})}"


def download_url(url):
    """La même adresse, en téléchargement (Content-Disposition: attachment)."""
    return f"{url}{'&' if '?' in url else '?'}telecharger"


def release_token(link):
    """Signé, sans horodatage : l'adresse d'un lien ne change pas (on la recopie), son expiration est en base."""
    return signing.Signer(salt=LINK_SALT).sign_object({"l": link.pk}, compress=True)
