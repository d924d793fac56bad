"""Téléversement en flux : écrit sur disque morceau par morceau, calcule le SHA-256 au passage et
arrête tout fichier qui dépasse la taille maximale (PAROLES_MAX_UPLOAD_SIZE), sans jamais le lire
entièrement en mémoire."""

import hashlib

from django.conf import settings
from django.core.files.uploadhandler import StopUpload, TemporaryFileUploadHandler


class HashingTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        limit = settings.PAROLES_MAX_UPLOAD_SIZE
        # Un corps de requête plus grand que la limite (plus une marge pour les champs) est refusé
        # avant d'en lire le premier octet.
        if content_length and content_length > limit + 1024 * 1024:
            self.request.upload_too_large = True
            raise StopUpload(connection_reset=True)
        return super().handle_raw_input(input_data, META, content_length, boundary, encoding)

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self._digest = hashlib.sha256()
        self._size = 0

    def receive_data_chunk(self, raw_data, start):
        self._size += len(raw_data)
        if self._size > settings.PAROLES_MAX_UPLOAD_SIZE:
            self.request.upload_too_large = True
            raise StopUpload(connection_reset=True)
        self._digest.update(raw_data)
        return super().receive_data_chunk(raw_data, start)

    def file_complete(self, file_size):
        upload = super().file_complete(file_size)
        if upload is not None:
            upload.sha256 = self._digest.hexdigest()
        return upload
