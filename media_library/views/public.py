"""Pages publiques des archives : liste filtrable et fiche d'une œuvre.

Chaque œuvre montrée passe par la fonction d'accès (canal « site web public »).
"""

from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, When
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from consent.access import visible_works, work_labels
from consent.channels import Channel

from ..forms import WorkFilterForm
from ..gate import check_access
from ..models import Work
from ..search import search_work_ids


def work_list(request):
    form = WorkFilterForm(request.GET or None)
    works = visible_works(request.user, Channel.WEBSITE, Work.objects.with_relations().prefetch_related("files__image", "files__renditions"))
    works = form.filter(works) if form.is_bound else works
    query = form.cleaned_data.get("q") if form.is_bound and form.is_valid() else ""
    if query:
        # On cherche dans l'index, puis on ne garde que les œuvres déjà autorisées (et filtrées),
        # dans l'ordre de pertinence.
        hits = search_work_ids(query, Work.objects.all())
        order = Case(*[When(pk=pk, then=pos) for pos, pk in enumerate(hits)], output_field=IntegerField())
        works = works.filter(pk__in=hits).order_by(order) if hits else works.none()
    paginator = Paginator(works, 24)
    page = paginator.get_page(request.GET.get("page"))
    # Étiquettes de consentement de toute la page en un nombre fixe de requêtes.
    labels = work_labels(page.object_list, user=request.user)
    for item in page.object_list:
        item.consent_labels = labels.get(item.pk, [])
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
    decision = check_access(request, work, Channel.WEBSITE)
    if not decision.allowed:
        raise Http404
    if slug is not None and slug != work.slug:
        return redirect(work.get_absolute_url(), permanent=False)
    files = [f for f in work.files.all() if f.status != f.Status.FAILED]
    if decision.required_variant_flags:
        # Visage flouté / voix modifiée : l'original ne remplit pas la condition, on ne le montre pas.
        files = [f for f in files if all(getattr(f, flag, False) for flag in decision.required_variant_flags)]
    response = render(
        request,
        "media_library/work_detail.html",
        {"work": work, "files": files, "decision": decision, "channel": Channel.WEBSITE},
    )
    response["Cache-Control"] = "private, no-store" if decision.restricted else "private, no-cache"
    return response
