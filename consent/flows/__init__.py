"""Cas d'usage du consentement : un module par cas (voir withdraw.py)."""
