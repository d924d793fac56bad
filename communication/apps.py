from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunicationConfig(AppConfig):
    name = "communication"
    verbose_name = _("Plan de communication et journal des projections")

    def ready(self):
        from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

        from . import rollups
        from .models import Screening, ScreeningMaterial

        # Les cumuls du tableau de bord suivent toute écriture d'une fiche (voir communication.rollups).
        pre_save.connect(rollups.on_screening_pre_save, sender=Screening, dispatch_uid="rollup-pre-save")
        post_save.connect(rollups.on_screening_post_save, sender=Screening, dispatch_uid="rollup-post-save")
        post_delete.connect(rollups.on_screening_post_delete, sender=Screening, dispatch_uid="rollup-post-delete")
        post_save.connect(rollups.on_material_post_save, sender=ScreeningMaterial, dispatch_uid="rollup-material-save")
        pre_delete.connect(rollups.on_material_pre_delete, sender=ScreeningMaterial, dispatch_uid="rollup-material-pre")
        post_delete.connect(rollups.on_material_post_delete, sender=ScreeningMaterial,
                            dispatch_uid="rollup-material-delete")
