"""Surfaces du journal des projections, inscrites pour le test matrice du consentement.

Une fiche de projection nomme son organisation et les œuvres montrées : elle n'est connue que de qui
la politique laisse connaître chacune (consent.policy, NAMING_MODELS)."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from consent.surfaces import register_surface

VIEW_ROLES = ("curator", "curator_outside", "officer", "partner_admin")  # permission « voir le journal »


def _token(work):
    return work.title_fr.split()[-1]


def screening_for(work):
    """Une fiche (une séance où l'œuvre a été montrée, par l'organisation de l'œuvre), une seule fois."""
    from .models import Place, Screening, ScreeningMaterial

    existing = Screening.objects.filter(materials__work=work).first()
    if existing is not None:
        return existing
    region, _created = Place.objects.get_or_create(level="region", name="Région de la matrice", parent=None)
    screening = Screening(project=work.project, partner=work.partner, started_at=timezone.now(), place=region,
                          venue_type="idp_site", channel="community_talk", women=3, other_group=3,
                          quotes=f"Paroles {_token(work)}")
    screening.save()
    ScreeningMaterial.objects.create(screening=screening, work=work)
    return screening


def _shown(response, needle):
    return response.status_code == 200 and needle.encode() in response.content


@register_surface("admin : journal des projections (recherche)", channels=["internal"], kind="admin",
                  roles=VIEW_ROLES, setup=screening_for)
def screening_search(client, work, channel):
    screening = screening_for(work)
    response = client.get(reverse("communication_screenings:index") + "?" + urlencode({"q": _token(work)}))
    return _shown(response, reverse("communication_screenings:inspect", args=[screening.pk]))


@register_surface("admin : fiche de projection, inspection", channels=["internal"], kind="admin", roles=VIEW_ROLES)
def screening_inspect(client, work, channel):
    screening = screening_for(work)
    return _shown(client.get(reverse("communication_screenings:inspect", args=[screening.pk])), _token(work))
