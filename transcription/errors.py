"""Erreurs de la transcription."""


class TranscriptionError(Exception):
    """Erreur métier, message en français pour la personne."""
