"""Le rapport « historique du site » de Wagtail et son export passent par la politique."""

import pytest
from django.urls import reverse
from wagtail.log_actions import log

from .helpers import role_client

pytestmark = pytest.mark.django_db


def _export(client):
    response = client.get(reverse("wagtailadmin_reports:site_history") + "?export=csv")
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return body.decode()


def test_site_history_and_its_export_hide_what_the_policy_hides(matrix):
    protected, public = matrix["works"]["protected"], matrix["works"]["granted"]
    for work in (protected, public):
        log(instance=work, action="wagtail.edit", user=matrix["users"]["curator"])
    outside = role_client("curator_outside", matrix["users"])
    page = outside.get(reverse("wagtailadmin_reports:site_history"))
    assert page.status_code == 200
    assert public.title_fr in page.content.decode() and protected.title_fr not in page.content.decode()
    exported = _export(outside)
    assert public.title_fr in exported and protected.title_fr not in exported
    officer = role_client("officer", matrix["users"])
    assert protected.title_fr in _export(officer)
