"""Cas d'usage de la transcription et des sous-titres. Vues, tâches, commandes et démo les appellent.

Chaque fonction est tout ou rien : une erreur ne laisse rien d'enregistré à moitié.
"""

import logging
import re
from dataclasses import replace

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from consent import epoch
from django.utils.translation import gettext as _

from . import subtitles as subs
from .errors import TranscriptionError
from .jobs import run_burn_in, run_job  # noqa: F401  (appelés aussi d'ici : commande, tests)
from .models import Cue, SubtitleTrack, SubtitledRendition, TranscriptionJob

logger = logging.getLogger(__name__)

TIME_BASED = {"video", "audio"}


# --- Transcription automatique ------------------------------------------------------------------

def work_language(work):
    """La langue parlée déclarée de l'œuvre si elle est unique ; sinon None : langue détectée passage par
    passage (une œuvre déclarée en français et en bambara est traitée comme mixte)."""
    codes = {lang.code for lang in work.spoken_languages.all()}
    if len(codes) == 1:
        return codes.pop()
    return None


def transcribable_file(work):
    for media in work.files.all():
        if media.media_type in TIME_BASED and media.status != media.Status.FAILED:
            return media
    return None


def request_transcription(work, *, user=None, media_file=None, language=None):
    """Crée un travail de transcription et le met en file au commit. Un seul travail actif par fichier."""
    media_file = media_file or transcribable_file(work)
    if media_file is None:
        raise TranscriptionError(_("Cette œuvre n'a aucun fichier audio ou vidéo à transcrire."))
    active = TranscriptionJob.objects.filter(media_file=media_file, status__in=TranscriptionJob.ACTIVE).first()
    if active:
        return active
    job = TranscriptionJob.objects.create(
        work=work, media_file=media_file, language=language if language is not None else (work_language(work) or ""),
        requested_by=user if user and user.is_authenticated else None,
    )
    from .tasks import transcribe_job

    transaction.on_commit(lambda: transcribe_job.enqueue(job.pk))
    return job


# --- Pistes ----------------------------------------------------------------------------------------

def get_or_create_track(work, language):
    track, _created = SubtitleTrack.objects.get_or_create(
        work=work, language=language, defaults={"status": SubtitleTrack.Status.IN_REVIEW,
                                                "source": SubtitleTrack.Source.HUMAN}
    )
    return track


LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")


def cues_from_payload(payload):
    """Répliques depuis le JSON de l'éditeur ; lève TranscriptionError si un temps est invalide.

    L'origine annoncée par l'éditeur (`origin`, `model`) n'est qu'une indication : save_track_cues la
    vérifie contre les répliques enregistrées."""
    cues = []
    for n, item in enumerate(payload, 1):
        try:
            start, end = float(item["start"]), float(item["end"])
        except (KeyError, TypeError, ValueError) as exc:
            raise TranscriptionError(_("Réplique %(n)d : temps illisible.") % {"n": n}) from exc
        if start < 0 or end < 0:
            raise TranscriptionError(_("Réplique %(n)d : temps négatif.") % {"n": n})
        if end <= start:
            raise TranscriptionError(_("Réplique %(n)d : la fin doit être après le début.") % {"n": n})
        language = str(item.get("language") or "").lower()
        cues.append(subs.Cue(start, end, str(item.get("text", "")).replace("\r", "").strip(),
                             origin=str(item.get("origin") or ""), model=str(item.get("model") or "")[:200],
                             language=language if LANGUAGE_CODE.match(language) else ""))
    cues.sort(key=lambda c: c.start)
    return cues


def _flat(text):
    return " ".join(text.split())


def resolve_origins(track, cues):
    """Qui a écrit chaque réplique, sans croire l'éditeur sur parole : une réplique reste « machine » (ou
    « importée ») seulement si son texte est mot pour mot celui d'une réplique de cette origine déjà
    enregistrée ; tout autre texte est écrit par une personne ; une réplique vide est à transcrire."""
    known = {}
    for cue in track.cues.filter(origin__in=[Cue.Origin.MACHINE, Cue.Origin.IMPORT]).exclude(text=""):
        known.setdefault((cue.origin, _flat(cue.text)), cue.model_name)
    resolved = []
    for cue in cues:
        if not cue.text.strip():
            resolved.append(replace(cue, origin=subs.ORIGIN_TODO, model=""))
            continue
        key = (cue.origin, _flat(cue.text))
        if cue.origin in (subs.ORIGIN_MACHINE, subs.ORIGIN_IMPORT) and key in known:
            resolved.append(replace(cue, model=known[key] if cue.origin == subs.ORIGIN_MACHINE else ""))
        else:
            resolved.append(replace(cue, origin=subs.ORIGIN_PERSON, model=""))
    return resolved


def save_track_cues(track, cues, *, trust_origin=False):
    """Enregistre les répliques saisies. Une piste approuvée modifiée repart en relecture (et quitte le public).

    Sans `trust_origin`, l'origine de chaque réplique est revérifiée (resolve_origins)."""
    with transaction.atomic():
        if not trust_origin:
            cues = resolve_origins(track, cues)
        if track.status == SubtitleTrack.Status.APPROVED:
            track.send_to_review()
        elif track.status == SubtitleTrack.Status.MACHINE_DRAFT:
            track.status = SubtitleTrack.Status.IN_REVIEW
            track.save()
        else:
            track.save()
        track.replace_cues(cues)
    return track


def import_subtitles(work, language, data, filename=""):
    """Importe un fichier SRT/VTT dans la piste `language`. Fichier mal formé : SubtitleParseError, rien d'enregistré."""
    cues, fmt, encoding = subs.parse_subtitles(data, filename)
    cues = [replace(c, origin=subs.ORIGIN_IMPORT) for c in cues]
    with transaction.atomic():
        track = get_or_create_track(work, language)
        track.source = SubtitleTrack.Source.IMPORT
        save_track_cues(track, cues, trust_origin=True)
    return track, fmt, encoding


def export_subtitles(track, fmt="vtt", allow_issues=False):
    """Texte SRT ou VTT de la piste ; lignes redécoupées ; NormError s'il reste des entorses non acceptées."""
    cues, issues = subs.prepare_export(track.get_cues(), track.language, allow_issues=allow_issues)
    if fmt == "srt":
        return subs.to_srt(cues)
    notes = [str(_("Écart : #%(n)d %(m)s") % {"n": i.index, "m": i.message}) for i in issues]
    return subs.to_vtt(cues, notes)


def copy_timings(work, source_language="fr", target_language="bm", *, todo_only=False):
    """Crée (ou remplit, si elle est vide) la piste cible avec le minutage de la piste source, textes vides
    (« à transcrire »). `todo_only` : seulement les passages que la transcription automatique a laissés à
    une personne (les répliques vides de la piste source, en général les passages en bambara)."""
    source = SubtitleTrack.objects.filter(work=work, language=source_language).first()
    if source is None or not source.cues.exists():
        raise TranscriptionError(_("La piste « %(lang)s » n'existe pas ou n'a aucune réplique.") % {"lang": source_language})
    cues = source.get_cues()
    if todo_only:
        cues = [c for c in cues if c.origin == subs.ORIGIN_TODO]
        if not cues:
            raise TranscriptionError(_("La piste « %(lang)s » n'a aucun passage à transcrire.") % {"lang": source_language})
    with transaction.atomic():
        target = get_or_create_track(work, target_language)
        if target.cues.exclude(text="").exists():
            raise TranscriptionError(_("La piste « %(lang)s » contient déjà du texte : le minutage n'a pas été copié.")
                                     % {"lang": target_language})
        target.source = SubtitleTrack.Source.TIMING
        target.status = SubtitleTrack.Status.IN_REVIEW
        target.save()
        target.replace_cues([subs.Cue(c.start, c.end, "", origin=subs.ORIGIN_TODO,
                                      language=target_language if todo_only else "") for c in cues])
    return target


# --- Pseudonymisation ---------------------------------------------------------------------------

def _pattern(find, whole_word=True):
    escaped = re.escape(find.strip())
    return re.compile(rf"(?<!\w){escaped}(?!\w)" if whole_word else escaped, re.IGNORECASE)


def pseudonymise(work, find, replace, *, whole_word=True):
    """Remplace un nom par un pseudonyme dans toutes les pistes et toutes les transcriptions de l'œuvre.

    Les pistes approuvées restent approuvées et leurs fichiers publiés sont réécrits immédiatement
    (c'est une protection, pas une modification de fond). Renvoie le nombre de remplacements.
    """
    if not find or not find.strip():
        raise TranscriptionError(_("Indiquez le nom à remplacer."))
    pattern = _pattern(find, whole_word)
    from .engine import normalise

    count = 0
    with transaction.atomic():
        for track in SubtitleTrack.objects.select_for_update().filter(work=work):
            changed = False
            for cue in track.cues.all():
                new, n = pattern.subn(replace, cue.text)
                if n:
                    count += n
                    changed = True
                    Cue.objects.filter(pk=cue.pk).update(text=new, search_text=normalise(new))
                    epoch.bump()  # update() n'envoie aucun signal : le texte montré change
            if changed and track.is_approved:
                cues, issues = subs.prepare_export(track.get_cues(), track.language, allow_issues=True)
                track.publish_files(cues, issues)
        for job in TranscriptionJob.objects.select_for_update().filter(work=work):
            segments = job.segments or []
            changed = False
            for seg in segments:
                new, n = pattern.subn(replace, seg.get("text", ""))
                if n:
                    count += n
                    changed = True
                    seg["text"] = new
                if n:
                    # Les mots horodatés gardent aussi le nom : chaque mot du nom est remplacé
                    # (le premier par le pseudonyme, les suivants par rien).
                    tokens = set(normalise(find).split())
                    previous_hit = False
                    for w in seg.get("words", []):
                        if normalise(w.get("word", "")) in tokens:
                            w["word"] = "" if previous_hit else " " + replace
                            previous_hit = True
                        else:
                            previous_hit = False
            if changed:
                TranscriptionJob.objects.filter(pk=job.pk).update(segments=segments)
        # Une vidéo déjà incrustée porte l'ancien nom : on la retire (à refaire depuis la piste corrigée).
        if count:
            for rendition in SubtitledRendition.objects.filter(track__work=work):
                if rendition.file:
                    rendition.file.delete(save=False)
                rendition.delete()
    return count


# --- Sous-titres incrustés ------------------------------------------------------------------------

def request_burn_in(track, user=None):
    if not track.is_approved:
        raise TranscriptionError(_("Seule une piste approuvée peut être incrustée."))
    media = transcribable_file(track.work)
    if media is None or media.media_type != "video":
        raise TranscriptionError(_("Cette œuvre n'a pas de vidéo où incruster les sous-titres."))
    rendition = SubtitledRendition.objects.create(track=track, media_file=media, track_approved_at=track.approved_at)
    from .tasks import burn_subtitles

    transaction.on_commit(lambda: burn_subtitles.enqueue(rendition.pk))
    return rendition


def auto_transcribe_enabled():
    return getattr(settings, "PAROLES_AUTO_TRANSCRIBE", False)


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
