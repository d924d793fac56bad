"""Ce qu'un utilisateur peut choisir dans le journal : ses organisations, les supports, les lieux."""

from django.db.models import Q

from consent.policy import policy
from consent.channels import Channel
from media_library.models import PartnerOrganisation, Theme, Work

from .models import Place

# Les canaux sur lesquels un animateur peut avoir utilisé une œuvre. Une œuvre n'est proposée dans le
# journal que si la fonction d'accès l'autorise à cet utilisateur sur l'un d'eux : un titre protégé
# n'apparaît jamais dans la liste d'un partenaire qui n'y a pas droit.
USE_CHANNELS = (
    Channel.CLOSED_SCREENING,
    Channel.SECURED_EVENT,
    Channel.FACILITATOR_DOWNLOAD,
    Channel.MUSEUM,
    Channel.BROADCAST,
    Channel.PRESS_SOCIAL,
    Channel.WEBSITE,
)


def can_log_for_any_partner(user):
    """Les coordinateurs (permission d'ajout dans le journal) saisissent pour tous les partenaires."""
    return user.is_superuser or user.has_perm("communication.add_screening")


def partners_for(user):
    if not user.is_authenticated:
        return PartnerOrganisation.objects.none()
    if can_log_for_any_partner(user):
        return PartnerOrganisation.objects.all()
    return PartnerOrganisation.objects.filter(users=user)


def loggable_works(user, work_ids=None):
    """Les œuvres que `user` peut noter dans le journal (liste complète, ou parmi `work_ids`)."""
    if not user.is_authenticated:
        return Work.objects.none()
    if work_ids is not None:
        # Vérification d'une fiche : on s'arrête au premier canal qui autorise chaque œuvre.
        remaining, allowed = set(work_ids), set()
        for channel in USE_CHANNELS:
            if not remaining:
                break
            found = set(policy.visible(user, channel, Work.objects.filter(pk__in=remaining)).values_list("pk", flat=True))
            allowed |= found
            remaining -= found
        return Work.objects.filter(pk__in=allowed).select_related("project")
    condition = Q()
    for channel in USE_CHANNELS:
        condition |= Q(pk__in=policy.visible(user, channel).values("pk"))
    return Work.objects.filter(condition).select_related("project").order_by("title_fr")


def journal_options(user):
    """Les listes du formulaire hors ligne (mises en cache sur le téléphone)."""
    from .models import Audience, CommChannel, VenueType
    from .validation import client_rules

    from media_library.models import Chapter

    works = list(loggable_works(user))
    chapters = {}
    for c in Chapter.objects.filter(work__in=[w.pk for w in works]).order_by("work", "start"):
        chapters.setdefault(c.work_id, []).append({"id": c.pk, "label": c.title_fr})
    places = Place.objects.filter(active=True).select_related("parent").order_by("level", "name")
    return {
        "user": {"id": user.pk, "username": user.get_username(), "name": user.get_full_name() or user.get_username()},
        "partners": [{"id": p.pk, "label": str(p)} for p in partners_for(user)],
        "works": [
            {"id": w.pk, "label": w.title_fr, "label_bm": w.title_bm, "kind": w.get_kind_display(),
             "chapters": chapters.get(w.pk, [])}
            for w in works
        ],
        "places": [
            {"id": p.pk, "label": p.name, "level": p.level, "parent": p.parent_id} for p in places
        ],
        "themes": [{"id": t.pk, "label": t.name} for t in Theme.objects.all()],
        "channels": [{"value": v, "label": str(label)} for v, label in CommChannel.choices],
        "venue_types": [{"value": v, "label": str(label)} for v, label in VenueType.choices],
        "audiences": [{"value": v, "label": str(label)} for v, label in Audience.choices],
        "rules": client_rules(),
    }
