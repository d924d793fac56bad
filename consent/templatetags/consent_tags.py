"""Balises pour les gabarits : décision d'accès et étiquettes de consentement.

    {% load consent_tags %}
    {% work_decision work "website" as decision %}
    {% if decision.allowed %}…{% else %}{% include "consent/includes/placeholder.html" %}{% endif %}

La décision vient de la politique (consent.policy), pour le canal de la surface, sans aucun repli.
"""

from django import template

from ..channels import Channel
from ..policy import policy

register = template.Library()


@register.simple_tag(takes_context=True)
def work_decision(context, work, channel=Channel.WEBSITE, variant=None):
    """La décision de la politique pour la requête en cours."""
    request = context.get("request")
    if work is None:
        return policy.absent()
    return policy.decide(getattr(request, "user", None), work, channel, variant=variant)


@register.inclusion_tag("consent/includes/labels.html")
def consent_labels(labels):
    return {"labels": labels}
