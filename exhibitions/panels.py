"""Panneau d'administration : l'état du consentement des œuvres d'une exposition."""

from wagtail.admin.panels import Panel


class ConsentStatusPanel(Panel):
    class BoundPanel(Panel.BoundPanel):
        template_name = "exhibitions/admin/consent_status_panel.html"

        def get_context_data(self, parent_context=None):
            from consent.channels import Channel

            from .services import check_publication

            context = super().get_context_data(parent_context)
            page = self.instance
            problems = []
            if page is not None and page.pk:
                try:
                    problems = check_publication(page)
                except Exception:  # noqa: BLE001 - le panneau ne bloque jamais l'éditeur
                    problems = None
            context.update({
                "problems": problems,
                "channel_label": Channel(page.publication_channel).label if page is not None else "",
                "live": bool(page is not None and page.live),
                "page": page,
            })
            return context
