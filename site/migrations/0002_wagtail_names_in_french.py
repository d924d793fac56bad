"""Les noms posés par les migrations de Wagtail, en français : le workflow et la tâche de modération
(« Moderators approval ») et les deux groupes par défaut (« Moderators », « Editors ») ; voir paroles/seed.py."""

from django.db import migrations


def to_french(apps, schema_editor):
    from paroles.seed import name_wagtail_in_french

    name_wagtail_in_french(apps)


def to_english(apps, schema_editor):
    from paroles.seed import WAGTAIL_GROUPS as GROUPS, WAGTAIL_NAMES as NAMES

    Workflow = apps.get_model("wagtailcore", "Workflow")
    Task = apps.get_model("wagtailcore", "Task")
    Group = apps.get_model("auth", "Group")
    for english, french in NAMES.items():
        Workflow.objects.filter(name=french).update(name=english)
        Task.objects.filter(name=french).update(name=english)
    for english, french in GROUPS.items():
        Group.objects.filter(name=french).update(name=english)


class Migration(migrations.Migration):
    dependencies = [
        ("paroles", "0001_initial"),
        ("wagtailcore", "0048_add_default_workflows"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(to_french, to_english)]
