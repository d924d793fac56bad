"""Sauvegarde et restauration : base + fichiers, restaurées dans une base vide et comparées."""

import hashlib

import pytest
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError

from media_library.models import MediaFile, Work
from media_library.flows.ingest import ingest_file
from media_library.tests.factories import ProjectFactory, WorkFactory
from paroles import backup, trash


def _sha(name):
    with default_storage.open(name, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


def _wipe_everything():
    call_command("flush", interactive=False, verbosity=0)
    for name in list(backup.storage_files()):
        default_storage.delete(name)
    assert not list(backup.storage_files())


@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_into_an_empty_database_is_identical(tmp_path, small_video, small_image, small_pdf):
    get_user_model().objects.create_user("animatrice", "a@example.org", "mot-de-passe-long")
    project = ProjectFactory(name="Protection des migrants")
    film = WorkFactory(project=project, title_fr="r/Egard", kind="film")
    bodymap = WorkFactory(project=project, title_fr="Body map", kind="body_map", title_bm="Farikolo")
    leaflet = WorkFactory(project=project, title_fr="Dépliant", kind="leaflet")
    for work, path in ((film, small_video), (bodymap, small_image), (leaflet, small_pdf)):
        ingest_file(work, path)
    trash.trash_work(leaflet)
    before_counts = backup.model_counts()
    before_files = {m.file.name: m.sha256 for m in MediaFile.objects.all()}
    assert len(before_files) == 3 and before_counts["media_library.work"] == 3

    call_command("backup", output=str(tmp_path), verbosity=0)
    archive = next(tmp_path.glob("paroles-*.tar*"))
    manifest = backup.read_manifest(archive)
    assert {f["name"] for f in manifest["files"]} >= set(before_files)

    _wipe_everything()
    assert Work.all_objects.count() == 0

    call_command("restore", str(archive), verbosity=0)
    assert backup.model_counts() == before_counts
    restored = {m.file.name: m.sha256 for m in MediaFile.objects.all()}
    assert restored == before_files
    for name, digest in restored.items():
        assert _sha(name) == digest  # chaque original, octet pour octet
    assert Work.all_objects.get(title_fr="Dépliant").trashed_at is not None  # la corbeille aussi
    assert Work.objects.get(title_fr="Body map").title_bm == "Farikolo"
    assert get_user_model().objects.get(username="animatrice").check_password("mot-de-passe-long")
    assert backup.verify_restore(manifest) == []


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_that_is_not_empty(tmp_path, small_image):
    work = WorkFactory(project=ProjectFactory(), title_fr="Déjà là")
    ingest_file(work, small_image)
    archive = backup.create_backup(tmp_path)
    with pytest.raises(CommandError, match="pas vide"):
        call_command("restore", str(archive), verbosity=0)
    assert Work.objects.get().title_fr == "Déjà là"


@pytest.mark.django_db(transaction=True)
def test_restore_never_overwrites_a_different_existing_file(tmp_path, small_image):
    work = WorkFactory(project=ProjectFactory(), title_fr="Photo")
    media = ingest_file(work, small_image)
    archive = backup.create_backup(tmp_path)
    name = media.file.name
    _wipe_everything()
    default_storage.save(name, __import__("io").BytesIO(b"autre contenu"))
    with pytest.raises(CommandError, match="autre contenu"):
        call_command("restore", str(archive), verbosity=0)
    with default_storage.open(name, "rb") as fh:
        assert fh.read() == b"autre contenu"
