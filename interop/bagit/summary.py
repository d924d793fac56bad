"""Le résumé de consentement d'une œuvre, tel qu'il sort dans un sac : canaux, conditions, échéance.

Calculé par la fonction d'accès (`consent.access.channel_summary`), sans rien de la personne : pas de
nom (ni légal ni pseudonyme), pas de contact, pas d'année de naissance, pas d'attribut sensible.
"""

from django.db.models import Q
from django.utils import timezone

from consent.access import channel_summary
from consent.models import ConsentRecord

FORMAT = "paroles-consent-summary/1"


def consent_summary(work, *, at=None):
    statuses = channel_summary(work, at=at)
    allowed = sorted(str(c.value if hasattr(c, "value") else c) for c, s in statuses.items() if s.ok)
    conditions = sorted({str(cond) for s in statuses.values() if s.ok for cond in s.conditions})
    today = timezone.localdate()
    records = ConsentRecord.objects.filter(Q(work=work) | Q(workshop_id=work.workshop_id, work__isnull=True)
                                           if work.workshop_id else Q(work=work))
    expiries = [d for d in records.filter(superseded_by__isnull=True, expires_on__isnull=False)
                .values_list("expires_on", flat=True) if d > today]
    return {
        "format": FORMAT,
        "channels": allowed,
        "conditions": conditions,
        "expires_on": min(expiries).isoformat() if expiries else None,
    }
