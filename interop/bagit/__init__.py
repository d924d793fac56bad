"""Aller-retour d'une collection en sac BagIt (bibliothèque `bagit`, celle de la Library of Congress).

`export.py` (commande `export_works DOSSIER`) écrit un sac : originaux, pistes de sous-titres
approuvées, `works.csv` dans les colonnes d'`import_works`, Dublin Core et un résumé de consentement
par œuvre (canaux, conditions, échéance ; ni nom légal, ni contact, ni attribut sensible).
`importer.py` (commande `import_works SAC`) vérifie le sac, puis importe par le même importeur CSV.
"""
