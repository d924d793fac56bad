"""Cas d'usage des expositions et de la boîte à outils (un module par cas, appelés par des vues minces).

- `publish_exhibition` : publier (refusé sans le consentement du canal), annuler une publication programmée ;
- `exhibitions_to_review` : les expositions en ligne dont une œuvre a perdu son consentement ;
- `render_exhibition` : ce qu'une page d'exposition montre à une requête (`Exhibit`) ;
- `render_home` : l'accueil ;
- `print_exhibition` : cartels et catalogue PDF, QR codes vers la page d'écoute ;
- `toolkit_materials` : la boîte à outils d'un·e animateur·rice et ce qu'il·elle peut télécharger ;
- `build_toolkit_zip` : le zip de toute la boîte, fichier par fichier décidé ;
- `offline_sync` : synchroniser l'application hors ligne.

Les pages Wagtail (models.py) les appellent par `exhibitions.wiring` (branché dans `apps.ready()`).
"""
