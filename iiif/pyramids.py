"""La pyramide IIIF d'un fichier et l'adresse de son service d'image : ce que la vue IIIF (info.json,
tuiles) et les manifestes (canevas) partagent, sous les deux."""

from django.urls import reverse

from media_library.models import Rendition, RenditionKind


def get_pyramid(uuid):
    """Le rendu IIIF du fichier `uuid` (œuvre hors corbeille), ou None."""
    return (
        Rendition.objects.select_related("media_file__work")
        .filter(kind=RenditionKind.IIIF, chapter__isnull=True, media_file__uuid=uuid,
                media_file__work__trashed_at__isnull=True)
        .first()
    )


def service_id(request, space, rendition):
    return request.build_absolute_uri(
        reverse("iiif:image_base", kwargs={"space": space, "uuid": str(rendition.media_file.uuid)})
    )
