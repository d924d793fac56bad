from wagtail.admin.panels import Panel


class WorkFilesPanel(Panel):
    """Liste des fichiers originaux d'une œuvre, avec le lien vers le téléversement."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "media_library/admin/files_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            work = self.instance
            context["work"] = work
            context["files"] = list(work.files.all()) if work and work.pk else []
            return context
