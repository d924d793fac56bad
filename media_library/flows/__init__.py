"""Cas d'usage du fonds d'archives (un module par cas d'usage ; vues, commandes et tâches les appellent)."""
