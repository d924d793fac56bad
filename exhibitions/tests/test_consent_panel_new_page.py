"""Le panneau du consentement d'une exposition NEUVE (pas encore enregistrée) : il se revérifie auprès de
la bonne page parente et ne dit pas l'exposition « publiée »."""

import pytest

from . import factories as f

pytestmark = pytest.mark.django_db


def test_new_exhibition_panel_checks_against_its_parent(admin_client):
    index = f.index_page()
    response = admin_client.get(f"/admin/pages/add/exhibitions/exhibitionpage/{index.pk}/")
    assert response.status_code == 200
    url = f"/admin/expositions/nouvelle/consentement/?parent={index.pk}"
    assert f'data-url="{url}"' in response.content.decode()
    checked = admin_client.post(url, {"kind": "online", "title": "Nos corps", "body-count": "0"})
    assert checked.status_code == 200
    assert "est publiée" not in checked.content.decode()


def test_new_exhibition_check_without_parent_is_a_404(admin_client):
    assert admin_client.post("/admin/expositions/nouvelle/consentement/", {"kind": "online", "body-count": "0"}).status_code == 404
