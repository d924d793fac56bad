"""Registre des surfaces : chaque endroit qui montre une œuvre ou en sert un octet s'y inscrit.

Le test matrice (consent/tests/test_consent_matrix.py) essaie CHAQUE surface inscrite, pour chaque canal
et chaque état de consentement, et vérifie qu'elle ne sert l'œuvre que lorsque c'est permis.

Pour inscrire une surface, créez `<votre_app>/consent_surfaces.py` (découvert automatiquement) :

    from consent.surfaces import register_surface

    @register_surface("sous-titres (VTT)", channels=None, setup=make_track)
    def subtitles(client, work, channel):
        track = work.subtitle_tracks.first()
        response = client.get(track.get_serve_url(channel))
        return response.status_code == 200          # True = l'œuvre a été servie

- `channels` : les canaux où la surface existe (None = tous ; par exemple ["website"] pour une page
  publique). La requête est faite par le public « naturel » du canal (anonyme pour le site web, le
  musée, la télé et la presse ; un·e animateur·rice de l'organisation de l'œuvre pour les canaux des
  partenaires ; un·e commissaire pour l'archive interne).
- `setup(work)` (facultatif) : crée ce dont la surface a besoin pour cette œuvre (piste, extrait, page…).
  L'œuvre a déjà un fichier original image (work.files.first()) quand setup est appelé.
- La fonction renvoie True si le contenu de l'œuvre (titre, fichier, texte) a été servi, False sinon.
"""

from dataclasses import dataclass

_REGISTRY = {}


@dataclass(frozen=True)
class Surface:
    name: str
    probe: object
    channels: tuple | None = None
    setup: object = None

    def applies_to(self, channel):
        return self.channels is None or str(channel) in self.channels


def register_surface(name, *, channels=None, setup=None):
    def decorator(func):
        _REGISTRY[name] = Surface(name, func, tuple(str(c) for c in channels) if channels else None, setup)
        return func

    return decorator


def get_surfaces():
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("consent_surfaces")
    return list(_REGISTRY.values())
