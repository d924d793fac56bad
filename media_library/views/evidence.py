"""La preuve d'un consentement (fichier signé, enregistrement oral) : par la porte, pour les responsables
du consentement seulement.

Elle vit ici, à côté de la porte (`media_library.gate`) : `consent` n'importe pas `media_library`
(les flèches vont dans un seul sens, voir l'architecture dans le README)."""

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.http import Http404

from consent.access import is_consent_officer
from consent.policy import policy

from ..gate import serve_gated


def evidence(request, pk):
    if not is_consent_officer(request.user):
        raise PermissionDenied
    ConsentRecord = apps.get_model("consent", "ConsentRecord")
    record = policy.admin_get_or_404(request, ConsentRecord.objects.all(), pk=pk)
    if not record.evidence_file:
        raise Http404
    name = record.evidence_file.name.rsplit("/", 1)[-1]
    return serve_gated(
        request,
        work=None,
        fieldfile=record.evidence_file,
        channel="internal",
        filename=f"preuve-consentement-{record.pk}-{name}",
        purpose="preuve-consentement",
        obj=record,
        restricted=True,
    )
