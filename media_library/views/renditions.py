"""Service des rendus (vidéo web/téléphone, audio, affiche, vignettes, extraits) : uniquement par la porte."""

import hashlib

from django.http import Http404
from django.shortcuts import get_object_or_404

from ..gate import serve_gated
from ..grants import channel_for
from ..models import Rendition


def serve_rendition(request, uuid, filename):
    grant = channel_for(request)
    rendition = get_object_or_404(
        Rendition.objects.select_related("media_file__work", "chapter"), uuid=uuid
    )
    if filename != rendition.download_name:
        raise Http404
    # L'ETag change avec le fichier (chaque encodage a un nom neuf).
    etag = hashlib.sha256(rendition.file.name.encode()).hexdigest()[:24]
    return serve_gated(
        request,
        work=rendition.media_file.work,
        fieldfile=rendition.file,
        channel=grant.channel,
        release_link=grant.link,
        filename=filename,
        purpose=f"rendu:{rendition.kind}",
        obj=rendition,
        variant=rendition,
        content_type=rendition.mime_type,
        etag=etag,
        as_attachment="telecharger" in request.GET,
    )
