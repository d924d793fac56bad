"""Les noms posés par les migrations de Wagtail, en français : le workflow et la tâche de modération
(« Moderators approval ») et les deux groupes par défaut (« Moderators », « Editors »)."""

from django.db import migrations

NAMES = {"Moderators approval": "Validation par les modérateurs"}
GROUPS = {"Moderators": "Modérateurs", "Editors": "Éditeurs"}


def to_french(apps, schema_editor):
    Workflow = apps.get_model("wagtailcore", "Workflow")
    Task = apps.get_model("wagtailcore", "Task")
    Group = apps.get_model("auth", "Group")
    for english, french in NAMES.items():
        Workflow.objects.filter(name=english).update(name=french)
        Task.objects.filter(name=english).update(name=french)
    for english, french in GROUPS.items():
        if not Group.objects.filter(name=french).exists():
            Group.objects.filter(name=english).update(name=french)


def to_english(apps, schema_editor):
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
