"""Surfaces IIIF, inscrites pour le test matrice du consentement : info.json, tuiles, sonde, manifestes
(œuvre, bloc d'exposition, exposition) et pages d'annotations. Espaces `web` (site) et `m-<jeton>` (musée)."""

import json

from consent.surfaces import register_surface

CHANNELS = ["website", "museum"]


def _space(channel):
    from iiif.views import space_for

    return space_for(channel)  # comme la page d'écoute du musée : un jeton signé pour le musée


def _pyramid(work):
    from media_library.models import Rendition

    return Rendition.objects.filter(media_file__work=work, kind="iiif").first()


def setup_iiif(work):
    """La pyramide de l'œuvre (la vraie étape libvips, publiée comme par un travail de rendus) et une exposition en ligne avec
    un bloc Photo Voice (annotations : les mots de l'enfant)."""
    from exhibitions.consent_surfaces import setup_exhibitions
    from exhibitions.models import ExhibitionIndexPage, ExhibitionPage
    from media_library.processing import jobs, presets, steps

    if _pyramid(work) is None:
        media = work.files.first()
        preset = presets.get_preset("iiif", media.media_type)
        with jobs.workdir() as tmp, jobs.local_source(media, tmp) as src:
            jobs.publish_rendition(media, preset, steps.STEPS["iiif"](preset, src, tmp))
    setup_exhibitions(work)
    slug = f"matrice-iiif-{work.pk}"
    if not ExhibitionPage.objects.filter(slug=slug).exists():
        body = [{"type": "section", "value": {"title_fr": "Salle", "title_bm": "", "intro_fr": "", "intro_bm": "",
                                              "content": [{"type": "photovoice", "value": {
                                                  "work": work.pk, "image": None, "alt_fr": "Photo", "alt_bm": "",
                                                  "words_verbatim": "", "words_bm": "", "author": ""}}]}}]
        ExhibitionIndexPage.objects.first().add_child(
            instance=ExhibitionPage(title=f"Matrice IIIF {work.pk}", slug=slug, kind="online", body=body, live=True))


def _page(work):
    from exhibitions.models import ExhibitionPage

    return ExhibitionPage.objects.get(slug=f"matrice-iiif-{work.pk}")


def _block_id(page):
    from .manifests import image_blocks

    return next(image_blocks(page))[0]


def _base(work, channel):
    return f"/iiif/{_space(channel)}/image/{work.files.first().uuid}"


def _body(response):
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


@register_surface("IIIF : info.json", channels=CHANNELS, setup=setup_iiif)
def info_json(client, work, channel):
    response = client.get(_base(work, channel) + "/info.json")
    return response.status_code == 200 and b'"width"' in response.content


@register_surface("IIIF : tuiles", channels=CHANNELS, setup=setup_iiif)
def tiles(client, work, channel):
    rendition = _pyramid(work)
    served = False
    w, h = rendition.meta["sizes"][-1]
    for url in (f"{_base(work, channel)}/full/{w},{h}/0/default.jpg",
                f"{_base(work, channel)}/0,0,512,512/512,{min(512, rendition.height)}/0/default.jpg"):
        response = client.get(url)
        served = served or (response.status_code == 200 and _body(response)[:2] == b"\xff\xd8")
    return served


@register_surface("IIIF : sonde d'accès (Auth 2.0)", channels=CHANNELS, setup=setup_iiif)
def probe(client, work, channel):
    response = client.get(_base(work, channel) + "/probe")
    return response.status_code == 200 and json.loads(response.content)["status"] == 200


@register_surface("IIIF : manifeste de l'œuvre", channels=CHANNELS, setup=setup_iiif)
def work_manifest(client, work, channel):
    response = client.get(f"/iiif/{_space(channel)}/oeuvre/{work.pk}/manifest.json")
    return response.status_code == 200 and work.title_fr.encode() in response.content


@register_surface("IIIF : manifeste d'exposition", channels=CHANNELS, setup=setup_iiif)
def exhibition_manifest(client, work, channel):
    response = client.get(f"/iiif/{_space(channel)}/exposition/{_page(work).pk}/manifest.json")
    assert response.status_code == 200  # l'exposition existe toujours : seule l'œuvre peut manquer
    return work.title_fr.encode() in response.content or str(work.files.first().uuid).encode() in response.content


@register_surface("IIIF : manifeste d'un bloc (Photo Voice)", channels=CHANNELS, setup=setup_iiif)
def block_manifest(client, work, channel):
    page = _page(work)
    block_id = _block_id(page)
    response = client.get(f"/iiif/{_space(channel)}/exposition/{page.pk}/bloc/{block_id}/manifest.json")
    return response.status_code == 200 and work.title_fr.encode() in response.content


@register_surface("IIIF : annotations", channels=CHANNELS, setup=setup_iiif)
def annotations(client, work, channel):
    page = _page(work)
    block_id = _block_id(page)
    response = client.get(f"/iiif/{_space(channel)}/exposition/{page.pk}/bloc/{block_id}/annotations.json")
    return response.status_code == 200 and work.words_verbatim.encode() in response.content


def _token(client):
    """Le jeton que le service de jeton IIIF Auth 2.0 remet au client (session du rôle), ou None."""
    import re

    response = client.get("/iiif/auth/jeton", {"messageId": "matrice", "origin": "http://testserver"})
    assert response.status_code == 200
    match = re.search(rb'<script id="iiif-jeton" type="application/json">(.*?)</script>', response.content, re.S)
    return json.loads(match.group(1)).get("accessToken")


@register_surface("IIIF : jeton d'accès et sonde (Auth 2.0)", channels=CHANNELS, setup=setup_iiif)
def access_token(client, work, channel):
    """Le visionneur d'une autre origine : il obtient un jeton (session du rôle), puis sonde SANS cookie,
    avec ce seul jeton. La réponse de la sonde vient de la politique pour la personne du jeton."""
    from django.test import Client

    token = _token(client)
    viewer = Client()  # aucun cookie : seul le jeton dit qui demande
    headers = {"Authorization": f"Bearer {token}", "Origin": "http://testserver"} if token else {}
    response = viewer.get(_base(work, channel) + "/probe", headers=headers)
    return response.status_code == 200 and json.loads(response.content)["status"] == 200


@register_surface("IIIF : image à la carte (niveau 1)", channels=CHANNELS, setup=setup_iiif)
def derived_image(client, work, channel):
    """Une région et une taille qui ne sont pas dans la pyramide : produites par libvips, servies par la porte."""
    response = client.get(f"{_base(work, channel)}/3,5,97,61/41,/0/default.jpg")
    return response.status_code == 200 and _body(response)[:2] == b"\xff\xd8"
