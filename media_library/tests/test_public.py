"""Pages publiques des archives : liste filtrable, fiche d'œuvre, seules les œuvres autorisées."""

import pytest

from media_library.models import Language, Theme
from media_library.flows.ingest import ingest_file
from media_library.tests.factories import PartnerFactory, SeriesFactory, WorkFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(project, publish):
    theme = Theme.objects.create(name="Hygiène menstruelle")
    series = SeriesFactory(name="Capsules VBG")
    partner = PartnerFactory(name="ARACEM")
    bm = Language.objects.get(code="bm")
    a = WorkFactory(project=project, title_fr="Capsule règles", kind="capsule", series=series, partner=partner)
    a.themes.add(theme)
    a.spoken_languages.add(bm)
    a.save()  # relations « parentales » (modelcluster) : enregistrées avec l'œuvre
    b = WorkFactory(project=project, title_fr="Film r/Egard", kind="film")
    hidden = WorkFactory(project=project, title_fr="Oeuvre non validee", kind="capsule")
    publish(a)
    publish(b)
    return {"a": a, "b": b, "hidden": hidden, "theme": theme, "series": series, "partner": partner}


def test_listing_shows_only_allowed_works(client, catalogue):
    html = client.get("/archives/").content.decode()
    assert "Capsule règles" in html and "Film r/Egard" in html
    assert "Oeuvre non validee" not in html


@pytest.mark.parametrize(
    "query,expected",
    [
        ("kind=film", {"Film r/Egard"}),
        ("theme=hygiene-menstruelle", {"Capsule règles"}),
        ("series=capsules-vbg", {"Capsule règles"}),
        ("partner=aracem", {"Capsule règles"}),
        ("language=bm", {"Capsule règles"}),
    ],
)
def test_filters(client, catalogue, query, expected):
    html = client.get(f"/archives/?{query}").content.decode()
    shown = {t for t in ("Capsule règles", "Film r/Egard", "Oeuvre non validee") if t in html}
    assert shown == expected


def test_search_never_returns_hidden_work(client, catalogue):
    html = client.get("/archives/?q=validee").content.decode()
    assert "Oeuvre non validee" not in html
    html = client.get("/archives/?q=egard").content.decode()
    assert "Film r/Egard" in html


@pytest.mark.parametrize("query", ["egard", "Egard", "regard", "r/Egard", "egar", "REGARD"])
def test_search_tolerates_punctuation_case_and_partial_words(client, catalogue, query):
    html = client.get("/archives/", {"q": query}).content.decode()
    assert "Film r/Egard" in html
    assert "Capsule règles" not in html


@pytest.mark.parametrize("query", ["règles", "regles", "REGLES", "capsule regles"])
def test_search_without_accents_finds_accented_titles(client, catalogue, query):
    html = client.get("/archives/", {"q": query}).content.decode()
    assert "Capsule règles" in html
    assert "Film r/Egard" not in html


def test_search_matches_description_and_bambara_without_accents(client, project, publish):
    w = publish(WorkFactory(project=project, title_fr="Témoignage", title_bm="Seereya",
                            description_fr="Une femme déplacée raconte l'été à Sénou."))
    for query in ("deplacee", "senou", "seereya", "été"):
        assert w.title_fr in client.get("/archives/", {"q": query}).content.decode(), query
    assert w.title_fr not in client.get("/archives/", {"q": "tombouctou"}).content.decode()


def test_fold():
    from media_library.search import fold

    assert fold("Film r/Egard — Règles") == "film r egard regles regard"
    assert fold("") == ""


def test_sitemap_lists_public_works_only_and_follows_a_withdrawal(client, catalogue, unpublish):
    from consent.testing import read_sitemap, sitemap_text

    index, documents = read_sitemap(client)
    assert index.status_code == 200 and index["Cache-Control"] == "private, no-cache"
    assert documents and all(d["Cache-Control"] == "private, no-cache" for d in documents)
    xml = sitemap_text(client)
    assert catalogue["a"].get_absolute_url() in xml and catalogue["b"].get_absolute_url() in xml
    assert catalogue["hidden"].get_absolute_url() not in xml
    unpublish(catalogue["b"])  # plus de diffusion en ligne : absente dès la requête suivante
    xml = sitemap_text(client)
    assert catalogue["a"].get_absolute_url() in xml and catalogue["b"].get_absolute_url() not in xml


def test_sitemap_addresses_are_the_works_own_and_pages_follow(client, project, publish, settings):
    """Les adresses écrites sans `reverse` par œuvre sont celles de `get_absolute_url` (slug non ASCII,
    slug vide) ; un document au-delà de la dernière œuvre visible est absent (404)."""
    from consent.testing import sitemap_text

    unicode_work = WorkFactory(project=project, title_fr="Bamakɔ", slug="bamakɔ-àé")
    empty_slug = WorkFactory(project=project, title_fr="Sans slug", slug="")
    for work in (unicode_work, empty_slug):
        publish(work)
    xml = sitemap_text(client)
    for work in (unicode_work, empty_slug):
        assert f"http://testserver{work.get_absolute_url()}</loc>" in xml
    assert xml.startswith("<?xml") and 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"' in xml
    last = (max(unicode_work.pk, empty_slug.pk) - 1) // 1000 + 1
    assert client.get(f"/sitemap-{last + 1}.xml").status_code == 404
    assert client.get("/sitemap-0.xml").status_code == 404
    assert client.get("/sitemap-x.xml").status_code == 404


def test_sitemap_index_names_one_document_per_slice_up_to_the_last_visible_work(client, project, publish,
                                                                                 monkeypatch):
    """Par tranches d'identifiants (ici 2 par document) : chaque document porte les œuvres visibles de sa
    tranche ; le nombre de documents suit la dernière œuvre VISIBLE, pas la dernière créée (une œuvre privée
    au bout du catalogue ne se devine pas à un document de trop) ; au-delà, 404."""
    from lxml import etree

    from consent.testing import sitemap_text
    from paroles import sitemaps

    monkeypatch.setattr(sitemaps, "WORKS_PER_DOCUMENT", 2)
    works = [WorkFactory(project=project, title_fr=f"Tranche {i}") for i in range(7)]
    for work in works[:5]:
        publish(work)  # les deux dernières restent privées : la tranche après la dernière visible n'a qu'elles
    index = client.get("/sitemap.xml")
    root = etree.fromstring(index.content)
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
    locs = [e.text for e in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    last = (works[4].pk - 1) // 2 + 1
    assert locs == [f"http://testserver/sitemap-{k}.xml" for k in range(1, last + 1)]
    for work in works[:5]:
        page = (work.pk - 1) // 2 + 1
        body = client.get(f"/sitemap-{page}.xml").content.decode()
        assert work.get_absolute_url() in body
        others = [w for w in works[:5] if (w.pk - 1) // 2 + 1 != page]
        assert not any(f"{w.get_absolute_url()}</loc>" in body for w in others)
    text = sitemap_text(client)
    assert works[5].get_absolute_url() not in text and works[6].get_absolute_url() not in text
    assert client.get(f"/sitemap-{last + 1}.xml").status_code == 404


def test_sitemap_lists_public_exhibitions_but_not_the_facilitators_toolkit(client):
    from exhibitions.tests import factories as f

    page = f.exhibition([], kind="online", publish=True)
    toolkit = f.toolkit([])
    from consent.testing import sitemap_text

    xml = sitemap_text(client)
    assert page.url in xml
    assert toolkit.url not in xml


def test_archives_link_to_the_search_in_what_is_said(client, catalogue):
    html = client.get("/archives/", {"q": "regard"}).content.decode()
    assert 'href="/archives/recherche-paroles/?q=regard"' in html


def test_detail_page_and_hidden_work_404(client, catalogue, small_video):
    media = ingest_file(catalogue["a"], small_video)
    r = client.get(catalogue["a"].get_absolute_url())
    assert r.status_code == 200
    html = r.content.decode()
    assert "<video" in html and media.get_serve_url().split("?")[0] not in html  # jamais l'original au public
    assert client.get(catalogue["hidden"].get_absolute_url()).status_code == 404


def test_photovoice_words_kept_verbatim(client, project, publish):
    words = "moi je veut aller a lecole.\nla tente il fait trop chaud"
    w = publish(WorkFactory(project=project, kind="photovoice", title_fr="La tente", words_verbatim=words))
    html = client.get(w.get_absolute_url()).content.decode()
    assert "moi je veut aller a lecole." in html and "la tente il fait trop chaud" in html


def test_pages_load_nothing_from_outside(client, catalogue):
    import re

    for url in ("/archives/", catalogue["a"].get_absolute_url()):
        html = client.get(url).content.decode()
        external = re.findall(r'(?:src|href)="(https?:)?//', html)
        assert external == [], url


def test_trashed_work_disappears(client, catalogue):
    from django.utils import timezone

    w = catalogue["b"]
    w.trashed_at = timezone.now()
    w.save()
    assert "Film r/Egard" not in client.get("/archives/").content.decode()
    assert client.get(w.get_absolute_url()).status_code == 404


def test_content_warning_comes_first_and_media_waits_for_the_visitor(client, project, publish, small_video):
    """Avertissement d'abord : le lecteur est dans un <template> (aucun src actif) ; ?voir=1 (le lien du
    bouton, sans JavaScript) montre le lecteur."""
    import re

    from media_library.models import ContentWarning

    work = publish(WorkFactory(project=project, title_fr="Témoignage", kind="capsule"))
    ingest_file(work, small_video)
    work.content_warnings.add(ContentWarning.objects.get_or_create(slug="violences-sexuelles", defaults={"name": "Violences sexuelles"})[0])
    work.save()
    html = client.get(work.get_absolute_url()).content.decode()
    assert "Violences sexuelles" in html and "data-cw-show" in html
    outside = re.sub(r"<template data-cw-media>.*?</template>", "", html, flags=re.S)
    assert "<video" in html and "<video" not in outside and "/fichiers/" not in outside
    shown = client.get(work.get_absolute_url() + "?voir=1").content.decode()
    assert "<template data-cw-media>" not in shown and "<video" in shown
