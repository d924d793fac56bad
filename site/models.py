"""Modèles propres au socle du site (pas aux collections)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """Signe de vie d'un travailleur de tâches (`manage.py paroles_worker`).

    Un travailleur tué (SIGKILL, machine coupée) cesse de battre : ses tâches « en cours » sont
    remises en file par paroles.taskqueue.requeue_stale_tasks (voir docs/deploy.md).
    """

    worker_id = models.CharField(_("identifiant du travailleur"), max_length=64, unique=True)
    hostname = models.CharField(_("machine"), max_length=255, blank=True)
    pid = models.PositiveIntegerField(_("processus"), null=True, blank=True)
    queues = models.CharField(_("files"), max_length=255, blank=True)
    started_at = models.DateTimeField(_("démarré le"), auto_now_add=True)
    last_seen = models.DateTimeField(_("dernier signe de vie"), db_index=True)

    class Meta:
        verbose_name = _("travailleur de tâches")
        verbose_name_plural = _("travailleurs de tâches")

    def __str__(self):
        return f"{self.hostname}:{self.pid} ({self.worker_id})"
