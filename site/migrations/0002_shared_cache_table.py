"""Table du cache partagé (CACHES["shared"], DatabaseCache) : créée avec les migrations, pour que `migrate`
suffise partout (make run, mise à jour en production, tests)."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", "paroles_cache", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("paroles", "0001_initial")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop, elidable=True)]
