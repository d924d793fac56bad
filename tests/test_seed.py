"""Les données de départ viennent d'une fonction idempotente (`paroles.seed.seed_site`) : après un `flush`
(ce que fait chaque test transactionnel), elle refait exactement ce que les migrations avaient posé."""

import pytest
from django.core.management import call_command


def snapshot():
    """Ce que les migrations de données posent, par noms (les clés primaires changent après un flush)."""
    from django.contrib.auth.models import Group
    from wagtail.models import (Collection, GroupCollectionPermission, GroupPagePermission, Locale, Page, Site,
                                Task, Workflow, WorkflowPage)

    from communication.models import Place
    from media_library.models import ContentWarning, Language

    return {
        "languages": sorted(Language.objects.values_list("code", "name", "name_bm")),
        "warnings": sorted(ContentWarning.objects.values_list("name", "slug")),
        "places": sorted(Place.objects.values_list("name", "level", "parent__name", "region__name", "note")),
        "groups": sorted((g.name, tuple(sorted(g.permissions.values_list("content_type__app_label", "codename"))))
                         for g in Group.objects.all()),
        "locales": sorted(Locale.objects.values_list("language_code", flat=True)),
        "collections": sorted(Collection.objects.values_list("name", "depth")),
        "pages": sorted(Page.objects.values_list("title", "slug", "depth", "url_path", "live")),
        "sites": sorted(Site.objects.values_list("hostname", "port", "is_default_site", "root_page__slug")),
        "page_permissions": sorted(GroupPagePermission.objects.values_list("group__name", "page__slug",
                                                                           "permission__codename")),
        "collection_permissions": sorted(GroupCollectionPermission.objects.values_list(
            "group__name", "collection__name", "permission__codename")),
        "workflows": sorted(Workflow.objects.values_list("name", "active")),
        "tasks": sorted((t.name, t.active, tuple(sorted(t.specific.groups.values_list("name", flat=True))))
                        for t in Task.objects.all()),
        "workflow_pages": sorted(WorkflowPage.objects.values_list("workflow__name", "page__slug")),
    }


@pytest.mark.django_db
def test_seed_after_flush_rebuilds_what_the_migrations_made():
    from paroles.seed import seed_site

    migrated = snapshot()
    assert migrated["languages"] and migrated["places"] and migrated["sites"] and migrated["workflows"]
    call_command("flush", interactive=False, verbosity=0)
    emptied = snapshot()
    assert not emptied["languages"] and not emptied["places"] and not emptied["pages"]
    seed_site()
    assert snapshot() == migrated


@pytest.mark.django_db
def test_seed_is_idempotent():
    from paroles.seed import seed_site

    before = snapshot()
    seed_site()
    seed_site()
    assert snapshot() == before


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_starts_from_the_seed_data(live_server):
    """Lancé après d'autres tests transactionnels (qui vident la base), celui-ci a encore les données de départ."""
    from django.contrib.auth.models import Group
    from wagtail.models import Site

    from communication.models import Place
    from consent.roles import ROLE_PERMISSIONS
    from media_library.models import Language

    assert Language.objects.filter(code="bm").exists()
    assert Place.objects.filter(name="District de Bamako", level="region").exists()
    assert set(ROLE_PERMISSIONS) <= set(Group.objects.values_list("name", flat=True))
    assert Site.objects.get(is_default_site=True).root_page.depth == 2


@pytest.mark.django_db(transaction=True)
def test_a_second_transactional_test_also_starts_from_the_seed_data():
    from media_library.models import ContentWarning

    assert ContentWarning.objects.count() == 5
