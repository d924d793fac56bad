"""Vues de service des fichiers : elles ne font que retrouver l'objet et appeler la porte."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from consent.channels import Channel

from ..gate import serve_gated
from ..models import ArchiveRendition, MediaFile


def _channel(value):
    try:
        return Channel(value)
    except ValueError as exc:
        raise Http404 from exc


def serve_original(request, channel, uuid, filename):
    channel = _channel(channel)
    media = get_object_or_404(MediaFile.objects.select_related("work"), uuid=uuid)
    if filename != media.safe_filename:
        raise Http404
    return serve_gated(
        request,
        work=media.work,
        fieldfile=media.file,
        channel=channel,
        filename=media.safe_filename,
        purpose="original",
        obj=media,
        content_type=media.mime_type,
        etag=media.sha256,
        as_attachment=media.is_document or "telecharger" in request.GET,
    )


def serve_image_rendition(request, channel, pk, filename):
    channel = _channel(channel)
    rendition = get_object_or_404(ArchiveRendition.objects.select_related("image"), pk=pk)
    if filename != rendition.file.name.rsplit("/", 1)[-1]:
        raise Http404
    work = rendition.image.work
    return serve_gated(
        request,
        work=work,
        fieldfile=rendition.file,
        channel=channel,
        filename=filename,
        purpose=f"image:{rendition.filter_spec}",
        obj=rendition,
        variant=rendition,
        etag=f"{rendition.image.file_hash}-{rendition.pk}" if rendition.image.file_hash else None,
    )
