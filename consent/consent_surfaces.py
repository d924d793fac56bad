"""Surfaces de media_library et de l'administration, inscrites pour le test matrice du consentement."""

from urllib.parse import urlencode

from django.urls import reverse

from media_library.testing import surface_url

from .surfaces import register_surface


def _title_in(response, work):
    return response.status_code == 200 and work.title_fr.encode() in response.content


def _served(response):
    if response.status_code not in (200, 206):
        return False
    if getattr(response, "streaming", False):
        body = b"".join(response.streaming_content)
    else:
        body = response.content
    return len(body) > 0


@register_surface("page publique de l'œuvre", channels=["website"])
def public_page(client, work, channel):
    return _title_in(client.get(work.get_absolute_url()), work)


@register_surface("liste des archives", channels=["website"])
def archive_listing(client, work, channel):
    return _title_in(client.get(reverse("media_library:work_list")), work)


@register_surface("recherche des archives", channels=["website"])
def archive_search(client, work, channel):
    token = work.title_fr.split()[-1]
    return _title_in(client.get(reverse("media_library:work_list") + "?" + urlencode({"q": token})), work)


@register_surface("plan du site (sitemap.xml)", channels=["website"], audience="public")
def sitemap(client, work, channel):
    response = client.get("/sitemap.xml")
    return response.status_code == 200 and work.get_absolute_url().encode() in response.content


@register_surface("fichier original", channels=["internal"])
def original_file(client, work, channel):
    """L'original ne sort que sur l'archive interne (public et partenaires : des rendus sans métadonnées)."""
    media = work.files.first()
    return _served(client.get(surface_url(media, work, channel)))


def _image_rendition(work):
    from media_library.processing.images import ensure_archive_image

    media = work.files.first()
    image = ensure_archive_image(media)
    return image.get_rendition("fill-64x64")


@register_surface("rendu d'image (vignette)", setup=_image_rendition)
def image_rendition(client, work, channel):
    media = work.files.first()
    rendition = media.image.renditions.first()
    return _served(client.get(surface_url(rendition, work, channel)))


def _poster(work):
    from django.core.files.base import ContentFile

    from media_library.models import Rendition

    media = work.files.first()
    with media.file.open("rb") as fh:
        data = fh.read()
    rendition = Rendition(media_file=media, kind="poster", settings_hash="test", mime_type="image/jpeg", size=len(data))
    rendition.file.save("poster.jpg", ContentFile(data), save=False)
    rendition.save()
    return rendition


@register_surface("rendu média (affiche, vidéo web…)", setup=_poster)
def media_rendition(client, work, channel):
    from media_library.models import Rendition

    rendition = Rendition.objects.filter(media_file__work=work, is_blurred=False).first()
    return _served(client.get(surface_url(rendition, work, channel)))


@register_surface("lien presse ou diffusion (page d'envoi)", channels=["press_social", "broadcast"])
def release_page(client, work, channel):
    from media_library.testing import release_link

    return _title_in(client.get(release_link(work, channel).get_absolute_url()), work)


# --- Administration du consentement ---------------------------------------------------------------


@register_surface("admin : consentements (recherche)", channels=["internal"], kind="admin",
                  roles=("curator", "curator_outside", "officer"))
def admin_consent_records(client, work, channel):
    from .models import ConsentRecord

    if not ConsentRecord.objects.filter(work=work).exists():
        return None  # sans objet pour cette œuvre
    url = reverse("consent_consentrecord:index") + "?" + urlencode({"q": work.title_fr.split()[-1]})
    return _title_in(client.get(url), work)
