from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsentConfig(AppConfig):
    name = "consent"
    verbose_name = _("Consentement")

    def ready(self):
        # Comme wagtail.documents : la politique est enregistrée ici, avant tout viewset ; les vues
        # génériques de Wagtail (liste, fiche, historique, usages, suppression, sélecteur) la trouvent
        # par `policy_registry.get_by_type(Work)`.
        from wagtail.permissions import register_permission_policy

        from . import get_permission_policy

        register_permission_policy(self.apps.get_model("media_library", "Work"), get_permission_policy(),
                                   exact_class=True)
        # L'époque du consentement (consent/epoch.py) : tout changement qui peut modifier une réponse d'accès.
        from . import epoch

        epoch.connect()

