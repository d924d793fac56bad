from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExhibitionsConfig(AppConfig):
    name = "exhibitions"
    verbose_name = _("Expositions et boîte à outils")

    def ready(self):
        # Les pages (models.py) appellent leurs cas d'usage par exhibitions.wiring : voir ce module.
        from . import wiring
        from .flows import publish_exhibition, render_exhibition, render_home, toolkit_materials
        from .views import toolkit

        wiring.connect(
            home_context=render_home.home_context,
            exhibit_for_page=render_exhibition.Exhibit.for_page,
            guard_publication=publish_exhibition.guard_publication,
            check_publication=publish_exhibition.check_publication,
            has_no_visible_work=publish_exhibition.has_no_visible_work,
            toolkit_context=toolkit_materials.toolkit_context,
            toolkit_download=toolkit.download_material,
            toolkit_zip=toolkit.download_zip,
        )
