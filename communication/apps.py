from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunicationConfig(AppConfig):
    name = "communication"
    verbose_name = _("Plan de communication et journal des projections")

    def ready(self):
        from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

        from django.contrib.auth import get_user_model

        from media_library.models import ServedFile, Work

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
        # Les téléchargements comptés suivent le journal de la porte, ses auteurs et la durée des œuvres.
        pre_save.connect(rollups.on_served_pre_save, sender=ServedFile, dispatch_uid="rollup-served-pre-save")
        post_save.connect(rollups.on_served_post_save, sender=ServedFile, dispatch_uid="rollup-served-save")
        pre_delete.connect(rollups.on_served_pre_delete, sender=ServedFile, dispatch_uid="rollup-served-pre-delete")
        post_delete.connect(rollups.on_served_post_delete, sender=ServedFile, dispatch_uid="rollup-served-delete")
        pre_delete.connect(rollups.on_user_pre_delete, sender=get_user_model(), dispatch_uid="rollup-user-delete")
        pre_save.connect(rollups.on_work_pre_save, sender=Work, dispatch_uid="rollup-work-pre-save")
        post_save.connect(rollups.on_work_post_save, sender=Work, dispatch_uid="rollup-work-save")
