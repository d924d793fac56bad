"""Corbeille des œuvres : supprimer une œuvre la met à la corbeille pour PAROLES_TRASH_DAYS jours (30).

- `trash_work` / `restore_work` : ce que font l'administration (suppression d'une œuvre, liste
  « Corbeille ») et les commandes. Une œuvre à la corbeille disparaît de toutes les surfaces :
  `Work.objects` l'exclut et `decide()` la refuse sur tout canal public.
- `purge_expired` (commande `purge_trash`) : supprime définitivement les œuvres à la corbeille depuis
  plus de 30 jours. Les originaux ne sont JAMAIS simplement effacés : chacun est d'abord copié, avec
  son empreinte vérifiée et une fiche JSON de l'œuvre, dans PAROLES_BACKUP_DIR/purged/ ; il n'est
  retiré du stockage que si aucune autre ligne de la base ne le référence. Une œuvre encore utilisée
  (relation protégée, par exemple dans une exposition) reste à la corbeille et est signalée.
"""

import hashlib
import json
import logging
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models.deletion import ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


def _work_model():
    return apps.get_model("media_library", "Work")


def _changed():
    """update() n'envoie aucun signal : l'époque du consentement change ici, sinon le cache des pages et le
    mémo du processus montreraient encore l'œuvre mise à la corbeille (ou cacheraient l'œuvre restaurée)."""
    from consent import epoch

    epoch.bump()


def trash_work(work, user=None):
    """Met une œuvre à la corbeille (récupérable pendant PAROLES_TRASH_DAYS jours)."""
    if work.trashed_at is None:
        work.trashed_at = timezone.now()
        _work_model().all_objects.filter(pk=work.pk).update(trashed_at=work.trashed_at)
        _changed()
        logger.info("Œuvre %s mise à la corbeille par %s", work.pk, getattr(user, "pk", None))
    return work


def restore_work(work, user=None):
    if work.trashed_at is not None:
        work.trashed_at = None
        _work_model().all_objects.filter(pk=work.pk).update(trashed_at=None)
        _changed()
        logger.info("Œuvre %s restaurée depuis la corbeille par %s", work.pk, getattr(user, "pk", None))
    return work


def trashed_works():
    return _work_model().all_objects.filter(trashed_at__isnull=False).order_by("-trashed_at")


def purge_deadline(work):
    return work.trashed_at + timedelta(days=settings.PAROLES_TRASH_DAYS) if work.trashed_at else None


def expired_works(now=None):
    now = now or timezone.now()
    return trashed_works().filter(trashed_at__lt=now - timedelta(days=settings.PAROLES_TRASH_DAYS))


def file_references(name):
    """Nombre de lignes, tous modèles confondus, dont un FileField désigne `name` dans le stockage."""
    count = 0
    for model in apps.get_models():
        for f in model._meta.get_fields():
            if isinstance(f, models.FileField) and not f.many_to_many and f.concrete:
                manager = getattr(model, "all_objects", model._base_manager)
                count += manager.filter(**{f.name: name}).count()
    return count


def _sha256_storage(name):
    digest = hashlib.sha256()
    with default_storage.open(name, "rb") as fh:
        for chunk in iter(lambda: fh.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass
class PurgeReport:
    purged: list = field(default_factory=list)
    kept: list = field(default_factory=list)  # (œuvre, raison)
    moved_files: list = field(default_factory=list)
    destination: Path | None = None


def purge_work(work, destination_root, report):
    """Supprime définitivement une œuvre ; ses originaux partent d'abord dans `destination_root`."""
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    dest = Path(destination_root) / f"{stamp}-oeuvre-{work.pk}"
    files = list(work.files.all())
    dest.mkdir(parents=True, exist_ok=True)
    record = {
        "work": json.loads(serializers.serialize("json", [work], use_natural_foreign_keys=True))[0],
        "files": json.loads(serializers.serialize("json", files, use_natural_foreign_keys=True)),
        "trashed_at": work.trashed_at.isoformat(),
        "purged_at": timezone.now().isoformat(),
    }
    copied = []
    for media in files:
        if not media.file.name or not default_storage.exists(media.file.name):
            continue
        target = dest / f"{media.uuid}-{media.safe_filename}"
        digest = hashlib.sha256()
        with default_storage.open(media.file.name, "rb") as src, open(target, "wb") as out:
            for chunk in iter(lambda: src.read(1024 * 1024), b""):
                digest.update(chunk)
                out.write(chunk)
        if digest.hexdigest() != media.sha256:
            raise RuntimeError(
                _("Empreinte inattendue pour « %(name)s » : purge interrompue, rien n'est supprimé.")
                % {"name": media.original_filename}
            )
        copied.append((media.file.name, target))
    (dest / "oeuvre.json").write_text(json.dumps(record, ensure_ascii=False, indent=2, default=str), encoding="utf-8")

    names = [name for name, _target in copied]
    try:
        with transaction.atomic():
            for media in files:
                media.delete()
            _work_model().all_objects.filter(pk=work.pk).delete()
    except (ProtectedError, RestrictedError) as exc:
        used_by = sorted({str(obj._meta.verbose_name) for obj in exc.protected_objects if hasattr(obj, "_meta")}
                         if isinstance(exc, ProtectedError) else {"?"})
        report.kept.append((work, _("encore utilisée par : %(what)s") % {"what": ", ".join(used_by)}))
        for _name, target in copied:
            target.unlink(missing_ok=True)
        (dest / "oeuvre.json").unlink(missing_ok=True)
        try:
            dest.rmdir()
        except OSError:
            pass
        return False
    # Les lignes sont supprimées : on retire du stockage les originaux que plus rien ne référence.
    for name in names:
        if file_references(name) == 0:
            default_storage.delete(name)
            report.moved_files.append(name)
    report.purged.append(work)
    return True


def purge_expired(*, now=None, destination=None, dry_run=False, progress=None):
    """Purge les œuvres à la corbeille depuis plus de PAROLES_TRASH_DAYS jours."""
    report = PurgeReport()
    works = list(expired_works(now))
    report.destination = Path(destination or settings.PAROLES_BACKUP_DIR / "purged")
    if dry_run:
        report.purged = works
        return report
    for work in works:
        purge_work(work, report.destination, report)
        if progress:
            progress(work)
    return report
