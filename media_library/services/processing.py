"""Traitement d'un original après son arrivée : vérification intégrale du flux.

L'analyse à l'arrivée ne lit que l'en-tête. Ici, on parcourt tous les paquets (sans décoder), ce qui
détecte un fichier endommagé au milieu, sans jamais charger le fichier en mémoire.
"""

import logging

from django.utils.translation import gettext as _

from ..models import MediaFile

logger = logging.getLogger(__name__)


def verify_stream(path):
    """Parcourt les paquets d'un média ; lève une exception si le flux est illisible."""
    import av

    packets = 0
    with av.open(str(path)) as container:
        for packet in container.demux():
            if packet.size:
                packets += 1
    return packets


def process_original(media_file_pk):
    media = MediaFile.objects.filter(pk=media_file_pk).first()
    if media is None:
        return None
    if media.media_type in ("video", "audio"):
        try:
            with media.file.open("rb"):
                pass
            path = media.file.path
        except NotImplementedError:
            path = None  # stockage distant : vérification laissée au traitement des rendus
        if path:
            try:
                packets = verify_stream(path)
            except Exception as exc:  # noqa: BLE001
                MediaFile.objects.filter(pk=media.pk).update(
                    status=MediaFile.Status.FAILED,
                    error=_("Flux illisible en cours de lecture : %(err)s") % {"err": str(exc)[:300]},
                )
                return None
            if packets == 0:
                MediaFile.objects.filter(pk=media.pk).update(
                    status=MediaFile.Status.FAILED, error=_("Aucune donnée audio ou vidéo lisible.")
                )
                return None
    MediaFile.objects.filter(pk=media.pk).update(status=MediaFile.Status.READY, error="")
    return media.pk
