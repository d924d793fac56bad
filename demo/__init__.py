"""L'archive de démonstration (`manage.py load_demo`) : son catalogue, ses générateurs de médias, et les
consentements, sous-titres, expositions et projections qui l'accompagnent. Aucun module de production ne
l'importe."""
