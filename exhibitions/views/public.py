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
from ..contents import collect_refs, iter_blocks
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


def listen_clip(request, page_pk, work_pk, start_ms, end_ms):
    """Le QR code du cartel d'un extrait : l'extrait seul (le rendu coupé à sa fenêtre), décidé pour les
    seules personnes de cette fenêtre, sur le canal « musée ». La fenêtre doit être celle d'un bloc
    « Extrait » de cette exposition ; sinon, comme une œuvre absente."""
    page = get_object_or_404(ExhibitionPage.objects.live().public(), pk=page_pk)
    if page.kind == ExhibitionKind.ONLINE or not policy.exhibition_is_showing(page):
        raise Http404
    value = next((v for _room, block_type, v in iter_blocks(page) if block_type == "chapter_clip"
                  and v.get("work") is not None and v["work"].pk == work_pk and v.get("start") is not None
                  and v.get("end") is not None and round(v["start"] * 1000) == start_ms
                  and round(v["end"] * 1000) == end_ms), None)
    if value is None:
        raise Http404
    exhibit = Exhibit.for_works([value["work"]], request, channel=Channel.MUSEUM)
    item = exhibit.clip_item(exhibit.works.get(work_pk, value["work"]), value["start"], value["end"])
    if item is None or not item.allowed:
        raise Http404
    response = render(request, "exhibitions/listen.html", {"page": page, "item": item, "exhibit": exhibit,
                                                           "clip_value": value})
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
