"""Archive de démonstration : catalogue, comptes et médias générés (appelé par `load_demo`).

Tout est fabriqué ici, avec le code du projet : des mires ffmpeg animées et des cartons dessinés
avec Pillow pour les vidéos, la voix enregistrée une fois avec espeak-ng (fichiers `fixtures/demo/`,
régénérés par `fixtures/make_fixtures.py`), des peintures et photos dessinées avec Pillow, des PDF
reportlab. Chaque fichier entre par `ingest_file`, comme un vrai téléversement : empreinte, analyse,
stockage privé.

Les personnes sont fictives ; les prénoms sont des pseudonymes. Les organisations partenaires sont
celles des projets décrits dans les évaluations (sauf le collectif protégé, inventé).

`build(ctx)` remplit `ctx["projects"]`, `ctx["partners"]`, `ctx["works"]` et `ctx["users"]` ; elle
est idempotente : une œuvre est retrouvée par son `external_id`, un fichier par son empreinte.
"""

import datetime
import os
import json
import math
import random
import secrets
import threading
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from .files import MediaError, sha256_of
from .models import (
    ContentWarning,
    Language,
    Licence,
    MediaFile,
    PartnerOrganisation,
    Project,
    Series,
    Theme,
    Work,
    WorkKind,
    Workshop,
)
from .services.ingest import find_duplicate, ingest_file
from .testing import ffmpeg_exe

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "demo"
EXTERNAL_PREFIX = "demo:"


def load_manifest():
    return json.loads((FIXTURES / "manifest.json").read_text(encoding="utf-8"))


# =============================================================================================
# Catalogue
# =============================================================================================

PROJECTS = {
    "migrants": {
        "name": "Kafamuya : protection des migrants et des minorités de genre",
        "name_bm": "Kafamuya : tagamasɛbɛnw lakanani",
        "slug": "kafamuya",
        "description": (
            "Projet de deux ans à Bamako et Mopti (décembre 2021 – novembre 2023) pour la protection des "
            "personnes migrantes, réfugiées et déplacées internes, avec un accent sur le genre. Les "
            "participantes et participants ont réalisé un film, des capsules, des podcasts, des body maps, "
            "des photos, des dessins, des spectacles, un livre et des dépliants."
        ),
        "start_date": datetime.date(2021, 12, 1),
        "end_date": datetime.date(2023, 11, 30),
    },
    "esclavage": {
        "name": "Combattre l'esclavage par ascendance au Mali",
        "name_bm": "Jɔnya kɛlɛ",
        "slug": "esclavage-par-ascendance",
        "description": (
            "Sensibilisation des communautés et des autorités contre l'esclavage et la discrimination fondée "
            "sur l'ascendance, dans les régions de Kayes, Tombouctou et Ménaka, et accompagnement juridique "
            "et économique des victimes."
        ),
        "start_date": datetime.date(2020, 10, 1),
        "end_date": datetime.date(2023, 9, 30),
    },
}

PARTNERS = {
    "cisp": {"name": "Comité international pour le développement des peuples", "acronym": "CISP", "city": "Bamako"},
    "aracem": {"name": "Association des refoulés d'Afrique centrale au Mali", "acronym": "ARACEM", "city": "Bamako"},
    "atc": {"name": "Association Tilé Coura", "acronym": "ATC", "city": "Bamako"},
    "cas": {"name": "Coalition anti-sida", "acronym": "CAS", "city": "Bamako"},
    "samusocial": {"name": "Samusocial Mali", "acronym": "SSM", "city": "Bamako"},
    "jiriladon": {"name": "Association Jiriladon", "acronym": "Jiriladon", "city": "Bamako"},
    "mande_tv": {"name": "Mandé TV", "acronym": "Mandé TV", "city": "Bamako"},
    # Inventé pour la démonstration : un collectif d'une communauté persécutée, dont les œuvres ne
    # sortent pas des événements sécurisés.
    "collectif": {
        "name": "Collectif Lumière (démonstration)",
        "acronym": "Collectif L.",
        "city": "Bamako",
        "is_protected_community": True,
    },
    "temedt": {"name": "Association TEMEDT", "acronym": "TEMEDT", "city": "Bamako"},
}

THEMES = {
    "vbg": "Violences basées sur le genre",
    "migration": "Parcours migratoire",
    "deplacement": "Déplacement interne",
    "hygiene": "Hygiène menstruelle",
    "discrimination": "Discrimination",
    "enfance": "Enfance",
    "droits": "Accès aux droits",
    "resilience": "Résilience et solidarité",
    "esclavage": "Esclavage par ascendance",
    "foncier": "Accès à la terre",
}

SERIES = {
    "capsules_vbg": ("Capsules VBG", "migrants"),
    "paroles_femmes": ("Paroles de femmes brisées", "migrants"),
    "body_maps": ("Body maps de Faladié", "migrants"),
    "photovoice": ("Photo Voice des enfants de Faladié", "migrants"),
    "esclavage_sensibilisation": ("Nous naissons tous libres", "esclavage"),
}

WORKSHOPS = {
    "bodymapping": {
        "name": "Atelier body mapping de Faladié",
        "project": "migrants",
        "partner": "cisp",
        "place": "Site de déplacés internes de Faladié, Bamako",
        "start_date": datetime.date(2022, 6, 13),
        "end_date": datetime.date(2022, 6, 24),
    },
    "photovoice": {
        "name": "Atelier Photo Voice des enfants de Faladié",
        "project": "migrants",
        "partner": "samusocial",
        "place": "Site de déplacés internes de Faladié, Bamako",
        "start_date": datetime.date(2023, 2, 6),
        "end_date": datetime.date(2023, 2, 10),
    },
    "podcast": {
        "name": "Atelier Care – Empowerment – Expressions artistiques",
        "project": "migrants",
        "partner": "aracem",
        "place": "Bamako",
        "start_date": datetime.date(2022, 9, 5),
        "end_date": datetime.date(2022, 9, 30),
    },
    "dessin": {
        "name": "Ateliers de dessin avec les enfants de la rue",
        "project": "migrants",
        "partner": "samusocial",
        "place": "Musée du district de Bamako",
        "start_date": datetime.date(2023, 3, 1),
        "end_date": datetime.date(2023, 3, 31),
    },
}

WARNINGS = {
    "vbg": "Violences basées sur le genre",
    "sexuelles": "Violences sexuelles",
    "migration": "Récit de migration difficile",
    "enfants": "Enfants en situation de détresse",
}

USERS = {
    # clé : (identifiant, prénom, nom, partenaire, personnel de l'archive ?, superutilisateur ?)
    "curator": ("conservatrice", "Aïssata", "Démo", None, True),
    "consent_officer": ("responsable.consentement", "Oumou", "Démo", "cisp", True),
    "coordinator": ("coordinatrice", "Salimata", "Démo", "cisp", True),
    "facilitator": ("animatrice.aracem", "Clarisse", "Démo", "aracem", False),
    "facilitator_atc": ("animateur.atc", "Moussa", "Démo", "atc", False),
    "collectif_member": ("membre.collectif", "Yao", "Démo", "collectif", False),
    "facilitator_temedt": ("animateur.temedt", "Ag", "Démo", "temedt", False),
}


@dataclass
class WorkSpec:
    key: str
    kind: str
    project: str
    title_fr: str
    title_bm: str
    description_fr: str
    description_bm: str = ""
    media: str = ""  # nom du générateur de médias (voir MEDIA_BUILDERS)
    series: str = ""
    themes: tuple = ()
    partner: str = ""
    workshop: str = ""
    date_made: datetime.date | None = None
    date_made_text: str = ""
    place_made: str = ""
    languages: tuple = ("fr",)
    warnings: tuple = ()
    licence: str = Licence.ALL_RIGHTS
    usage_note: str = ""
    words_verbatim: str = ""
    words_bm: str = ""
    options: dict = field(default_factory=dict)


WORKS = [
    WorkSpec(
        key="film_regard",
        kind=WorkKind.FILM,
        project="migrants",
        title_fr="r/Egard",
        title_bm="Filɛli",
        description_fr=(
            "Documentaire dans lequel des femmes migrantes, réfugiées et déplacées racontent leur route avec "
            "leurs propres mots : le départ, le voyage, la vie au site de Faladié, la parole retrouvée. "
            "Présenté à la presse à Bamako le 8 novembre 2022. Le film est long et couvre beaucoup de thèmes : "
            "pour les causeries, utilisez ses chapitres."
        ),
        description_bm=(
            "Musow minnu bɔra u ka dugu la, olu bɛ u ka taama kɔnɔ kow fɔ u yɛrɛ ka kuma la."
        ),
        media="film",
        themes=("migration", "vbg", "deplacement", "resilience"),
        partner="cisp",
        date_made=datetime.date(2022, 10, 15),
        place_made="Bamako et Mopti",
        languages=("fr",),
        warnings=("migration", "vbg"),
        licence=Licence.CC_BY_NC_ND,
        usage_note="Projection publique autorisée avec la mention « r/Egard, projet Kafamuya ».",
    ),
    WorkSpec(
        key="capsule_vbg_1",
        kind=WorkKind.CAPSULE,
        project="migrants",
        title_fr="Briser le silence",
        title_bm="Ka makun ban",
        description_fr=(
            "Capsule n° 1 de la série VBG : ce que sont les violences basées sur le genre, et où demander de "
            "l'aide. Montrée dans les commissariats et diffusée par Mandé TV."
        ),
        description_bm="Muso tɔɔrɔli ye mun ye, ani i bɛ dɛmɛ ɲini yɔrɔ min na.",
        media="capsule_vbg_1",
        series="capsules_vbg",
        themes=("vbg", "droits"),
        partner="aracem",
        date_made=datetime.date(2022, 11, 24),
        place_made="Bamako",
        warnings=("vbg",),
        licence=Licence.CC_BY_NC_ND,
    ),
    WorkSpec(
        key="capsule_vbg_2",
        kind=WorkKind.CAPSULE,
        project="migrants",
        title_fr="Les règles, ce n'est pas une honte",
        title_bm="Laada tɛ maloya ye",
        description_fr=(
            "Capsule n° 2 : l'hygiène menstruelle expliquée simplement, pour les filles, les mères et les "
            "animatrices des sites de déplacés."
        ),
        description_bm="Laada saniya ko, sunguruninw ni baw ye.",
        media="capsule_vbg_2",
        series="capsules_vbg",
        themes=("hygiene", "enfance"),
        partner="atc",
        date_made=datetime.date(2022, 12, 5),
        place_made="Bamako",
        licence=Licence.CC_BY_NC_ND,
    ),
    WorkSpec(
        key="capsule_vbg_3",
        kind=WorkKind.CAPSULE,
        project="migrants",
        title_fr="Les mêmes droits pour tous",
        title_bm="An bɛɛ ye kelen ye",
        description_fr=(
            "Capsule n° 3 : la discrimination envers les migrants, les réfugiés et les familles déplacées, "
            "et les droits de chacun."
        ),
        description_bm="Tagamasɛbɛnw ni dugutigiw bɛɛ ka josariyaw.",
        media="capsule_vbg_3",
        series="capsules_vbg",
        themes=("discrimination", "droits", "migration"),
        partner="aracem",
        date_made=datetime.date(2023, 1, 16),
        place_made="Bamako",
        licence=Licence.CC_BY_NC_ND,
    ),
    WorkSpec(
        key="capsule_secured",
        kind=WorkKind.CAPSULE,
        project="migrants",
        title_fr="Notre dignité",
        title_bm="An ka danbe",
        description_fr=(
            "Capsule réalisée par un collectif partenaire, pour ses propres rencontres. À ne montrer que lors "
            "d'événements sécurisés."
        ),
        description_bm="Jɛkulu dɔ ye nin ja in dilan a yɛrɛ ka ɲɔgɔnye ye.",
        media="capsule_secured",
        series="capsules_vbg",
        themes=("discrimination", "droits"),
        partner="collectif",
        date_made=datetime.date(2023, 4, 2),
        place_made="Bamako",
        usage_note="Événements sécurisés uniquement. Ne jamais diffuser en ligne ni à la télévision.",
    ),
    WorkSpec(
        key="capsule_expired",
        kind=WorkKind.CAPSULE,
        project="migrants",
        title_fr="Au marché",
        title_bm="Sugu la",
        description_fr=(
            "Témoignage d'une vendeuse sur le harcèlement au marché, et sur la solidarité des vendeuses."
        ),
        description_bm="Sugu la muso tɔɔrɔli ko, ani feerekɛlaw ka jɛ.",
        media="capsule_expired",
        series="capsules_vbg",
        themes=("vbg", "resilience"),
        partner="atc",
        date_made=datetime.date(2022, 3, 8),
        place_made="Bamako",
        warnings=("vbg",),
    ),
    WorkSpec(
        key="podcast_1",
        kind=WorkKind.PODCAST,
        project="migrants",
        title_fr="Paroles de femmes brisées, épisode 1 : Rokia",
        title_bm="Muso tiɲɛnenw ka kuma, 1 : Rokia ka taama",
        description_fr=(
            "Premier des trois récits oraux de la série « Paroles de femmes brisées » : un mariage refusé, "
            "la route, la colère, et la parole retrouvée. Issu de l'atelier Care – Empowerment – "
            "Expressions artistiques."
        ),
        description_bm="Kuma fɔlen saba fɔlɔ : Rokia ka taama ani a ka dimi.",
        media="podcast_1",
        series="paroles_femmes",
        themes=("vbg", "migration", "resilience"),
        partner="aracem",
        workshop="podcast",
        date_made=datetime.date(2022, 9, 28),
        place_made="Bamako",
        warnings=("vbg", "migration"),
        licence=Licence.CC_BY_NC_ND,
    ),
    WorkSpec(
        key="bodymap_1",
        kind=WorkKind.BODY_MAP,
        project="migrants",
        title_fr="Le chemin dans mon corps",
        title_bm="Sira min bɛ ne farikolo la",
        description_fr=(
            "Peinture grandeur nature réalisée au site de Faladié. Le corps est tracé sur la toile, puis "
            "rempli des symboles du voyage : la route de Mopti, les enfants, le cœur lourd et le soleil "
            "retrouvé. Exposée au musée du district de Bamako."
        ),
        description_bm="Ja belebele min dilanna Faladié. Farikolo ni taama taamasiyɛnw.",
        media="bodymap_1",
        series="body_maps",
        themes=("deplacement", "resilience"),
        partner="cisp",
        workshop="bodymapping",
        date_made=datetime.date(2022, 6, 24),
        place_made="Faladié, Bamako",
        languages=("fr", "ff"),
        options={"seed": 11, "palette": "ocre", "words": ["Mopti", "la route", "mes enfants", "le cœur lourd",
                                                          "je marche encore", "Faladié", "la paix"],
                 "author": "Hawa"},
    ),
    WorkSpec(
        key="bodymap_2",
        kind=WorkKind.BODY_MAP,
        project="migrants",
        title_fr="Mes mains savent faire",
        title_bm="Ne bolow bɛ se",
        description_fr=(
            "Body map d'une femme déplacée : ses mains couvertes des métiers qu'elle connaît (tresser, "
            "teindre, cultiver), ses pieds tournés vers l'avenir. Exposée au musée du district de Bamako."
        ),
        description_bm="Muso dɔ ka farikolo ja : a bolow ni a ka baaraw.",
        media="bodymap_2",
        series="body_maps",
        themes=("deplacement", "resilience"),
        partner="cisp",
        workshop="bodymapping",
        date_made=datetime.date(2022, 6, 24),
        place_made="Faladié, Bamako",
        languages=("fr", "dgo"),
        options={"seed": 23, "palette": "indigo", "words": ["tresser", "teindre", "cultiver", "mes mains",
                                                            "ma force", "demain", "Bandiagara"],
                 "author": "Yagaré", "arms_up": False},
    ),
    WorkSpec(
        key="bodymap_withdrawn",
        kind=WorkKind.BODY_MAP,
        project="migrants",
        title_fr="La nuit du départ",
        title_bm="Taa su",
        description_fr=(
            "Body map réalisée à l'atelier de Faladié. Sa participante a retiré son consentement : "
            "l'œuvre ne doit plus être montrée."
        ),
        description_bm="Ja min dilanna Faladié.",
        media="bodymap_withdrawn",
        series="body_maps",
        themes=("deplacement", "vbg"),
        partner="cisp",
        workshop="bodymapping",
        date_made=datetime.date(2022, 6, 24),
        place_made="Faladié, Bamako",
        warnings=("vbg",),
        options={"seed": 37, "palette": "rouge", "words": ["la nuit", "le feu", "mes sœurs", "courir",
                                                           "le silence", "respirer"],
                 "author": "M."},
    ),
    WorkSpec(
        key="photovoice_1",
        kind=WorkKind.PHOTOVOICE,
        project="migrants",
        title_fr="Le robinet du site",
        title_bm="Site ka ji bɔyɔrɔ",
        description_fr=(
            "Photo prise par une fille de 13 ans pendant l'atelier Photo Voice : la file d'attente au point "
            "d'eau du site de Faladié, tôt le matin."
        ),
        description_bm="Sunguruni dɔ ye nin ja in ta : ji ɲinini sɔgɔma.",
        media="photovoice_water",
        series="photovoice",
        themes=("enfance", "deplacement"),
        partner="samusocial",
        workshop="photovoice",
        date_made=datetime.date(2023, 2, 7),
        place_made="Faladié, Bamako",
        words_verbatim=(
            "ici cest le robiné du site. le matin on fait la queu longtemp avant lécole, "
            "des fois lécole on rate. moi je veux que l'eau elle vient près de notre tente "
            "pour que ma maman elle se fatigue pas."
        ),
        words_bm=(
            "Nin ye site ka robinɛ ye. Sɔgɔma an bɛ jɔ yan kabini lekɔli ma. "
            "N b'a fɛ ji ka na an ka fu kɛrɛ fɛ, walasa n ba kana sɛgɛn."
        ),
    ),
    WorkSpec(
        key="photovoice_2",
        kind=WorkKind.PHOTOVOICE,
        project="migrants",
        title_fr="Notre tente quand il pleut",
        title_bm="An ka fu sanji waati",
        description_fr="Photo prise par un garçon de 15 ans : la tente de sa famille après l'orage.",
        description_bm="Cɛmancɛ dɔ ye nin ja in ta : a ka denbaya ka fu sanji kɔfɛ.",
        media="photovoice_tent",
        series="photovoice",
        themes=("enfance", "deplacement"),
        partner="samusocial",
        workshop="photovoice",
        date_made=datetime.date(2023, 2, 8),
        place_made="Faladié, Bamako",
        words_verbatim=(
            "ça c notre tente. quand la pluie tombe l'eau rentre dedan et mon petit frere il a peur "
            "il pleure. papa il met les cailloux. mais on reste ensemble c ça le plus important."
        ),
    ),
    WorkSpec(
        key="photovoice_3",
        kind=WorkKind.PHOTOVOICE,
        project="migrants",
        title_fr="Mon cahier",
        title_bm="Ne ka kaye",
        description_fr="Photo prise par une fille de 11 ans : le cahier qu'elle garde depuis le village.",
        description_bm="Sunguruni dɔ ka kaye, a bɔra dugu la n'a ye.",
        media="photovoice_desk",
        series="photovoice",
        themes=("enfance",),
        partner="samusocial",
        workshop="photovoice",
        date_made=datetime.date(2023, 2, 9),
        place_made="Faladié, Bamako",
        words_verbatim=(
            "mon cahier je l'ai pris quand on a fuit. il ya encore mes lecons du village. "
            "je veux devenir maitresse pour aprendre aux enfant du site."
        ),
    ),
    WorkSpec(
        key="photovoice_4",
        kind=WorkKind.PHOTOVOICE,
        project="migrants",
        title_fr="La boutique où je travaille",
        title_bm="Ne bɛ baara kɛ butiki min na",
        description_fr=(
            "Photo prise par un garçon de 16 ans : la boutique du quartier où il a trouvé du travail après "
            "l'atelier."
        ),
        media="photovoice_shop",
        series="photovoice",
        themes=("enfance", "resilience"),
        partner="samusocial",
        workshop="photovoice",
        date_made=datetime.date(2023, 2, 10),
        place_made="Faladié, Bamako",
        words_verbatim=(
            "avan je traine dans la rue. maintenan je range les bidons et le savon a la boutique, "
            "le patron il me fait confiance. je gagne mon argent moi meme."
        ),
    ),
    WorkSpec(
        key="drawing_1",
        kind=WorkKind.DRAWING,
        project="migrants",
        title_fr="Ma famille sous le soleil",
        title_bm="Ne ka denbaya tile kɔrɔ",
        description_fr=(
            "Dessin au crayon de couleur d'un enfant de la rue, pendant les ateliers de dessin au musée du "
            "district de Bamako."
        ),
        description_bm="Den dɔ ka ja, a dilanna Bamako musée la.",
        media="drawing_family",
        themes=("enfance",),
        partner="samusocial",
        workshop="dessin",
        date_made=datetime.date(2023, 3, 15),
        place_made="Musée du district de Bamako",
        languages=("bm",),
    ),
    WorkSpec(
        key="performance_1",
        kind=WorkKind.PERFORMANCE,
        project="migrants",
        title_fr="Mussow Lakana (extrait)",
        title_bm="Musow Lakana",
        description_fr=(
            "Extrait de la captation du spectacle « Mussow Lakana », né de l'exercice « cris du cœur » : la "
            "colère des femmes face à l'injustice, jouée au musée du district de Bamako."
        ),
        description_bm="Musow ka dimi ka ɲɛ tilenbaliya kɛlɛ.",
        media="performance",
        themes=("vbg", "resilience"),
        partner="jiriladon",
        workshop="podcast",
        date_made=datetime.date(2022, 11, 25),
        place_made="Musée du district de Bamako",
        languages=("bm", "fr"),
    ),
    WorkSpec(
        key="book_sira",
        kind=WorkKind.BOOK,
        project="migrants",
        title_fr="Sira",
        title_bm="Sira",
        description_fr=(
            "Livre illustré né des ateliers avec des femmes migrantes : Sira, « le chemin » en bambara, "
            "raconte le voyage d'une jeune femme et les mains tendues qu'elle rencontre."
        ),
        description_bm="Gafe min bɛ muso dɔ ka taama ko fɔ.",
        media="book",
        themes=("migration", "resilience"),
        partner="cisp",
        date_made=datetime.date(2022, 11, 8),
        place_made="Bamako",
        languages=("fr",),
        licence=Licence.CC_BY_NC,
    ),
    WorkSpec(
        key="leaflet_1",
        kind=WorkKind.LEAFLET,
        project="migrants",
        title_fr="L'hygiène menstruelle, parlons-en",
        title_bm="Laada saniya, an ka baro kɛ",
        description_fr=(
            "Dépliant distribué à 1 000 exemplaires dans les sites de déplacés : matériel, gestes d'hygiène, "
            "et réponses aux idées reçues."
        ),
        description_bm="Sɛbɛnni min tilala site kɔnɔ : laada saniya ko.",
        media="leaflet",
        themes=("hygiene",),
        partner="atc",
        date_made=datetime.date(2023, 5, 28),
        place_made="Bamako",
        languages=("fr", "bm"),
        licence=Licence.CC_BY,
    ),
    WorkSpec(
        key="esclavage_capsule",
        kind=WorkKind.CAPSULE,
        project="esclavage",
        title_fr="Nous naissons tous libres",
        title_bm="An bɛɛ bangera hɔrɔnya la",
        description_fr=(
            "Capsule de sensibilisation contre l'esclavage par ascendance : ce que dit la loi, et où trouver "
            "de l'aide."
        ),
        description_bm="Jɔnya sariya ko, ani dɛmɛ bɛ sɔrɔ yɔrɔ min na.",
        media="esclavage_capsule",
        series="esclavage_sensibilisation",
        themes=("esclavage", "discrimination", "droits"),
        partner="temedt",
        date_made=datetime.date(2022, 6, 16),
        place_made="Kayes",
        licence=Licence.CC_BY,
    ),
    WorkSpec(
        key="esclavage_podcast",
        kind=WorkKind.PODCAST,
        project="esclavage",
        title_fr="La terre de mon père",
        title_bm="Ne fa ka dugukolo",
        description_fr=(
            "Récit d'un cultivateur de la région de Kayes privé du champ de son père à cause de son "
            "ascendance, et de son combat devant la justice."
        ),
        description_bm="Sɛnɛkɛla dɔ ka kuma : a fa ka foro n'a ka kiiri.",
        media="esclavage_podcast",
        series="esclavage_sensibilisation",
        themes=("esclavage", "foncier", "droits"),
        partner="temedt",
        date_made=datetime.date(2022, 8, 3),
        place_made="Région de Kayes",
        languages=("fr",),
    ),
    WorkSpec(
        key="esclavage_leaflet",
        kind=WorkKind.LEAFLET,
        project="esclavage",
        title_fr="Personne n'appartient à personne",
        title_bm="Mɔgɔ si tɛ mɔgɔ si ta ye",
        description_fr="Affiche et dépliant de la campagne : la loi, les recours, les associations qui aident.",
        description_bm="Kampaɲi ka sɛbɛnni : sariya ani dɛmɛ yɔrɔw.",
        media="esclavage_leaflet",
        series="esclavage_sensibilisation",
        themes=("esclavage", "droits"),
        partner="temedt",
        date_made=datetime.date(2022, 12, 2),
        place_made="Kayes",
        languages=("fr", "bm"),
        licence=Licence.CC_BY,
    ),
]

WORK_KEYS = [spec.key for spec in WORKS]


# =============================================================================================
# Dessin (Pillow)
# =============================================================================================

FONT_FILES = {
    "sans": ["dejavu/DejaVuSans.ttf", "liberation/LiberationSans-Regular.ttf", "freefont/FreeSans.ttf"],
    "bold": ["dejavu/DejaVuSans-Bold.ttf", "liberation/LiberationSans-Bold.ttf", "freefont/FreeSansBold.ttf"],
    "serif": ["dejavu/DejaVuSerif-Bold.ttf", "liberation/LiberationSerif-Bold.ttf", "freefont/FreeSerifBold.ttf"],
    "hand": ["dejavu/DejaVuSans-BoldOblique.ttf", "liberation/LiberationSans-BoldItalic.ttf",
             "freefont/FreeSansBoldOblique.ttf"],
}
_font_cache = {}


def font(size, style="sans"):
    """Une police TrueType du système si elle existe, sinon la police vectorielle intégrée à Pillow."""
    from PIL import ImageFont

    key = (size, style, threading.get_ident())  # une police par fil : FreeType n'est pas partagé
    if key not in _font_cache:
        for rel in FONT_FILES[style]:
            path = Path("/usr/share/fonts/truetype") / rel
            if path.exists():
                _font_cache[key] = ImageFont.truetype(str(path), size)
                break
        else:
            _font_cache[key] = ImageFont.load_default(size)
    return _font_cache[key]


def wrap(draw, text, fnt, width):
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if draw.textlength(candidate, font=fnt) <= width or not line:
            line = candidate
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines


def draw_lines(draw, xy, lines, fnt, fill, spacing=1.25, anchor="la", stroke=0, stroke_fill=None):
    x, y = xy
    step = int(fnt.size * spacing)
    for line in lines:
        draw.text((x, y), line, font=fnt, fill=fill, anchor=anchor, stroke_width=stroke, stroke_fill=stroke_fill)
        y += step
    return y


def paper_texture(size, base, sigma=18, seed=0):
    """Un fond de toile ou de papier : une couleur unie et un grain de bruit gaussien."""
    from PIL import Image

    noise = Image.effect_noise(size, sigma).convert("RGB")
    plain = Image.new("RGB", size, base)
    return Image.blend(plain, noise, 0.12)


def rotated_text(img, xy, text, fnt, fill, angle):
    from PIL import Image, ImageDraw

    w = int(ImageDraw.Draw(img).textlength(text, font=fnt)) + 20
    h = int(fnt.size * 1.5)
    layer = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    ImageDraw.Draw(layer).text((10, h // 2), text, font=fnt, fill=fill, anchor="lm")
    layer = layer.rotate(angle, expand=True, resample=Image.BICUBIC)
    img.paste(layer, (int(xy[0] - layer.width / 2), int(xy[1] - layer.height / 2)), layer)


def heart(draw, cx, cy, r, fill, outline=None, width=4):
    draw.ellipse((cx - r, cy - r * 0.8, cx, cy + r * 0.2), fill=fill, outline=outline, width=width)
    draw.ellipse((cx, cy - r * 0.8, cx + r, cy + r * 0.2), fill=fill, outline=outline, width=width)
    draw.polygon([(cx - r * 0.97, cy - r * 0.15), (cx + r * 0.97, cy - r * 0.15), (cx, cy + r * 1.1)], fill=fill)


def sun(draw, cx, cy, r, fill, rays=12):
    for i in range(rays):
        a = 2 * math.pi * i / rays
        draw.line((cx + math.cos(a) * r * 1.2, cy + math.sin(a) * r * 1.2,
                   cx + math.cos(a) * r * 1.8, cy + math.sin(a) * r * 1.8), fill=fill, width=max(3, int(r // 8)))
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=fill)


PALETTES = {
    "ocre": {"ground": (226, 196, 150), "body": (160, 62, 38), "line": (45, 28, 20), "accent": (232, 170, 40),
             "cool": (40, 96, 140), "leaf": (70, 120, 60), "words": (60, 30, 20)},
    "indigo": {"ground": (236, 222, 196), "body": (46, 58, 120), "line": (20, 20, 40), "accent": (240, 150, 40),
               "cool": (90, 160, 180), "leaf": (90, 140, 60), "words": (30, 30, 70)},
    "rouge": {"ground": (214, 178, 140), "body": (150, 30, 50), "line": (40, 10, 10), "accent": (250, 200, 70),
              "cool": (50, 80, 130), "leaf": (60, 110, 70), "words": (70, 20, 20)},
}


def body_outline(w, h, arms_up=False):
    """Les points d'une silhouette humaine debout, de face, à l'échelle de la toile."""
    cx = w / 2
    sh_y, hip_y, foot_y = h * 0.22, h * 0.55, h * 0.95
    sh, waist, hip = w * 0.19, w * 0.12, w * 0.16
    hand_y = h * 0.08 if arms_up else h * 0.56
    hand_x = w * 0.42 if arms_up else w * 0.40
    pts = [
        (cx - w * 0.04, h * 0.17), (cx - sh, sh_y), (cx - hand_x, hand_y - h * 0.02),
        (cx - hand_x - w * 0.05, hand_y + h * 0.02), (cx - sh - w * 0.02, sh_y + h * 0.1),
        (cx - waist, h * 0.40), (cx - hip, hip_y), (cx - w * 0.15, foot_y - h * 0.02),
        (cx - w * 0.2, foot_y), (cx - w * 0.06, foot_y), (cx - w * 0.03, h * 0.62), (cx, h * 0.6),
    ]
    right = [(2 * cx - x, y) for x, y in reversed(pts)]
    return pts + right


def draw_body_map(path, *, seed, palette, words, author, arms_up=True, size=(1400, 2100)):
    """Une body map : la silhouette tracée grandeur nature, remplie de symboles et de mots du parcours."""
    from PIL import Image, ImageDraw, ImageFilter

    rng = random.Random(seed)
    pal = PALETTES[palette]
    w, h = size
    img = paper_texture(size, pal["ground"], seed=seed).convert("RGBA")
    draw = ImageDraw.Draw(img)
    # Taches de peinture autour du corps (un seul calque, flouté une fois).
    blots = Image.new("RGBA", size, (0, 0, 0, 0))
    blot_draw = ImageDraw.Draw(blots)
    for _ in range(26):
        x, y, r = rng.randint(0, w), rng.randint(0, h), rng.randint(w // 40, w // 12)
        colour = rng.choice([pal["accent"], pal["cool"], pal["leaf"], pal["body"]]) + (70,)
        blot_draw.ellipse((x - r, y - r * 0.8, x + r, y + r * 0.8), fill=colour)
    img = Image.alpha_composite(img, blots.filter(ImageFilter.GaussianBlur(w / 120)))
    draw = ImageDraw.Draw(img)
    outline = body_outline(w, h, arms_up=arms_up)
    head_r = w * 0.075
    cx = w / 2
    # Le corps, peint, puis le trait du contour (comme au marqueur sur la toile).
    draw.polygon(outline, fill=pal["body"] + (235,))
    draw.ellipse((cx - head_r, h * 0.17 - 2.1 * head_r, cx + head_r, h * 0.17 - 0.05 * head_r), fill=pal["body"] + (235,))
    # Coups de pinceau dans le corps : la peinture n'est jamais uniforme.
    strokes = Image.new("RGBA", size, (0, 0, 0, 0))
    stroke_draw = ImageDraw.Draw(strokes)
    for _ in range(240):
        x, y = rng.uniform(w * 0.1, w * 0.9), rng.uniform(h * 0.05, h * 0.95)
        length, angle = rng.uniform(w * 0.03, w * 0.09), rng.uniform(-0.6, 0.6)
        shade = tuple(max(0, min(255, c + rng.randint(-35, 35))) for c in pal["body"])
        stroke_draw.line((x, y, x + length * math.cos(angle), y + length * math.sin(angle)), fill=shade + (120,),
                         width=rng.randint(8, 22))
    mask = Image.new("L", size, 0)
    ImageDraw.Draw(mask).polygon(outline, fill=255)
    ImageDraw.Draw(mask).ellipse((cx - head_r, h * 0.17 - 2.1 * head_r, cx + head_r, h * 0.17 - 0.05 * head_r), fill=255)
    img = Image.alpha_composite(img, Image.composite(strokes, Image.new("RGBA", size), mask))
    draw = ImageDraw.Draw(img)
    draw.line(outline + [outline[0]], fill=pal["line"], width=9, joint="curve")
    draw.ellipse((cx - head_r, h * 0.17 - 2.1 * head_r, cx + head_r, h * 0.17 - 0.05 * head_r),
                 outline=pal["line"], width=9)
    # Motif de pagne sur le buste.
    for _ in range(60):
        x = rng.uniform(cx - w * 0.1, cx + w * 0.1)
        y = rng.uniform(h * 0.25, h * 0.5)
        r = rng.uniform(6, 16)
        draw.ellipse((x - r, y - r, x + r, y + r), outline=pal["accent"], width=4)
    # Le cœur, et la route en pointillés qui monte des pieds au cœur.
    heart(draw, cx + w * 0.04, h * 0.3, w * 0.06, (205, 40, 45), outline=pal["line"], width=5)
    path_pts = [(cx - w * 0.12, h * 0.94), (cx - w * 0.05, h * 0.8), (cx + w * 0.04, h * 0.7),
                (cx - w * 0.04, h * 0.55), (cx + w * 0.03, h * 0.42), (cx + w * 0.04, h * 0.33)]
    for (x0, y0), (x1, y1) in zip(path_pts, path_pts[1:]):
        steps = 14
        for i in range(0, steps, 2):
            t0, t1 = i / steps, (i + 1) / steps
            draw.line((x0 + (x1 - x0) * t0, y0 + (y1 - y0) * t0, x0 + (x1 - x0) * t1, y0 + (y1 - y0) * t1),
                      fill=(250, 240, 220), width=10)
    # Le soleil, une rivière, des étoiles, des traces de pas, des mains.
    sun(draw, w * 0.15, h * 0.07, w * 0.05, pal["accent"])
    for k in range(4):
        y = h * 0.82 + k * 18
        draw.line([(x, y + 12 * math.sin(x / 40 + k)) for x in range(int(w * 0.62), int(w * 0.97), 8)],
                  fill=pal["cool"], width=6)
    for _ in range(9):
        x, y = rng.uniform(w * 0.65, w * 0.95), rng.uniform(h * 0.03, h * 0.2)
        r = rng.uniform(8, 18)
        draw.polygon([(x, y - r), (x + r * 0.3, y - r * 0.3), (x + r, y), (x + r * 0.3, y + r * 0.3), (x, y + r),
                      (x - r * 0.3, y + r * 0.3), (x - r, y), (x - r * 0.3, y - r * 0.3)], fill=(250, 245, 230))
    for i in range(7):
        x, y = w * 0.08 + i * w * 0.05, h * 0.985 - (i % 2) * 30
        draw.ellipse((x - 14, y - 24, x + 14, y + 10), fill=pal["line"])
    hand_y = h * 0.08 if arms_up else h * 0.56
    for side in (-1, 1):
        hx = cx + side * (w * 0.42 if arms_up else w * 0.40) + side * 10
        draw.ellipse((hx - 34, hand_y - 20, hx + 34, hand_y + 40), fill=pal["accent"], outline=pal["line"], width=4)
        for f in range(5):
            fx = hx - 30 + f * 15
            draw.ellipse((fx - 7, hand_y - 55 + abs(f - 2) * 8, fx + 7, hand_y - 5), fill=pal["accent"],
                         outline=pal["line"], width=3)
    # Un arbre (le village) et une maison (l'espoir).
    tx, ty = w * 0.86, h * 0.55
    draw.rectangle((tx - 10, ty, tx + 10, ty + h * 0.1), fill=(110, 70, 40))
    draw.ellipse((tx - 80, ty - 110, tx + 80, ty + 20), fill=pal["leaf"])
    hx, hy = w * 0.13, h * 0.55
    draw.rectangle((hx - 70, hy, hx + 70, hy + 100), fill=(190, 120, 70), outline=pal["line"], width=4)
    draw.polygon([(hx - 90, hy), (hx, hy - 80), (hx + 90, hy)], fill=(120, 80, 50), outline=pal["line"])
    draw.rectangle((hx - 18, hy + 40, hx + 18, hy + 100), fill=pal["line"])
    # Les mots du parcours, peints autour du corps.
    spots = [(w * 0.2, h * 0.3), (w * 0.8, h * 0.3), (w * 0.18, h * 0.72), (w * 0.82, h * 0.72),
             (w * 0.5, h * 0.64), (w * 0.78, h * 0.45), (w * 0.22, h * 0.45), (w * 0.55, h * 0.06)]
    for word, (x, y) in zip(words, spots):
        colour = (250, 240, 220) if abs(x - cx) < w * 0.1 else pal["words"]
        rotated_text(img, (x, y), word, font(int(w * 0.042), "hand"), colour, rng.uniform(-18, 18))
    draw = ImageDraw.Draw(img)
    draw.text((w * 0.96, h * 0.975), author, font=font(int(w * 0.03), "hand"), fill=pal["line"], anchor="rs")
    img = img.convert("RGB").filter(ImageFilter.SMOOTH)
    img.save(path, "JPEG", quality=86, optimize=True)
    return path


def photo_finish(img, seed):
    """Donne à un dessin l'aspect d'une photo de téléphone : léger flou, grain, vignettage."""
    from PIL import Image, ImageDraw, ImageFilter

    img = img.filter(ImageFilter.GaussianBlur(1.2))
    noise = Image.effect_noise(img.size, 30).convert("RGB")
    img = Image.blend(img, noise, 0.06)
    w, h = img.size
    mask = Image.new("L", img.size, 0)
    ImageDraw.Draw(mask).ellipse((-w * 0.25, -h * 0.3, w * 1.25, h * 1.3), fill=255)
    mask = mask.filter(ImageFilter.GaussianBlur(w / 10))
    dark = Image.new("RGB", img.size, (20, 15, 10))
    return Image.composite(img, dark, mask)


def sky_and_ground(draw, w, h, horizon, sky=((120, 170, 215), (230, 220, 200)), ground=(190, 150, 105)):
    for y in range(horizon):
        t = y / horizon
        colour = tuple(int(sky[0][i] + (sky[1][i] - sky[0][i]) * t) for i in range(3))
        draw.line((0, y, w, y), fill=colour)
    for y in range(horizon, h):
        t = (y - horizon) / (h - horizon)
        colour = tuple(int(ground[i] * (0.92 + 0.12 * t)) for i in range(3))
        draw.line((0, y, w, y), fill=colour)


def tent(draw, x, y, s, colour=(225, 225, 215), line=(120, 120, 120)):
    draw.polygon([(x - s, y), (x, y - s * 0.8), (x + s, y)], fill=colour, outline=line)
    draw.polygon([(x - s * 0.18, y), (x, y - s * 0.55), (x + s * 0.18, y)], fill=(60, 55, 50))


def child(draw, x, y, s, shirt, skin=(92, 60, 40)):
    draw.ellipse((x - s * 0.12, y - s, x + s * 0.12, y - s * 0.76), fill=skin)
    draw.rounded_rectangle((x - s * 0.16, y - s * 0.76, x + s * 0.16, y - s * 0.35), radius=int(s * 0.05), fill=shirt)
    draw.rectangle((x - s * 0.13, y - s * 0.36, x - s * 0.03, y), fill=skin)
    draw.rectangle((x + s * 0.03, y - s * 0.36, x + s * 0.13, y), fill=skin)


def draw_photo(path, scene, seed, size=(1600, 1200)):
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    w, h = size
    img = Image.new("RGB", size)
    draw = ImageDraw.Draw(img)
    if scene == "water":
        sky_and_ground(draw, w, h, int(h * 0.42))
        for i in range(7):
            tent(draw, 120 + i * 240, int(h * 0.44), 130, colour=rng.choice([(230, 230, 222), (200, 210, 225)]))
        # Le point d'eau : un muret de béton, un tuyau, un robinet.
        draw.rectangle((w * 0.62, h * 0.48, w * 0.8, h * 0.75), fill=(165, 160, 150), outline=(110, 105, 100), width=4)
        draw.rectangle((w * 0.69, h * 0.36, w * 0.71, h * 0.52), fill=(90, 110, 130))
        draw.rectangle((w * 0.66, h * 0.36, w * 0.71, h * 0.38), fill=(90, 110, 130))
        draw.ellipse((w * 0.65, h * 0.38, w * 0.67, h * 0.4), fill=(150, 170, 200))
        draw.ellipse((w * 0.56, h * 0.84, w * 0.9, h * 0.92), fill=(120, 100, 80))
        colours = [(240, 200, 30), (30, 110, 200), (40, 160, 80), (230, 90, 40), (240, 200, 30), (200, 40, 60)]
        for i, c in enumerate(colours):  # la file de bidons
            x = w * 0.58 - i * 95
            draw.rounded_rectangle((x - 45, h * 0.7, x + 45, h * 0.86), radius=14, fill=c, outline=(60, 60, 60))
            draw.rectangle((x - 12, h * 0.68, x + 12, h * 0.7), fill=(50, 50, 50))
        for i, c in enumerate([(200, 60, 120), (60, 160, 170), (220, 160, 40)]):
            child(draw, w * 0.08 + i * 130, h * 0.9, 330 - i * 30, c)
    elif scene == "tent":
        sky_and_ground(draw, w, h, int(h * 0.38), sky=((110, 120, 135), (175, 175, 170)), ground=(120, 100, 80))
        draw.polygon([(w * 0.12, h * 0.78), (w * 0.5, h * 0.2), (w * 0.9, h * 0.78)], fill=(215, 220, 225),
                     outline=(120, 120, 120))
        for _ in range(8):  # rapiéçages
            x, y = rng.uniform(w * 0.3, w * 0.7), rng.uniform(h * 0.4, h * 0.7)
            draw.rectangle((x, y, x + rng.uniform(60, 140), y + rng.uniform(40, 90)),
                           fill=rng.choice([(60, 110, 170), (180, 170, 140), (200, 80, 60)]))
        draw.polygon([(w * 0.42, h * 0.78), (w * 0.5, h * 0.45), (w * 0.58, h * 0.78)], fill=(40, 35, 30))
        for x in (w * 0.1, w * 0.92):
            draw.line((w * 0.5, h * 0.2, x, h * 0.86), fill=(150, 130, 90), width=4)
        draw.ellipse((w * 0.05, h * 0.82, w * 0.75, h * 0.97), fill=(95, 110, 125))  # flaque
        for _ in range(12):
            x, y = rng.uniform(w * 0.1, w * 0.7), rng.uniform(h * 0.84, h * 0.95)
            draw.ellipse((x - 30, y - 6, x + 30, y + 6), outline=(150, 165, 180), width=3)
        for _ in range(220):  # pluie
            x, y = rng.uniform(0, w), rng.uniform(0, h * 0.8)
            draw.line((x, y, x - 8, y + 40), fill=(200, 205, 215), width=2)
        for i in range(5):
            draw.ellipse((w * 0.78 + i * 40, h * 0.86, w * 0.78 + i * 40 + 60, h * 0.92), fill=(130, 125, 115))
    elif scene == "desk":
        draw.rectangle((0, 0, w, h), fill=(150, 105, 65))
        for y in range(0, h, 9):  # veinure du bois
            draw.line([(x, y + 5 * math.sin(x / 90 + y / 50)) for x in range(0, w, 20)], fill=(135, 92, 55), width=2)
        draw.polygon([(w * 0.2, h * 0.15), (w * 0.8, h * 0.1), (w * 0.85, h * 0.85), (w * 0.18, h * 0.9)],
                     fill=(245, 242, 230))
        draw.line((w * 0.5, h * 0.125, w * 0.51, h * 0.875), fill=(180, 170, 160), width=6)
        hand = font(40, "hand")
        lines = ["Ma maison", "Mon village s'appelle", "Dinangourou.", "Ma mère fait le", "beurre de karité.",
                 "2 + 3 = 5"]
        for i in range(14):
            y = h * 0.2 + i * 46
            draw.line((w * 0.22, y, w * 0.49, y - 4), fill=(170, 190, 220), width=2)
            draw.line((w * 0.52, y - 6, w * 0.83, y - 10), fill=(170, 190, 220), width=2)
        for i, line in enumerate(lines):
            draw.text((w * 0.24, h * 0.2 + i * 92 - 40), line, font=hand, fill=(40, 60, 140))
        # Un dessin de maison sur la page de droite.
        draw.rectangle((w * 0.58, h * 0.45, w * 0.76, h * 0.65), outline=(200, 60, 40), width=6)
        draw.line((w * 0.56, h * 0.46, w * 0.67, h * 0.32, w * 0.78, h * 0.46), fill=(200, 60, 40), width=6)
        draw.line((w * 0.3, h * 0.95, w * 0.62, h * 0.72), fill=(240, 190, 30), width=22)  # crayon
        draw.polygon([(w * 0.62, h * 0.72), (w * 0.645, h * 0.7), (w * 0.635, h * 0.735)], fill=(230, 200, 160))
    elif scene == "shop":
        sky_and_ground(draw, w, h, int(h * 0.3), ground=(170, 140, 110))
        draw.rectangle((w * 0.1, h * 0.18, w * 0.9, h * 0.9), fill=(60, 120, 160))
        draw.rectangle((w * 0.15, h * 0.28, w * 0.85, h * 0.88), fill=(50, 40, 35))
        draw.rectangle((w * 0.08, h * 0.14, w * 0.92, h * 0.22), fill=(230, 90, 40))
        draw.text((w * 0.5, h * 0.18), "ALIMENTATION  LA PAIX", font=font(64, "bold"), fill=(255, 245, 220), anchor="mm")
        for row in range(4):  # étagères
            y = h * 0.38 + row * h * 0.13
            draw.rectangle((w * 0.17, y, w * 0.83, y + 10), fill=(150, 110, 70))
            for i in range(12):
                x = w * 0.19 + i * w * 0.053
                c = rng.choice([(240, 200, 30), (30, 110, 200), (220, 60, 50), (240, 240, 235), (40, 160, 80)])
                draw.rounded_rectangle((x, y - 80 + rng.randint(0, 30), x + 50, y), radius=8, fill=c)
        child(draw, w * 0.7, h * 0.95, 520, (230, 230, 220))
    img = photo_finish(img, seed)
    img.save(path, "JPEG", quality=85, optimize=True)
    return path


def draw_children_drawing(path, seed=5, size=(1500, 1100)):
    """Un dessin d'enfant au crayon de couleur : traits tremblés sur papier blanc."""
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    w, h = size
    img = paper_texture(size, (248, 246, 238), sigma=10, seed=seed)
    draw = ImageDraw.Draw(img)

    def crayon(points, colour, width=9, passes=3):
        for _ in range(passes):
            jitter = [(x + rng.uniform(-4, 4), y + rng.uniform(-4, 4)) for x, y in points]
            draw.line(jitter, fill=colour, width=width, joint="curve")

    def scribble(box, colour, density=40):
        x0, y0, x1, y1 = box
        for i in range(density):
            t = i / density
            draw.line((x0 + (x1 - x0) * t + rng.uniform(-6, 6), y0, x0 + (x1 - x0) * t + rng.uniform(-6, 6) - 30, y1),
                      fill=colour, width=6)

    crayon([(0, h * 0.78), (w, h * 0.76)], (60, 150, 60), 12)
    scribble((0, h * 0.79, w, h), (110, 180, 90), 90)
    sun_c = (250, 200, 20)
    draw.ellipse((w * 0.78, h * 0.06, w * 0.93, h * 0.26), fill=sun_c)
    for i in range(10):
        a = 2 * math.pi * i / 10
        crayon([(w * 0.855 + math.cos(a) * 130, h * 0.16 + math.sin(a) * 130),
                (w * 0.855 + math.cos(a) * 200, h * 0.16 + math.sin(a) * 200)], sun_c, 8, 2)
    scribble((w * 0.08, h * 0.4, w * 0.38, h * 0.76), (220, 120, 60), 50)
    crayon([(w * 0.08, h * 0.4), (w * 0.38, h * 0.4), (w * 0.38, h * 0.76), (w * 0.08, h * 0.76), (w * 0.08, h * 0.4)],
           (120, 60, 30))
    crayon([(w * 0.05, h * 0.42), (w * 0.23, h * 0.22), (w * 0.41, h * 0.42)], (180, 40, 40), 12)
    draw.rectangle((w * 0.2, h * 0.58, w * 0.27, h * 0.76), fill=(90, 50, 30))
    figures = [(w * 0.52, 1.0, (220, 50, 120), "MAMAN"), (w * 0.66, 0.9, (40, 90, 200), "PAPA"),
               (w * 0.78, 0.62, (240, 150, 20), "MOI"), (w * 0.88, 0.5, (130, 60, 180), "AWA")]
    for x, s, colour, name in figures:
        top = h * 0.78 - 420 * s
        draw.ellipse((x - 45 * s, top, x + 45 * s, top + 90 * s), outline=(60, 40, 30), width=7)
        draw.ellipse((x - 18 * s, top + 30 * s, x - 8 * s, top + 40 * s), fill=(30, 30, 30))
        draw.ellipse((x + 8 * s, top + 30 * s, x + 18 * s, top + 40 * s), fill=(30, 30, 30))
        draw.arc((x - 22 * s, top + 40 * s, x + 22 * s, top + 72 * s), 20, 160, fill=(200, 30, 30), width=5)
        draw.polygon([(x, top + 90 * s), (x - 90 * s, top + 300 * s), (x + 90 * s, top + 300 * s)], fill=colour)
        crayon([(x - 40 * s, top + 300 * s), (x - 50 * s, h * 0.78)], (60, 40, 30), 8, 2)
        crayon([(x + 40 * s, top + 300 * s), (x + 50 * s, h * 0.78)], (60, 40, 30), 8, 2)
        crayon([(x - 20 * s, top + 140 * s), (x - 120 * s, top + 200 * s)], (60, 40, 30), 8, 2)
        crayon([(x + 20 * s, top + 140 * s), (x + 120 * s, top + 200 * s)], (60, 40, 30), 8, 2)
        draw.text((x, top - 20), name, font=font(int(44 * max(s, 0.7)), "hand"), fill=colour, anchor="ms")
    draw.text((w * 0.06, h * 0.12), "MA FAMILLE", font=font(90, "hand"), fill=(40, 60, 160))
    img.save(path, "JPEG", quality=88)
    return path


# =============================================================================================
# Cartons vidéo (Pillow) et montage (ffmpeg)
# =============================================================================================


def title_card(path, size, *, title, subtitle="", kicker="", lower="", motif="figures", accent=(240, 170, 40),
               seed=0):
    """Un carton transparent posé sur une mire animée : motif, titre, sous-titre bambara, bandeau."""
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    w, h = size
    k = w / 1280
    img = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    # Un voile sombre pour la lisibilité.
    draw.rectangle((0, 0, w, h), fill=(10, 8, 6, 90))
    if motif == "figures":  # silhouettes de femmes en marche, sur l'horizon
        base = h * 0.72
        draw.rectangle((0, base, w, h), fill=(40, 25, 15, 150))
        for i in range(5):
            x = w * (0.55 + i * 0.085)
            s = h * (0.32 - i * 0.02)
            colour = (20, 12, 8, 230)
            draw.ellipse((x - s * 0.07, base - s, x + s * 0.07, base - s * 0.86), fill=colour)
            draw.polygon([(x, base - s * 0.86), (x - s * 0.2, base), (x + s * 0.2, base)], fill=colour)
            if i % 2 == 0:  # une charge sur la tête
                draw.rectangle((x - s * 0.12, base - s * 1.06, x + s * 0.12, base - s * 1.0), fill=colour)
    elif motif == "sun":
        sun(draw, w * 0.8, h * 0.35, int(h * 0.12), accent + (220,))
    elif motif == "drop":
        cx, cy, r = w * 0.8, h * 0.45, h * 0.16
        draw.ellipse((cx - r, cy - r * 0.3, cx + r, cy + r * 1.4), fill=(200, 40, 60, 220))
        draw.polygon([(cx - r * 0.94, cy + r * 0.3), (cx, cy - r * 1.4), (cx + r * 0.94, cy + r * 0.3)],
                     fill=(200, 40, 60, 220))
    elif motif == "hands":
        for i in range(6):
            cx = w * (0.66 + (i % 3) * 0.11)
            cy = h * (0.3 + (i // 3) * 0.3)
            colour = [(240, 170, 40), (200, 80, 50), (90, 150, 170)][i % 3] + (220,)
            draw.ellipse((cx - 40 * k, cy - 20 * k, cx + 40 * k, cy + 50 * k), fill=colour)
            for f in range(5):
                fx = cx - 34 * k + f * 17 * k
                draw.ellipse((fx - 8 * k, cy - 70 * k + abs(f - 2) * 10 * k, fx + 8 * k, cy), fill=colour)
    elif motif == "chain":
        for i in range(6):
            cx = w * 0.62 + i * 70 * k
            cy = h * 0.45 + (25 * k if i % 2 else -25 * k)
            draw.ellipse((cx - 50 * k, cy - 30 * k, cx + 50 * k, cy + 30 * k), outline=(230, 230, 230, 230),
                         width=int(12 * k))
        draw.line((w * 0.74, h * 0.2, w * 0.8, h * 0.7), fill=(240, 170, 40, 240), width=int(20 * k))
    elif motif == "stage":
        for i in range(3):
            x = w * (0.55 + i * 0.15)
            draw.polygon([(x, 0), (x - 120 * k, h * 0.85), (x + 120 * k, h * 0.85)], fill=(255, 240, 200, 50))
        for i in range(4):
            x = w * (0.52 + i * 0.12) + rng.uniform(-10, 10)
            s = h * 0.35
            draw.ellipse((x - s * 0.07, h * 0.85 - s, x + s * 0.07, h * 0.85 - s * 0.86), fill=(20, 10, 10, 240))
            draw.polygon([(x, h * 0.85 - s * 0.86), (x - s * 0.22, h * 0.85), (x + s * 0.22, h * 0.85)],
                         fill=[(180, 40, 60, 240), (240, 170, 40, 240), (60, 120, 170, 240), (90, 150, 70, 240)][i])
    # Textes.
    left = int(70 * k)
    y = int(h * 0.16)
    if kicker:
        draw.text((left, y), kicker.upper(), font=font(int(26 * k), "bold"), fill=accent + (255,))
        y += int(50 * k)
    title_font = font(int(68 * k), "serif")
    y = draw_lines(draw, (left, y), wrap(draw, title, title_font, w * 0.5), title_font, (255, 250, 240, 255),
                   spacing=1.15, stroke=max(1, int(2 * k)), stroke_fill=(0, 0, 0, 200))
    if subtitle:
        sub_font = font(int(34 * k), "hand")
        draw_lines(draw, (left, y + int(12 * k)), wrap(draw, subtitle, sub_font, w * 0.5), sub_font,
                   (250, 225, 170, 255), stroke=max(1, int(2 * k)), stroke_fill=(0, 0, 0, 200))
    if lower:  # bandeau : qui parle (au-dessus de la zone des sous-titres incrustés)
        box_h = int(64 * k)
        top = int(h * 0.62)
        draw.rectangle((0, top, w * 0.62, top + box_h), fill=(15, 10, 8, 200))
        draw.rectangle((0, top, int(10 * k), top + box_h), fill=accent + (255,))
        draw.text((left - int(30 * k), top + box_h // 2), lower, font=font(int(28 * k)), fill=(255, 255, 255, 255),
                  anchor="lm")
    img.save(path, "PNG")
    return path


@dataclass
class Slide:
    duration: float
    card: Path
    colours: tuple  # couleurs de la mire animée (gradients)


def render_video(out, slides, audio, *, size, fps, audio_codec="aac"):
    """Monte des cartons transparents sur des mires ffmpeg animées, et y pose la bande son."""
    w, h = size
    args, filters, labels = [], [], []
    for i, slide in enumerate(slides):
        c0, c1 = slide.colours
        args += ["-f", "lavfi", "-i",
                 f"gradients=s={w}x{h}:r={fps}:c0=0x{c0}:c1=0x{c1}:speed=0.012:duration={slide.duration:.3f}:seed={i}"]
        args += ["-loop", "1", "-framerate", str(fps), "-t", f"{slide.duration:.3f}", "-i", str(slide.card)]
        fade_out = max(0.0, slide.duration - 0.5)
        filters.append(
            f"[{2 * i}:v][{2 * i + 1}:v]overlay=format=auto,format=yuv420p,"
            f"fade=t=in:st=0:d=0.5,fade=t=out:st={fade_out:.3f}:d=0.5,setsar=1[v{i}]"
        )
        labels.append(f"[v{i}]")
    audio_index = 2 * len(slides)
    if audio:
        args += ["-i", str(audio)]
    else:
        # Pas de voix : une pulsation de percussion (aevalsrc) pour la captation de spectacle.
        total = sum(s.duration for s in slides)
        args += ["-f", "lavfi", "-i",
                 f"aevalsrc='0.6*sin(2*PI*110*t)*exp(-9*mod(t,0.5))+0.3*sin(2*PI*220*t)*exp(-14*mod(t+0.25,0.5))"
                 f"+0.15*sin(2*PI*330*t)*exp(-5*mod(t,2))':s=44100:d={total:.3f}"]
    filters.append("".join(labels) + f"concat=n={len(slides)}:v=1:a=0[v]")
    cmd = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", "-y", *args,
           "-filter_complex", ";".join(filters), "-map", "[v]", "-map", f"{audio_index}:a",
           "-c:v", "libx264", "-preset", "ultrafast", "-tune", "stillimage", "-crf", "30", "-g", str(fps * 4),
           "-pix_fmt", "yuv420p", "-c:a", audio_codec, "-b:a", "64k", "-ac", "1", "-shortest",
           "-movflags", "+faststart", "-metadata", "comment=Démonstration Paroles (média généré)", str(out)]
    subprocess.run(cmd, check=True, capture_output=True)
    return out


FILM_COLOURS = {
    "ouverture": ("3b1f12", "a4461f"),
    "depart": ("6b3a12", "d99a3b"),
    "route": ("7a4a1c", "e0b36a"),
    "faladie": ("1f3b4a", "5f8ea0"),
    "parole": ("4a1f35", "c0566e"),
    "fin": ("2b1a10", "6e3b1f"),
}

CAPSULES = {
    # clé : (sur-titre, motif, couleurs, diapositives [(première phrase, titre, sous-titre)])
    "capsule_vbg_1": ("Capsules VBG · n° 1", "hands", ("4a1f35", "b8405e"), [
        (0, "Briser le silence", "Ka makun ban"),
        (1, "Les violences basées sur le genre", "Coups, insultes, rapports forcés, mariage forcé"),
        (3, "Ce n'est jamais ta faute", "Parle à une personne de confiance"),
        (5, "72 heures", "Après un viol : au centre de santé, des soins confidentiels"),
        (6, "Tu n'es pas seule", "Les associations t'accompagnent"),
    ]),
    "capsule_vbg_2": ("Capsules VBG · n° 2", "drop", ("5a2030", "e08a7a"), [
        (0, "Les règles, ce n'est pas une honte", "Laada tɛ maloya ye"),
        (2, "Eau, savon, protections", "Changer plusieurs fois par jour"),
        (3, "Le pagne en coton", "Bien lavé, séché au soleil"),
        (4, "Elle peut aller à l'école", "Travailler, jouer, comme les autres"),
        (6, "Des kits d'hygiène", "Demandez aux animatrices du site"),
    ]),
    "capsule_vbg_3": ("Capsules VBG · n° 3", "sun", ("1f3b4a", "4f9a8a"), [
        (0, "Les mêmes droits pour tous", "An bɛɛ ye kelen ye"),
        (2, "Être soigné, être protégé, aller à l'école", "Des droits fondamentaux"),
        (3, "Refuser à cause de l'origine", "C'est de la discrimination"),
        (5, "Accueillir, écouter, orienter", ""),
    ]),
    "capsule_secured": ("Réalisation d'un collectif partenaire", "hands", ("2a2340", "6a4fa0"), [
        (0, "Notre dignité", "An ka danbe"),
        (3, "Droit aux soins et à la protection", ""),
        (5, "Notre dignité n'est pas négociable", ""),
    ]),
    "capsule_expired": ("Capsules VBG · témoignage", "figures", ("3a2a12", "c08a3a"), [
        (0, "Au marché", "Sugu la"),
        (3, "Le harcèlement est une violence", "On peut le signaler"),
        (5, "Les vendeuses rentrent ensemble", ""),
    ]),
    "esclavage_capsule": ("Nous naissons tous libres", "chain", ("1a2a1a", "5a8a4a"), [
        (0, "Nous naissons tous libres", "An bɛɛ bangera hɔrɔnya la"),
        (1, "L'esclavage par ascendance", "Parole, terre, mariage refusés"),
        (3, "La loi l'interdit", "Sous toutes ses formes"),
        (4, "Personne n'appartient à personne", "Mɔgɔ si tɛ mɔgɔ si ta ye"),
        (5, "Des associations vous accompagnent", "Devant la justice"),
    ]),
}


@dataclass
class Settings:
    quick: bool = False

    @property
    def video_size(self):
        return (426, 240) if self.quick else (640, 360)

    @property
    def fps(self):
        return 6 if self.quick else 12

    @property
    def image_scale(self):
        return 0.5 if self.quick else 1.0


def slides_from_cues(cues, duration, points, make_card):
    """Découpe la durée en diapositives qui commencent à la phrase indiquée."""
    starts = [0.0] + [cues[p[0]]["start"] - 0.2 for p in points[1:]]
    ends = starts[1:] + [duration]
    return [make_card(i, p, end - start) for i, (p, start, end) in enumerate(zip(points, starts, ends))]


def make_film(tmp, settings, manifest):
    rec = manifest["recordings"]["film_regard"]
    size = settings.video_size
    slides = []
    for i, chapter in enumerate(rec["chapters"]):
        if chapter["key"] == "ouverture":
            title, subtitle, kicker, motif = "r/Egard", "Filɛli · des femmes racontent leur route", "Un film", "figures"
        elif chapter["key"] == "fin":
            title, subtitle, kicker, motif = ("Merci à elles", "Réalisé avec des femmes migrantes, réfugiées et "
                                              "déplacées, à Bamako et Mopti", "r/Egard", "sun")
        else:
            title, subtitle, kicker, motif = chapter["title"], "", f"r/Egard · chapitre {i}", "figures"
        card = title_card(tmp / f"film_{i}.png", size, title=title, subtitle=subtitle, kicker=kicker,
                          lower=chapter["speaker"] + (" (pseudonyme)" if chapter["speaker"] else ""), motif=motif,
                          seed=i)
        slides.append(Slide(chapter["end"] - chapter["start"], card, FILM_COLOURS[chapter["key"]]))
    return render_video(tmp / "r-egard.mp4", slides, FIXTURES / "film_regard.opus", size=size, fps=settings.fps)


def make_capsule(key, tmp, settings, manifest):
    rec = manifest["recordings"][key]
    kicker, motif, colours, points = CAPSULES[key]
    size = settings.video_size

    def card(i, point, duration):
        _, title, subtitle = point
        path = title_card(tmp / f"{key}_{i}.png", size, title=title, subtitle=subtitle, kicker=kicker, motif=motif,
                          seed=i)
        return Slide(duration, path, colours if i % 2 == 0 else (colours[1], colours[0]))

    slides = slides_from_cues(rec["cues"], rec["duration"], points, card)
    return render_video(tmp / f"{key.replace('_', '-')}.mp4", slides, FIXTURES / f"{key}.opus", size=size,
                        fps=settings.fps)


def make_performance(tmp, settings):
    size = settings.video_size
    slides = [
        Slide(12.0, title_card(tmp / "perf_0.png", size, title="Mussow Lakana", subtitle="Cris du cœur",
                               kicker="Captation · musée du district de Bamako", motif="stage", seed=1),
              ("2a0a10", "8a2030")),
        Slide(14.0, title_card(tmp / "perf_1.png", size, title="La colère des femmes", subtitle="Musow ka dimi",
                               kicker="Mussow Lakana", motif="stage", seed=2), ("3a1a08", "b0601a")),
        Slide(10.0, title_card(tmp / "perf_2.png", size, title="Debout, ensemble", kicker="Mussow Lakana",
                               motif="stage", seed=3), ("10182a", "3a5a8a")),
    ]
    return render_video(tmp / "mussow-lakana-extrait.mp4", slides, None, size=size, fps=settings.fps)


def make_podcast(key, tmp, filename):
    out = tmp / filename
    subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", "-y", "-i", str(FIXTURES / f"{key}.opus"),
         "-c:a", "libmp3lame", "-b:a", "64k", "-ac", "1", "-metadata", f"title={filename}",
         "-metadata", "artist=Paroles (démonstration)", str(out)],
        check=True, capture_output=True,
    )
    return out


def make_leaflet_pdf(path, *, title, title_bm, sections, footer, colour=(0.75, 0.25, 0.2)):
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4)
    c.setTitle(title)
    c.setAuthor("Paroles (démonstration)")
    width, height = A4
    for page_sections in (sections[:2], sections[2:]):
        c.setFillColorRGB(*colour)
        c.rect(0, height - 150, width, 150, stroke=0, fill=1)
        c.setFillColorRGB(1, 1, 1)
        c.setFont("Helvetica-Bold", 26)
        for i, line in enumerate(simpleSplit(title, "Helvetica-Bold", 26, width - 100)):
            c.drawString(50, height - 70 - i * 30, line)
        c.setFont("Helvetica-Oblique", 16)
        c.drawString(50, height - 130, title_bm)
        y = height - 200
        for heading, items in page_sections:
            c.setFillColorRGB(*colour)
            c.circle(62, y + 6, 10, stroke=0, fill=1)
            c.setFillColorRGB(0.1, 0.1, 0.1)
            c.setFont("Helvetica-Bold", 18)
            c.drawString(82, y, heading)
            y -= 30
            c.setFont("Helvetica", 13)
            for item in items:
                for j, line in enumerate(simpleSplit(item, "Helvetica", 13, width - 150)):
                    c.drawString(100, y, ("•  " if j == 0 else "   ") + line)
                    y -= 19
                y -= 6
            y -= 24
        c.setFont("Helvetica", 10)
        c.setFillColorRGB(0.35, 0.35, 0.35)
        c.drawString(50, 40, footer)
        c.showPage()
    c.save()
    return path


def make_leaflet(tmp):
    return make_leaflet_pdf(
        tmp / "depliant-hygiene-menstruelle.pdf",
        title="L'hygiène menstruelle, parlons-en",
        title_bm="Laada saniya, an ka baro kɛ",
        sections=[
            ("Les règles, c'est normal", ["Chaque mois, le corps se prépare à une grossesse possible.",
                                          "Les premières règles arrivent entre 9 et 16 ans.",
                                          "Ce n'est ni une maladie, ni une impureté, ni une honte."]),
            ("Ce qu'il faut", ["De l'eau propre et du savon.",
                               "Des serviettes, ou un pagne en coton propre, plié en plusieurs épaisseurs.",
                               "Un sac pour garder les protections propres."]),
            ("Les bons gestes", ["Changer de protection trois à quatre fois par jour.",
                                 "Laver le tissu à l'eau et au savon, le sécher au soleil.",
                                 "Se laver les mains avant et après."]),
            ("Les idées reçues", ["« Une fille qui a ses règles ne doit pas aller à l'école » : faux.",
                                  "« Il ne faut pas se laver pendant les règles » : faux, il faut se laver.",
                                  "Parlez-en à vos filles avant leurs premières règles."]),
        ],
        footer="Projet Kafamuya · dépliant de démonstration · 1 000 exemplaires distribués dans les sites de déplacés",
    )


def make_esclavage_leaflet(tmp):
    return make_leaflet_pdf(
        tmp / "depliant-personne-n-appartient-a-personne.pdf",
        title="Personne n'appartient à personne",
        title_bm="Mɔgɔ si tɛ mɔgɔ si ta ye",
        sections=[
            ("Ce que dit la loi", ["La Constitution du Mali garantit l'égalité de tous en dignité et en droits.",
                                   "Traiter quelqu'un en esclave à cause de ses ancêtres est interdit."]),
            ("Les formes de discrimination", ["Refus de la parole dans les assemblées du village.",
                                              "Refus de l'accès à la terre, au puits, au marché.",
                                              "Interdiction de mariage entre familles."]),
            ("Que faire ?", ["Noter les faits : dates, lieux, témoins.",
                             "Contacter une association de défense des droits humains.",
                             "Porter plainte : l'association peut vous accompagner."]),
            ("Ensemble", ["Les chefs coutumiers et religieux peuvent aider à la médiation.",
                          "Chacun peut refuser les mots qui humilient."]),
        ],
        footer="Projet « Combattre l'esclavage par ascendance au Mali » · document de démonstration",
        colour=(0.2, 0.45, 0.25),
    )


def make_book(tmp, settings):
    """Le livre Sira : une couverture (JPEG) et le livre (PDF)."""
    from PIL import Image, ImageDraw
    from reportlab.lib.pagesizes import A5
    from reportlab.lib.utils import ImageReader, simpleSplit
    from reportlab.pdfgen import canvas

    scale = settings.image_scale
    w, h = int(1200 * scale), int(1700 * scale)
    cover = paper_texture((w, h), (214, 120, 52), seed=3)
    draw = ImageDraw.Draw(cover)
    sun(draw, w * 0.7, h * 0.3, int(w * 0.13), (250, 210, 90))
    draw.polygon([(0, h * 0.75), (w, h * 0.62), (w, h), (0, h)], fill=(120, 60, 30))
    road = [(w * 0.35, h), (w * 0.5, h * 0.85), (w * 0.62, h * 0.72), (w * 0.66, h * 0.64)]
    draw.line(road, fill=(240, 210, 160), width=int(40 * scale), joint="curve")
    x, base, s = w * 0.42, h * 0.9, h * 0.3
    draw.ellipse((x - s * 0.07, base - s, x + s * 0.07, base - s * 0.86), fill=(30, 15, 10))
    draw.polygon([(x, base - s * 0.86), (x - s * 0.2, base), (x + s * 0.2, base)], fill=(30, 15, 10))
    draw.text((w * 0.08, h * 0.08), "Sira", font=font(int(200 * scale), "serif"), fill=(255, 248, 235))
    draw.text((w * 0.08, h * 0.22), "le chemin", font=font(int(60 * scale), "hand"), fill=(255, 235, 200))
    draw.text((w * 0.08, h * 0.95), "Projet Kafamuya", font=font(int(40 * scale), "bold"), fill=(255, 248, 235))
    cover_path = tmp / "sira-couverture.jpg"
    cover.convert("RGB").save(cover_path, "JPEG", quality=85)

    pdf_path = tmp / "sira.pdf"
    c = canvas.Canvas(str(pdf_path), pagesize=A5)
    c.setTitle("Sira")
    pw, ph = A5
    c.drawImage(ImageReader(str(cover_path)), 0, 0, pw, ph)
    c.showPage()
    pages = [
        ("1. Le départ", "Sira avait vingt ans quand elle a pris la route. Elle portait un sac, une photo de sa mère "
                         "et une promesse : revenir un jour avec de quoi construire une maison."),
        ("2. La gare routière", "À la gare routière, une femme lui a donné de l'eau et un conseil : ne jamais donner "
                                "ses papiers à quelqu'un qu'on ne connaît pas."),
        ("3. Les mains tendues", "À Bamako, Sira a rencontré les femmes de l'association. Elles l'ont écoutée sans "
                                 "la juger. Sira a compris que son histoire pouvait aider d'autres femmes."),
    ]
    for heading, text in pages:
        c.setFont("Helvetica-Bold", 16)
        c.drawString(40, ph - 70, heading)
        c.setFont("Helvetica", 12)
        y = ph - 110
        for line in simpleSplit(text, "Helvetica", 12, pw - 80):
            c.drawString(40, y, line)
            y -= 18
        c.setFont("Helvetica", 9)
        c.drawString(40, 30, "Sira · livre de démonstration (texte fictif)")
        c.showPage()
    c.save()
    return [cover_path, pdf_path]


def make_poster(tmp, settings):
    from PIL import ImageDraw

    scale = settings.image_scale
    w, h = int(1200 * scale), int(1700 * scale)
    img = paper_texture((w, h), (36, 90, 50), seed=9)
    draw = ImageDraw.Draw(img)
    for i in range(7):  # maillons brisés
        cx, cy = w * (0.2 + i * 0.1), h * 0.45 + (30 if i % 2 else -30) * scale
        if i == 3:
            continue
        draw.ellipse((cx - 70 * scale, cy - 40 * scale, cx + 70 * scale, cy + 40 * scale), outline=(235, 235, 225),
                     width=int(18 * scale))
    big = font(int(96 * scale), "serif")
    y = draw_lines(draw, (w * 0.08, h * 0.08), wrap(draw, "Personne n'appartient à personne", big, w * 0.84), big,
                   (255, 250, 235))
    draw.text((w * 0.08, y + 20 * scale), "Mɔgɔ si tɛ mɔgɔ si ta ye", font=font(int(56 * scale), "hand"),
              fill=(250, 210, 90))
    small = font(int(40 * scale))
    draw_lines(draw, (w * 0.08, h * 0.62), ["L'esclavage par ascendance est interdit.",
                                            "Victime ou témoin ? Des associations",
                                            "vous accompagnent."], small, (255, 250, 235))
    path = tmp / "affiche-personne-n-appartient-a-personne.jpg"
    img.save(path, "JPEG", quality=85)
    return path


def make_media(spec, tmp, settings, manifest):
    """Fabrique les fichiers d'une œuvre dans `tmp` ; renvoie une liste de chemins (ordre d'affichage)."""
    scale = settings.image_scale
    media = spec.media
    if media == "film":
        return [make_film(tmp, settings, manifest)]
    if media in CAPSULES:
        return [make_capsule(media, tmp, settings, manifest)]
    if media == "podcast_1":
        return [make_podcast(media, tmp, "paroles-de-femmes-brisees-01-rokia.mp3")]
    if media == "esclavage_podcast":
        return [make_podcast(media, tmp, "la-terre-de-mon-pere.mp3")]
    if media == "performance":
        return [make_performance(tmp, settings)]
    if media.startswith("bodymap"):
        opts = spec.options
        size = (int(1400 * scale), int(2100 * scale))
        return [draw_body_map(tmp / f"{media.replace('_', '-')}.jpg", seed=opts["seed"], palette=opts["palette"],
                              words=opts["words"], author=opts["author"], arms_up=opts.get("arms_up", True),
                              size=size)]
    if media.startswith("photovoice_"):
        scene = media.split("_", 1)[1]
        size = (int(1600 * scale), int(1200 * scale))
        return [draw_photo(tmp / f"photovoice-{scene}.jpg", scene, seed=len(scene) * 7, size=size)]
    if media == "drawing_family":
        return [draw_children_drawing(tmp / "ma-famille.jpg", size=(int(1500 * scale), int(1100 * scale)))]
    if media == "book":
        return make_book(tmp, settings)
    if media == "leaflet":
        return [make_leaflet(tmp)]
    if media == "esclavage_leaflet":
        return [make_poster(tmp, settings), make_esclavage_leaflet(tmp)]
    raise ValueError(f"Générateur de médias inconnu : {media}")


# =============================================================================================
# Construction
# =============================================================================================


def say(ctx, message):
    stdout = ctx.get("stdout")
    if stdout is not None:
        stdout.write(message)


def get_or_create_named(model, name, **defaults):
    obj = model.objects.filter(name=name).first()
    if obj is None:
        obj = model.objects.create(name=name, **defaults)
    return obj


def build_taxonomy(ctx):
    projects = {}
    for key, data in PROJECTS.items():
        data = dict(data)
        name = data.pop("name")
        projects[key] = Project.objects.filter(name=name).first() or Project.objects.create(name=name, **data)
    partners = {}
    for key, data in PARTNERS.items():
        data = dict(data)
        name = data.pop("name")
        partners[key] = (PartnerOrganisation.objects.filter(name=name).first()
                         or PartnerOrganisation.objects.create(name=name, **data))
    themes = {key: get_or_create_named(Theme, name) for key, name in THEMES.items()}
    series = {key: get_or_create_named(Series, name, project=projects[p]) for key, (name, p) in SERIES.items()}
    workshops = {}
    for key, data in WORKSHOPS.items():
        data = dict(data)
        name = data.pop("name")
        data["project"] = projects[data["project"]]
        data["partner"] = partners[data["partner"]]
        workshops[key] = get_or_create_named(Workshop, name, **data)
    warnings = {key: get_or_create_named(ContentWarning, name) for key, name in WARNINGS.items()}
    languages = {lang.code: lang for lang in Language.objects.all()}
    ctx["projects"].update(projects)
    ctx["partners"].update(partners)
    ctx.setdefault("taxonomy", {}).update(
        {"themes": themes, "series": series, "workshops": workshops, "warnings": warnings, "languages": languages}
    )


def build_users(ctx):
    """Comptes de démonstration. Mot de passe aléatoire, affiché une seule fois, à la création."""
    User = get_user_model()
    editors = Group.objects.filter(name__in=("Éditeurs", "Editors")).first()  # renommé par paroles 0002
    created = []
    for key, (username, first, last, partner_key, staff) in USERS.items():
        user = User.objects.filter(username=username).first()
        if user is None:
            password = secrets.token_urlsafe(9)
            user = User.objects.create_user(username, f"{username}@paroles.demo", password, first_name=first,
                                            last_name=last, is_staff=staff)
            if staff and editors:
                user.groups.add(editors)
            created.append((username, password))
        if partner_key:
            ctx["partners"][partner_key].users.add(user)
        ctx["users"][key] = user
    if created:
        say(ctx, "Comptes de démonstration créés (mots de passe affichés une seule fois) :")
        for username, password in created:
            say(ctx, f"  {username:28} {password}")


def catalogue_fields(spec, ctx):
    tax = ctx["taxonomy"]
    return {
        "kind": spec.kind,
        "title_fr": spec.title_fr,
        "title_bm": spec.title_bm,
        "description_fr": spec.description_fr,
        "description_bm": spec.description_bm,
        "words_verbatim": spec.words_verbatim,
        "words_bm": spec.words_bm,
        "project": ctx["projects"][spec.project],
        "series": tax["series"][spec.series] if spec.series else None,
        "partner": ctx["partners"][spec.partner] if spec.partner else None,
        "workshop": tax["workshops"][spec.workshop] if spec.workshop else None,
        "date_made": spec.date_made,
        "date_made_text": spec.date_made_text,
        "place_made": spec.place_made,
        "licence": spec.licence,
        "usage_note": spec.usage_note,
    }


def build_work(spec, ctx, created_at):
    """Retrouve l'œuvre par son identifiant externe, ou la crée avec sa fiche complète."""
    external_id = EXTERNAL_PREFIX + spec.key
    work = Work.all_objects.filter(external_id=external_id).first()
    if work is not None:
        return work, False
    tax = ctx["taxonomy"]
    work = Work(external_id=external_id, created_at=created_at, created_by=ctx["users"].get("curator"),
                **catalogue_fields(spec, ctx))
    work.save()
    work.themes.set([tax["themes"][k] for k in spec.themes])
    work.spoken_languages.set([tax["languages"][c] for c in spec.languages if c in tax["languages"]])
    work.content_warnings.set([tax["warnings"][k] for k in spec.warnings])
    work.save()
    return work, True


def attach_files(work, paths, user=None):
    """Ingère les fichiers d'une œuvre, sauf ceux déjà présents (même empreinte)."""
    added = 0
    for order, path in enumerate(paths):
        digest = sha256_of(path)
        existing = find_duplicate(digest)
        if existing is not None:
            if existing.work_id != work.pk:
                raise MediaError(
                    f"Le fichier de démonstration {path.name} appartient déjà à l'œuvre n° {existing.work_id}."
                )
            continue
        ingest_file(work, path, original_filename=path.name, user=user, sha256=digest, sort_order=order)
        added += 1
    return added


def build(ctx):
    """Construit le catalogue de démonstration et ses fichiers. Idempotente."""
    from tqdm import tqdm

    settings = Settings(quick=bool(ctx.get("quick")))
    manifest = load_manifest()
    for key in ("projects", "partners", "works", "users"):
        ctx.setdefault(key, {})

    # 1. Ce qui manque : on ne fabrique des médias que pour les œuvres qui n'ont pas encore de fichier.
    existing = {
        w.external_id: w for w in Work.all_objects.filter(external_id__in=[EXTERNAL_PREFIX + k for k in WORK_KEYS])
    }
    with_files = set(
        MediaFile.objects.filter(work__in=existing.values()).values_list("work__external_id", flat=True)
    )
    todo = [spec for spec in WORKS if EXTERNAL_PREFIX + spec.key not in with_files]

    with tempfile.TemporaryDirectory(prefix="paroles-demo-") as tmpdir:
        tmp = Path(tmpdir)
        generated = {}
        # 2. Fabrication des médias, avant toute écriture en base. ffmpeg et Pillow travaillent hors du
        # verrou de Python : un fil par cœur suffit à occuper la machine.
        for spec in todo:
            (tmp / spec.key).mkdir()
        workers = max(1, min(4, os.cpu_count() or 1))
        with ThreadPoolExecutor(max_workers=workers) as pool, tqdm(
            total=len(todo), desc="Médias de démonstration", unit="œuvre", file=ctx.get("progress_file"),
            disable=not todo,
        ) as bar:
            futures = {pool.submit(make_media, spec, tmp / spec.key, settings, manifest): spec for spec in todo}
            for future in as_completed(futures):
                generated[futures[future].key] = future.result()  # une erreur de fabrication remonte ici
                bar.update(1)

        # 3. Le catalogue et les fichiers, en une transaction.
        with transaction.atomic():
            build_taxonomy(ctx)
            build_users(ctx)
            now = timezone.now()
            created_works = files_added = 0
            curator = ctx["users"].get("curator")
            for index, spec in enumerate(WORKS):
                # La première œuvre de la liste est la plus récente : elle ouvre les archives.
                work, created = build_work(spec, ctx, now - datetime.timedelta(minutes=index))
                created_works += created
                if spec.key in generated:
                    files_added += attach_files(work, generated[spec.key], user=curator)
                ctx["works"][spec.key] = work
            from wagtail.search import index as search_index

            for work in ctx["works"].values():
                search_index.insert_or_update_object(work)
            chapters_added = add_film_chapters(ctx["works"].get("film_regard"), manifest)

    say(ctx, f"Archives : {created_works} œuvre(s) créée(s), {files_added} fichier(s) ajouté(s), "
             f"{len(WORKS) - created_works} déjà présente(s), {chapters_added} chapitre(s) du film.")
    ctx["film_chapters"] = manifest["recordings"]["film_regard"]["chapters"]
    return ctx


# Thèmes de chaque chapitre du film (clés de THEMES), pour que les animateurs trouvent l'extrait utile.
FILM_CHAPTER_THEMES = {
    "depart": ("migration", "vbg"),
    "route": ("migration",),
    "faladie": ("deplacement",),
    "parole": ("resilience",),
}


def add_film_chapters(film, manifest):
    """Les chapitres de r/Egard (départ, route, Faladié, prise de parole) avec leurs thèmes ; chacun
    demande ses extraits pour téléphone et web au travailleur. Rien n'est recréé s'ils existent déjà."""
    from .models import Chapter, Theme
    from .services.processing import request_clip

    if film is None or film.chapters.exists():
        return 0
    media = film.files.filter(media_type="video").order_by("pk").first()
    if media is None:
        return 0
    added = 0
    for spec in manifest["recordings"]["film_regard"]["chapters"]:
        if spec["key"] not in FILM_CHAPTER_THEMES:
            continue  # ni l'ouverture ni le générique ne sont des extraits à montrer
        chapter = Chapter.objects.create(work=film, media_file=media, start=round(spec["start"], 2),
                                         end=round(spec["end"], 2), title_fr=spec["title"])
        chapter.themes.set(Theme.objects.filter(name__in=[THEMES[k] for k in FILM_CHAPTER_THEMES[spec["key"]]]))
        request_clip(chapter)
        added += 1
    return added


def fixture_text(name):
    """Le texte exact d'un enregistrement de démonstration (une phrase par ligne)."""
    return (FIXTURES / f"{name}.txt").read_text(encoding="utf-8")


def fixture_cues(name):
    """Les phrases d'un enregistrement avec leurs temps de début et de fin (secondes)."""
    return load_manifest()["recordings"][name]["cues"]


# Pour les autres applications : quel enregistrement de référence correspond à quelle œuvre.
REFERENCE_RECORDINGS = {
    "film_regard": "film_regard",
    "capsule_vbg_1": "capsule_vbg_1",
    "capsule_vbg_2": "capsule_vbg_2",
    "capsule_vbg_3": "capsule_vbg_3",
    "capsule_secured": "capsule_secured",
    "capsule_expired": "capsule_expired",
    "podcast_1": "podcast_1",
    "esclavage_capsule": "esclavage_capsule",
    "esclavage_podcast": "esclavage_podcast",
}
