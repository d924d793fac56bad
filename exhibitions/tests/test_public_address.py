"""Les QR codes des cartels mènent à l'adresse publique configurée (PAROLES_BASE_URL), et l'éditeur
d'exposition avertit quand cette adresse ne désigne que cette machine."""

import pytest
from django.test import override_settings

from media_library.models import WorkKind

from . import factories as f

pytestmark = pytest.mark.django_db


@override_settings(PAROLES_BASE_URL="https://paroles.example.ml/")
def test_label_qr_urls_use_the_public_address_not_the_site_hostname(tmp_path, admin_user):
    from exhibitions.flows.print_exhibition import museum_entries

    work = f.work_with_file(tmp_path, kind=WorkKind.PHOTOVOICE, title="Le puits", channels=["museum"])
    page = f.exhibition([work], kind="museum")
    assert page.get_site().hostname == "localhost"
    entries = [e for _room, items in museum_entries(page, "museum") for e in items]
    assert [e["url"] for e in entries] == [f"https://paroles.example.ml/expositions/ecouter/{page.pk}/{work.pk}/"]


@pytest.mark.parametrize("address, warned", [
    ("http://127.0.0.1:8000", True), ("http://localhost", True), ("http://[::1]:8000", True),
    ("https://paroles.example.ml", False), ("http://192.168.1.20", False),
])
def test_editor_warns_when_public_address_is_local(tmp_path, admin_client, address, warned):
    work = f.work_with_file(tmp_path, title="Carte", channels=["museum"])
    page = f.exhibition([work], kind="museum")
    with override_settings(PAROLES_BASE_URL=address):
        html = admin_client.get(f"/admin/pages/{page.pk}/edit/").content.decode()
    assert ("data-base-url-warning" in html) is warned
    if warned:
        assert "PAROLES_BASE_URL" in html
