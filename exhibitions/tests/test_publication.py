"""Publier une exposition exige le consentement du canal pour chaque œuvre, par tous les chemins."""

import datetime

import pytest
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.management import call_command
from django.test import RequestFactory
from django.utils import timezone
from wagtail import hooks
from wagtail.models import ModelLogEntry, PageLogEntry

from consent.testing import withdraw_all
from exhibitions.models import ExhibitionPage
from exhibitions.flows.publish_exhibition import ExhibitionPublishBlocked, check_publication
from exhibitions.wagtail_hooks import block_bulk_publication, block_publication_without_consent

from . import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def works(tmp_path):
    ok = f.work_with_file(tmp_path, title="Carte autorisée", channels=["website", "museum"])
    museum_only = f.work_with_file(tmp_path, title="Carte du musée seulement", channels=["museum"], pseudonym="Fanta")
    return ok, museum_only


def test_online_publication_refused_with_list_and_reason(works):
    ok, museum_only = works
    page = f.exhibition([ok, museum_only], kind="online")
    with pytest.raises(ExhibitionPublishBlocked) as exc:
        page.get_latest_revision().publish()
    page.refresh_from_db()
    assert not page.live
    problems = exc.value.problems
    assert [p.work.pk for p in problems] == [museum_only.pk]
    assert problems[0].reason  # une raison lisible, en français
    assert "Carte du musée seulement" in str(exc.value)
    assert "Salle 1" in problems[0].where


def test_museum_publication_allowed_for_museum_consent(works):
    ok, museum_only = works
    page = f.exhibition([ok, museum_only], kind="museum", publish=True)
    assert page.live
    assert check_publication(page) == []


def test_museum_publication_refused_without_museum_consent(tmp_path):
    web_only = f.work_with_file(tmp_path, title="Capsule web", channels=["website"])
    page = f.exhibition([web_only], kind="museum")
    with pytest.raises(ExhibitionPublishBlocked):
        page.get_latest_revision().publish()
    assert not ExhibitionPage.objects.get(pk=page.pk).live


def test_admin_publish_hook_keeps_draft_and_lists_works(works, admin_user):
    ok, museum_only = works
    page = f.exhibition([ok, museum_only], kind="online")
    assert block_publication_without_consent in hooks.get_hooks("before_publish_page")
    request = RequestFactory().post("/admin/pages/%d/edit/" % page.pk)
    request.user = admin_user
    request.session = {}
    request._messages = FallbackStorage(request)
    response = block_publication_without_consent(request, page)
    assert response is not None and response.status_code == 302
    text = " ".join(str(m) for m in request._messages)
    assert "Carte du musée seulement" in text and "Site web public" in text
    assert not ExhibitionPage.objects.get(pk=page.pk).live
    # Une exposition conforme passe.
    good = f.exhibition([ok], kind="online", slug="conforme")
    assert block_publication_without_consent(request, good) is None


def test_bulk_publish_blocked(works, admin_user):
    ok, museum_only = works
    page = f.exhibition([museum_only], kind="online")
    request = RequestFactory().post("/admin/bulk/")
    request.user = admin_user
    request.session = {}
    request._messages = FallbackStorage(request)
    response = block_bulk_publication(request, "publish", [page], None)
    assert response is not None and response.status_code == 302
    assert block_bulk_publication(request, "unpublish", [page], None) is None


def test_scheduled_publication_cancelled_after_withdrawal(works):
    ok, _museum_only = works
    page = f.exhibition([ok], kind="online")
    page.go_live_at = timezone.now() + datetime.timedelta(hours=1)
    revision = page.save_revision()
    revision.publish()  # programmée : autorisée à cet instant
    revision.refresh_from_db()
    assert revision.approved_go_live_at is not None
    participant = ok.participations.first().participant
    withdraw_all(participant)
    type(revision).objects.filter(pk=revision.pk).update(approved_go_live_at=timezone.now() - datetime.timedelta(minutes=1))
    call_command("publish_scheduled")
    page.refresh_from_db()
    revision.refresh_from_db()
    assert not page.live
    assert revision.approved_go_live_at is None
    assert PageLogEntry.objects.filter(page=page, action="exhibitions.publish_blocked").exists() or \
        ModelLogEntry.objects.filter(action="exhibitions.publish_blocked").exists()


def test_withdrawal_after_publication_shows_placeholder_and_admin_warning(works, client, admin_client):
    ok, _ = works
    page = f.exhibition([ok], kind="online", publish=True)
    response = client.get(page.url)
    assert response.status_code == 200
    assert "/fichiers/image/" in response.content.decode()
    withdraw_all(ok.participations.first().participant)
    response = client.get(page.url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "/fichiers/image/" not in html
    assert "Carte autorisée" not in html
    assert "consent-placeholder" in html or "exhibit-placeholder" in html
    assert response["Cache-Control"] == "private, no-store"
    edit = admin_client.get(f"/admin/pages/{page.pk}/edit/")
    assert edit.status_code == 200
    assert "n&#x27;ont plus le consentement" in edit.content.decode() or "n'ont plus le consentement" in edit.content.decode()
    home = admin_client.get("/admin/")
    assert "Expositions publiées à revoir" in home.content.decode()


def test_exhibition_whose_only_work_is_withdrawn_says_so_and_its_curator_is_told(works, client, admin_user):
    from consent.flows.withdraw import record_withdrawal
    from consent.models import CuratorNotice

    ok, _ = works
    page = f.exhibition([ok], kind="online", publish=True)
    assert "data-nothing-visible" not in client.get(page.url).content.decode()
    record_withdrawal(ok.participations.first().participant, user=admin_user)
    html = client.get(page.url).content.decode()
    assert "data-nothing-visible" in html and "ne sont plus présentées" in html
    notice = CuratorNotice.objects.get()
    assert f"Plus aucune œuvre visible dans : « {page.title} »" in notice.message
    (entry,) = [p for p in notice.details["pages"] if p["title"] == page.title]
    assert entry["emptied"] is True and entry["live"] is True
