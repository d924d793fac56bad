"""Administration des expositions : publication refusée sans consentement, avertissements, PDF."""

from django.contrib import messages
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.admin.widgets.button import Button

from .models import ExhibitionPage
from .flows.exhibitions_to_review import live_exhibitions_with_problems
from .flows.prepare_clips import request_page_clips
from .flows.publish_exhibition import check_publication, publication_problems_message
from .views import admin as admin_views


def _report(request, page, problems):
    lines = publication_problems_message(page, problems)
    messages.error(
        request,
        format_html_join("", "<div>{}</div>", ((line,) for line in lines)),
    )


@hooks.register("before_publish_page")
def block_publication_without_consent(request, page):
    """Publier (ou programmer) une exposition exige le consentement du canal pour chaque œuvre.

    Le modèle refuse aussi (ExhibitionPage.publish) : publications programmées, commandes, code.
    Ici, la commissaire garde son brouillon et voit la liste des œuvres et la raison pour chacune.
    """
    specific = page.specific if not isinstance(page, ExhibitionPage) else page
    if not isinstance(specific, ExhibitionPage):
        return None
    problems = check_publication(specific)
    if problems:
        _report(request, specific, problems)
        return redirect("wagtailadmin_pages:edit", specific.pk)
    return None


@hooks.register("after_create_page")
@hooks.register("after_edit_page")
def prepare_clips(request, page):
    """Les extraits des blocs « Extrait (chapitre) » : coupés dès l'enregistrement (travail de fond)."""
    specific = page.specific
    if isinstance(specific, ExhibitionPage):
        request_page_clips(specific, user=request.user)


@hooks.register("before_bulk_action")
def block_bulk_publication(request, action_type, objects, action_class_instance):
    if action_type != "publish":
        return None
    blocked = []
    for obj in objects:
        specific = getattr(obj, "specific", obj)
        if isinstance(specific, ExhibitionPage):
            candidate = specific.get_latest_revision_as_object()
            problems = check_publication(candidate)
            if problems:
                blocked.append((candidate, problems))
    if blocked:
        for page, problems in blocked:
            _report(request, page, problems)
        return redirect(request.GET.get("next") or reverse("wagtailadmin_explore_root"))
    return None


@hooks.register("register_page_header_buttons")
def exhibition_pdf_buttons(page, user, view_name, next_url=None):
    if not isinstance(page.specific_deferred if hasattr(page, "specific_deferred") else page, ExhibitionPage):
        return
    yield Button(_("Catalogue (PDF)"), reverse("exhibitions_admin_catalogue", args=[page.pk]), icon_name="doc-full",
                 priority=80)
    yield Button(_("Cartels muraux (PDF)"), reverse("exhibitions_admin_labels", args=[page.pk]), icon_name="doc-full",
                 priority=81)


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path("expositions/<int:pk>/catalogue.pdf", admin_views.catalogue, name="exhibitions_admin_catalogue"),
        path("expositions/<int:pk>/cartels.pdf", admin_views.labels, name="exhibitions_admin_labels"),
        path("expositions/<int:pk>/consentement/", admin_views.consent_check, name="exhibitions_admin_consent_check"),
        path("expositions/nouvelle/consentement/", admin_views.consent_check, name="exhibitions_admin_consent_check_new"),
    ]


class ExhibitionsToReviewPanel(Component):
    name = "exhibitions_to_review"
    order = 90

    def __init__(self, items):
        self.items = items

    def render_html(self, parent_context=None):
        return render_to_string("exhibitions/admin/home_panel.html", {"items": self.items})


@hooks.register("construct_homepage_panels")
def exhibitions_to_review(request, panels):
    """Sur l'accueil de l'admin : les expositions publiées dont une œuvre a perdu son consentement."""
    items = live_exhibitions_with_problems()
    if items:
        panels.append(ExhibitionsToReviewPanel(items))


@hooks.register("register_log_actions")
def register_log_actions(actions):
    actions.register_action(
        "exhibitions.publish_blocked",
        _("Publication refusée (consentement)"),
        _("Publication programmée annulée : une œuvre n'a pas le consentement nécessaire"),
    )
