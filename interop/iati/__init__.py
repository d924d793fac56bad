"""IATI 2.03 : les plans de communication en activités IATI (résultats, indicateurs, périodes).

`build.py` fabrique le XML ; `manage.py export_iati --output FICHIER` et le bouton du tableau de bord
l'appellent. Le fichier est public par nature (registre IATI) : il ne porte que des agrégats, les
ventilations que la règle des petits nombres permet (`communication.dashboard.suppress`), jamais les
groupes sensibles, et des liens seulement vers les œuvres que le public du site peut voir maintenant.
"""
