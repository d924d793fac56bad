"""Panneau de la fiche d'une œuvre (administration) : état des rendus, travaux en cours, chapitres."""

from wagtail.admin.panels import Panel


class WorkProcessingPanel(Panel):
    class BoundPanel(Panel.BoundPanel):
        template_name = "media_library/admin/processing_panel.html"

        def get_context_data(self, parent_context=None):
            from ..models import ProcessingJob

            context = super().get_context_data(parent_context)
            work = self.instance
            context["work"] = work
            if work and work.pk:
                context["jobs"] = list(
                    ProcessingJob.objects.filter(media_file__work=work).select_related("media_file", "chapter")[:5]
                )
                context["chapter_count"] = work.chapters.count()
                context["rendition_count"] = sum(f.renditions.count() for f in work.files.all())
            return context
