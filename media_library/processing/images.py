"""Images (body maps, Photo Voice, dessins) : une ArchiveImage Wagtail et ses rendus.

L'ArchiveImage reçoit une COPIE de l'original, jamais le même fichier : Wagtail supprime le fichier
d'une image quand on supprime l'image (signal post_delete) ; l'original, lui, ne doit jamais disparaître.
"""

from django.core.files.images import ImageFile
from django.db import transaction

from ..models import ArchiveImage, MediaFile
from .presets import IMAGE_FILTERS


def ensure_archive_image(media):
    image = media.image
    if image is not None and image.file.name and image.file.storage.exists(image.file.name):
        return image
    with media.file.open("rb") as fh:
        image = ArchiveImage(
            title=media.work.title_fr[:255],
            alt_text=media.work.title_fr[:255],
            file=ImageFile(fh, name=media.safe_filename),
        )
        image._set_image_file_metadata()
        with transaction.atomic():
            image.save()
            old = media.image
            MediaFile.objects.filter(pk=media.pk).update(image=image)
            media.image = image
            if old is not None and old.pk != image.pk:
                old.delete()  # son fichier (une copie) part avec lui ; l'original reste
    return image


def ensure_image_renditions(media, force=False):
    """Crée l'image Wagtail si besoin et ses rendus (grande, moyenne, vignette). Renvoie {nom: rendu}."""
    image = ensure_archive_image(media)
    if force:
        for rendition in image.renditions.all():
            rendition.delete()
    renditions = image.get_renditions(*IMAGE_FILTERS.values())
    return {name: renditions[spec] for name, spec in IMAGE_FILTERS.items()}
