"""Transcription automatique de chaque vidéo ou audio qui arrive dans l'archive."""

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def transcribe_new_media(sender, instance, created, raw=False, **kwargs):
    from .flows.transcribe import auto_transcribe_enabled, request_transcription

    if raw or not created or instance.media_type not in ("video", "audio") or not auto_transcribe_enabled():
        return

    def enqueue():
        try:
            request_transcription(instance.work, media_file=instance)
        except Exception:  # noqa: BLE001 - l'arrivée d'un original ne doit jamais échouer à cause d'elle
            logger.exception("Transcription automatique non demandée pour le fichier %s", instance.pk)

    transaction.on_commit(enqueue)
