"""Stockage privé des fichiers d'œuvres.

Le stockage local n'a pas d'URL publique : `url()` lève une erreur, pour qu'aucun gabarit ne
puisse fabriquer par mégarde un lien qui contourne la porte (media_library.gate).
"""

import os

from django.core.files.storage import FileSystemStorage


class PrivateFileSystemStorage(FileSystemStorage):
    def __init__(self, *args, **kwargs):
        kwargs["base_url"] = None
        super().__init__(*args, **kwargs)

    def url(self, name):
        raise NotImplementedError(
            "Stockage privé : servez ce fichier par la porte (media_library.gate), jamais par son URL."
        )

    def get_available_name(self, name, max_length=None):
        # Jamais d'écrasement : Django ajoute un suffixe si le nom existe.
        return super().get_available_name(name, max_length=max_length)

    def _save(self, name, content):
        # Une écriture interrompue (disque plein, quota) ne laisse pas de fichier partiel sous ce nom.
        path = self.path(name)
        existed = os.path.lexists(path)
        try:
            return super()._save(name, content)
        except OSError:
            if not existed:
                try:
                    os.remove(path)
                except OSError:
                    pass
            raise


def is_storage_unavailable(exc):
    """Vrai si `exc` dit que le stockage objet (S3) ne répond pas ou refuse (réseau, 5xx, délai)."""
    try:
        from botocore.exceptions import BotoCoreError, ClientError
    except ImportError:  # pragma: no cover - boto3 est une dépendance
        return False
    return isinstance(exc, (BotoCoreError, ClientError))


def storage_unavailable_message():
    from django.utils.translation import gettext as _

    return _("Le stockage des fichiers (S3) ne répond pas : rien n'a été enregistré. Réessayez quand il sera "
             "de nouveau joignable.")
