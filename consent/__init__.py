"""Consentement : modèles, et LA politique d'accès (`consent.policy`).

    from consent import get_permission_policy
    policy = get_permission_policy()   # la politique enregistrée pour media_library.Work dans ready()
"""


def get_permission_policy():
    """La politique d'accès aux œuvres et à leurs dérivés (celle que Wagtail a enregistrée)."""
    from .policy import policy

    return policy
