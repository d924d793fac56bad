"""Colonne « Consentement » pour les listes d'œuvres de l'administration (étiquettes d'un coup d'œil)."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import BaseColumn

from .access import work_labels


class ConsentLabelsColumn(BaseColumn):
    """Étiquettes de consentement ; calculées pour toute la page de la liste en une fois (pas de N+1)."""

    cell_template_name = "consent/admin/labels_cell.html"

    def __init__(self, name="consent_labels", **kwargs):
        kwargs.setdefault("label", _("Consentement"))
        super().__init__(name, **kwargs)

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        table = parent_context["table"]
        request = parent_context.get("request")
        cache = getattr(table, "_consent_labels", None)
        if cache is None:
            rows = list(table.data)
            cache = work_labels(rows, user=getattr(request, "user", None))
            table._consent_labels = cache
        context["labels"] = cache.get(instance.pk, [])
        return context
