"""Les images Wagtail des œuvres suivent la politique : sélecteur, image choisie ; refusé = absent."""

import pytest
from django.urls import reverse
from wagtail.images import get_image_model
from wagtail.permissions import policy_registry

from consent.images import ImagePolicy
from media_library.processing.images import ensure_archive_image

from .helpers import role_client

pytestmark = pytest.mark.django_db


def test_image_policy_is_registered_and_refused_looks_like_absent(matrix):
    assert isinstance(policy_registry.get_by_type(get_image_model()), ImagePolicy)
    work = matrix["works"]["protected"]
    media = next(m for m in work.files.all() if m.media_type == "image")
    image = ensure_archive_image(media)
    outside = role_client("curator_outside", matrix["users"])
    refused = outside.get(reverse("wagtailimages_chooser:chosen", args=[image.pk]))
    absent = outside.get(reverse("wagtailimages_chooser:chosen", args=[image.pk + 1000]))
    assert refused.status_code == absent.status_code == 404
    results = outside.get(reverse("wagtailimages_chooser:choose_results") + "?q=jeton")
    assert results.status_code == 200 and work.title_fr not in results.content.decode()
    officer = role_client("officer", matrix["users"])
    assert officer.get(reverse("wagtailimages_chooser:chosen", args=[image.pk])).status_code == 200
