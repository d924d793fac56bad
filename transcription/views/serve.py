"""Service des sous-titres publiés et des versions sous-titrées : uniquement par la porte.

Une piste non approuvée n'a pas de fichier publié : elle est introuvable ici, pour tout le monde.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404

from consent.access import Segment
from media_library.gate import serve_gated
from media_library.grants import channel_for
from media_library.processing.clips import cut_vtt

from ..models import SubtitledRendition, SubtitleTrack

CONTENT_TYPES = {"vtt": "text/vtt; charset=utf-8", "srt": "application/x-subrip; charset=utf-8"}


def serve_track(request, pk, filename):
    grant = channel_for(request)
    track = get_object_or_404(SubtitleTrack.objects.select_related("work"), pk=pk,
                              status=SubtitleTrack.Status.APPROVED)
    fmt = filename.rsplit(".", 1)[-1].lower()
    if fmt not in CONTENT_TYPES or filename != f"{track.work.slug or 'oeuvre'}.{track.language}.{fmt}":
        raise Http404
    fieldfile = track.vtt_file if fmt == "vtt" else track.srt_file
    if not fieldfile:
        raise Http404
    return serve_gated(
        request,
        work=track.work,
        fieldfile=fieldfile,
        channel=grant.channel,
        release_link=grant.link,
        filename=filename,
        purpose=f"piste:{track.language}",
        obj=track,
        variant=track,
        content_type=CONTENT_TYPES[fmt],
        as_attachment="telecharger" in request.GET,
    )


def serve_track_window(request, pk, start_ms, end_ms, filename):
    """Les sous-titres d'un extrait d'exposition, découpés à la demande dans la piste publiée (toujours à
    jour : une correction ou une pseudonymisation vaut aussitôt). Décidés pour la fenêtre seule, comme
    l'extrait lui-même ; seules les répliques tout entières dans la fenêtre, décalées pour commencer à 0."""
    grant = channel_for(request)
    track = get_object_or_404(SubtitleTrack.objects.select_related("work"), pk=pk,
                              status=SubtitleTrack.Status.APPROVED)
    if (end_ms <= start_ms or filename != f"{track.work.slug or 'oeuvre'}.{track.language}.vtt"
            or not track.vtt_file):
        raise Http404
    start, end = start_ms / 1000, end_ms / 1000

    def content():  # lu seulement si la porte autorise
        with track.vtt_file.open("rb") as fh:
            return cut_vtt(fh.read().decode("utf-8"), start, end, inside_only=True).encode("utf-8")

    return serve_gated(
        request,
        work=track.work,
        fieldfile=None,
        channel=grant.channel,
        release_link=grant.link,
        filename=filename,
        purpose=f"piste:{track.language}:extrait",
        obj=track,
        variant=Segment(start, end),  # comme une piste entière : aucune condition visage/voix levée
        content_type=CONTENT_TYPES["vtt"],
        content=content,
    )


def serve_subtitled(request, pk, filename):
    grant = channel_for(request)
    rendition = get_object_or_404(
        SubtitledRendition.objects.select_related("track", "track__work"), pk=pk,
        status=SubtitledRendition.Status.READY,
    )
    if filename != rendition.filename or not rendition.file or not rendition.is_current:
        raise Http404
    return serve_gated(
        request,
        work=rendition.track.work,
        fieldfile=rendition.file,
        channel=grant.channel,
        release_link=grant.link,
        filename=filename,
        purpose=f"rendu:phone_subtitled:{rendition.track.language}",
        obj=rendition,
        variant=rendition,
        content_type="video/mp4",
        as_attachment="telecharger" in request.GET,
    )
