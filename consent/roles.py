"""Les rôles de Paroles, créés comme groupes Django par une migration (0002_roles).

`ROLE_PERMISSIONS` est la seule définition : la migration et `ensure_roles()` (démo, tests) la lisent.
Le public anonyme n'est pas un groupe : c'est l'absence de compte.
"""

from django.utils.translation import gettext_lazy as _

CONSENT_OFFICER = "Responsables du consentement"
CURATOR = "Commissaires"
FACILITATOR = "Animateurs et animatrices"
PARTNER_ADMIN = "Administrateurs des partenaires"

ROLE_LABELS = {
    CONSENT_OFFICER: _("Voient les noms légaux et les preuves ; enregistrent et retirent les consentements."),
    CURATOR: _("Voient les pseudonymes et les étiquettes ; ne peuvent pas changer un consentement."),
    FACILITATOR: _("Téléchargent les supports autorisés au téléchargement, pour leur organisation."),
    PARTNER_ADMIN: _("Gèrent les membres et les œuvres de leur organisation."),
}

# (app_label, codename)
ROLE_PERMISSIONS = {
    CONSENT_OFFICER: [
        ("wagtailadmin", "access_admin"),
        ("consent", "view_legal_identity"),
        ("consent", "access_internal_archive"),
        ("consent", "add_participant"), ("consent", "change_participant"), ("consent", "view_participant"),
        ("consent", "add_sensitiveattributes"), ("consent", "change_sensitiveattributes"),
        ("consent", "view_sensitiveattributes"),
        ("consent", "add_consentrecord"), ("consent", "change_consentrecord"), ("consent", "view_consentrecord"),
        ("consent", "add_withdrawal"), ("consent", "view_withdrawal"),
        # Lier une personne à une œuvre (et aux seuls chapitres où elle paraît) : « Personnes liées aux œuvres ».
        ("consent", "add_participation"), ("consent", "change_participation"), ("consent", "view_participation"),
        ("consent", "add_noidentifiablepersondeclaration"), ("consent", "change_noidentifiablepersondeclaration"),
        ("consent", "view_noidentifiablepersondeclaration"),
        ("consent", "view_auditentry"),
        ("consent", "view_curatornotice"), ("consent", "change_curatornotice"),
        ("media_library", "view_work"), ("media_library", "change_work"),
        ("media_library", "view_servedfile"),
    ],
    CURATOR: [
        ("wagtailadmin", "access_admin"),
        ("consent", "access_internal_archive"),
        ("consent", "view_participant"),
        ("consent", "view_consentrecord"),
        ("consent", "view_curatornotice"), ("consent", "change_curatornotice"),
        ("media_library", "add_work"), ("media_library", "change_work"), ("media_library", "view_work"),
    ],
    FACILITATOR: [],
    PARTNER_ADMIN: [
        ("wagtailadmin", "access_admin"),
        ("media_library", "view_work"),
    ],
}


def ensure_roles(apps=None, *, stdout=None):
    """Crée (ou complète) les groupes et leurs permissions. Idempotent."""
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    apps = apps or global_apps
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    for app_config in global_apps.get_app_configs():
        if app_config.label in {"consent", "media_library", "wagtailadmin"}:
            create_permissions(app_config, verbosity=0, apps=global_apps)
    groups = {}
    for name, perms in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=name)
        wanted = []
        for app_label, codename in perms:
            perm = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if perm is None and app_label == "wagtailadmin" and codename == "access_admin":
                ct, _c = ContentType.objects.get_or_create(app_label="wagtailadmin", model="admin")
                perm, _c = Permission.objects.get_or_create(content_type=ct, codename="access_admin",
                                                            defaults={"name": "Can access Wagtail admin"})
            if perm is not None:
                wanted.append(perm)
        group.permissions.add(*wanted)
        groups[name] = group
    return groups
