"""Pyramide de tuiles IIIF (Image API 3.0) d'une image, faite par libvips (`pyvips` + `pyvips-binary`).

`dzsave(layout="iiif3")` écrit une arborescence statique `<région>/<taille>/0/default.jpg` et un
`info.json` ; on y ajoute quelques tailles entières (`full/<l>,<h>/0/default.jpg`, listées dans
`sizes`) pour les vignettes et le premier affichage sur téléphone. Tout est écrit dans le dossier
temporaire du travail, puis publié d'un bloc (jobs.publish_rendition) sous un dossier neuf.

L'image est lue en flux (accès séquentiel) : une body map de 20 000 pixels de haut ne tient jamais en
mémoire. L'orientation EXIF est appliquée, les couleurs converties en sRGB, puis AUCUNE métadonnée
n'est gardée dans les tuiles (ni EXIF, ni GPS, ni XMP, ni profil : `keep=none`).
"""

import json
import math
from pathlib import Path

from django.utils.translation import gettext as _

from .ffmpeg import ProcessingError
from .outputs import DamagedSourceError, Output

# Identifiant provisoire écrit dans l'info.json stocké ; la vue le remplace par l'adresse de la requête.
PLACEHOLDER_ID = "https://iiif.invalid/image"
TREE_NAME = "pyramide"


def _load(src):
    import pyvips

    try:
        image = pyvips.Image.new_from_file(str(src), access="sequential", fail=True)
        image = image.autorot()
        if image.get_typeof("icc-profile-data"):
            image = image.icc_transform("srgb")
        elif image.interpretation not in ("srgb", "b-w"):
            image = image.colourspace("srgb")
        if image.hasalpha():
            image = image.flatten(background=[255, 255, 255])
        if image.format != "uchar":
            image = image.cast("uchar")
        return image
    except pyvips.Error as exc:
        raise DamagedSourceError(
            _("Image illisible pour la pyramide de tuiles : %(err)s. L'original est conservé tel quel.")
            % {"err": str(exc).strip().splitlines()[0][:200] if str(exc).strip() else "?"}
        ) from exc


def scale_factors(width, height, tile):
    """1, 2, 4… jusqu'au niveau où l'image entière tient dans une tuile (comme dzsave)."""
    factors = [1]
    while max(math.ceil(width / factors[-1]), math.ceil(height / factors[-1])) > tile:
        factors.append(factors[-1] * 2)
    return factors


def full_sizes(width, height, *, largest, smallest):
    """Les tailles entières servies (`sizes` de l'info.json), de la plus petite à la plus grande."""
    sizes = []
    factor = 1
    while True:
        w, h = math.ceil(width / factor), math.ceil(height / factor)
        if max(w, h) <= largest:
            sizes.append((w, h))
        if max(math.ceil(w / 2), math.ceil(h / 2)) < smallest or factor > 4096:
            break
        factor *= 2
    return sorted(set(sizes))


def iiif_tiles(preset, src, workdir, *, on_progress=None, **_kw):
    import pyvips

    opts = preset.options
    tile = int(opts["tile_size"])
    quality = int(opts["quality"])
    out_dir = Path(workdir) / TREE_NAME
    image = _load(src)
    width, height = image.width, image.height
    if on_progress:
        image.set_progress(True)
        image.signal_connect("eval", lambda _img, progress: on_progress(min(0.9, progress.percent / 100 * 0.9)))
    try:
        image.dzsave(
            str(out_dir), layout="iiif3", id=PLACEHOLDER_ID, tile_size=tile, overlap=0,
            suffix=f".jpg[Q={quality},keep=none]", keep="none",
        )
    except pyvips.Error as exc:
        raise DamagedSourceError(
            _("Découpage en tuiles impossible : %(err)s. L'original est conservé tel quel.")
            % {"err": str(exc).strip()[:200]}
        ) from exc

    # Les tailles entières, depuis une source relue (le flux séquentiel est consommé).
    sizes = full_sizes(width, height, largest=int(opts["sizes_max"]), smallest=int(opts["sizes_min"]))
    for w, h in sizes:
        target = out_dir / "full" / f"{w},{h}" / "0" / "default.jpg"
        if target.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        thumb = _load(src).thumbnail_image(w, height=h, size="force")
        thumb.jpegsave(str(target), Q=quality, keep="none")

    info_path = out_dir / "info.json"
    info = json.loads(info_path.read_text())
    written = (info.get("tiles") or [{}])[0].get("scaleFactors")
    factors = written or scale_factors(width, height, tile)
    info.update({
        "id": PLACEHOLDER_ID,
        "profile": "level0",
        "width": width,
        "height": height,
        "sizes": [{"width": w, "height": h} for w, h in sizes],
        "tiles": [{"width": tile, "height": tile, "scaleFactors": factors}],
    })
    info_path.write_text(json.dumps(info, indent=1))
    count = sum(1 for p in out_dir.rglob("*.jpg"))
    if count == 0:
        raise ProcessingError(_("La pyramide de tuiles est vide."))
    if on_progress:
        on_progress(1.0)
    return Output(info_path, width=width, height=height,
                  meta={"tile_size": tile, "scale_factors": factors, "sizes": [list(s) for s in sizes],
                        "files": count, "tree": True})
