"""Relire l'adresse d'une requête de fichier : le canal que la surface y a signé (media_library.links), et
le lien presse ou diffusion actif qu'elle désigne, vérifié en base à chaque requête. Sans jeton valide,
c'est le site web public."""

from dataclasses import dataclass
from urllib.parse import unquote

from django.conf import settings
from django.core import signing
from django.utils import timezone

from consent.channels import Channel

from .links import LINK_ONLY, LINK_SALT, PARAM, file_signer
from .models import ReleaseLink


@dataclass(frozen=True)
class Grant:
    """Le canal retenu pour une requête de fichier, et le lien presse/diffusion qui l'a permis."""

    channel: Channel
    link: object = None


def channel_for(request):
    """Le canal d'une requête de fichier, d'après le jeton émis par la surface (site web sans jeton valide)."""
    website = Grant(Channel.WEBSITE)
    token = request.GET.get(PARAM)
    if not token:
        return website
    signer = file_signer()
    try:
        data = signer.unsign_object(token)
        channel = Channel(data["c"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return website
    # reverse() encode le chemin (« r%C3%A8gles ») ; request.path est décodé (« règles »).
    if not isinstance(data.get("p"), str) or unquote(data["p"]) != request.path:
        return website
    link_id = data.get("l")
    if link_id is not None:
        link = ReleaseLink.objects.filter(pk=link_id, revoked_at__isnull=True, expires_at__gt=timezone.now()).first()
        if link is None or link.channel != channel.value:
            return website
        return Grant(channel, link)
    if channel in LINK_ONLY:
        return website
    try:
        signer.unsign_object(token, max_age=settings.PAROLES_FILE_LINK_SECONDS)
    except signing.SignatureExpired:
        return website
    return Grant(channel)


def release_link_from_token(token):
    """Le lien actif désigné par `token`, ou None (falsifié, révoqué, expiré)."""
    try:
        data = signing.Signer(salt=LINK_SALT).unsign_object(token)
        link_id = int(data["l"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    return (ReleaseLink.objects.select_related("work")
            .filter(pk=link_id, revoked_at__isnull=True, expires_at__gt=timezone.now()).first())
