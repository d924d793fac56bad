"""Ouvrir la piste d'une langue pour une œuvre : la piste existante, ou une piste vide « en relecture »
écrite par une personne. Appelé par l'éditeur, l'import d'un fichier et la copie du minutage."""

from ..models import SubtitleTrack


def get_or_create_track(work, language):
    track, _created = SubtitleTrack.objects.get_or_create(
        work=work, language=language, defaults={"status": SubtitleTrack.Status.IN_REVIEW,
                                                "source": SubtitleTrack.Source.HUMAN}
    )
    return track
