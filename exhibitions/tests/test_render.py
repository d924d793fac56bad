"""Rendu des pages : borné en requêtes, léger, sans ressource externe ni script ou style en ligne."""

import re

import pytest
from django.core.files.base import ContentFile

from consent.testing import publish
from media_library.models import ArchiveImage, MediaFile, WorkKind
from media_library.tests.factories import WorkFactory

from . import factories as f

pytestmark = pytest.mark.django_db


def many_works(n, tmp_path):
    """n body maps publiques partageant un petit fichier image réel (rapide à créer)."""
    from media_library import testing

    src = testing.make_image(tmp_path / "shared.png", size=(200, 300))
    data = src.read_bytes()
    works = []
    for i in range(n):
        work = WorkFactory(kind=WorkKind.BODY_MAP, title_fr=f"Carte {i}")
        image = ArchiveImage(title=f"Carte {i}", width=200, height=300)
        image.file.save(f"carte-{i}.png", ContentFile(data), save=False)
        image.width, image.height = 200, 300
        image.save()
        media = MediaFile(work=work, original_filename=f"carte-{i}.png", sha256=f"{i:064x}", size=len(data),
                          mime_type="image/png", media_type="image", width=200, height=300, image=image)
        media.file.save(f"carte-{i}.png", ContentFile(data), save=False)
        media.save()
        publish(work)
        works.append(work)
    return works


def check_page(html):
    assert "<script>" not in html and not re.search(r"<script(?![^>]*\bsrc=)", html), "script en ligne"
    assert not re.search(r"\sstyle=", html), "attribut style= en ligne"
    assert not re.search(r"""(src|href)=["'](https?:)?//""", html), "ressource externe"


@pytest.mark.parametrize("n", [10, 100])
def test_exhibition_queries_bounded(n, tmp_path, client, django_assert_max_num_queries):
    works = many_works(n, tmp_path)
    page = f.exhibition(works, kind="online", publish=True)
    first = client.get(page.url)  # crée les rendus d'images (une fois pour toutes)
    assert first.status_code == 200
    with django_assert_max_num_queries(30):
        response = client.get(page.url)
    html = response.content.decode()
    assert html.count('class="bodymap"') == n
    check_page(html)
    assert len(response.content) <= 200 * 1024


@pytest.mark.parametrize("n", [10, 100])
def test_toolkit_queries_bounded(n, tmp_path, client, django_assert_max_num_queries):
    from media_library.tests.factories import PartnerFactory, UserFactory

    partner = PartnerFactory()
    user = UserFactory()
    partner.users.add(user)
    works = many_works(n, tmp_path)
    page = f.toolkit([(w, []) for w in works])
    client.force_login(user)
    client.get(page.url)
    with django_assert_max_num_queries(40):
        response = client.get(page.url)
    html = response.content.decode()
    assert html.count('class="material"') == n
    check_page(html)
    assert len(response.content) <= 200 * 1024


def test_home_page_is_the_site_root(tmp_path, client):
    work = f.work_with_file(tmp_path, title="Carte à la une")
    page = f.exhibition([work], publish=True)
    home = f.home()
    home.featured_exhibition = page
    home.save_revision().publish()
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Nos corps, nos chemins" in html and "Carte à la une" in html
    check_page(html)


def test_museum_listen_page_requires_museum_consent(tmp_path, client):
    allowed = f.work_with_file(tmp_path, kind=WorkKind.PODCAST, title="Témoignage", channels=["museum"])
    page = f.exhibition([allowed], kind="museum", publish=True, end_date=None)
    url = f"/expositions/ecouter/{page.pk}/{allowed.pk}/"
    response = client.get(url)
    assert response.status_code == 200
    assert "?acces=" in response.content.decode()  # adresses émises par le musée pour le canal musée
    from consent.testing import withdraw_all

    withdraw_all(allowed.participations.first().participant)
    assert client.get(url).status_code == 404


def test_exhibition_page_is_never_served_from_a_cache_without_revalidation(tmp_path, client):
    """Un consentement peut être retiré à tout moment : la page d'exposition (comme toutes les pages du
    site) est « private, no-cache », jamais resservie par un proxy ou le navigateur sans repasser par le site."""
    page = f.exhibition(many_works(1, tmp_path), kind="online", publish=True)
    response = client.get(page.url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-cache"
    assert client.get("/")["Cache-Control"] == "private, no-cache"
