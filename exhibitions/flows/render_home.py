"""Montrer la page d'accueil : l'exposition à la une, les dernières œuvres visibles, la boîte à outils.

`home_context(page, request)` est appelé par `HomePage.get_context` (par `exhibitions.wiring`).
"""

from django.contrib.auth.models import AnonymousUser
from django.template.defaultfilters import striptags, truncatewords
from django.utils import timezone

from consent import epoch
from consent.channels import Channel
from consent.policy import policy

from .. import integrations
from .render_exhibition import THUMB_SMALL_SPEC, THUMB_SPEC, Exhibit, Item, rendition_or_none


def home_context(page, request):
    from media_library.models import Work
    from media_library.thumbnails import rendition_thumbnail

    from ..models import ExhibitionPage, ToolkitPage, menu_pages, public_pages

    user = getattr(request, "user", None) or AnonymousUser()

    def latest_ids():
        return list(policy.visible(user, Channel.WEBSITE, Work.objects.all()).order_by("-created_at", "-pk")
                    .values_list("pk", flat=True)[:6])

    # Les six dernières œuvres visibles de CE visiteur (la réponse de la politique, `visible`) : gardées sous
    # l'époque, le jour et qui demande (compte, ou anonyme : un rôle ou une organisation changé·e change
    # l'époque), et la règle elle-même (`policy.answer_q`, remplacée à chaud par le contrôle de câblage).
    # Chaque œuvre montrée est ensuite décidée par la politique à cette requête (`Exhibit`).
    who = ("anonyme",) if not user.is_authenticated else (user.pk, user.is_superuser, user.is_active)
    ids = epoch.memo(("dernieres-oeuvres", who, timezone.localdate(), policy.answer_q), latest_ids)
    exhibit = Exhibit(request, integrations.prefetch_works(ids), {})
    # Une carte ne montre que l'œuvre et sa vignette : la décision suffit (sans les adresses du lecteur, des
    # sous-titres et des chapitres qu'`Exhibit.item` prépare pour une page d'exposition).
    latest = [Item(work=w, decision=exhibit.decision(w))
              for w in sorted(exhibit.works.values(), key=lambda w: (w.created_at, w.pk), reverse=True)]
    latest = [i for i in latest if i.allowed]
    # Une œuvre sous avertissement de contenu ne montre pas son image sur l'accueil (comme sa carte des archives) :
    # le visiteur lit l'avertissement sur sa page avant tout média. Une requête, gardée sous l'époque.
    # Lu avec les œuvres (`prefetch_works` : `has_content_warning`), aucune requête de plus.
    warned = {i.work.pk for i in latest if getattr(i.work, "has_content_warning", True)}
    thumbs, small = {}, {}
    for item in latest:
        if item.work.pk in warned:
            continue
        media = integrations.image_file(item.work)
        if media is None:
            for m in item.work.files.all():
                if m.image_id:
                    media = m
                    break
        if media is not None:
            thumbs[item.work.pk] = rendition_or_none(exhibit.images.get(media.image_id), THUMB_SPEC)
            small[item.work.pk] = rendition_or_none(exhibit.images.get(media.image_id), THUMB_SMALL_SPEC)
        else:  # vidéo, PDF : l'affiche ou la couverture, comme dans la liste des archives
            thumbs[item.work.pk] = rendition_thumbnail(list(item.work.files.all()))
    def pages():
        # Les pages publiées et l'arbre (publication, restriction de vue) : gardés sous l'époque du
        # consentement, qu'une page enregistrée, publiée ou déplacée change ; identiques pour tous.
        exhibitions = list(
            public_pages(ExhibitionPage.objects.live()).select_related("cover_image").order_by("-start_date", "title")[:6]
        )
        listed = {e.pk: e for e in exhibitions}  # l'exposition à la une est presque toujours déjà lue
        if page.featured_exhibition_id:
            featured = listed.get(page.featured_exhibition_id) or page.featured_exhibition
        else:
            featured = exhibitions[0] if exhibitions else None
        if featured is not None and not featured.live:
            featured = None
        # La boîte à outils : celle du menu (même lecture), sinon comme avant (une page non publique).
        _index, toolkits = menu_pages()
        if page.toolkit_id:
            toolkit = next((t for t in toolkits if t.pk == page.toolkit_id), None) or page.toolkit
        else:
            toolkit = toolkits[0] if toolkits else ToolkitPage.objects.live().first()
        return exhibitions, featured, toolkit

    if getattr(request, "is_preview", False) or page.pk is None:
        exhibitions, featured, toolkit = pages()
    else:
        exhibitions, featured, toolkit = epoch.memo(("accueil", page.pk, page.latest_revision_id), pages)
    # L'accroche de l'exposition à la une, en texte (balises retirées, 45 mots) : gardée sous l'époque avec la
    # page (le retrait des balises par l'analyseur HTML coûtait ~2 ms à chaque rendu de l'accueil).
    featured_intro = ""
    if featured is not None and featured.introduction_fr:
        featured_intro = epoch.memo(("accroche", featured.pk, featured.latest_revision_id),
                                    lambda: truncatewords(striptags(featured.introduction_fr), 45))
    return {
        "featured": featured,
        "featured_intro": featured_intro,
        "exhibitions": [e for e in exhibitions if featured is None or e.pk != featured.pk],
        "latest": [(item, thumbs.get(item.work.pk), small.get(item.work.pk)) for item in latest],
        "toolkit_page": toolkit,
    }
