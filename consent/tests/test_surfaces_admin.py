"""Surfaces de l'administration : sélecteur d'œuvres (chooser) et recherche, filtrés comme la liste."""

from django.urls import reverse

from consent.testing import PARTNER_ADMIN, grant, user_with_role
from media_library.tests.factories import PartnerFactory, WorkFactory


def test_work_chooser_and_admin_search_hide_other_organisations_works(client, project):
    mine = PartnerFactory(name="Mienne")
    admin = user_with_role("adm", PARTNER_ADMIN, partner=mine)
    own = WorkFactory(project=project, title_fr="Visible zzyx", partner=mine)
    hidden = WorkFactory(project=project, title_fr="Cachée zzyx", partner=PartnerFactory(name="Autre", is_protected_community=True))
    grant(own)
    grant(hidden)
    client.force_login(admin)
    listing = client.get(reverse("wagtailsnippets_media_library_work:list") + "?q=zzyx").content.decode()
    assert "Visible zzyx" in listing and "Cachée zzyx" not in listing
    chooser = client.get(reverse("wagtailsnippetchoosers_media_library_work:choose") + "?q=zzyx")
    assert chooser.status_code == 200
    assert "Visible zzyx" in chooser.content.decode() and "Cachée zzyx" not in chooser.content.decode()
