"""Tâches de fond de la transcription (API Django Tasks). Arguments : des clés primaires.

Chaque tâche rattrape ses erreurs et les inscrit sur son objet (état « échec » + message) : le
travailleur ne relance jamais en boucle un travail voué à échouer (modèle absent, fichier illisible).
"""

from django_tasks import task

from . import jobs


# Une transcription dure des minutes : elle passe après les rendus (priorité 10) et les incrustations (0),
# pour qu'un travailleur unique ne laisse pas des capsules sans version téléphone pendant ce temps.
TRANSCRIPTION_PRIORITY = -10


@task(queue_name="transcription", priority=TRANSCRIPTION_PRIORITY)
def transcribe_job(job_pk):
    return jobs.run_job(job_pk)


@task(queue_name="media")
def burn_subtitles(rendition_pk):
    return jobs.run_burn_in(rendition_pk)
