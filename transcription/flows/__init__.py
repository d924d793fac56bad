"""Cas d'usage de la transcription, un module par cas (appelés par les vues, la démo, les commandes)."""
