"""Sauvegarde et restauration : la base (JSON Django, portable SQLite ↔ PostgreSQL) et tous les fichiers
du stockage privé (disque local ou S3), dans une seule archive tar.

Archive `paroles-AAAAMMJJ-HHMMSS.tar[.gz|.xz][.age]` : compression au choix (`none`, `gz`, `xz` ;
PAROLES_BACKUP_COMPRESSION), chiffrement facultatif pour des destinataires age
(PAROLES_BACKUP_AGE_RECIPIENTS, clés publiques « age1… ») : la machine qui sauvegarde n'a que la clé
publique ; seule la restauration demande la clé secrète (`restore --identity FICHIER`). age (format
ouvert, bibliothèque pyrage) chiffre en flux, par blocs authentifiés, des archives de plusieurs Gio sans les
charger en mémoire (Fernet, lui, chiffre un message entier en mémoire) et se déchiffre aussi à la main avec
l'outil `age`. Après chaque sauvegarde, seules les PAROLES_BACKUP_KEEP plus récentes sont gardées.

Contenu de l'archive :
- `manifest.json` : version, date, moteur de base, migrations appliquées, nombre de lignes par modèle,
  liste des fichiers avec taille et SHA-256 ;
- `db.json` : `dumpdata` (clés primaires gardées, clés naturelles pour les types de contenu) (sans contenttypes ni permissions, recréés par migrate) ;
- `files/<nom dans le stockage>` : chaque fichier, tel quel.

La restauration exige une base vide (juste migrée) ; elle vérifie chaque fichier (SHA-256) et les
nombres de lignes, et n'écrase jamais un fichier existant différent.
"""

import hashlib
import io
import json
import os
import re
import shutil
import tarfile
import tempfile
from contextlib import contextmanager
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.translation import gettext as _

FORMAT_VERSION = 1
CHUNK = 1024 * 1024
# Recréés par migrate, propres à une installation, ou reconstructibles.
EXCLUDED_MODELS = [
    "contenttypes",
    "auth.permission",
    "sessions",
    "admin.logentry",
    "axes",
    "wagtailsearch.indexentry",
    "paroles.workerheartbeat",
]
# Tables vides attendues pour une restauration (au-delà de ce que migrate crée lui-même).
MUST_BE_EMPTY = [("media_library", "Work"), ("media_library", "MediaFile"), ("auth", "User")]


class BackupError(Exception):
    pass


def _excluded(model):
    label = model._meta.label_lower
    return model._meta.app_label in EXCLUDED_MODELS or label in EXCLUDED_MODELS


def model_counts():
    counts = {}
    for model in apps.get_models():
        if _excluded(model) or not model._meta.managed or model._meta.proxy:
            continue
        counts[model._meta.label_lower] = model._base_manager.count()
    return counts


def storage_files(storage=None, path=""):
    """Tous les fichiers du stockage, récursivement (fonctionne en local comme sur S3)."""
    storage = storage or default_storage
    try:
        dirs, files = storage.listdir(path)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{path}/{name}" if path else name
    for d in sorted(dirs):
        yield from storage_files(storage, f"{path}/{d}" if path else d)


def sha256_storage(name, storage=None):
    storage = storage or default_storage
    digest = hashlib.sha256()
    with storage.open(name, "rb") as fh:
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


class _HashingReader(io.RawIOBase):
    def __init__(self, fh):
        self.fh = fh
        self.digest = hashlib.sha256()

    def readable(self):
        return True

    def read(self, size=-1):
        data = self.fh.read(size)
        self.digest.update(data)
        return data


def _add_bytes(tar, name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    tar.addfile(info, io.BytesIO(data))


COMPRESSIONS = {"none": ("", "w"), "gz": (".gz", "w:gz"), "xz": (".xz", "w:xz")}
ARCHIVE_RE = re.compile(r"^paroles-\d{8}-\d{6}(?:-\d+)?\.tar(?:\.gz|\.xz)?(?:\.age)?$")


def _recipients(values):
    import pyrage

    keys = [v.strip() for v in (values or []) if v and v.strip()]
    try:
        return [pyrage.x25519.Recipient.from_str(k) for k in keys]
    except pyrage.RecipientError as exc:
        raise BackupError(_("Clé publique age invalide (attendu « age1… ») : %(err)s") % {"err": exc}) from exc


def _identities(path):
    import pyrage

    if not path:
        raise BackupError(_("Cette sauvegarde est chiffrée : donnez la clé secrète age (--identity FICHIER)."))
    try:
        lines = Path(path).read_text().splitlines()
        return [pyrage.x25519.Identity.from_str(line.strip()) for line in lines
                if line.strip().startswith("AGE-SECRET-KEY-")]
    except (OSError, pyrage.IdentityError) as exc:
        raise BackupError(_("Clé secrète age illisible (%(path)s) : %(err)s") % {"path": path, "err": exc}) from exc


def create_backup(output_dir, *, progress=None, compression=None, recipients=None, keep=None):
    """Écrit une archive dans `output_dir` et renvoie son chemin. `progress(octets)` est appelé au fil de l'eau.

    `compression` : none, gz ou xz ; `recipients` : clés publiques age (chiffrement) ; `keep` : nombre
    d'archives gardées dans `output_dir` (0 = toutes). Par défaut : les réglages PAROLES_BACKUP_*.
    """
    compression = compression or getattr(settings, "PAROLES_BACKUP_COMPRESSION", "gz")
    if compression not in COMPRESSIONS:
        raise BackupError(_("Compression inconnue « %(c)s » (none, gz ou xz).") % {"c": compression})
    if recipients is None:
        recipients = getattr(settings, "PAROLES_BACKUP_AGE_RECIPIENTS", [])
    age_recipients = _recipients(recipients)
    keep = getattr(settings, "PAROLES_BACKUP_KEEP", 0) if keep is None else keep
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    suffix, mode = COMPRESSIONS[compression]
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    base, n = f"paroles-{stamp}", 1
    while any(output_dir.glob(f"{base}.tar*")):
        n += 1
        base = f"paroles-{stamp}-{n}"
    final = output_dir / f"{base}.tar{suffix}{'.age' if age_recipients else ''}"
    partial = output_dir / f".{base}.tar{suffix}.partial"
    names = list(storage_files())
    files = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            db_path = Path(tmp) / "db.json"
            call_command(
                "dumpdata", natural_foreign=True, use_base_manager=True, exclude=EXCLUDED_MODELS,
                output=str(db_path), verbosity=0,
            )
            with tarfile.open(partial, mode) as tar:
                tar.add(db_path, arcname="db.json")
                for name in names:
                    size = default_storage.size(name)
                    info = tarfile.TarInfo(f"files/{name}")
                    info.size = size
                    info.mtime = int(timezone.now().timestamp())
                    with default_storage.open(name, "rb") as fh:
                        reader = _HashingReader(fh)
                        tar.addfile(info, reader)
                    files.append({"name": name, "size": size, "sha256": reader.digest.hexdigest()})
                    if progress:
                        progress(size)
                manifest = {
                    "format": FORMAT_VERSION,
                    "created_at": timezone.now().isoformat(),
                    "database_vendor": connection.vendor,
                    "migrations": sorted(f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations()),
                    "counts": model_counts(),
                    "files": files,
                    "compression": compression,
                }
                _add_bytes(tar, "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8"))
        if age_recipients:
            import pyrage

            encrypted = output_dir / f".{base}.age.partial"
            with open(partial, "rb") as src, open(encrypted, "wb") as dst:
                pyrage.encrypt_io(src, dst, age_recipients)
            partial.unlink()
            partial = encrypted
        os.replace(partial, final)  # l'archive n'apparaît qu'entière
    finally:
        for leftover in output_dir.glob(f".{base}.*partial"):
            leftover.unlink(missing_ok=True)
    if keep:
        prune_backups(output_dir, keep)
    return final


def list_backups(directory):
    """Archives de `directory`, de la plus ancienne à la plus récente."""
    directory = Path(directory)
    if not directory.exists():
        return []
    return sorted((p for p in directory.iterdir() if p.is_file() and ARCHIVE_RE.match(p.name)),
                  key=lambda p: (p.stat().st_mtime, p.name))


def prune_backups(directory, keep):
    """Garde les `keep` archives les plus récentes, supprime les autres. Renvoie les chemins supprimés."""
    archives = list_backups(directory)
    doomed = archives[:-keep] if keep > 0 else []
    for path in doomed:
        path.unlink(missing_ok=True)
    return doomed


@contextmanager
def open_archive(archive, identity=None):
    """Ouvre une archive (compressée ou non, chiffrée ou non) en lecture ; une archive chiffrée est
    d'abord déchiffrée en flux dans un fichier temporaire (jamais en mémoire)."""
    archive = Path(archive)
    if not archive.exists():
        raise BackupError(_("Archive introuvable : %(path)s") % {"path": archive})
    if archive.name.endswith(".age"):
        import pyrage

        identities = _identities(identity or getattr(settings, "PAROLES_BACKUP_AGE_IDENTITY_FILE", ""))
        with tempfile.TemporaryDirectory(prefix=".paroles-dechiffre-", dir=archive.parent) as tmp:
            plain = Path(tmp) / "archive.tar"
            try:
                with open(archive, "rb") as src, open(plain, "wb") as dst:
                    pyrage.decrypt_io(src, dst, identities)
            except pyrage.DecryptError as exc:
                raise BackupError(_("Déchiffrement impossible : mauvaise clé secrète, ou archive abîmée (%(err)s).")
                                  % {"err": exc}) from exc
            with tarfile.open(plain, "r:*") as tar:
                yield tar
        return
    try:
        tar = tarfile.open(archive, "r:*")
    except tarfile.TarError as exc:
        raise BackupError(_("Archive illisible ou abîmée : %(err)s") % {"err": exc}) from exc
    with tar:
        yield tar


def read_manifest(archive, identity=None):
    with open_archive(archive, identity) as tar:
        member = tar.getmember("manifest.json")
        return json.loads(tar.extractfile(member).read().decode("utf-8"))


def _check_empty():
    for app_label, model_name in MUST_BE_EMPTY:
        model = apps.get_model(app_label, model_name)
        if model._base_manager.exists():
            raise BackupError(
                _("La base n'est pas vide (%(model)s) : restaurez dans une base neuve, juste migrée.")
                % {"model": model._meta.verbose_name_plural}
            )


def restore_backup(archive, *, progress=None, storage=None, identity=None):
    """Restaure une archive dans une base vide et un stockage sans conflit. Renvoie le manifeste."""
    with open_archive(archive, identity) as tar:
        return _restore(tar, progress=progress, storage=storage or default_storage)


def _restore(tar, *, progress, storage):
    manifest = json.loads(tar.extractfile(tar.getmember("manifest.json")).read().decode("utf-8"))
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(_("Format d'archive inconnu (%(fmt)s).") % {"fmt": manifest.get("format")})
    applied = {f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations()}
    unknown = sorted(set(manifest["migrations"]) - applied)
    if unknown:
        raise BackupError(
            _("Cette archive vient d'une version plus récente (migrations inconnues ici : %(list)s). "
              "Mettez d'abord le code à jour, puis lancez migrate.") % {"list": ", ".join(unknown[:5])}
        )
    _check_empty()

    expected = {f["name"]: f for f in manifest["files"]}
    # 1. Les fichiers d'abord (un fichier existant identique est gardé ; différent : refus).
    for member in tar:
        if not member.name.startswith("files/") or not member.isfile():
            continue
        name = member.name[len("files/"):]
        info = expected.get(name)
        if info is None or ".." in Path(name).parts or name.startswith("/"):
            raise BackupError(_("Fichier inattendu dans l'archive : %(name)s") % {"name": name})
        if storage.exists(name):
            if sha256_storage(name, storage) != info["sha256"]:
                raise BackupError(
                    _("Le fichier %(name)s existe déjà avec un autre contenu : rien n'est écrasé.") % {"name": name}
                )
        else:
            reader = _HashingReader(tar.extractfile(member))
            saved = storage.save(name, File(reader, name=name))
            if saved != name:
                raise BackupError(_("Le stockage a renommé %(name)s : restauration interrompue.") % {"name": name})
            if reader.digest.hexdigest() != info["sha256"]:
                storage.delete(name)
                raise BackupError(_("Empreinte incorrecte pour %(name)s : archive abîmée.") % {"name": name})
        if progress:
            progress(member.size)
    # 2. La base.
    with tempfile.TemporaryDirectory() as tmp:
        tar.extract("db.json", tmp, filter="data")
        _flush_migration_data()
        call_command("loaddata", str(Path(tmp) / "db.json"), verbosity=0)
    return manifest


def _flush_migration_data():
    """Retire les lignes créées par les migrations (page racine Wagtail, site, taxonomie de départ) :
    l'archive les contient déjà, avec leurs clés d'origine."""
    call_command("flush", interactive=False, verbosity=0)


def verify_restore(manifest, storage=None):
    """Compare la base et le stockage au manifeste. Renvoie la liste des écarts (vide = identique)."""
    storage = storage or default_storage
    problems = []
    counts = model_counts()
    for label, expected in manifest["counts"].items():
        if counts.get(label) != expected:
            problems.append(f"{label} : {counts.get(label)} lignes au lieu de {expected}")
    for info in manifest["files"]:
        if not storage.exists(info["name"]):
            problems.append(f"fichier manquant : {info['name']}")
        elif sha256_storage(info["name"], storage) != info["sha256"]:
            problems.append(f"empreinte différente : {info['name']}")
    return problems
