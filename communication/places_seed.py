"""Le découpage administratif du Mali amorcé par la migration 0002 (modifiable ensuite dans l'admin).

On ne met ici que ce qui est sûr :
- les dix régions en place pendant le projet (2021-2023) et le district de Bamako. Les régions créées
  par la loi de 2012 et installées progressivement (Bandiagara, Douentza, Nioro, Kita, Dioïla, Nara,
  Bougouni, Koutiala, San) s'ajoutent dans l'admin quand le projet en a besoin ;
- les six communes du district de Bamako et leurs quartiers les plus connus ;
- les huit cercles de la région de Mopti et quelques communes du cercle de Mopti ;
- les sites de personnes déplacées cités par le projet : Faladié et Sénou (commune VI de Bamako),
  Niamana (commune de Kalabancoro, cercle de Kati, en périphérie de Bamako), Socoura (cercle de Mopti).
"""

REGIONS = [
    "Kayes", "Koulikoro", "Sikasso", "Ségou", "Mopti", "Tombouctou", "Gao", "Kidal", "Taoudénit", "Ménaka",
    "District de Bamako",
]

BAMAKO_COMMUNES = {
    "Commune I": ["Banconi", "Boulkassoumbougou", "Djélibougou", "Doumanzana", "Fadjiguila", "Korofina Nord",
                  "Korofina Sud", "Sikoroni", "Sotuba"],
    "Commune II": ["Bagadadji", "Bakaribougou", "Bozola", "Hippodrome", "Médina Coura", "Missira", "Niarela",
                   "Quinzambougou", "TSF", "Zone industrielle"],
    "Commune III": ["Badialan", "Bamako-Coura", "Darsalam", "Dravéla", "Koulouba", "N'Tomikorobougou",
                    "Ouolofobougou", "Point G"],
    "Commune IV": ["Djicoroni Para", "Hamdallaye", "Lafiabougou", "Lassa", "Sébénikoro", "Sibiribougou", "Taliko"],
    "Commune V": ["Badalabougou", "Baco Djicoroni", "Daoudabougou", "Kalaban Coura", "Quartier Mali",
                  "Sabalibougou", "Torokorobougou"],
    "Commune VI": ["Banankabougou", "Faladié", "Magnambougou", "Missabougou", "Niamakoro", "Sénou", "Sogoniko",
                   "Sokorodji", "Yirimadio"],
}

MOPTI_CERCLES = ["Bandiagara", "Bankass", "Djenné", "Douentza", "Koro", "Mopti", "Ténenkou", "Youwarou"]
MOPTI_CERCLE_COMMUNES = ["Mopti", "Socoura", "Fatoma", "Konna", "Sio", "Soye"]
MOPTI_QUARTIERS = ["Sévaré"]  # quartiers de la commune urbaine de Mopti

# (nom du site, commune, quartier ou None, remarque)
IDP_SITES_BAMAKO = [
    ("Site de PDI de Faladié", "Commune VI", "Faladié", "Site des ateliers de body mapping et de Photo Voice."),
    ("Site de PDI de Sénou", "Commune VI", "Sénou", ""),
]


def seed_places(apps=None):
    """Les lieux de départ : appelé par la migration 0002 (modèles historiques) et par
    `paroles.seed.seed_site()` (tests). Idempotent."""
    from django.apps import apps as global_apps

    seed((apps or global_apps).get_model("communication", "Place"))


def seed(Place):
    """Crée les lieux manquants. Idempotent : ne modifie ni ne supprime rien d'existant."""

    def get(name, level, parent=None, note=""):
        obj = Place.objects.filter(name=name, level=level, parent=parent).first()
        if obj is None:
            region = None
            if parent is not None:
                region = parent if parent.level == "region" else parent.region
            obj = Place.objects.create(name=name, level=level, parent=parent, region=region, note=note)
            if level == "region":
                obj.region = obj
                obj.save(update_fields=["region"])
        return obj

    regions = {name: get(name, "region") for name in REGIONS}

    bamako = regions["District de Bamako"]
    for commune_name, quartiers in BAMAKO_COMMUNES.items():
        commune = get(commune_name, "commune", bamako)
        for quartier in quartiers:
            get(quartier, "quartier", commune)
    for site, commune_name, quartier_name, note in IDP_SITES_BAMAKO:
        commune = Place.objects.get(name=commune_name, level="commune", parent=bamako)
        parent = Place.objects.get(name=quartier_name, level="quartier", parent=commune) if quartier_name else commune
        get(site, "site", parent, note)

    koulikoro = regions["Koulikoro"]
    kati = get("Kati", "cercle", koulikoro)
    kalabancoro = get("Kalabancoro", "commune", kati)
    get("Niamana", "quartier", kalabancoro)
    get("Site de PDI de Niamana", "site", kalabancoro, "En périphérie sud de Bamako.")

    mopti = regions["Mopti"]
    cercles = {name: get(name, "cercle", mopti) for name in MOPTI_CERCLES}
    communes = {name: get(name, "commune", cercles["Mopti"]) for name in MOPTI_CERCLE_COMMUNES}
    for quartier in MOPTI_QUARTIERS:
        get(quartier, "quartier", communes["Mopti"])
    get("Site de PDI de Socoura", "site", communes["Socoura"])
