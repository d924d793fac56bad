"""Vues publiques hors de l'arbre Wagtail : écoute d'une œuvre au musée (QR code), connexion des animateurs."""

from django.contrib.auth import views as auth_views
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from consent.channels import Channel
from consent.policy import policy

from ..forms import FacilitatorLoginForm
from ..models import ExhibitionKind, ExhibitionPage
from ..contents import collect_refs
from ..flows.render_exhibition import Exhibit


def listen(request, page_pk, work_pk):
    """La page qu'ouvre le QR code d'un cartel : écouter ou regarder l'œuvre, textes FR et BM.

    Seulement pour une exposition au musée publiée (et en cours, si ses dates sont fixées), pour une
    œuvre de cette exposition, si son consentement autorise le musée — décidé à chaque requête.
    """
    page = get_object_or_404(ExhibitionPage.objects.live().public(), pk=page_pk)
    if page.kind == ExhibitionKind.ONLINE:
        raise Http404
    if not policy.exhibition_is_showing(page):
        raise Http404
    where, _images = collect_refs(page)
    if work_pk not in where:
        raise Http404
    from media_library.models import Work

    work = get_object_or_404(Work.objects.all(), pk=work_pk)
    exhibit = Exhibit.for_works([work], request, channel=Channel.MUSEUM)
    item = exhibit.item(work)
    if item is None or not item.allowed:
        raise Http404
    response = render(request, "exhibitions/listen.html", {"page": page, "item": item, "exhibit": exhibit})
    response["Cache-Control"] = "private, no-store"
    return response


class FacilitatorLoginView(auth_views.LoginView):
    template_name = "exhibitions/login.html"
    authentication_form = FacilitatorLoginForm
    redirect_authenticated_user = True
    extra_context = {"title": _("Connexion des animateurs et animatrices")}

    def get_default_redirect_url(self):
        from ..models import ToolkitPage

        toolkit = ToolkitPage.objects.live().first()
        return toolkit.url if toolkit else "/"


class FacilitatorLogoutView(auth_views.LogoutView):
    next_page = reverse_lazy("exhibitions:login")

    def post(self, request, *args, **kwargs):
        from .offline import mark_wipe

        return mark_wipe(super().post(request, *args, **kwargs))
