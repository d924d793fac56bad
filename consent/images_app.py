"""wagtail.images, dont la politique des images demande aussi celle du consentement (consent/images.py).

Dans INSTALLED_APPS à la place de « wagtail.images » : son ready() pose la politique de Wagtail, puis la
nôtre la remplace (ConsentConfig.ready() passe avant celui de wagtail.images : il ne le peut pas). Module à
part : une seule configuration d'application par module, sinon Django ne choisit plus ConsentConfig.
"""

from wagtail.images.apps import WagtailImagesAppConfig


class WagtailImagesUnderConsentConfig(WagtailImagesAppConfig):
    def ready(self):
        super().ready()
        from .images import guard_chooser_views, register

        register()
        guard_chooser_views()
