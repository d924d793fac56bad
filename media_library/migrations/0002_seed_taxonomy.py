from django.db import migrations

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


def seed(apps, schema_editor):
    Language = apps.get_model("media_library", "Language")
    ContentWarning = apps.get_model("media_library", "ContentWarning")
    from django.utils.text import slugify

    for code, name, name_bm in LANGUAGES:
        Language.objects.get_or_create(code=code, defaults={"name": name, "name_bm": name_bm})
    for name in WARNINGS:
        ContentWarning.objects.get_or_create(name=name, defaults={"slug": slugify(name)})


class Migration(migrations.Migration):
    dependencies = [("media_library", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
