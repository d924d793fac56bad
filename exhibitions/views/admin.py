"""Vues d'administration : catalogue PDF et cartels muraux d'une exposition (équipe seulement)."""

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.models import Page

from consent.channels import Channel

from .. import integrations, pdf
from ..base_url import public_base_url
from ..models import ExhibitionPage
from ..services import collect_refs, iter_blocks


def _page_for(request, pk):
    page = get_object_or_404(ExhibitionPage, pk=pk).get_latest_revision_as_object()
    if not page.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    return page


def _base_url(request, page):
    """L'adresse publique configurée (PAROLES_BASE_URL), pas le nom d'hôte du Site Wagtail : un QR code
    imprimé doit mener au vrai site, pas à « http://localhost/ »."""
    return public_base_url()


@require_POST
def consent_check(request, pk=None):
    """L'état du consentement des œuvres d'après le formulaire en cours d'édition (pas encore enregistré) :
    le panneau de l'éditeur se met à jour dès qu'une œuvre ou le type d'exposition change."""
    from ..panels import consent_status_context
    from ..services import check_publication

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


def museum_entries(page, request, channel):
    """Par salle, les œuvres autorisées sur `channel` (décision pour le public), avec leurs textes."""
    where, _image_work = collect_refs(page)
    works = integrations.prefetch_works(where)
    decisions = integrations.decide_many(AnonymousUser(), list(works.values()), channel)
    authors = integrations.pseudonyms(works.values())
    base = _base_url(request, page)
    rooms, seen = {}, set()
    order = []
    for room, block_type, value in iter_blocks(page):
        work = value.get("work") if hasattr(value, "get") else None
        if work is None or work.pk not in works:
            continue
        work = works[work.pk]
        if not decisions.get(work.pk) or not decisions[work.pk].allowed or (room, work.pk) in seen:
            continue
        seen.add((room, work.pk))
        if room not in rooms:
            rooms[room] = []
            order.append(room)
        verbatim = block_type == "photovoice" or bool(work.words_verbatim)
        text_fr = (value.get("words_verbatim") or work.words_verbatim) if verbatim else (
            value.get("caption_fr") or value.get("intro_fr") or work.description_fr)
        text_bm = (value.get("words_bm") or work.words_bm) if verbatim else (
            value.get("caption_bm") or value.get("intro_bm") or work.description_bm)
        image_path = ""
        media = integrations.image_file(work)
        if media is not None and media.image is not None:
            try:
                image_path = media.image.get_rendition("max-800x800").file.path
            except Exception:  # noqa: BLE001 - stockage distant ou image illisible
                image_path = ""
        rooms[room].append({
            "work": work,
            "title_fr": work.title_fr,
            "title_bm": work.title_bm,
            "author": authors.get(work.pk) or value.get("author") or "",
            "kind": work.get_kind_display(),
            "date": work.date_made_text or (work.date_made.strftime("%Y") if work.date_made else ""),
            "text_fr": text_fr or "",
            "text_bm": text_bm or "",
            "verbatim": verbatim,
            "url": base + reverse("exhibitions:listen", kwargs={"page_pk": page.pk, "work_pk": work.pk}),
            "image_path": image_path,
        })
    return [(room, rooms[room]) for room in order]


def _pdf_response(data, filename):
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def labels(request, pk):
    page = _page_for(request, pk)
    entries = [e for _room, items in museum_entries(page, request, Channel.MUSEUM) for e in items]
    return _pdf_response(pdf.labels_pdf(page, entries), f"cartels-{slugify(page.title)[:50] or 'exposition'}.pdf")


def catalogue(request, pk):
    page = _page_for(request, pk)
    sections = {s.value.get("title_fr"): s.value for s in page.body or []}
    rooms = []
    for room, items in museum_entries(page, request, page.publication_channel):
        value = sections.get(room) or {}
        rooms.append((room, value.get("title_bm", ""), value.get("intro_fr", ""), items))
    return _pdf_response(pdf.catalogue_pdf(page, rooms), f"catalogue-{slugify(page.title)[:50] or 'exposition'}.pdf")
