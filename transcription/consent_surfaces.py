"""Surfaces de la transcription, inscrites pour le test matrice du consentement : le fichier de
sous-titres (VTT) et la recherche publique dans ce qui est dit."""

from urllib.parse import urlencode

from django.urls import reverse

from consent.surfaces import register_surface
from consent.channels import Channel
from media_library.links import LINK_ONLY
from media_library.testing import release_link, surface_url


def _token(work):
    return f"zorbaq{work.pk}"  # mot introuvable ailleurs : seule la réplique de cette œuvre le contient


def make_track(work):
    """Une piste française approuvée dont la réplique porte un mot propre à l'œuvre."""
    from .models import Cue, SubtitleTrack

    if SubtitleTrack.objects.filter(work=work, language="fr").exists():
        return
    track = SubtitleTrack.objects.create(work=work, language="fr", status=SubtitleTrack.Status.IN_REVIEW)
    Cue.objects.create(track=track, position=0, start_ms=0, end_ms=2000, text=f"Bonjour {_token(work)}.")
    track.approve(allow_issues=True)


@register_surface("sous-titres (fichier VTT)", setup=make_track)
def subtitles_file(client, work, channel):
    from .models import SubtitleTrack

    track = SubtitleTrack.objects.get(work=work, language="fr")
    response = client.get(surface_url(track, work, channel))
    if response.status_code != 200:
        return False
    body = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    return _token(work).encode() in body


@register_surface("sous-titres d'un extrait (fichier VTT de sa fenêtre)", setup=make_track)
def subtitles_window_file(client, work, channel):
    """Les sous-titres de la fenêtre 0–2 s (la réplique du jeton y est tout entière), par leur adresse."""
    from .models import SubtitleTrack

    track = SubtitleTrack.objects.get(work=work, language="fr")
    link = release_link(work, channel) if Channel(channel) in LINK_ONLY else None
    response = client.get(track.get_window_url(0, 2, channel, link=link))
    if response.status_code != 200:
        return False
    body = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    return _token(work).encode() in body


@register_surface("recherche dans ce qui est dit", channels=["website"], setup=make_track)
def transcript_search(client, work, channel):
    response = client.get(reverse("transcription:search") + "?" + urlencode({"q": _token(work)}))
    return response.status_code == 200 and work.title_fr.encode() in response.content


CHANGE_ROLES = ("curator", "curator_outside", "officer")  # permission « modifier une œuvre »


@register_surface("admin : sous-titres de l'œuvre", channels=["internal"], setup=make_track, kind="admin",
                  roles=CHANGE_ROLES)
def admin_work_subtitles(client, work, channel):
    response = client.get(reverse("transcription_work", args=[work.pk]))
    return response.status_code == 200 and work.title_fr.encode() in response.content


@register_surface("admin : éditeur de piste", channels=["internal"], setup=make_track, kind="admin",
                  roles=CHANGE_ROLES)
def admin_track_editor(client, work, channel):
    from .models import SubtitleTrack

    track = SubtitleTrack.objects.get(work=work, language="fr")
    response = client.get(reverse("transcription_editor", args=[track.pk]))
    return response.status_code == 200 and work.title_fr.encode() in response.content
