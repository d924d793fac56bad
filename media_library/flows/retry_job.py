"""Relancer à la main un travail de traitement en échec (administration des travaux de fond)."""

from django.utils.translation import gettext as _

from ..models import ProcessingJob
from ..processing.jobs import enqueue_on_commit


def retry_job(job, *, user=None):
    """Remet en file un travail en échec. Lève ValueError (message en français) s'il n'est pas en échec."""
    updated = ProcessingJob.objects.filter(pk=job.pk, status=ProcessingJob.Status.FAILED).update(
        status=ProcessingJob.Status.QUEUED, error="", progress=0, step=_("relancé à la main"), attempts=0,
        finished_at=None,
    )
    if not updated:
        raise ValueError(_("Seul un travail en échec peut être relancé."))
    enqueue_on_commit(job.pk)
    job.refresh_from_db()
    return job
