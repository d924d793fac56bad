"""Balises pour les gabarits : décision d'accès et étiquettes de consentement.

    {% load consent_tags %}
    {% work_decision work "website" as decision %}
    {% if decision.allowed %}…{% else %}{% include "consent/includes/placeholder.html" %}{% endif %}
"""

from django import template

from ..access import Decision, decide
from ..channels import Channel

register = template.Library()


@register.simple_tag(takes_context=True)
def work_decision(context, work, channel=Channel.WEBSITE, variant=None):
    """La décision pour la requête en cours (avec repli sur l'archive interne pour l'équipe)."""
    request = context.get("request")
    if work is None:
        return Decision(False)
    if request is None:
        return decide(None, work, channel, variant=variant)
    from media_library.gate import check_access

    return check_access(request, work, channel, variant=variant)


@register.inclusion_tag("consent/includes/labels.html")
def consent_labels(labels):
    return {"labels": labels}
