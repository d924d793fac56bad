"""Images (body maps, Photo Voice, dessins) : une ArchiveImage Wagtail et ses rendus.

L'ArchiveImage reçoit une COPIE de l'original, jamais le même fichier : Wagtail supprime le fichier
d'une image quand on supprime l'image (signal post_delete) ; l'original, lui, ne doit jamais disparaître.
Cette copie est réencodée sans aucune métadonnée (GPS, appareil, noms…) : Willow recopie l'EXIF de la
source dans chaque rendu, donc la source des rendus doit déjà être propre.
"""

from django.core.files.images import ImageFile
from django.db import transaction

from consent import epoch

from ..models import ArchiveImage, MediaFile
from .presets import IMAGE_FILTERS


METADATA_KEYS = ("exif", "xmp", "XML:com.adobe.xmp", "icc_profile", "comment", "photoshop", "iptc", "dpi")


def clean_copy(fh, name):
    """Une copie de l'image SANS métadonnées (EXIF, GPS, appareil, XMP, IPTC, commentaires, profil ICC),
    orientation EXIF appliquée aux pixels : c'est d'elle, jamais de l'original, que naissent tous les
    rendus Wagtail servis hors de l'archive interne. Réencodée par Pillow à partir des seuls pixels."""
    import io
    from pathlib import PurePath

    from django.core.files.base import ContentFile
    from PIL import Image, ImageOps

    with Image.open(fh) as src:
        upright = ImageOps.exif_transpose(src)
        has_alpha = upright.mode in ("RGBA", "LA", "PA") or (upright.mode == "P" and "transparency" in upright.info)
        pixels = upright.convert("RGBA" if has_alpha else "RGB")
    clean = Image.new(pixels.mode, pixels.size)
    clean.paste(pixels)
    out = io.BytesIO()
    stem = PurePath(name).stem or "image"
    if has_alpha:
        clean.save(out, "PNG", optimize=True)
        filename = f"{stem}.png"
    else:
        clean.save(out, "JPEG", quality=92, optimize=True)
        filename = f"{stem}.jpg"
    return ContentFile(out.getvalue(), name=filename)


def has_metadata(fieldfile):
    """Vrai si le fichier d'une ArchiveImage garde des métadonnées (copie faite avant le nettoyage)."""
    from PIL import Image

    try:
        with fieldfile.open("rb") as fh, Image.open(fh) as img:
            return bool(img.getexif()) or any(img.info.get(k) for k in METADATA_KEYS if k != "dpi")
    except Exception:  # noqa: BLE001 - illisible : on refait la copie
        return True


def ensure_archive_image(media):
    image = media.image
    if (image is not None and image.file.name and image.file.storage.exists(image.file.name)
            and not has_metadata(image.file)):
        return image
    with media.file.open("rb") as fh:
        image = ArchiveImage(
            title=media.work.title_fr[:255],
            alt_text=media.work.title_fr[:255],
            file=ImageFile(clean_copy(fh, media.safe_filename)),
        )
        image._set_image_file_metadata()
        with transaction.atomic():
            image.save()
            old = media.image
            MediaFile.objects.filter(pk=media.pk).update(image=image)
            epoch.bump()  # update() n'envoie aucun signal
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
    # Un rendu à la fois : `get_renditions()` de Wagtail crée par bulk_create(ignore_conflicts=True), qui
    # laisse les clés primaires vides, et met ces objets sans pk en cache (la page planterait ensuite sur
    # leur URL). `get_rendition()` passe par get_or_create.
    return {name: image.get_rendition(spec) for name, spec in IMAGE_FILTERS.items()}
