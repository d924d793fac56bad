"""Signaux du fonds d'archives.

`file_served` est envoyé par la porte à chaque fichier servi (journal des téléchargements,
journal d'accès aux fichiers restreints).
"""

from django.dispatch import Signal

# Arguments : request, work, obj (l'objet servi), channel, purpose, decision
file_served = Signal()
# Arguments : request, work, obj, channel, purpose, decision
file_refused = Signal()
