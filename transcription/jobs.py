"""Le travail de fond de la transcription : exécuter un travail Whisper, produire une version incrustée.

Appelé par les tâches (transcription.tasks) et par la commande `transcribe` ; les cas d'usage qui
mettent ces travaux en file sont dans transcription.flows (transcribe, burn_in). Rien ici ne connaît la file de tâches.
"""

import logging
from dataclasses import replace

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import engine
from . import subtitles as subs
from .audio import AudioError, local_copy
from .burn import BurnError, burn_in
from .errors import TranscriptionError
from .models import SubtitledRendition, SubtitleLanguage, SubtitleTrack, TranscriptionJob
from .whisper_store import ModelError

logger = logging.getLogger(__name__)


def _progress_writer(job_pk):
    def write(percent):
        TranscriptionJob.objects.filter(pk=job_pk).update(progress=round(percent, 1))

    return write


def _cancel_checker(job_pk):
    def check():
        return TranscriptionJob.objects.filter(pk=job_pk, cancel_requested=True).exists()

    return check


def _finish(job_pk, status, message="", **fields):
    TranscriptionJob.objects.filter(pk=job_pk).update(status=status, message=message, finished_at=timezone.now(),
                                                      **fields)


def run_job(job_pk):
    """Exécute un travail. Ne lève jamais : toute erreur finit en état « échec » avec un message clair,
    pour que le travailleur ne relance pas le même travail en boucle. Rejouable sans dégât."""
    claimed = TranscriptionJob.objects.filter(pk=job_pk, status=TranscriptionJob.Status.QUEUED).update(
        status=TranscriptionJob.Status.RUNNING, started_at=timezone.now(), progress=0, message=""
    )
    if not claimed:
        return None  # déjà fait, annulé ou pris par un autre travailleur
    job = TranscriptionJob.objects.select_related("media_file", "work").get(pk=job_pk)
    media = job.media_file
    S = TranscriptionJob.Status
    language = job.language or None
    try:
        if media is None:
            raise TranscriptionError(_("Le fichier à transcrire a été supprimé."))
        try:
            path = media.file.path
            local = None
        except NotImplementedError:
            path, local = local_copy(media)
        try:
            result = engine.transcribe_file(
                path, language=language, duration=media.duration or job.work.duration_seconds,
                on_progress=_progress_writer(job.pk), should_cancel=_cancel_checker(job.pk),
            )
        finally:
            if local:
                local.close()
    except engine.Cancelled:
        _finish(job.pk, S.CANCELLED, _("Annulée en cours de route ; rien n'a été publié."))
        return job.pk
    except ModelError as exc:
        _finish(job.pk, S.FAILED, str(exc))
        return job.pk
    except (AudioError, TranscriptionError) as exc:
        _finish(job.pk, S.FAILED, str(exc))
        return job.pk
    except Exception as exc:  # noqa: BLE001 - pas de boucle de plantage dans le travailleur
        logger.exception("Transcription %s en échec", job_pk)
        _finish(job.pk, S.FAILED, _("Erreur inattendue pendant la transcription : %(err)s") % {"err": str(exc)[:300]})
        return job.pk

    if not result.speech_found:
        _finish(job.pk, S.NO_SPEECH, _("Aucune parole détectée (silence ou musique) : aucune piste créée."),
                progress=100, elapsed=result.elapsed, model_name=result.model_name,
                detected_language=result.language or "", language_probability=result.language_probability or None,
                removed_segments=result.removed)
        return job.pk

    if result.passages:
        cues = subs.cues_from_spans(result.passages, result.segments)
        french = any(p["language"] == "fr" for p in result.passages)
        track_language = language or ("fr" if french else engine.other_language())
        if track_language not in SubtitleLanguage.values:
            track_language = "fr"
    else:
        track_language = language or result.language or "fr"
        cues = [replace(c, origin=subs.ORIGIN_MACHINE, model=result.model_name, language=track_language)
                for c in subs.cues_from_segments(result.segments, track_language)]
    todo = sum(1 for c in cues if c.origin == subs.ORIGIN_TODO)
    machine = len(cues) - todo
    status = S.DONE if machine else S.MANUAL
    if machine:
        message = _("Transcription terminée : %(n)d segments.") % {"n": len(result.segments)}
    else:
        message = _("Aucun passage en français ni dans une langue dont un modèle est déclaré "
                    "(réglage PAROLES_WHISPER_MODELS) : transcription manuelle requise.")
    if todo:
        message += " " + _("%(n)d réplique(s) vide(s) « à transcrire (bambara ?) » : une personne doit les écrire.") % {
            "n": todo}
    if language and result.language and result.language != language and not result.passages:
        message += " " + _("Attention : Whisper a détecté la langue « %(lang)s » (%(p).0f %%) ; vérifiez que l'œuvre "
                           "est bien en « %(declared)s ».") % {"lang": result.language,
                                                               "p": result.language_probability * 100,
                                                               "declared": language}
    if result.removed:
        message += " " + _("%(n)d répétitions supprimées.") % {"n": result.removed}
    with transaction.atomic():
        TranscriptionJob.objects.filter(pk=job.pk).update(
            segments=result.segments, removed_segments=result.removed, elapsed=result.elapsed,
            model_name=result.model_name, detected_language=result.language or "",
            language_probability=result.language_probability or None, language_segments=result.passages,
        )
        track, created = SubtitleTrack.objects.select_for_update().get_or_create(
            work=job.work, language=track_language,
            defaults={"status": SubtitleTrack.Status.MACHINE_DRAFT, "source": SubtitleTrack.Source.MACHINE, "job": job},
        )
        if created or track.status == SubtitleTrack.Status.MACHINE_DRAFT:
            track.job = job
            track.source = SubtitleTrack.Source.MACHINE
            track.save()
            track.replace_cues(cues)
            message += " " + _("Brouillon de sous-titres prêt à relire.")
        else:
            message += " " + _("La piste existante a déjà été relue : elle n'a pas été remplacée.")
        _finish(job.pk, status, message, progress=100)
    return job.pk


# --- Sous-titres incrustés ------------------------------------------------------------------------

def run_burn_in(rendition_pk):
    claimed = SubtitledRendition.objects.filter(pk=rendition_pk, status=SubtitledRendition.Status.QUEUED).update(
        status=SubtitledRendition.Status.RUNNING
    )
    if not claimed:
        return None
    rendition = SubtitledRendition.objects.select_related("track", "media_file", "track__work").get(pk=rendition_pk)
    try:
        burn_in(rendition)
    except BurnError as exc:
        SubtitledRendition.objects.filter(pk=rendition_pk).update(status=SubtitledRendition.Status.FAILED,
                                                                  error=str(exc))
    except Exception as exc:  # noqa: BLE001
        logger.exception("Incrustation %s en échec", rendition_pk)
        SubtitledRendition.objects.filter(pk=rendition_pk).update(
            status=SubtitledRendition.Status.FAILED, error=_("Erreur inattendue : %(e)s") % {"e": str(exc)[:300]})
    return rendition_pk


# --- Reprise après la mort d'un travailleur (paroles.taskqueue.RECOVERY_HOOKS) -----------------------

def recover_after_worker_lost(args, kwargs, *, failed, reason):
    """La tâche de transcription repart (ou abandonne) : le travail « en cours » redevient « en attente »."""
    job_pk = (list(args) or [kwargs.get("job_pk")])[0]
    S = TranscriptionJob.Status
    if failed:
        TranscriptionJob.objects.filter(pk=job_pk, status=S.RUNNING).update(
            status=S.FAILED, finished_at=timezone.now(),
            message=_("Le travailleur s'est arrêté pendant la transcription, plusieurs fois ; abandon. "
                      "Relancez-la une fois la cause trouvée."))
    else:
        TranscriptionJob.objects.filter(pk=job_pk, status=S.RUNNING).update(
            status=S.QUEUED, progress=0,
            message=_("Reprise : le travailleur s'est arrêté pendant la transcription."))


def recover_burn_after_worker_lost(args, kwargs, *, failed, reason):
    rendition_pk = (list(args) or [kwargs.get("rendition_pk")])[0]
    S = SubtitledRendition.Status
    SubtitledRendition.objects.filter(pk=rendition_pk, status=S.RUNNING).update(
        status=S.FAILED if failed else S.QUEUED, progress=0,
        error=_("Le travailleur s'est arrêté pendant l'incrustation ; abandon.") if failed else "")
