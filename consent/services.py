"""Services du consentement (points d'entrée stables pour les autres applications)."""

from .flows.withdraw import impact_of, record_withdrawal, works_of_participant  # noqa: F401
