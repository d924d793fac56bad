"""Vues de service des fichiers : elles ne font que retrouver l'objet et appeler la porte.

Le canal vient de la surface qui a émis l'adresse (media_library.grants.channel_for), jamais de l'adresse
elle-même. Un original ne sort que sur l'archive interne : il est décidé sur ce canal, quelle que soit
l'adresse (le public et les partenaires reçoivent des rendus sans métadonnées).
"""

from django.http import Http404
from django.shortcuts import get_object_or_404

from consent.channels import Channel

from ..gate import serve_gated
from ..grants import channel_for
from ..models import ArchiveRendition, MediaFile


def serve_original(request, uuid, filename):
    media = get_object_or_404(MediaFile.objects.select_related("work"), uuid=uuid)
    if filename != media.safe_filename:
        raise Http404
    return serve_gated(
        request,
        work=media.work,
        fieldfile=media.file,
        channel=Channel.INTERNAL,
        filename=media.safe_filename,
        purpose="original",
        obj=media,
        content_type=media.mime_type,
        etag=media.sha256,
        as_attachment=media.is_document or "telecharger" in request.GET,
    )


def serve_image_rendition(request, pk, filename):
    grant = channel_for(request)
    rendition = get_object_or_404(ArchiveRendition.objects.select_related("image"), pk=pk)
    if filename != rendition.file.name.rsplit("/", 1)[-1]:
        raise Http404
    work = rendition.image.work
    return serve_gated(
        request,
        work=work,
        fieldfile=rendition.file,
        channel=grant.channel,
        release_link=grant.link,
        filename=filename,
        purpose=f"image:{rendition.filter_spec}",
        obj=rendition,
        variant=rendition,
        etag=f"{rendition.image.file_hash}-{rendition.pk}" if rendition.image.file_hash else None,
        as_attachment="telecharger" in request.GET,
    )
