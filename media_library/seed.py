"""Les vocabulaires de départ du fonds (langues, avertissements de contenu), posés par la migration 0002
et par `paroles.seed.seed_site()` (tests). Idempotent : ne modifie ni ne supprime rien d'existant."""

from django.apps import apps as global_apps
from django.utils.text import slugify

LANGUAGES = [
    ("fr", "Français", "Faransikan"),
    ("bm", "Bambara (bamanankan)", "Bamanankan"),
    ("en", "Anglais", "Angilɛkan"),
    ("ff", "Peul (fulfulde)", "Fulakan"),
    ("ses", "Songhaï", "Sonraykan"),
    ("tmh", "Tamasheq", "Tamasakan"),
    ("snk", "Soninké", "Marakakan"),
    ("dgo", "Dogon", "Kaadokan"),
    ("myk", "Minianka (mamara)", ""),
    ("ar", "Arabe", "Arabukan"),
]

WARNINGS = [
    "Violences basées sur le genre",
    "Violences sexuelles",
    "Récit de migration difficile",
    "Enfants en situation de détresse",
    "Deuil",
]


def seed_vocabularies(apps=None):
    """Crée les langues et les avertissements de contenu qui manquent (`apps` : modèles historiques)."""
    apps = apps or global_apps
    Language = apps.get_model("media_library", "Language")
    ContentWarning = apps.get_model("media_library", "ContentWarning")
    for code, name, name_bm in LANGUAGES:
        Language.objects.get_or_create(code=code, defaults={"name": name, "name_bm": name_bm})
    for name in WARNINGS:
        ContentWarning.objects.get_or_create(name=name, defaults={"slug": slugify(name)})
