"""Ce qu'une exposition cite : ses blocs, leurs images et les œuvres d'où elles viennent.

Lecture pure de la page (aucune décision d'accès), sous les cas d'usage qui l'interrogent : publication
(`flows.publish_exhibition`), rendu (`flows.render_exhibition`), PDF de l'admin, API des partenaires.
"""

from django.utils.translation import gettext as _


def iter_blocks(page):
    """(salle, type de bloc, valeur) pour chaque bloc de contenu de l'exposition."""
    for section in page.body or []:
        if section.block_type != "section":
            continue
        title = section.value.get("title_fr") or ""
        for child in section.value.get("content") or []:
            yield title, child.block_type, child.value


def raw_work_ids(page):
    """Les identifiants des œuvres que citent les blocs, lus dans le contenu brut (JSON) sans rien convertir
    ni lire en base : toute clé « work » d'un bloc, à toute profondeur."""
    ids = set()

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "work" and isinstance(value, int) and not isinstance(value, bool):
                    ids.add(value)
                else:
                    walk(value)
        elif isinstance(node, (list, tuple)):
            for item in node:
                walk(item)

    body = getattr(page, "body", None)
    raw = getattr(body, "raw_data", None)
    if raw is not None:
        walk(list(raw))
    return ids


def block_images(block_type, value):
    images = []
    if block_type in ("photovoice", "body_map") and value.get("image"):
        images.append(value["image"])
    if block_type == "gallery":
        images.extend(item.get("image") for item in value.get("images") or [] if item.get("image"))
    return images


def collect_refs(page):
    """Les œuvres de l'exposition (directement ou par leurs images), avec où elles apparaissent.

    Renvoie ({work_pk: [lieux]}, {image_pk: work_pk}). Nombre fixe de requêtes.
    """
    from media_library.models import MediaFile

    where = {}
    image_pks = set()
    for room, block_type, value in iter_blocks(page):
        work = value.get("work") if hasattr(value, "get") else None
        if work is not None:
            where.setdefault(work.pk, []).append(room)
        for image in block_images(block_type, value):
            image_pks.add(image.pk)
    if getattr(page, "cover_image_id", None):
        image_pks.add(page.cover_image_id)
    image_work = dict(
        MediaFile.objects.filter(image_id__in=image_pks).values_list("image_id", "work_id")
    ) if image_pks else {}
    for image_pk, work_pk in image_work.items():
        where.setdefault(work_pk, []).append(_("image"))
    return where, image_work
