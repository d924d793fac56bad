from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TranscriptionConfig(AppConfig):
    name = "transcription"
    verbose_name = _("Transcription et sous-titres")

    def ready(self):
        from django.db.models.signals import post_save

        from media_library.models import MediaFile

        from .signal_handlers import transcribe_new_media

        post_save.connect(transcribe_new_media, sender=MediaFile, dispatch_uid="transcription_auto")
