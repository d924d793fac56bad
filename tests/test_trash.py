"""Corbeille : supprimer une œuvre dans l'administration la met à la corbeille (récupérable 30 jours) ;
la purge ne perd jamais un original (copié, empreinte vérifiée, avant tout retrait)."""

import hashlib
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from media_library.models import MediaFile, Work
from media_library.flows.ingest import ingest_file
from media_library.tests.factories import WorkFactory


@pytest.mark.django_db
def test_deleting_a_work_in_the_admin_moves_it_to_the_trash_and_it_can_be_restored(
    admin_client, cleared_work, small_image
):
    from django.test import Client

    client = Client()  # anonyme (admin_client partage la fixture `client`)
    work = cleared_work
    try:
        from consent.testing import grant

        grant(work)
    except ImportError:
        pass
    media = ingest_file(work, small_image)
    from media_library.processing.images import ensure_image_renditions

    public_copy = ensure_image_renditions(media)["medium"]  # le public reçoit un rendu, jamais l'original
    assert client.get(public_copy.get_serve_url("website")).status_code == 200
    url = reverse("wagtailsnippets_media_library_work:delete", args=[work.pk])
    confirm = admin_client.get(url)
    assert confirm.status_code == 200 and "corbeille" in confirm.content.decode()
    response = admin_client.post(url)
    assert response.status_code == 302
    trashed = Work.all_objects.get(pk=work.pk)
    assert trashed.trashed_at is not None
    assert not Work.objects.filter(pk=work.pk).exists()
    assert default_storage.exists(media.file.name) and MediaFile.objects.filter(pk=media.pk).exists()
    assert client.get(public_copy.get_serve_url("website")).status_code == 404  # plus rien de public

    index = admin_client.get(reverse("paroles_trash_index"))
    assert index.status_code == 200 and work.title_fr in index.content.decode()
    restored = admin_client.post(reverse("paroles_trash_restore", args=[work.pk]))
    assert restored.status_code == 302
    assert Work.objects.get(pk=work.pk).trashed_at is None


@pytest.mark.django_db
def test_bulk_delete_also_uses_the_trash(admin_client, project):
    works = [WorkFactory(project=project, title_fr=f"Lot {i}") for i in range(2)]
    url = reverse("wagtail_bulk_action", args=["media_library", "work", "delete"])
    query = "&".join(f"id={w.pk}" for w in works)
    response = admin_client.post(f"{url}?{query}")
    assert response.status_code == 302
    assert Work.all_objects.filter(pk__in=[w.pk for w in works], trashed_at__isnull=False).count() == 2


@pytest.mark.django_db
def test_purge_keeps_recent_items_and_sets_aside_expired_originals(project, media_dir, tmp_path):
    from media_library import testing

    old = WorkFactory(project=project, title_fr="Ancienne")
    recent = WorkFactory(project=project, title_fr="Récente")
    old_media = ingest_file(old, testing.make_image(media_dir / "old.jpg", color=(10, 20, 30)))
    recent_media = ingest_file(recent, testing.make_image(media_dir / "recent.jpg", color=(200, 20, 30)))
    Work.all_objects.filter(pk=old.pk).update(trashed_at=timezone.now() - timedelta(days=31))
    Work.all_objects.filter(pk=recent.pk).update(trashed_at=timezone.now() - timedelta(days=5))
    old_name, old_sha = old_media.file.name, old_media.sha256

    call_command("purge_trash", destination=str(tmp_path / "purged"), stdout=open("/dev/null", "w"))

    assert not Work.all_objects.filter(pk=old.pk).exists()
    assert Work.all_objects.filter(pk=recent.pk).exists() and default_storage.exists(recent_media.file.name)
    assert not default_storage.exists(old_name)
    kept = list((tmp_path / "purged").rglob("*.jpg"))
    assert len(kept) == 1 and hashlib.sha256(kept[0].read_bytes()).hexdigest() == old_sha
    assert list((tmp_path / "purged").rglob("oeuvre.json"))
