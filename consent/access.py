"""LA fonction d'accès : « cet utilisateur peut-il obtenir cette œuvre, sur ce canal, maintenant ? »

Toutes les surfaces l'appellent : pages publiques, listes, expositions, boîte à outils, chaque URL de
fichier (par media_library.gate), recherche, API, flux, aperçus. Ne dupliquez jamais cette logique.

État actuel (fondation) : une œuvre n'est publique que si un administrateur l'a marquée « validée ».
Le ticket consentement remplace l'intérieur de `decide` et de `visible_works`, pas leur signature.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from .channels import Channel


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str = ""
    # Vrai quand la réponse dépend d'un consentement : elle ne doit pas être mise en cache partagé.
    restricted: bool = True
    labels: tuple = field(default_factory=tuple)

    def __bool__(self):
        return self.allowed


def is_archive_staff(user):
    """Personnel de l'archive : accès à l'archive interne depuis l'administration."""
    return bool(user and user.is_authenticated and user.is_active and (user.is_superuser or user.has_perm("wagtailadmin.access_admin")))


def decide(user, work, channel, *, variant=None, at=None):
    """Décide si `user` peut obtenir `work` sur `channel` à l'instant `at`.

    `variant` est l'objet réellement servi (rendu, extrait, piste…), pour les conditions qui dépendent
    de lui (visage flouté…).
    """
    channel = Channel(channel)
    if getattr(work, "trashed_at", None) and channel != Channel.INTERNAL:
        return Decision(False, _("Cette œuvre est à la corbeille."))
    if channel == Channel.INTERNAL:
        if is_archive_staff(user):
            return Decision(True, restricted=True)
        return Decision(False, _("Réservé à l'équipe de l'archive."))
    if channel == Channel.WEBSITE and work.cleared:
        return Decision(True, restricted=False)
    return Decision(False, _("Cette œuvre n'est pas disponible sur ce canal."))


def visible_works(user, channel, queryset=None, *, at=None):
    """Le sous-ensemble de `queryset` que `user` peut voir sur `channel` : doit concorder avec `decide`."""
    from media_library.models import Work

    qs = Work.objects.all() if queryset is None else queryset
    channel = Channel(channel)
    if channel == Channel.INTERNAL:
        return qs if is_archive_staff(user) else qs.none()
    if channel == Channel.WEBSITE:
        return qs.filter(cleared=True)
    return qs.none()
