"""Pages publiques des archives : liste filtrable et fiche d'une œuvre.

Chaque œuvre montrée passe par la fonction d'accès (canal « site web public »).
"""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render

from consent.channels import Channel
from consent.policy import policy

from ..forms import WorkFilterForm
from ..models import ArchiveRendition, Work
from ..processing.presets import IMAGE_FILTERS
from ..listing import page_number, window
from ..search import search_groups


def work_list(request):
    form = WorkFilterForm(request.GET or None)
    # Les filtres du formulaire d'abord, sans la politique : `catalogue`, lu par tranches dans l'ordre de la
    # liste (media_library/listing.py) ; la politique n'est décidée que pour les œuvres de chaque tranche.
    catalogue = form.filter(Work.objects.all()) if form.is_bound else Work.objects.all()
    works = policy.visible(request.user, Channel.WEBSITE, catalogue)
    query = form.cleaned_data.get("q") if form.is_bound and form.is_valid() else ""
    # On cherche dans l'index, parmi les œuvres déjà autorisées (et filtrées), dans la base.
    groups = search_groups(query, works) if query else [works]
    # La base filtre (policy.visible), ordonne et découpe : seuls les identifiants de la page (et de quelques
    # pages suivantes, pour le compte) sont lus ; les œuvres de la page sont chargées puis décidées en entier
    # par la politique (étiquettes comprises), en un nombre fixe de requêtes.
    page, more = window(groups, page_number(request.GET.get("page")), catalogue=catalogue)
    ids = list(page.object_list)
    # Les rendus d'images des cartes (deux tailles, `srcset`) préchargés : pas une requête par carte.
    card_renditions = Prefetch("files__image__renditions", queryset=ArchiveRendition.objects.filter(
        filter_spec__in=[IMAGE_FILTERS["small"], IMAGE_FILTERS["small_phone"]]))
    loaded = Work.objects.with_relations().prefetch_related(
        "files__image", "files__renditions", card_renditions).in_bulk(ids)
    items = [loaded[pk] for pk in ids if pk in loaded]
    decisions = policy.decide_many(request.user, items, Channel.WEBSITE)
    page.object_list = [item for item in items if item.pk in decisions and decisions[item.pk].allowed]
    for item in page.object_list:
        item.consent_labels = list(decisions[item.pk].labels)
    params = request.GET.copy()
    params.pop("page", None)
    response = render(
        request,
        "media_library/work_list.html",
        {"form": form, "page": page, "more": more, "works": page.object_list, "query": query,
         "querystring": params.urlencode()},
    )
    response["Cache-Control"] = "private, no-cache"
    return response


def work_detail(request, pk, slug=None):
    work = get_object_or_404(Work.objects.with_relations().prefetch_related("files"), pk=pk)
    # Refusé = absent (404) pour qui ne peut pas savoir que l'œuvre existe ; la raison (403) sinon.
    decision = policy.require(request, work, Channel.WEBSITE)
    if slug is not None and slug != work.slug:
        return redirect(work.get_absolute_url(), permanent=False)
    files = [f for f in work.files.all() if f.status != f.Status.FAILED]
    # Visage flouté / voix modifiée : un original qui ne remplit pas la condition n'est pas montré.
    files = [f for f in files if policy.admits(decision, f)]
    response = render(
        request,
        "media_library/work_detail.html",
        {"work": work, "files": files, "decision": decision, "channel": Channel.WEBSITE},
    )
    response["Cache-Control"] = "private, no-store" if decision.restricted else "private, no-cache"
    return response
