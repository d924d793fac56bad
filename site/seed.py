"""Les données de départ du site, d'une seule fonction idempotente : `seed_site()`.

Chaque application a la sienne, que sa migration de données appelle (avec les modèles historiques) :
- `media_library.seed.seed_vocabularies` : langues et avertissements de contenu ;
- `communication.places_seed.seed_places` : le découpage administratif du Mali ;
- `consent.roles.ensure_roles` : les rôles (groupes et permissions) ;
- ici, `name_wagtail_in_french` : les noms que posent les migrations de Wagtail, en français.

`seed_wagtail` refait ce que posent les migrations de Wagtail (langue, collection racine, page racine et
page d'accueil, site par défaut, groupes « Modérateurs » et « Éditeurs » et leurs permissions, workflow de
validation, choix d'images des groupes de l'administration) ; seule la fixture des tests l'appelle : une base vidée par un test transactionnel (`flush`)
perd ce que les migrations avaient posé, et chaque test transactionnel repart de `seed_site()`.
Rien n'est modifié ni supprimé : ce qui existe déjà reste tel quel.
"""

from django.apps import apps as global_apps

WAGTAIL_NAMES = {"Moderators approval": "Validation par les modérateurs"}
WAGTAIL_GROUPS = {"Moderators": "Modérateurs", "Editors": "Éditeurs"}

# Les permissions que les migrations de Wagtail donnent à ses deux groupes.
PAGE_PERMISSIONS = {
    "Modérateurs": ("add_page", "change_page", "publish_page", "lock_page", "unlock_page"),
    "Éditeurs": ("add_page", "change_page"),
}


def name_wagtail_in_french(apps=None):
    """Le workflow, la tâche de modération et les deux groupes de Wagtail, en français. Idempotent."""
    apps = apps or global_apps
    Workflow = apps.get_model("wagtailcore", "Workflow")
    Task = apps.get_model("wagtailcore", "Task")
    Group = apps.get_model("auth", "Group")
    for english, french in WAGTAIL_NAMES.items():
        Workflow.objects.filter(name=english).update(name=french)
        Task.objects.filter(name=english).update(name=french)
    for english, french in WAGTAIL_GROUPS.items():
        if not Group.objects.filter(name=french).exists():
            Group.objects.filter(name=english).update(name=french)


def seed_wagtail():
    """Ce que posent les migrations de Wagtail, s'il manque (modèles actuels). Idempotent."""
    from django.conf import settings
    from django.contrib.auth.models import Group, Permission
    from wagtail.models import (Collection, GroupApprovalTask, GroupPagePermission, Locale, Page, Site, Workflow,
                                WorkflowPage, WorkflowTask)

    Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(instance=Page(title="Root", slug="root"))
    if not Site.objects.filter(is_default_site=True).exists():
        home = root.get_children().first() or root.add_child(
            instance=Page(title="Welcome to your new Wagtail site!", slug="home"))
        Site.objects.create(hostname="localhost", root_page=home, is_default_site=True)

    name_wagtail_in_french()
    access = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    groups = {}
    for name, codenames in PAGE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=name)
        groups[name] = group
        group.permissions.add(access)
        for codename in codenames:
            permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
            GroupPagePermission.objects.get_or_create(group=group, page=root, permission=permission)

    moderation = WAGTAIL_NAMES["Moderators approval"]
    if not Workflow.objects.exists():
        task = GroupApprovalTask.objects.create(name=moderation)
        task.groups.set([groups["Modérateurs"]])
        workflow = Workflow.objects.create(name=moderation, active=True)
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
        WorkflowPage.objects.get_or_create(page=root, defaults={"workflow": workflow})


def let_admin_groups_choose_images():
    """Comme la migration 0023 de wagtail.images : chaque groupe qui entre dans l'administration peut choisir
    une image, dans la collection racine (elle passe après la création des rôles). Idempotent."""
    from django.contrib.auth.models import Group, Permission
    from wagtail.models import Collection, GroupCollectionPermission

    choose = Permission.objects.get(content_type__app_label="wagtailimages", codename="choose_image")
    root = Collection.get_first_root_node()
    for group in Group.objects.filter(permissions__codename="access_admin").distinct():
        group.permissions.add(choose)
        GroupCollectionPermission.objects.get_or_create(group=group, collection=root, permission=choose)


def seed_site():
    """Toutes les données de départ du site, dans l'ordre des migrations. Idempotent."""
    from communication.places_seed import seed_places
    from consent.roles import ensure_roles
    from media_library.seed import seed_vocabularies

    seed_wagtail()
    seed_vocabularies()
    seed_places()
    ensure_roles()
    let_admin_groups_choose_images()
