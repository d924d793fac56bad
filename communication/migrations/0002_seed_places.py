"""Amorce le découpage administratif du Mali (voir communication/places_seed.py)."""

from django.db import migrations


def seed_places(apps, schema_editor):
    from communication.places_seed import seed_places

    seed_places(apps)


class Migration(migrations.Migration):
    dependencies = [("communication", "0001_initial")]

    operations = [migrations.RunPython(seed_places, migrations.RunPython.noop)]
