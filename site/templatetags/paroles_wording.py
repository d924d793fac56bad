"""Le français accordé de l'administration, dans les gabarits de Wagtail que le site remplace."""

from django import template

from paroles.admin_wording import add_child_label

register = template.Library()


@register.filter
def inline_add_label(bound_panel):
    """« Ajouter une activité », « Ajouter un indicateur » : le bouton d'un InlinePanel, accordé au modèle enfant."""
    panel = bound_panel.panel
    field = getattr(panel, "db_field", None)
    return add_child_label(getattr(field, "related_model", None), panel.label)
