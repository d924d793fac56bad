"""OAI-PMH 2.0 à /oai/ (Dublin Core `oai_dc`) : les œuvres visibles du public du site web, maintenant.

Les six verbes, jetons de reprise signés, erreurs selon le protocole, `deletedRecord` persistant (table
`interop.OaiRecord`). Aucune bibliothèque serveur OAI-PMH tenue à jour n'existe pour Django : le
protocole (petit) est écrit ici avec lxml ; les tests le moissonnent avec le client Sickle.
"""
