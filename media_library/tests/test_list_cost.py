"""Le coût de la liste des archives, de sa recherche et du plan du site suit la page, pas le catalogue.

Le nombre de requêtes SQL est le même avec 3 et avec 30 œuvres (chacune avec deux personnes qui consentent)
pour un visiteur anonyme et pour une personne connectée : l'accès est décidé par la base (`policy.visible`),
la page est découpée par la base, et rien n'est chargé œuvre par œuvre. Le contenu reste complet : chaque
œuvre visible est dans le plan du site, la recherche les trouve toutes, une œuvre retirée disparaît.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consent.testing import FACILITATOR, grant, make_participant, user_with_role, withdraw_all
from consent.models import Participation
from media_library.tests.factories import PartnerFactory, WorkFactory

PAGES = {"listing": "/archives/", "search": "/archives/?q=parole", "sitemap-index": "/sitemap.xml"}


def _document(work):
    """Le document du plan du site qui porte `work` (tranches de 1 000 identifiants)."""
    from paroles.sitemaps import WORKS_PER_DOCUMENT

    return f"/sitemap-{(work.pk - 1) // WORKS_PER_DOCUMENT + 1}.xml"


def _catalogue(count, partner):
    works = []
    for i in range(count):
        work = WorkFactory(title_fr=f"Parole de femmes n° {i}", description_fr=f"Témoignage {i} recueilli à Bamako.",
                           partner=partner)
        for k in (1, 2):
            person = make_participant(f"P{i}-{k}", partner=partner)
            Participation.objects.create(participant=person, work=work)
            grant(work, participant=person)
        works.append(work)
    return works


def _counts(client, work):
    counts = {}
    for name, path in {**PAGES, "sitemap": _document(work)}.items():
        client.get(path)  # chauffe (contenu des types, sites…)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        counts[name] = len(captured.captured_queries)
    return counts, response


@pytest.mark.django_db
@pytest.mark.parametrize("role", [None, FACILITATOR])
def test_query_count_does_not_grow_with_the_catalogue(client, role):
    partner = PartnerFactory()
    if role:
        client.force_login(user_with_role("animatrice.cout", role, partner=partner))
    works = _catalogue(3, partner)
    small, _ = _counts(client, works[-1])
    works += _catalogue(27, partner)
    large, _ = _counts(client, works[-1])
    assert small == large, (small, large)
    from consent.testing import sitemap_text

    body = sitemap_text(client)
    for work in works:
        assert f"{work.get_absolute_url()}</loc>" in body
    listing = client.get("/archives/?q=parole")
    assert listing.status_code == 200
    assert listing.context["page"].paginator.count == 30


@pytest.mark.django_db
def test_withdrawn_work_leaves_listing_search_and_sitemap(client):
    partner = PartnerFactory()
    works = _catalogue(3, partner)
    gone = works[1]
    withdraw_all(gone.participations.first().participant)
    from consent.testing import sitemap_text

    for path in (PAGES["listing"], PAGES["search"], "plan du site"):
        body = sitemap_text(client) if path == "plan du site" else client.get(path).content.decode()
        assert gone.get_absolute_url() not in body, path
        assert works[0].get_absolute_url() in body, path


@pytest.mark.django_db
def test_sitemap_kept_under_the_consent_epoch(client):
    """Cache des pages allumé : le plan du site est gardé (aucune requête pour les œuvres au second appel) ;
    un retrait change l'époque et l'œuvre sort du plan dès la requête suivante."""
    from django.test import override_settings

    partner = PartnerFactory()
    works = _catalogue(3, partner)
    document = _document(works[1])
    with override_settings(PAROLES_PAGE_CACHE=True):
        index = client.get("/sitemap.xml").content.decode()
        first = client.get(document).content.decode()
        assert f"http://testserver{document}</loc>" in index
        assert works[1].get_absolute_url() in first
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/sitemap.xml").content.decode() == index
            again = client.get(document).content.decode()
        assert again == first
        assert not any("media_library_work" in q["sql"] for q in captured.captured_queries)
        withdraw_all(works[1].participations.first().participant)
        after = client.get(document).content.decode()
        assert works[1].get_absolute_url() not in after
        assert works[0].get_absolute_url() in after


@pytest.mark.django_db
@pytest.mark.parametrize("limit", [1, 3, 4, 10])
def test_ordered_ids_by_chunks_matches_the_plain_query(limit):
    """La lecture par tranches du catalogue (media_library/listing.py) rend les mêmes identifiants, dans le même
    ordre, que la requête filtrée entière, même quand peu d'œuvres passent le filtre (tranches doublées)."""
    from media_library.listing import ordered_ids
    from media_library.models import Work

    works = [WorkFactory(title_fr=f"Œuvre {i}") for i in range(11)]
    sparse = Work.objects.filter(pk__in=[w.pk for w in works[::4]])  # 3 œuvres sur 11
    for queryset in (sparse, sparse.order_by("-pk"), Work.objects.all()):
        expected = list(queryset.values_list("pk", flat=True))[:limit]
        assert ordered_ids(queryset, limit, catalogue=Work.objects.all(), first_chunk=2) == expected
    assert ordered_ids(sparse, 10, exclude={works[0].pk}, first_chunk=1) == [
        pk for pk in sparse.values_list("pk", flat=True) if pk != works[0].pk]


@pytest.mark.django_db
def test_the_kept_visibility_filter_still_reads_the_consents_of_the_moment(client):
    """Le filtre de la politique est gardé en mémoire (consent.access.visible_q) : le même objet, réemployé,
    lit les consentements au moment de la requête — un retrait fait sortir l'œuvre aussitôt."""
    from django.contrib.auth.models import AnonymousUser

    from consent import access
    from consent.channels import Channel
    from consent.policy import policy
    from media_library.models import Work

    works = _catalogue(3, PartnerFactory())
    access._visible_q.cache_clear()
    before = set(policy.visible(AnonymousUser(), Channel.WEBSITE, Work.objects.all()).values_list("pk", flat=True))
    assert {w.pk for w in works} <= before
    withdraw_all(works[1].participations.first().participant)
    after = set(policy.visible(AnonymousUser(), Channel.WEBSITE, Work.objects.all()).values_list("pk", flat=True))
    assert access._visible_q.cache_info().hits >= 1  # le même filtre a servi deux fois
    assert works[1].pk not in after and works[0].pk in after
