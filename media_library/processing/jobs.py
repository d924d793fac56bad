"""Exécuter un travail de fond (ProcessingJob) : rendus d'un original, ou extrait d'un chapitre.

Garanties :
- l'original n'est jamais modifié : ffmpeg le lit par son chemin (ou une copie locale pour S3) ;
- chaque rendu est encodé dans un dossier temporaire hors du stockage, puis enregistré sous un nom
  neuf, puis la ligne en base est remplacée dans une transaction ; l'ancien fichier n'est supprimé
  qu'après la validation. Un travailleur tué en cours d'encodage ne laisse donc aucun fichier visible ;
- un travail relancé ne crée aucun doublon (contrainte d'unicité, rendus à jour sautés) ;
- un travail « en cours » sans signe de vie depuis PAROLES_JOB_STALE_MINUTES est relancé (au plus
  PAROLES_JOB_MAX_ATTEMPTS fois), puis marqué en échec avec la raison.
"""

import errno
import logging
import os
import shutil
import tempfile
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from consent import epoch

from ..models import Chapter, MediaFile, MediaType, ProcessingJob, Rendition, RenditionKind, rendition_upload_to
from ..signals import processing_job_queued
from . import presets, steps
from .ffmpeg import ProcessingError, Throttle, no_space_message
from .outputs import DamagedSourceError

logger = logging.getLogger(__name__)

TMP_PREFIX = "paroles-rendu-"


def stale_after():
    return timedelta(minutes=getattr(settings, "PAROLES_JOB_STALE_MINUTES", 10))


def max_attempts():
    return getattr(settings, "PAROLES_JOB_MAX_ATTEMPTS", 3)


def tmp_root():
    root = getattr(settings, "PAROLES_PROCESSING_TMP", None)
    if root:
        Path(root).mkdir(parents=True, exist_ok=True)
    return root


@contextmanager
def workdir():
    # Le numéro du processus dans le nom : le dossier d'un travailleur tué est retiré par le suivant.
    path = Path(tempfile.mkdtemp(prefix=f"{TMP_PREFIX}{os.getpid()}-", dir=tmp_root()))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


@contextmanager
def local_source(media, directory):
    """Chemin local lisible de l'original, sans jamais l'ouvrir en écriture."""
    try:
        path = Path(media.file.path)
    except NotImplementedError:
        path = None
    if path is not None:
        if not path.exists():
            raise ProcessingError(_("L'original est introuvable dans le stockage (%(name)s).") % {"name": media.file.name})
        yield path
        return
    # Stockage objet : copie locale par blocs dans le dossier temporaire du travail.
    copy = Path(directory) / f"source{Path(media.file.name).suffix}"
    with media.file.open("rb") as src, open(copy, "wb") as dst:
        shutil.copyfileobj(src, dst, 1024 * 1024)
    yield copy


# --- Publication atomique --------------------------------------------------------------------------


def _row_filter(media, kind, chapter=None, window=None):
    """La ligne d'un rendu : par chapitre (extrait d'un chapitre), par fenêtre (extrait d'exposition, sans
    chapitre), ou le rendu de l'œuvre entière (ni l'un ni l'autre)."""
    where = {"media_file": media, "kind": kind, "chapter": chapter}
    if chapter is None:
        if window is None:
            where["clip_start__isnull"] = True
        else:
            where["clip_start"], where["clip_end"] = window
    return where


def publish_rendition(media, preset, output, *, chapter=None, window=None):
    """Range le fichier produit sous un nom neuf et remplace la ligne du rendu en une transaction.

    `window` (début, fin) : la fenêtre de l'original que contient un extrait, notée sur la ligne (la
    politique du consentement décide l'extrait par elle). L'ancien fichier n'est supprimé qu'une fois la
    transaction validée. Renvoie le Rendition.
    """
    probe = Rendition(media_file=media, kind=preset.kind)
    name = rendition_upload_to(probe, f"x{preset.ext}")
    if output.meta.get("tree"):
        # Une arborescence (pyramide IIIF) : rangée sous un dossier neuf ; le fichier du rendu est
        # son index (info.json), les autres sont à côté. L'ancienne version part après validation.
        stored, size = _store_tree(Path(output.path).parent, str(PurePosixPath(name).with_suffix("")),
                                   Path(output.path).name)
    else:
        with open(output.path, "rb") as fh:
            stored = default_storage.save(name, File(fh))
        try:
            size = default_storage.size(stored)
        except BaseException:
            _delete_quietly(stored)
            raise
    fields = {
        "settings_hash": preset.settings_hash,
        "mime_type": preset.mime_type,
        "size": size,
        "duration": output.duration,
        "width": output.width,
        "height": output.height,
        "meta": output.meta,
        "created_at": timezone.now(),
        "clip_start": window[0] if window else None,
        "clip_end": window[1] if window else None,
    }
    where = _row_filter(media, preset.kind, chapter, window)
    old_name = None
    try:
        with transaction.atomic():
            existing = Rendition.objects.select_for_update().filter(**where).first()
            if existing is None:
                try:
                    with transaction.atomic():
                        rendition = Rendition.objects.create(
                            media_file=media, chapter=chapter, kind=preset.kind, file=stored, **fields
                        )
                except IntegrityError:
                    # Un autre travailleur vient de créer la ligne : on la remplace.
                    existing = Rendition.objects.select_for_update().get(**where)
            if existing is not None:
                old_name = existing.file.name
                for key, value in fields.items():
                    setattr(existing, key, value)
                existing.file.name = stored
                existing.save()
                rendition = existing
    except BaseException:
        delete_rendition_file(stored, tree=bool(output.meta.get("tree")))
        raise
    if old_name and old_name != stored:
        old_tree = bool(existing is not None and (existing.meta or {}).get("tree")) or is_tree_name(old_name)
        transaction.on_commit(lambda: delete_rendition_file(old_name, tree=old_tree))
    return rendition


def _delete_quietly(name):
    try:
        default_storage.delete(name)
    except Exception:  # noqa: BLE001 - stockage tombé : l'objet orphelin n'est jamais servi (sweep_orphan_files)
        logger.warning("Rendu %s non retiré (stockage indisponible)", name)


TREE_MARK = "/tree-"


def is_tree_name(name):
    return TREE_MARK in (name or "")


def _store_tree(directory, prefix, index_name):
    """Copie chaque fichier de `directory` sous `<prefix>/tree-<hasard>/…` ; renvoie (nom de l'index, taille)."""
    import uuid as uuid_lib

    root = f"{prefix}{TREE_MARK}{uuid_lib.uuid4().hex[:8]}"
    stored_names, total = [], 0
    try:
        for path in sorted(Path(directory).rglob("*")):
            if not path.is_file():
                continue
            key = f"{root}/{path.relative_to(directory).as_posix()}"
            with open(path, "rb") as fh:
                got = default_storage.save(key, File(fh))
            if got != key:  # le stockage a renommé : l'arborescence ne serait plus adressable
                default_storage.delete(got)
                raise ProcessingError(_("Publication des tuiles impossible : nom déjà pris (%(name)s).") % {"name": key})
            stored_names.append(got)
            total += path.stat().st_size
    except BaseException:
        for got in stored_names:
            default_storage.delete(got)
        raise
    return f"{root}/{index_name}", total


def delete_tree(root):
    """Supprime récursivement un dossier du stockage (pyramide d'une ancienne version)."""
    try:
        dirs, files = default_storage.listdir(root)
    except (FileNotFoundError, NotADirectoryError, OSError):
        return
    for name in files:
        default_storage.delete(f"{root}/{name}")
    for sub in dirs:
        delete_tree(f"{root}/{sub}")
    try:
        path = default_storage.path(root)
    except NotImplementedError:
        return
    try:
        Path(path).rmdir()
    except OSError:
        pass


def delete_rendition_file(name, *, tree=False):
    if tree or is_tree_name(name):
        delete_tree(str(PurePosixPath(name).parent))
    else:
        _delete_quietly(name)


def is_up_to_date(media, preset, chapter=None, window=None):
    rendition = Rendition.objects.filter(**_row_filter(media, preset.kind, chapter, window)).first()
    return bool(
        rendition
        and rendition.settings_hash == preset.settings_hash
        and (window is None or (rendition.clip_start, rendition.clip_end) == tuple(window))
        and rendition.file.name
        and default_storage.exists(rendition.file.name)
    )


# --- Progression -----------------------------------------------------------------------------------


class Reporter:
    """Tient le pourcentage du travail (pondéré par étape) et le signe de vie en base, sans excès d'écritures."""

    def __init__(self, job, kinds, callback=None, interval=1.0):
        self.job_pk = job.pk
        weights = [presets.WEIGHTS.get(k, 5) for k in kinds]
        total = sum(weights) or 1
        self.spans = {}
        acc = 0
        for kind, weight in zip(kinds, weights):
            self.spans[kind] = (acc / total, weight / total)
            acc += weight
        self.callback = callback
        self.current = (0.0, 0.0)
        self.step = ""
        self.value = 0.0
        self._write = Throttle(self._save, interval)

    def start(self, kind, label):
        self.current = self.spans.get(kind, (self.value, 0.0))
        self.step = label
        self.update(0.0, force=True)

    def update(self, fraction, force=False):
        base, span = self.current
        self.value = min(100.0, round((base + span * fraction) * 100, 1))
        if self.callback:
            self.callback(self.value, self.step)
        if force:
            self._save(self.value)
        else:
            self._write(fraction)

    def _save(self, _fraction):
        ProcessingJob.objects.filter(pk=self.job_pk).update(
            progress=self.value, step=self.step[:120], heartbeat_at=timezone.now()
        )


# --- Exécution -------------------------------------------------------------------------------------


STEP_LABELS = {
    "verify": gettext_lazy("vérification de l'original"),
    "image": gettext_lazy("rendus d'image"),
    "iiif": gettext_lazy("tuiles IIIF (zoom profond)"),
}


def step_label(kind):
    if kind in STEP_LABELS:
        return str(STEP_LABELS[kind])
    return str(RenditionKind(kind).label) if kind in RenditionKind.values else kind


def planned_kinds(job):
    media = job.media_file
    if job.kind == ProcessingJob.Kind.CLIP:
        if job.chapter_id is None:
            # L'extrait d'une exposition : lu dans la page, avec son affiche (vidéo) prise dans sa fenêtre.
            return ["clip_web", "clip_poster"] if media.media_type == MediaType.VIDEO else ["clip_web"]
        return ["clip_phone", "clip_web"]
    available = presets.kinds_for(media.media_type)
    if media.media_type == MediaType.VIDEO and not media.audio_codec:
        available = [k for k in available if k != "audio"]  # vidéo muette : pas de rendu audio seul
    if job.rendition_kinds:
        return [k for k in available if k in job.rendition_kinds]
    return available


def claim(job_pk):
    """Passe le travail à « en cours » ; faux s'il est fini ou si un travailleur vivant l'a déjà pris.

    Un travail « en cours » sans signe de vie récent (son travailleur est mort, et la file vient de
    remettre sa tâche en route) est repris ici, dans la limite des tentatives.
    """
    now = timezone.now()
    cutoff = now - stale_after()
    takeable = Q(status=ProcessingJob.Status.QUEUED) | Q(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True),
        status=ProcessingJob.Status.RUNNING,
        attempts__lt=max_attempts(),
    )
    return bool(
        ProcessingJob.objects.filter(takeable, pk=job_pk).update(
            status=ProcessingJob.Status.RUNNING,
            started_at=now,
            heartbeat_at=now,
            finished_at=None,
            attempts=F("attempts") + 1,
            error="",
            progress=0,
        )
    )


def finish(job_pk, status, error=""):
    values = {"status": status, "finished_at": timezone.now(), "error": error, "heartbeat_at": timezone.now()}
    if status == ProcessingJob.Status.DONE:
        values.update(progress=100, step="")
    ProcessingJob.objects.filter(pk=job_pk).update(**values)


def _retry_when_storage_returns(job, tries):
    """Stockage S3 injoignable : le travail repart « en attente » et sa tâche sera relancée, avec une
    attente qui double à chaque essai (PAROLES_STORAGE_RETRY_DELAY, 15 s, puis 30 s…, au plus 10 min)."""
    from paroles.taskqueue import RetryLater

    delay = min(600.0, getattr(settings, "PAROLES_STORAGE_RETRY_DELAY", 15) * 2 ** (job.attempts - 1))
    step = _(
        "Le stockage des fichiers (S3) ne répond pas : aucun rendu n'a été enregistré, l'original est intact. "
        "Nouvel essai automatique dans %(s)s s (essai %(n)s sur %(max)s)."
    ) % {"s": int(delay), "n": job.attempts + 1, "max": tries}
    ProcessingJob.objects.filter(pk=job.pk).update(status=ProcessingJob.Status.QUEUED, step=step, progress=0)
    raise RetryLater(delay, step)


def run_job(job_pk, *, on_progress=None, retry_later=False):
    """Exécute le travail `job_pk` s'il est en attente. Sans effet s'il est déjà pris ou terminé.

    `on_progress(pourcentage, étape)` permet à une commande d'afficher une barre de progression.
    Avec `retry_later` (la tâche de fond), un stockage S3 injoignable remet le travail en attente et lève
    paroles.taskqueue.RetryLater (la file relance la tâche plus tard, PAROLES_STORAGE_RETRIES essais en
    tout) ; sinon le travail échoue avec la raison. Renvoie le ProcessingJob à jour.
    """
    sweep_stale_jobs(exclude=job_pk)
    if not claim(job_pk):
        return ProcessingJob.objects.filter(pk=job_pk).first()
    job = ProcessingJob.objects.select_related("media_file__work", "chapter").get(pk=job_pk)
    try:
        _execute(job, on_progress)
    except ProcessingError as exc:
        logger.warning("Travail %s en échec : %s", job.pk, exc)
        if isinstance(exc, DamagedSourceError):
            MediaFile.objects.filter(pk=job.media_file_id).update(status=MediaFile.Status.FAILED, error=str(exc))
            epoch.bump()  # update() n'envoie aucun signal : les pages qui montraient ce fichier changent
        finish(job.pk, ProcessingJob.Status.FAILED, str(exc))
    except (KeyboardInterrupt, SystemExit):
        # Arrêt du travailleur : le travail repart en attente et sera repris.
        ProcessingJob.objects.filter(pk=job.pk).update(
            status=ProcessingJob.Status.QUEUED, step=_("interrompu : arrêt du travailleur")
        )
        transaction.on_commit(lambda: enqueue_job(job.pk))
        raise
    except OSError as exc:
        if exc.errno not in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
            logger.exception("Travail %s : erreur d'entrée-sortie", job.pk)
            finish(job.pk, ProcessingJob.Status.FAILED,
                   _("Erreur d'écriture ou de lecture : %(err)s") % {"err": str(exc)[:300]})
        else:
            logger.warning("Travail %s : disque plein (%s)", job.pk, exc)
            finish(job.pk, ProcessingJob.Status.FAILED, no_space_message(_("stockage des fichiers")))
    except OperationalError as exc:
        from paroles.taskqueue import connection_lost, is_locked

        if connection_lost(exc):
            raise  # base redémarrée : rien n'est marqué ; le travailleur attend la base et relance la tâche
        if not is_locked(exc):
            logger.exception("Travail %s : erreur de la base", job.pk)
            finish(job.pk, ProcessingJob.Status.FAILED,
                   _("Erreur de la base de données : %(err)s") % {"err": str(exc)[:300]})
        else:
            # Base verrouillée : le travail repart en attente, la file relance la tâche un peu plus tard.
            ProcessingJob.objects.filter(pk=job.pk).update(
                status=ProcessingJob.Status.QUEUED, step=_("base occupée : nouvel essai dans un instant"))
            raise
    except Exception as exc:  # noqa: BLE001 - l'équipe doit voir la raison dans l'administration
        from paroles.storage import is_storage_unavailable

        if is_storage_unavailable(exc):
            logger.warning("Travail %s : stockage indisponible (%s)", job.pk, exc)
            tries = getattr(settings, "PAROLES_STORAGE_RETRIES", 5)
            if retry_later and job.attempts < tries:
                _retry_when_storage_returns(job, tries)  # lève RetryLater : la file relance la même tâche
            finish(job.pk, ProcessingJob.Status.FAILED, _(
                "Le stockage des fichiers (S3) ne répond pas : aucun rendu n'a été enregistré, l'original est "
                "intact. Relancez le travail quand le stockage est de nouveau joignable."))
            job.refresh_from_db()
            return job
        logger.exception("Travail %s : erreur inattendue", job.pk)
        finish(job.pk, ProcessingJob.Status.FAILED,
               _("Erreur inattendue : %(err)s") % {"err": f"{type(exc).__name__}: {exc}"[:500]})
    else:
        finish(job.pk, ProcessingJob.Status.DONE)
    job.refresh_from_db()
    return job


def _execute(job, on_progress):
    media = job.media_file
    kinds = planned_kinds(job)
    time_based = media.media_type in (MediaType.VIDEO, MediaType.AUDIO)
    verify = job.kind == ProcessingJob.Kind.RENDITIONS and time_based and not job.rendition_kinds
    image = job.kind == ProcessingJob.Kind.RENDITIONS and media.media_type == MediaType.IMAGE
    plan = (["verify"] if verify else []) + (["image"] if image else []) + kinds
    reporter = Reporter(job, plan, on_progress)

    if verify:
        reporter.start("verify", step_label("verify"))
        _verify(media)
    if image:
        reporter.start("image", step_label("image"))
        from .images import ensure_image_renditions

        ensure_image_renditions(media, force=job.force)

    chapter = job.chapter
    window = None
    if job.kind == ProcessingJob.Kind.CLIP:
        if chapter is not None:
            window = (chapter.start, chapter.end)
        elif job.clip_start is not None and job.clip_end is not None:
            window = (job.clip_start, job.clip_end)  # l'extrait d'une exposition
        else:
            raise ProcessingError(_("Le chapitre de cet extrait n'existe plus."))
        if media.duration and window[1] > media.duration + 0.05:
            raise ProcessingError(_("Le chapitre dépasse la durée du média : corrigez sa fin."))
    made = []
    with workdir() as tmp:
        if not kinds:
            return
        with local_source(media, tmp) as src:
            for kind in kinds:
                preset = presets.get_preset(kind, media.media_type)
                if preset is None:
                    continue
                reporter.start(kind, step_label(kind))
                if not job.force and is_up_to_date(media, preset, chapter, window):
                    continue
                func = steps.STEPS[kind]
                cut = {"start": window[0], "end": window[1]} if window else {}
                output = func(preset, src, tmp, duration=media.duration, on_progress=reporter.update,
                              label=step_label(kind), **cut)
                made.append(publish_rendition(media, preset, output, chapter=chapter, window=window))
                output.path.unlink(missing_ok=True)
    if job.kind == ProcessingJob.Kind.CLIP and chapter is not None:
        from .clips import clip_ready

        clip_ready.send(sender=Chapter, chapter=chapter, renditions=made)


def verify_stream(path):
    """Parcourt les paquets d'un média ; lève une exception si le flux est illisible."""
    import av

    packets = 0
    with av.open(str(path)) as container:
        for packet in container.demux():
            if packet.size:
                packets += 1
    return packets


def _verify(media):
    try:
        with media.file.open("rb"):
            pass
        path = media.file.path
    except NotImplementedError:
        return
    except FileNotFoundError as exc:
        raise ProcessingError(_("L'original est introuvable dans le stockage.")) from exc
    try:
        packets = verify_stream(path)
    except Exception as exc:  # noqa: BLE001
        raise DamagedSourceError(
            _("Flux illisible en cours de lecture : %(err)s") % {"err": str(exc)[:300]}
        ) from exc
    if packets == 0:
        raise DamagedSourceError(_("Aucune donnée audio ou vidéo lisible."))
    MediaFile.objects.filter(pk=media.pk).update(status=MediaFile.Status.READY, error="")
    epoch.bump()  # update() n'envoie aucun signal : les pages peuvent montrer ce fichier


# --- File d'attente, reprise -----------------------------------------------------------------------


def enqueue_job(job_pk):
    """Annonce qu'un travail attend en file ; media_library.tasks le met dans la file de tâches."""
    processing_job_queued.send(sender=ProcessingJob, job_pk=job_pk)


def enqueue_on_commit(job_pk):
    """Annonce le travail après la validation de la transaction (jamais un travail que la base n'a pas)."""
    transaction.on_commit(lambda: enqueue_job(job_pk))


def queued_job(media, chapter=None, kind=ProcessingJob.Kind.RENDITIONS):
    """Le dernier travail de ce type qui attend encore pour ce fichier (et ce chapitre), ou None."""
    return (
        ProcessingJob.objects.filter(media_file=media, chapter=chapter, kind=kind, status=ProcessingJob.Status.QUEUED)
        .order_by("-created_at")
        .first()
    )


def sweep_stale_jobs(*, exclude=None, now=None):
    """Relance (ou marque en échec) les travaux « en cours » sans signe de vie : un travailleur tué.

    Supprime aussi les dossiers temporaires abandonnés et les fichiers de rendus orphelins.
    Renvoie (relancés, échoués).
    """
    now = now or timezone.now()
    cutoff = now - stale_after()
    stale = ProcessingJob.objects.filter(status=ProcessingJob.Status.RUNNING).filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
        | Q(heartbeat_at__isnull=True, started_at__isnull=True)
    )
    if exclude:
        stale = stale.exclude(pk=exclude)
    requeued = failed = 0
    for job in stale:
        last = job.heartbeat_at or job.started_at
        if job.attempts >= max_attempts():
            reason = _(
                "Le travail s'est interrompu à %(pct)s %% (travailleur arrêté ou tué) ; aucun signe de vie depuis "
                "%(since)s, après %(n)s tentatives. Relancez-le une fois la cause trouvée."
            ) % {"pct": int(job.progress), "since": timezone.localtime(last).strftime("%d/%m/%Y %H:%M") if last else "?",
                 "n": job.attempts}
            updated = ProcessingJob.objects.filter(pk=job.pk, status=ProcessingJob.Status.RUNNING).update(
                status=ProcessingJob.Status.FAILED, error=reason, finished_at=now
            )
            failed += updated
        else:
            updated = ProcessingJob.objects.filter(pk=job.pk, status=ProcessingJob.Status.RUNNING).update(
                status=ProcessingJob.Status.QUEUED,
                step=_("relancé après une interruption (tentative %(n)s)") % {"n": job.attempts + 1},
            )
            if updated:
                requeued += 1
                transaction.on_commit(lambda pk=job.pk: enqueue_job(pk))
    _clean_tmp(cutoff)
    return requeued, failed


def _clean_tmp(cutoff):
    root = Path(tmp_root() or tempfile.gettempdir())
    limit = cutoff.timestamp()
    for path in root.glob(f"{TMP_PREFIX}*"):
        try:
            if path.is_dir() and (path.stat().st_mtime < limit or _owner_is_dead(path.name)):
                shutil.rmtree(path, ignore_errors=True)
        except OSError:
            continue


def _owner_is_dead(name):
    """Vrai si le dossier « paroles-rendu-<pid>-… » appartient à un processus qui n'existe plus ici."""
    pid = name[len(TMP_PREFIX):].split("-", 1)[0]
    if not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def sweep_orphan_files(min_age_seconds=3600):
    """Supprime les fichiers de `renditions/` qu'aucune ligne ne référence (copie interrompue).

    Ils ne sont jamais servis (la porte ne sert que des lignes en base) ; on les retire pour la place.
    Renvoie le nombre de fichiers supprimés.
    """
    known = set(Rendition.objects.values_list("file", flat=True))
    removed = 0
    try:
        dirs, _files = default_storage.listdir("renditions")
    except (FileNotFoundError, NotImplementedError, OSError):
        return 0
    now = time.time()
    for directory in dirs:
        try:
            _sub, files = default_storage.listdir(f"renditions/{directory}")
        except (FileNotFoundError, OSError):
            continue
        for name in files:
            key = f"renditions/{directory}/{name}"
            if key in known:
                continue
            try:
                age = now - default_storage.get_modified_time(key).timestamp()
            except (NotImplementedError, OSError):
                age = min_age_seconds
            if age >= min_age_seconds:
                default_storage.delete(key)
                removed += 1
    return removed


def recover_after_worker_lost(args, kwargs, *, failed, reason):
    """La tâche du travail repart (paroles.taskqueue) : le travail « en cours » redevient « en attente » tout
    de suite (sans attendre PAROLES_JOB_STALE_MINUTES), ou passe en échec avec la raison."""
    job_pk = (list(args) or [kwargs.get("job_pk")])[0]
    running = ProcessingJob.objects.filter(pk=job_pk, status=ProcessingJob.Status.RUNNING)
    if failed:
        running.update(
            status=ProcessingJob.Status.FAILED, finished_at=timezone.now(),
            error=_("Le travailleur s'est arrêté pendant ce travail, à chaque tentative ; abandon. "
                    "Relancez-le une fois la cause trouvée."))
    else:
        running.update(status=ProcessingJob.Status.QUEUED,
                       step=_("repris après l'arrêt du travailleur"))
