"""Cas d'usage des expositions et de la boîte à outils (un module par cas, appelés par des vues minces)."""
