"""Panneau d'administration : l'état du consentement des œuvres d'une exposition, revérifié à chaque
changement du formulaire (exhibitions/js/consent-check.js → exhibitions_admin_consent_check), sans
attendre l'enregistrement. Le panneau est déclaré par le modèle : il appelle la règle de publication par
`exhibitions.wiring` (voir ce module)."""

from django.urls import reverse
from wagtail.admin.panels import Panel

from . import wiring


def consent_status_context(page, problems):
    from consent.channels import Channel

    from .base_url import base_url_is_local, public_base_url

    return {
        "problems": problems,
        "channel_label": Channel(page.publication_channel).label if page is not None else "",
        "live": bool(page is not None and page.live),
        "page": page,
        "base_url": public_base_url(),
        "base_url_is_local": base_url_is_local(),
    }


class ConsentStatusPanel(Panel):
    class BoundPanel(Panel.BoundPanel):
        template_name = "exhibitions/admin/consent_status_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            page = self.instance
            problems = []
            if page is not None and (page.pk or page.body):
                try:
                    problems = wiring.call("check_publication", page)
                except Exception:  # noqa: BLE001 - le panneau ne bloque jamais l'éditeur
                    problems = None
            context.update(consent_status_context(page, problems))
            if page is not None and page.pk:
                context["check_url"] = reverse("exhibitions_admin_consent_check", args=[page.pk])
            else:
                # La vue de création de Wagtail 8 ne met pas la page parente dans le contexte : le
                # formulaire la porte (sans elle, la revérification d'une exposition neuve répondait 404).
                parent = (parent_context or {}).get("parent_page") or getattr(self.form, "parent_page", None)
                context["check_url"] = reverse("exhibitions_admin_consent_check_new") + (
                    f"?parent={parent.pk}" if parent is not None else "")
            return context
