"""Pages publiques des archives : liste filtrable et fiche d'une œuvre.

Chaque œuvre montrée passe par la fonction d'accès (canal « site web public »).
"""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render

from consent.channels import Channel
from consent.policy import policy

from ..forms import WorkFilterForm
from ..models import Work
from ..search import search_queryset


def work_list(request):
    form = WorkFilterForm(request.GET or None)
    works = policy.visible(request.user, Channel.WEBSITE, Work.objects.with_relations().prefetch_related("files__image", "files__renditions"))
    works = form.filter(works) if form.is_bound else works
    query = form.cleaned_data.get("q") if form.is_bound and form.is_valid() else ""
    if query:
        # On cherche dans l'index, parmi les œuvres déjà autorisées (et filtrées), dans la base.
        works = search_queryset(query, works)
    # La base filtre (policy.visible) et découpe la page : seules les œuvres de la page sont chargées,
    # puis décidées en entier par la politique (étiquettes comprises), en un nombre fixe de requêtes.
    paginator = Paginator(works, 24)
    page = paginator.get_page(request.GET.get("page"))
    decisions = policy.decide_many(request.user, page.object_list, Channel.WEBSITE)
    page.object_list = [item for item in page.object_list if item.pk in decisions and decisions[item.pk].allowed]
    for item in page.object_list:
        item.consent_labels = list(decisions[item.pk].labels)
    params = request.GET.copy()
    params.pop("page", None)
    response = render(
        request,
        "media_library/work_list.html",
        {"form": form, "page": page, "works": page.object_list, "query": query, "querystring": params.urlencode()},
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
