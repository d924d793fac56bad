from django.db import migrations


def sync_roles(apps, schema_editor):
    from consent.roles import ensure_roles

    ensure_roles()


class Migration(migrations.Migration):
    """Responsables du consentement : peuvent ouvrir la fiche d'une œuvre (panneau « Consentement »)."""

    dependencies = [("consent", "0002_roles")]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
