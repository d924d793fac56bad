"""Vues d'administration : catalogue PDF et cartels muraux d'une exposition (équipe seulement ; construits par
`flows.print_exhibition`), et la revérification du consentement depuis l'éditeur."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.models import Page

from ..flows import print_exhibition
from ..flows.publish_exhibition import check_publication
from ..models import ExhibitionPage


def _page_for(request, pk):
    page = get_object_or_404(ExhibitionPage, pk=pk).get_latest_revision_as_object()
    if not page.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    return page


@require_POST
def consent_check(request, pk=None):
    """L'état du consentement des œuvres d'après le formulaire en cours d'édition (pas encore enregistré) :
    le panneau de l'éditeur se met à jour dès qu'une œuvre ou le type d'exposition change."""
    from ..panels import consent_status_context

    if pk is not None:
        page = get_object_or_404(ExhibitionPage, pk=pk).get_latest_revision_as_object()
        parent = page.get_parent()
        if not page.permissions_for_user(request.user).can_edit():
            raise PermissionDenied
    else:
        parent = get_object_or_404(Page, pk=request.GET.get("parent") or 0).specific
        if not parent.permissions_for_user(request.user).can_add_subpage():
            raise PermissionDenied
        page = ExhibitionPage(live=False)  # pas encore publiée (Page.live vaut True par défaut)
    form_class = ExhibitionPage.get_edit_handler().get_form_class()
    form = form_class(request.POST, request.FILES, instance=page, parent_page=parent, for_user=request.user)
    try:
        form.is_valid()  # chaque champ est lu pour lui-même : un titre manquant n'empêche pas la vérification
    except (KeyError, ValueError, TypeError):
        # Un formulaire tronqué (compteurs des salles absents ou illisibles : « body-count »…) : les blocs de
        # Wagtail lèvent une erreur au lieu d'une erreur de champ. Réponse claire, rien n'est enregistré.
        response = HttpResponseBadRequest(
            format_html('<p class="help-block help-critical" role="alert">{}</p>', _(
                "Vérification impossible : le formulaire envoyé est incomplet (salles ou œuvres illisibles). "
                "Rechargez la page de l'exposition, puis réessayez.")),
            content_type="text/html; charset=utf-8",
        )
        response["Cache-Control"] = "private, no-store"
        return response
    for field in ("kind", "body"):
        if field in form.cleaned_data:
            setattr(page, field, form.cleaned_data[field])
    try:
        problems = check_publication(page)
    except Exception:  # noqa: BLE001 - même règle que le panneau : il ne bloque jamais l'éditeur
        problems = None
    html = render_to_string("exhibitions/admin/consent_status.html", consent_status_context(page, problems), request)
    response = HttpResponse(html)
    response["Cache-Control"] = "private, no-store"
    return response


def _pdf_response(data, filename):
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def labels(request, pk):
    return _pdf_response(*print_exhibition.labels_pdf(_page_for(request, pk)))


def catalogue(request, pk):
    return _pdf_response(*print_exhibition.catalogue_pdf(_page_for(request, pk)))
