"""Les expositions en ligne dont une œuvre a perdu son consentement (panneau d'accueil de l'admin)."""

from .publish_exhibition import check_publication


def live_exhibitions_with_problems():
    """[(page, problèmes)] pour les expositions en ligne dont une œuvre a perdu son consentement."""
    from ..models import ExhibitionPage

    result = []
    for page in ExhibitionPage.objects.live().specific():
        problems = check_publication(page)
        if problems:
            result.append((page, problems))
    return result
