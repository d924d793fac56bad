"""Recevoir un fichier original : vérifier, empreinter, analyser, ranger en privé, enregistrer.

Appelé par le téléversement de l'administration, par `import_works` et par `load_demo`. Tout ou
rien : si une étape échoue, rien n'est enregistré et le fichier stocké est retiré ; un original déjà
présent n'est jamais écrasé (noms uniques, et le même contenu est refusé en double).
"""

import logging
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ..files import CHUNK, MediaError, probe, sha256_of, sniff, check_extension
from ..models import MediaFile, original_upload_to
from .request_renditions import enqueue_processing

logger = logging.getLogger(__name__)


def human_size(num):
    for unit in ("o", "Ko", "Mo", "Go", "To"):
        if abs(num) < 1024 or unit == "To":
            return f"{num:.0f} {unit}" if unit == "o" else f"{num:.1f} {unit}".replace(".", ",")
        num /= 1024
    return str(num)


def duplicate_message(existing):
    work = existing.work
    return _("Ce fichier est déjà dans l'archive : il appartient à l'œuvre « %(title)s » (n° %(pk)s), "
             "sous le nom « %(name)s ».") % {"title": work.title_fr, "pk": work.pk, "name": existing.original_filename}


def _local_path(source):
    """Renvoie (chemin local, à_supprimer) pour une source : chemin, fichier téléversé ou fichier Django."""
    if isinstance(source, (str, Path)):
        return Path(source), False
    if hasattr(source, "temporary_file_path"):
        return Path(source.temporary_file_path()), False
    # Petit fichier téléversé en mémoire : on l'écrit dans un fichier temporaire pour l'analyser.
    tmp = tempfile.NamedTemporaryFile(delete=False, suffix=Path(getattr(source, "name", "")).suffix)
    with tmp:
        source.seek(0)
        for chunk in source.chunks(CHUNK) if hasattr(source, "chunks") else iter(lambda: source.read(CHUNK), b""):
            tmp.write(chunk)
    return Path(tmp.name), True


def validate_file(path, original_filename, size=None):
    """Vérifie un fichier sans rien enregistrer. Renvoie (sniffed, probe_result, size)."""
    size = path.stat().st_size if size is None else size
    if size == 0:
        raise MediaError(_("Le fichier « %(name)s » est vide (0 octet).") % {"name": original_filename})
    limit = settings.PAROLES_MAX_UPLOAD_SIZE
    if size > limit:
        raise MediaError(
            _("Le fichier « %(name)s » pèse %(size)s, au-delà de la limite de %(limit)s.")
            % {"name": original_filename, "size": human_size(size), "limit": human_size(limit)}
        )
    with open(path, "rb") as fh:
        head = fh.read(4096)
    sniffed = sniff(head)
    check_extension(original_filename, sniffed)
    result = probe(path, sniffed, size)
    return sniffed, result, size


def find_duplicate(sha256):
    return MediaFile.objects.select_related("work").filter(sha256=sha256).first()


def ingest_file(work, source, *, original_filename=None, user=None, sha256=None, sort_order=None):
    """Ajoute un fichier original à `work`. Lève MediaError (message en français) en cas de refus."""
    original_filename = original_filename or Path(getattr(source, "name", str(source))).name
    path, cleanup = _local_path(source)
    stored_name = None
    try:
        sniffed, result, size = validate_file(path, original_filename)
        digest = sha256 or getattr(source, "sha256", None) or sha256_of(path)
        existing = find_duplicate(digest)
        if existing:
            raise MediaError(duplicate_message(existing))

        target = original_upload_to(None, original_filename)
        try:
            with open(path, "rb") as fh:
                stored_name = default_storage.save(target, File(fh))
        except Exception as exc:
            from paroles.storage import is_storage_unavailable, storage_unavailable_message

            if not is_storage_unavailable(exc):
                raise
            _forget_partial(target)
            raise MediaError(storage_unavailable_message()) from exc
        try:
            with transaction.atomic():
                media = MediaFile.objects.create(
                    work=work,
                    file=stored_name,
                    original_filename=original_filename[:255],
                    sha256=digest,
                    size=size,
                    mime_type=("audio/mp4" if sniffed.mime_type == "video/mp4" and result.media_type == "audio"
                               else sniffed.mime_type),
                    media_type=result.media_type,
                    duration=result.duration,
                    width=result.width,
                    height=result.height,
                    video_codec=result.video_codec,
                    audio_codec=result.audio_codec,
                    container=result.container,
                    probe=result.details,
                    uploaded_by=user if user and user.is_authenticated else None,
                    sort_order=sort_order if sort_order is not None else work.files.count(),
                )
                if result.duration and (not work.duration_seconds or result.duration > work.duration_seconds):
                    type(work).objects.filter(pk=work.pk).update(duration_seconds=result.duration)
                    work.duration_seconds = result.duration
                transaction.on_commit(lambda: enqueue_processing(media.pk))
        except IntegrityError as exc:
            existing = find_duplicate(digest)
            if existing:
                raise MediaError(duplicate_message(existing)) from exc
            raise
        logger.info("Original reçu : %s (%s, %s octets) pour l'œuvre %s", original_filename, digest[:12], size, work.pk)
        return media
    except BaseException:
        if stored_name:
            # Rien à moitié : le fichier rangé mais non enregistré en base est retiré.
            _forget_partial(stored_name)
        raise
    finally:
        if cleanup:
            path.unlink(missing_ok=True)


def _forget_partial(name):
    """Retire un fichier rangé à moitié ; si le stockage ne répond plus, il reste un objet orphelin (jamais
    servi : la porte ne sert que ce qui est en base), retiré par le ménage des orphelins."""
    try:
        default_storage.delete(name)
    except Exception:  # noqa: BLE001 - le stockage est peut-être justement celui qui vient de tomber
        logger.warning("Fichier partiel %s non retiré (stockage indisponible)", name)
