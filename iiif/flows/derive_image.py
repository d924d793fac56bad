"""Cas d'usage : produire une image IIIF demandée à la carte (niveau 1) depuis la pyramide stockée.

Jamais depuis l'original : on assemble, avec libvips (pyvips), les tuiles du niveau de la pyramide le
plus proche (au-dessus) de l'échelle demandée, on découpe la région et on réduit à la taille exacte.
Le nombre de tuiles lues est borné par la taille demandée (elle-même bornée par `maxArea`).

Le résultat est mis en cache DANS l'arborescence versionnée du rendu (`<pyramide>/derivees/…`) : il part
avec elle quand la pyramide est refaite ou supprimée, et n'est servi que par la porte (`serve_gated`),
après la politique, comme une tuile. Le cache est borné (`PAROLES_IIIF_DERIVED_MAX` fichiers par
pyramide, 500 par défaut) : au-delà, il est vidé puis refait à la demande. L'écriture passe par un nom
temporaire puis un remplacement atomique : une requête concurrente ne lit jamais une image à moitié écrite.

L'appelant (iiif.views.image_tile) a DÉJÀ obtenu l'accord de la politique : aucune image d'une œuvre
refusée n'est calculée.
"""

import math
import os
import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile

DERIVED_DIR = "derivees"
DERIVED_MAX = 500
QUALITY = 82


def pyramid_root(rendition):
    return PurePosixPath(rendition.file.name).parent


def static_name(rendition, canonical):
    """Le fichier de la pyramide stockée qui EST cette image (tuile ou taille entière), s'il en est un."""
    return str(pyramid_root(rendition) / canonical.region_key / canonical.size_key / "0" / "default.jpg")


def derived_name(rendition, canonical):
    return str(pyramid_root(rendition) / DERIVED_DIR / canonical.region_key / canonical.size_key / "0" / "default.jpg")


def _factor(rendition, canonical):
    """Le plus grand facteur de la pyramide qui garde au moins la taille demandée (jamais agrandir)."""
    factors = sorted((rendition.meta or {}).get("scale_factors") or [1])
    scale = min(canonical.w / canonical.width, canonical.h / canonical.height)
    return max([f for f in factors if f <= scale] or [1])


def _tile_name(root, factor, tile, col, row, width, height):
    span = tile * factor
    left, top = col * span, row * span
    w, h = min(span, width - left), min(span, height - top)
    size = f"{math.ceil(w / factor)},{math.ceil(h / factor)}"
    region = "full" if (left, top, w, h) == (0, 0, width, height) else f"{left},{top},{w},{h}"
    return str(root / region / size / "0" / "default.jpg")


def _load_tile(storage, name):
    import pyvips

    with storage.open(name, "rb") as fh:
        return pyvips.Image.new_from_buffer(fh.read(), "")


def render(rendition, canonical):
    """Les octets JPEG de l'image demandée, assemblée depuis les tuiles de la pyramide."""
    import pyvips

    storage = rendition.file.storage
    width, height = rendition.width, rendition.height
    tile = int((rendition.meta or {}).get("tile_size") or 512)
    factor = _factor(rendition, canonical)
    span = tile * factor
    root = pyramid_root(rendition)
    cols = range(canonical.x // span, (canonical.x + canonical.w - 1) // span + 1)
    rows = range(canonical.y // span, (canonical.y + canonical.h - 1) // span + 1)
    tiles = [_load_tile(storage, _tile_name(root, factor, tile, c, r, width, height)) for r in rows for c in cols]
    mosaic = tiles[0] if len(tiles) == 1 else pyvips.Image.arrayjoin(tiles, across=len(cols), hspacing=tile,
                                                                     vspacing=tile)
    left = (canonical.x - cols.start * span) / factor
    top = (canonical.y - rows.start * span) / factor
    crop_w = max(1, min(mosaic.width - int(left), round(canonical.w / factor)))
    crop_h = max(1, min(mosaic.height - int(top), round(canonical.h / factor)))
    image = mosaic.crop(int(left), int(top), crop_w, crop_h)
    if (image.width, image.height) != (canonical.width, canonical.height):
        image = image.resize(canonical.width / image.width, vscale=canonical.height / image.height,
                             kernel="lanczos3")
        if (image.width, image.height) != (canonical.width, canonical.height):  # arrondi de libvips
            image = image.gravity("centre", canonical.width, canonical.height, extend="copy") \
                if image.width <= canonical.width and image.height <= canonical.height \
                else image.crop(0, 0, min(image.width, canonical.width), min(image.height, canonical.height))
    return image.jpegsave_buffer(Q=QUALITY, keep="none")


def _count_key(rendition):
    return f"paroles:iiif:derivees:{rendition.file.name}"


def _make_room(rendition):
    """Borne le cache de la pyramide : au-delà de la limite, il est vidé (et se refait à la demande)."""
    from media_library.processing.jobs import delete_tree

    limit = int(getattr(settings, "PAROLES_IIIF_DERIVED_MAX", DERIVED_MAX))
    key = _count_key(rendition)
    cache.add(key, 0, timeout=None)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=None)
        count = 1
    if count > limit:
        delete_tree(str(pyramid_root(rendition) / DERIVED_DIR))
        cache.set(key, 1, timeout=None)


def _publish(storage, name, data):
    try:
        path = storage.path(name)
    except NotImplementedError:
        path = None
    if path is None:  # stockage objet : une écriture (PUT) est déjà atomique
        if not storage.exists(name):
            storage.save(name, ContentFile(data))
        return
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = f"{path}.{uuid.uuid4().hex[:8]}.tmp"
    with open(tmp, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)


def derived_image(rendition, canonical):
    """Le nom (dans le stockage) du fichier qui répond à `canonical` : une tuile de la pyramide, ou une
    image produite et mise en cache. Appelé seulement APRÈS l'accord de la politique."""
    storage = rendition.file.storage
    name = static_name(rendition, canonical)
    if storage.exists(name):
        return name
    name = derived_name(rendition, canonical)
    if storage.exists(name):
        return name
    data = render(rendition, canonical)
    _make_room(rendition)
    _publish(storage, name, data)
    return name
