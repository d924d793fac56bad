"""Les vocabulaires de départ (voir media_library/seed.py, aussi appelé par la fixture des tests)."""

from django.db import migrations


def seed(apps, schema_editor):
    from media_library.seed import seed_vocabularies

    seed_vocabularies(apps)


class Migration(migrations.Migration):
    dependencies = [("media_library", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
