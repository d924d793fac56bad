"""Surfaces des expositions et de la boîte à outils, inscrites pour le test matrice du consentement."""

import io
import json
import uuid
import zipfile

from consent.surfaces import register_surface


def _ensure_home():
    from wagtail.models import Page, Site

    from .models import ExhibitionIndexPage, HomePage

    home = HomePage.objects.first()
    if home is None:
        home = Page.get_first_root_node().add_child(instance=HomePage(title="Paroles", slug="accueil-matrice"))
        site = Site.objects.filter(is_default_site=True).first()
        if site:
            site.root_page = home
            site.save()
        else:
            Site.objects.create(hostname="localhost", root_page=home, is_default_site=True)
    index = ExhibitionIndexPage.objects.first() or home.add_child(
        instance=ExhibitionIndexPage(title="Expositions", slug="expositions-matrice"))
    return home, index


def _block(work):
    return {"type": "work", "value": {"work": work.pk, "caption_fr": "", "caption_bm": "", "alt_fr": "Œuvre",
                                      "alt_bm": "", "author": "", "show_chapters": True, "show_transcript": True}}


def setup_exhibitions(work):
    """Une exposition en ligne et une au musée, EN LIGNE sans contrôle de publication (pour éprouver le
    rendu : c'est la décision prise à chaque requête qui doit protéger l'œuvre), et une boîte à outils."""
    from .models import ExhibitionPage, ToolkitMaterial, ToolkitPage

    home, index = _ensure_home()
    for kind in ("online", "museum"):
        slug = f"matrice-{kind}-{work.pk}"
        if not ExhibitionPage.objects.filter(slug=slug).exists():
            body = [{"type": "section", "value": {"title_fr": "Salle", "title_bm": "", "intro_fr": "", "intro_bm": "",
                                                   "content": [_block(work)]}}]
            index.add_child(instance=ExhibitionPage(title=f"Matrice {kind} {work.pk}", slug=slug, kind=kind,
                                                    body=body, live=True))
    toolkit = ToolkitPage.objects.filter(slug="matrice-boite").first()
    if toolkit is None:
        toolkit = home.add_child(instance=ToolkitPage(title="Boîte matrice", slug="matrice-boite", live=True))
    if not toolkit.materials.filter(work=work).exists():
        ToolkitMaterial.objects.create(page=toolkit, work=work, key_messages_fr="Message")


def _page(kind, work):
    from .models import ExhibitionPage

    return ExhibitionPage.objects.get(slug=f"matrice-{kind}-{work.pk}")


@register_surface("exposition en ligne (page)", channels=["website"], setup=setup_exhibitions)
def exhibition_page(client, work, channel):
    response = client.get(_page("online", work).url)
    return response.status_code == 200 and work.title_fr.encode() in response.content


def setup_clip_exhibition(work):
    """Une exposition en ligne dont le seul bloc est un extrait de l'œuvre (bloc « Extrait (chapitre) »),
    EN LIGNE sans contrôle de publication : c'est la décision de l'extrait, à chaque requête, qui protège."""
    from .models import ExhibitionPage

    _home, index = _ensure_home()
    slug = f"matrice-extrait-{work.pk}"
    if not ExhibitionPage.objects.filter(slug=slug).exists():
        clip = {"type": "chapter_clip", "value": {"work": work.pk, "title_fr": "Extrait", "title_bm": "", "start": 0,
                                                  "end": 1, "note_fr": "", "note_bm": ""}}
        body = [{"type": "section", "value": {"title_fr": "Salle", "title_bm": "", "intro_fr": "", "intro_bm": "",
                                               "content": [clip]}}]
        index.add_child(instance=ExhibitionPage(title=f"Matrice extrait {work.pk}", slug=slug, kind="online",
                                                body=body, live=True))


@register_surface("exposition en ligne (extrait d'un chapitre)", channels=["website"], setup=setup_clip_exhibition)
def exhibition_clip(client, work, channel):
    from .models import ExhibitionPage

    response = client.get(ExhibitionPage.objects.get(slug=f"matrice-extrait-{work.pk}").url)
    return response.status_code == 200 and work.title_fr.encode() in response.content


@register_surface("exposition au musée (page d'écoute du QR code)", channels=["museum"], setup=setup_exhibitions)
def museum_listen(client, work, channel):
    response = client.get(f"/expositions/ecouter/{_page('museum', work).pk}/{work.pk}/")
    return response.status_code == 200 and work.title_fr.encode() in response.content


def setup_clip_museum(work):
    """Une exposition au musée dont le seul bloc est un extrait de l'œuvre, EN LIGNE sans contrôle."""
    from .models import ExhibitionPage

    _home, index = _ensure_home()
    slug = f"matrice-musee-extrait-{work.pk}"
    if not ExhibitionPage.objects.filter(slug=slug).exists():
        clip = {"type": "chapter_clip", "value": {"work": work.pk, "title_fr": "Extrait", "title_bm": "", "start": 0,
                                                  "end": 1, "note_fr": "", "note_bm": ""}}
        body = [{"type": "section", "value": {"title_fr": "Salle", "title_bm": "", "intro_fr": "", "intro_bm": "",
                                               "content": [clip]}}]
        index.add_child(instance=ExhibitionPage(title=f"Matrice musée extrait {work.pk}", slug=slug, kind="museum",
                                                body=body, live=True))


@register_surface("exposition au musée (page d'écoute du QR code d'un extrait)", channels=["museum"],
                  setup=setup_clip_museum)
def museum_listen_clip(client, work, channel):
    from .models import ExhibitionPage

    page = ExhibitionPage.objects.get(slug=f"matrice-musee-extrait-{work.pk}")
    response = client.get(f"/expositions/ecouter/{page.pk}/{work.pk}/extrait/0-1000/")
    return response.status_code == 200 and work.title_fr.encode() in response.content


@register_surface("boîte à outils (guide PDF)", channels=["facilitator_download"], setup=setup_exhibitions)
def toolkit_guide(client, work, channel):
    from .models import ToolkitPage

    toolkit = ToolkitPage.objects.get(slug="matrice-boite")
    material = toolkit.materials.get(work=work)
    response = client.get(toolkit.url + f"support/{material.pk}/guide/")
    if response.status_code != 200:
        return False
    return b"".join(response.streaming_content).startswith(b"%PDF")


@register_surface("boîte à outils (zip complet)", channels=["facilitator_download"], setup=setup_exhibitions)
def toolkit_zip(client, work, channel):
    from django.utils.text import slugify

    from .models import ToolkitPage

    toolkit = ToolkitPage.objects.get(slug="matrice-boite")
    response = client.get(toolkit.url + "telecharger-tout/")
    if response.status_code != 200:
        return False
    names = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).namelist()
    return any(slugify(work.title_fr)[:40] in n for n in names)


# La synchronisation de la boîte à outils hors ligne. La sonde demande, pour le téléphone de l'animatrice,
# si elle peut GARDER le support de l'œuvre (réponse `keep`) et s'il lui est proposé (`items`). Servi =
# l'un ou l'autre ; sinon le support doit être rappelé.
@register_surface("boîte à outils hors ligne (synchronisation)", channels=["facilitator_download"],
                  setup=setup_exhibitions)
def offline_sync(client, work, channel):
    from django.urls import reverse

    from .models import ToolkitPage

    toolkit = ToolkitPage.objects.get(slug="matrice-boite")
    material = toolkit.materials.get(work=work)
    item = f"m{material.pk}"
    response = client.post(reverse("exhibitions:offline_sync"), data=json.dumps({
        "device": str(uuid.uuid4()), "held": [{"id": item, "files": []}], "deleted": [],
    }), content_type="application/json")
    if response.status_code != 200:
        return False
    body = response.json()
    kept = item in body["keep"]
    offered = any(d["id"] == item for d in body["items"])
    if kept != offered or kept == (item in body["recall"]):
        raise AssertionError(f"réponse incohérente pour {item} : {body}")
    return kept
