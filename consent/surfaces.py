"""Registre des surfaces : chaque endroit qui montre une œuvre ou en sert un octet s'y inscrit.

Le test matrice (consent/tests/test_consent_matrix.py) essaie CHAQUE surface inscrite, pour chaque
rôle, chaque canal où elle existe et chaque état de consentement, et vérifie qu'elle ne sert l'œuvre
que lorsque c'est permis. Le test de câblage remplace la réponse de la politique par « autorisé » et
exige que chaque surface fuie alors : une surface qui ne demande pas la politique fait échouer le test.

Pour inscrire une surface, créez `<votre_app>/consent_surfaces.py` (découvert automatiquement) :

    from consent.surfaces import register_surface

    @register_surface("sous-titres (VTT)", channels=None, setup=make_track)
    def subtitles(client, work, channel):
        track = work.subtitle_tracks.first()
        response = client.get(track.get_serve_url(channel))
        return response.status_code == 200          # True = l'œuvre a été servie

- `channels` : les canaux où la surface existe (None = tous ; par exemple ["website"] pour une page
  publique ; ["internal"] pour l'administration).
- `kind` : "serve" (défaut : la surface sert l'œuvre sur ce canal, attendu = ce que le consentement et
  le rôle permettent sur ce canal) ou "admin" (la surface montre ce qu'une personne CONNAÎT dans
  l'administration : attendu = ce que l'archive interne, l'organisation et le rôle lui laissent savoir).
  Trois variantes de "admin" : "person" (une fiche de personne : connue de l'équipe sauf la personne
  d'une communauté protégée dont elle n'est pas), "notice" (un retrait, un avis aux commissaires :
  aussi connu de l'équipe quand l'œuvre ne lui est cachée que par le retrait, sans son titre), "member"
  (surface des membres d'une organisation : l'animatrice sait ce que sait son administratrice).
- `roles` (facultatif) : les rôles qui ont, par leurs permissions, accès à cette surface (par exemple
  les pages qui demandent « modifier une œuvre ») ; pour les autres, rien n'est attendu.
- `audience="public"` : la surface répond au public quel que soit le demandeur (plan du site).
- Chaque rôle essaie chaque surface : le client de test porte `client.role` (nom du rôle) et
  `client.user` (None pour le public anonyme).
- `setup(work)` (facultatif) : crée ce dont la surface a besoin pour cette œuvre (piste, extrait, page…).
  L'œuvre a déjà un fichier original image (work.files.first()) quand setup est appelé.
- La fonction renvoie True si le contenu de l'œuvre (titre, fichier, texte) a été servi, False sinon.
"""

from dataclasses import dataclass

_REGISTRY = {}
KINDS = ("serve", "admin", "person", "notice", "member")


@dataclass(frozen=True)
class Surface:
    name: str
    probe: object
    channels: tuple | None = None
    setup: object = None
    kind: str = "serve"
    roles: tuple | None = None
    audience: str = "requester"

    def applies_to(self, channel):
        return self.channels is None or str(channel) in self.channels


def register_surface(name, *, channels=None, setup=None, kind="serve", roles=None, audience="requester"):
    if kind not in KINDS:
        raise ValueError(f"kind inconnu : {kind}")

    def decorator(func):
        _REGISTRY[name] = Surface(name, func, tuple(str(c) for c in channels) if channels else None, setup, kind,
                                  tuple(roles) if roles else None, audience)
        return func

    return decorator


def get_surfaces():
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("consent_surfaces")
    return list(_REGISTRY.values())
