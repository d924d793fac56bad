"""Demander les extraits web et téléphone d'un chapitre (administration des chapitres, démo) : un travail
« extrait » mis en file après la validation de la transaction (celui qui attend déjà est réutilisé)."""

from ..models import ProcessingJob
from ..processing.jobs import enqueue_on_commit, queued_job


def request_clip(chapter, *, user=None, force=True, enqueue=True):
    """Demande la fabrication des extraits web et téléphone d'un chapitre."""
    job = queued_job(chapter.media_file, chapter, ProcessingJob.Kind.CLIP)
    if job is not None:
        return job
    job = ProcessingJob.objects.create(
        media_file=chapter.media_file,
        chapter=chapter,
        kind=ProcessingJob.Kind.CLIP,
        force=force,
        created_by=user if user is not None and user.is_authenticated else None,
    )
    if enqueue:
        enqueue_on_commit(job.pk)
    return job


def request_window_clip(media, start, end, *, user=None, enqueue=True):
    """L'extrait web (et son affiche, pour une vidéo) de la fenêtre [start, end] d'un fichier (bloc « Extrait »
    d'une exposition) : rien si tout est déjà fait, ou si un travail pour cette fenêtre attend ou tourne ;
    sinon un travail « extrait » neuf. Renvoie le travail (ou None)."""
    from ..models import MediaType, clip_window

    start, end = clip_window(start, end)
    if end <= start:
        return None
    made = media.get_window_clip(start, end) is not None and (
        media.media_type != MediaType.VIDEO or media.get_window_clip(start, end, "clip_poster") is not None)
    if made:
        return None  # l'extrait et son affiche (vidéo) sont faits ; un extrait sans affiche reçoit la sienne
    active = ProcessingJob.objects.filter(
        media_file=media, chapter=None, kind=ProcessingJob.Kind.CLIP, clip_start=start, clip_end=end,
        status__in=[ProcessingJob.Status.QUEUED, ProcessingJob.Status.RUNNING]).first()
    if active is not None:
        return active
    job = ProcessingJob.objects.create(
        media_file=media, chapter=None, kind=ProcessingJob.Kind.CLIP, clip_start=start, clip_end=end,
        created_by=user if user is not None and user.is_authenticated else None,
    )
    if enqueue:
        enqueue_on_commit(job.pk)
    return job
