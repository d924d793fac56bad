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


@pytest.mark.parametrize("data", [
    {"kind": "online", "title": "Nos corps"},  # pas de « body-count »
    {"kind": "online", "title": "Nos corps", "body-count": "deux"},  # compteur illisible
    {"kind": "online", "body-count": "1", "body-0-type": "section", "body-0-deleted": "", "body-0-order": "0",
     "body-0-value-title_fr": "Salle 1"},  # une salle sans le compteur de son contenu
])
def test_check_of_a_truncated_form_answers_400_in_french_never_500(admin_client, data):
    """Un envoi tronqué (formulaire coupé, script tiers) : une réponse claire, jamais une erreur 500."""
    index = f.index_page()
    for url in (f"/admin/expositions/nouvelle/consentement/?parent={index.pk}",):
        checked = admin_client.post(url, data)
        assert checked.status_code == 400
        assert "le formulaire envoyé est incomplet" in checked.content.decode()


def test_check_of_an_existing_exhibition_without_body_count_is_a_400(admin_client):
    page = f.exhibition([], kind="online", title="Nos corps, nos chemins")
    checked = admin_client.post(f"/admin/expositions/{page.pk}/consentement/", {"kind": "online"})
    assert checked.status_code == 400
    assert "Rechargez la page" in checked.content.decode()
