"""Remettre un lien presse ou diffusion à un·e destinataire nommé·e, et le révoquer.

Presse, réseaux sociaux, télé et radio n'obtiennent jamais une œuvre par une adresse de fichier ordinaire :
un·e commissaire remet un lien signé, à durée limitée, à une personne nommée ; chaque fichier servi par ce
lien est journalisé et figure dans « qui a téléchargé » de la page d'impact d'un retrait.
"""

import datetime

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from consent.access import is_archive_staff
from consent.channels import Channel
from consent.policy import policy

from ..models import ReleaseLink

MAX_DAYS = 90


def may_issue(user, work):
    """L'équipe de l'archive qui voit l'œuvre sur l'archive interne (décision de la fonction d'accès)."""
    return is_archive_staff(user) and policy.decide(user, work, Channel.INTERNAL).allowed


def issue_release_link(work, *, user, channel, recipient, expires_on, organisation=""):
    if not may_issue(user, work):
        raise PermissionDenied
    errors = {}
    if channel not in ReleaseLink.CHANNELS:
        errors["channel"] = _("Choisissez la presse ou la diffusion télé/radio.")
    recipient = (recipient or "").strip()
    if not recipient:
        errors["recipient"] = _("Nommez la personne qui reçoit le lien.")
    today = timezone.localdate()
    if expires_on is None or expires_on <= today:
        errors["expires_on"] = _("La date d'expiration doit être dans le futur.")
    elif expires_on > today + datetime.timedelta(days=MAX_DAYS):
        errors["expires_on"] = _("Un lien vaut au plus %(days)d jours.") % {"days": MAX_DAYS}
    if not errors:
        # Le lien ne crée aucun droit : la fonction d'accès décide encore à chaque fichier. On refuse
        # d'emblée un lien qui ne servirait rien, avec la raison.
        decision = policy.decide(AnonymousUser(), work, channel)
        if not decision.allowed:
            errors["channel"] = _("Le consentement ne permet pas ce canal pour cette œuvre : %(reason)s") % {
                "reason": decision.reason}
    if errors:
        raise ValidationError(errors)
    end = timezone.make_aware(datetime.datetime.combine(expires_on, datetime.time(23, 59, 59)))
    return ReleaseLink.objects.create(work=work, channel=channel, recipient=recipient[:200],
                                      organisation=(organisation or "").strip()[:200], expires_at=end,
                                      created_by=user)


def revoke_release_link(link, *, user):
    if not may_issue(user, link.work):
        raise PermissionDenied
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
    return link


def link_files(link):
    """Ce qu'un lien propose : les rendus publics (jamais l'original), chacun servi par la porte."""
    from ..processing.presets import IMAGE_FILTERS

    items = []
    for media in link.work.files.prefetch_related("renditions"):
        if media.image_id:
            try:
                rendition = media.image.get_rendition(IMAGE_FILTERS["large"])
            except Exception:  # noqa: BLE001 - image illisible : rien à proposer
                rendition = None
            if rendition is not None:
                items.append({"label": _("Image (grande version, sans métadonnées)"), "obj": rendition})
        for rendition in media.renditions.all():
            if rendition.chapter_id is None and rendition.kind in ("web", "phone", "audio", "poster"):
                items.append({"label": rendition.get_kind_display(), "obj": rendition, "size": rendition.size})
    for item in items:
        item["url"] = item["obj"].get_serve_url(link.channel, link=link)
    return items
