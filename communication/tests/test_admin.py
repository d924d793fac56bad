import pytest

from .helpers import make_screening


@pytest.mark.parametrize("url", [
    "/admin/communication/plans/", "/admin/communication/plans/new/", "/admin/communication/journal/",
    "/admin/communication/lieux/", "/admin/communication/lieux/new/", "/admin/communication/tableau-de-bord/",
])
def test_admin_pages_render(admin_client, setup, url):
    make_screening(setup, women=3, sex_workers=2)
    assert admin_client.get(url).status_code == 200


def test_screening_inspect_hides_sensitive_counts(admin_client, setup):
    s = make_screening(setup, women=3, sex_workers=2)
    html = admin_client.get(f"/admin/communication/journal/inspect/{s.pk}/").content.decode()
    assert "femmes" in html.lower() and "travailleurs du sexe" not in html
