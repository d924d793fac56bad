"""API JSON des partenaires (django-ninja, comme `wagtail.api.v3` ; jetons d'API de Wagtail).

`/api/openapi.json` : le schéma OpenAPI 3. Chaque route demande la fonction d'accès
(`consent.policy.policy.visible` / `decide`) ; ce qu'elle refuse n'existe pas pour l'appelant (404
identique à l'absence, comptes calculés après filtrage).
"""
