from django import template

from consent import epoch

from ..flows.render_exhibition import IMAGE_SPEC, Exhibit

register = template.Library()


def _exhibit(context, work=None):
    exhibit = context.get("exhibit")
    if exhibit is None:
        # Aperçu d'un bloc dans l'admin (pas de page) : décision prise ici, pour cette requête.
        request = context.get("request")
        works = [work] if work is not None else []
        exhibit = Exhibit.for_works(works, request)
        exhibit.preview = True
    return exhibit


@register.simple_tag(takes_context=True)
def exhibit_item(context, work):
    """L'œuvre telle que cette requête peut la voir (Item), ou None si le bloc n'a pas d'œuvre."""
    if work is None:
        return None
    return _exhibit(context, work).item(work)


@register.simple_tag(takes_context=True)
def exhibit_clip(context, value):
    """L'extrait d'un bloc « Extrait (chapitre) » tel que cette requête peut le voir (Item), ou None."""
    work = value.get("work") if value else None
    if work is None:
        return None
    return _exhibit(context, work).clip_item(work, value.get("start"), value.get("end"))


@register.simple_tag(takes_context=True)
def exhibit_image(context, image, spec=IMAGE_SPEC):
    """Le rendu d'une image choisie dans un bloc, ou None si l'œuvre d'origine n'est pas autorisée."""
    if image is None:
        return None
    exhibit = _exhibit(context)
    if image.pk not in exhibit.images and context.get("exhibit") is None:
        from media_library.models import MediaFile

        media = MediaFile.objects.filter(image_id=image.pk).select_related("work").first()
        if media is not None:
            exhibit = Exhibit.for_works([media.work], context.get("request"))
            exhibit.image_work[image.pk] = media.work.pk
    return exhibit.image(image, spec)


@register.inclusion_tag("exhibitions/includes/nav.html", takes_context=True)
def exhibitions_nav(context):
    """Liens « Expositions » et « Boîte à outils » du menu principal (pages publiées)."""
    request = context.get("request")
    cache = getattr(request, "_paroles_nav", None) if request is not None else None
    if cache is None:
        cache = epoch.memo(("menu",), _nav_links)
        if request is not None:
            request._paroles_nav = cache
    return {**cache, "request": request}


def _nav_links():
    """Les deux liens (`models.menu_pages` : une lecture, gardée sous l'époque du consentement)."""
    from ..models import menu_pages

    index, toolkits = menu_pages()
    return {"index_url": index.url if index else "", "toolkit_url": toolkits[0].url if toolkits else ""}


@register.filter
def timecode(seconds):
    seconds = int(float(seconds or 0))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


@register.filter
def lines(text):
    return [line.strip(" -•\t") for line in (text or "").splitlines() if line.strip(" -•\t")]


@register.simple_tag
def join_uid(*parts):
    from django.utils.text import slugify

    return slugify("-".join(str(p) for p in parts))
