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


@register.simple_tag(takes_context=True)
def exhibit_room(context, section):
    """Une salle de l'exposition (bloc « section »), comme `{% include_block section %}`, son HTML gardé dans le
    mémo du processus sous la clé de `Exhibit.room_key` (décisions de cette requête, langue, canal, révision,
    époque) : les visiteurs dont les décisions disent la même chose ne refont pas le rendu des blocs."""
    exhibit = context.get("exhibit")
    page = context.get("page")

    def render():
        return section.render_as_block(context=context.flatten())

    key = exhibit.room_key(page, section) if exhibit is not None else None
    if key is None:
        return render()
    return epoch.memo(key, render)


@register.simple_tag(takes_context=True)
def toolkit_entry(context, entry):
    """Un support de la boîte à outils (`includes/toolkit_entry.html`), son HTML gardé dans le mémo du processus
    sous l'époque, la révision de la page et la langue, avec tout ce que CETTE personne en obtient : téléchargeable
    ou non, la raison affichée, et chaque téléchargement (quoi, langue, libellé, taille). Les décisions sont prises
    à chaque requête (`toolkit_entries`) ; seul le rendu du gabarit est repris quand elles disent la même chose."""
    from django.template.loader import get_template
    from django.utils.translation import get_language

    page = context.get("page")

    def render():
        return get_template("exhibitions/includes/toolkit_entry.html").render(
            {"entry": entry, "page": page, "request": context.get("request")})

    if page is None or page.pk is None or getattr(context.get("request"), "is_preview", False):
        return render()
    key = ("support", page.pk, page.latest_revision_id, entry.material.pk, get_language(), entry.can_download,
           str(entry.reason or ""), tuple((d.what, d.lang, str(d.label), d.size) for d in entry.downloads))
    return epoch.memo(key, render)


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
