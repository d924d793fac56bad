from django.db import migrations


def sync_roles(apps, schema_editor):
    from consent.roles import ensure_roles

    ensure_roles()


class Migration(migrations.Migration):
    """Responsables du consentement : lient une personne à une œuvre, et aux seuls chapitres où elle paraît."""

    dependencies = [("consent", "0004_participation_chapitres")]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
