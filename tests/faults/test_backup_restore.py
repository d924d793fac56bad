"""Cas 9 : sauvegarde (compression au choix, chiffrement age facultatif, N archives gardées), puis
restauration dans une base vide et un stockage vide ; tout est comparé octet pour octet."""

import hashlib

import pyrage
import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError

from media_library.models import MediaFile, Work
from media_library.flows.ingest import ingest_file
from media_library.tests.factories import ProjectFactory, WorkFactory
from paroles import backup

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]


def _files():
    out = {}
    for name in backup.storage_files():
        with default_storage.open(name, "rb") as fh:
            out[name] = hashlib.sha256(fh.read()).hexdigest()
    return out


def _wipe():
    call_command("flush", interactive=False, verbosity=0)
    for name in list(backup.storage_files()):
        default_storage.delete(name)
    assert not list(backup.storage_files()) and not Work.all_objects.exists()


@pytest.mark.parametrize("compression", ["xz", "none"])
def test_encrypted_backup_restores_byte_for_byte_and_keeps_n(tmp_path, small_video, small_pdf, compression):
    identity = pyrage.x25519.Identity.generate()
    key_file = tmp_path / "cle.txt"
    key_file.write_text(f"# clé de restauration\n{identity}\n")
    project = ProjectFactory(name="Sira")
    for title, path in (("Le livre Sira", small_pdf), ("Capsule ɛ ɔ ɲ ŋ", small_video)):
        ingest_file(WorkFactory(project=project, title_fr=title), path)
    before_counts, before_files = backup.model_counts(), _files()
    out = tmp_path / "sauvegardes"
    archives = [backup.create_backup(out, compression=compression, recipients=[str(identity.to_public())], keep=2)
                for _ in range(3)]
    kept = backup.list_backups(out)
    assert kept == archives[1:]  # retention : les 2 plus récentes
    assert not archives[0].exists() and not list(out.glob(".*"))  # aucun reste partiel
    archive = archives[-1]
    assert archive.name.endswith({"xz": ".tar.xz.age", "none": ".tar.age"}[compression])
    assert archive.read_bytes().startswith(b"age-encryption.org/v1")
    for digest in before_files.values():  # chiffré : aucun contenu en clair
        assert digest not in archive.read_bytes().decode("latin-1")
    pdf_bytes = small_pdf.read_bytes()
    assert pdf_bytes[:200] not in archive.read_bytes()

    _wipe()
    with pytest.raises(CommandError, match="clé secrète"):
        call_command("restore", str(archive), verbosity=0)
    wrong = tmp_path / "autre.txt"
    wrong.write_text(str(pyrage.x25519.Identity.generate()))
    with pytest.raises(CommandError, match="Déchiffrement impossible"):
        call_command("restore", str(archive), "--identity", str(wrong), verbosity=0)
    assert not MediaFile.objects.exists() and not list(backup.storage_files())  # rien à moitié restauré

    call_command("restore", str(archive), "--identity", str(key_file), verbosity=0)
    assert backup.model_counts() == before_counts
    assert _files() == before_files  # octet pour octet
    assert Work.objects.filter(title_fr="Capsule ɛ ɔ ɲ ŋ").exists()


def test_plain_gzip_backup_by_command_with_retention(tmp_path, small_image, settings):
    settings.PAROLES_BACKUP_KEEP = 1
    ingest_file(WorkFactory(project=ProjectFactory(), title_fr="Photo"), small_image)
    before = _files()
    for _ in range(2):
        call_command("backup", "--output", str(tmp_path), "--compression", "gz", verbosity=0)
    (archive,) = backup.list_backups(tmp_path)
    assert archive.name.endswith(".tar.gz") and archive.read_bytes()[:2] == b"\x1f\x8b"
    _wipe()
    call_command("restore", str(archive), verbosity=0)
    assert _files() == before


def test_unknown_compression_and_bad_key_are_refused_in_french(tmp_path):
    with pytest.raises(backup.BackupError, match="Compression inconnue"):
        backup.create_backup(tmp_path, compression="zip")
    with pytest.raises(backup.BackupError, match="Clé publique age invalide"):
        backup.create_backup(tmp_path, recipients=["pas-une-cle"])
    assert backup.list_backups(tmp_path) == []
