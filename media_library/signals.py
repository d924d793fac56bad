"""Signaux du fonds d'archives.

`file_served` est envoyé par la porte à chaque fichier servi (journal des téléchargements,
journal d'accès aux fichiers restreints).
"""

from django.dispatch import Signal

# Arguments : request, work, obj (l'objet servi), channel, purpose, decision
file_served = Signal()
# Arguments : request, work, obj, channel, purpose, decision
file_refused = Signal()
# Argument : job_pk. Envoyé après la validation de la transaction, quand un travail de rendus ou d'extrait
# attend en file : media_library.tasks (branché dans ready()) le confie à la file de tâches.
processing_job_queued = Signal()
