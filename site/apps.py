from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_migrate
from django.utils.translation import gettext_lazy as _


def _create_cache_tables(sender, using=None, **kwargs):
    """Les tables des caches en base (`shared`, `pages`) suivent chaque `migrate` (make run, tests, mise à jour) :
    avant (les migrations de données enregistrent des objets, donc changent l'époque du consentement, qui vit
    dans le cache `pages`) et après. `createcachetable` ne recrée pas une table qui existe."""
    from django.core.management import call_command

    call_command("createcachetable", database=using or "default", verbosity=0)


class ParolesConfig(AppConfig):
    name = "paroles"
    label = "paroles"
    verbose_name = _("Paroles")

    def ready(self):
        pre_migrate.connect(_create_cache_tables, sender=self, dispatch_uid="paroles-createcachetable-pre")
        post_migrate.connect(_create_cache_tables, sender=self, dispatch_uid="paroles-createcachetable")
