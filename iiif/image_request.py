"""Les paramètres d'une requête IIIF Image API 3.0 (§ 4) : région, taille, rotation, qualité, format.

Deux temps, pour que rien ne révèle qu'une image existe :
1. `parse` ne lit que la SYNTAXE (même réponse 400 pour une image connue, refusée ou absente) ;
2. `resolve` ne s'appelle qu'une fois la politique d'accord : il confronte la requête aux dimensions de
   l'image et aux bornes déclarées dans l'info.json (`maxWidth`, `maxHeight`, `maxArea`).
Le résultat est canonique (région en pixels, taille exacte) : deux écritures de la même image donnent
le même fichier en cache.

Niveau 1 de conformité : regionByPx, regionSquare, sizeByW, sizeByH, sizeByWh, rotation 0, qualité
`default`, format `jpg` ; en plus (`extraFeatures`) : sizeByConfinedWh (`!w,h`). Ni agrandissement (`^`),
ni pourcentages, ni rotation, ni autre qualité ou format : 400 avec un message clair.
"""

import re
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

EXTRA_FEATURES = ["sizeByConfinedWh"]
# Bornes d'une image produite à la demande (l'info.json les déclare) : une requête plus grande reçoit 400.
MAX_WIDTH = 4096
MAX_HEIGHT = 4096
MAX_AREA = 4_194_304  # 2048 × 2048 pixels

_PX_REGION = re.compile(r"(\d{1,9}),(\d{1,9}),(\d{1,9}),(\d{1,9})")
_SIZE = re.compile(r"(!)?(\d{1,9})?,(\d{1,9})?")


class ImageRequestError(ValueError):
    """Une requête mal formée ou impossible : réponse 400 avec ce message (français)."""


@dataclass(frozen=True)
class ImageRequest:
    region: tuple  # ("full",) | ("square",) | ("px", x, y, w, h)
    size: tuple  # ("max",) | ("w", w) | ("h", h) | ("wh", w, h) | ("confined", w, h)


@dataclass(frozen=True)
class Canonical:
    x: int
    y: int
    w: int
    h: int
    width: int  # taille produite
    height: int
    full: bool  # la région est l'image entière

    @property
    def region_key(self):
        return "full" if self.full else f"{self.x},{self.y},{self.w},{self.h}"

    @property
    def size_key(self):
        return f"{self.width},{self.height}"


def limits():
    return {
        "maxWidth": int(getattr(settings, "PAROLES_IIIF_MAX_WIDTH", MAX_WIDTH)),
        "maxHeight": int(getattr(settings, "PAROLES_IIIF_MAX_HEIGHT", MAX_HEIGHT)),
        "maxArea": int(getattr(settings, "PAROLES_IIIF_MAX_AREA", MAX_AREA)),
    }


def parse(region, size, rotation, quality_format):
    """La syntaxe seule ; lève ImageRequestError (400)."""
    if region == "full":
        parsed_region = ("full",)
    elif region == "square":
        parsed_region = ("square",)
    elif region.startswith("pct:"):
        raise ImageRequestError(_("Région en pourcentages non prise en charge : donnez-la en pixels (x,y,l,h)."))
    else:
        match = _PX_REGION.fullmatch(region)
        if not match:
            raise ImageRequestError(_("Région mal formée : « full », « square » ou x,y,largeur,hauteur en pixels."))
        x, y, w, h = (int(v) for v in match.groups())
        if w == 0 or h == 0:
            raise ImageRequestError(_("Région vide : la largeur et la hauteur doivent dépasser zéro."))
        parsed_region = ("px", x, y, w, h)

    if size == "max":
        parsed_size = ("max",)
    elif size.startswith("^"):
        raise ImageRequestError(_("Agrandissement au-delà de la région (« ^ ») non pris en charge."))
    elif size.startswith("pct:"):
        raise ImageRequestError(_("Taille en pourcentage non prise en charge : donnez une largeur ou une hauteur."))
    else:
        match = _SIZE.fullmatch(size)
        if not match or not (match.group(2) or match.group(3)):
            raise ImageRequestError(_("Taille mal formée : « max », « l, », « ,h », « l,h » ou « !l,h »."))
        confined, w, h = match.group(1), match.group(2), match.group(3)
        if confined and not (w and h):
            raise ImageRequestError(_("Taille « !l,h » : la largeur et la hauteur sont toutes deux nécessaires."))
        if (w is not None and int(w) == 0) or (h is not None and int(h) == 0):
            raise ImageRequestError(_("Taille nulle : la largeur et la hauteur doivent dépasser zéro."))
        if confined:
            parsed_size = ("confined", int(w), int(h))
        elif w and h:
            parsed_size = ("wh", int(w), int(h))
        elif w:
            parsed_size = ("w", int(w))
        else:
            parsed_size = ("h", int(h))

    if rotation != "0":
        if re.fullmatch(r"!?\d+(\.\d+)?", rotation):
            raise ImageRequestError(_("Seule la rotation 0 est prise en charge (ni rotation ni miroir)."))
        raise ImageRequestError(_("Rotation mal formée : un nombre de degrés, ici seulement 0."))

    quality, dot, fmt = quality_format.rpartition(".")
    if not dot or not quality or not fmt:
        raise ImageRequestError(_("Qualité et format mal formés : « default.jpg »."))
    if quality != "default":
        if quality in ("color", "gray", "bitonal"):
            raise ImageRequestError(_("Seule la qualité « default » est proposée."))
        raise ImageRequestError(_("Qualité inconnue : « default »."))
    if fmt != "jpg":
        raise ImageRequestError(_("Seul le format « jpg » est proposé."))
    return ImageRequest(region=parsed_region, size=parsed_size)


def _round(value):
    return max(1, int(value + 0.5))


def resolve(request, width, height, bounds=None):
    """La requête confrontée à l'image (`width` × `height`) et aux bornes ; lève ImageRequestError (400)."""
    bounds = bounds or limits()
    kind = request.region[0]
    if kind == "full":
        x, y, w, h = 0, 0, width, height
    elif kind == "square":
        side = min(width, height)
        x, y, w, h = (width - side) // 2, (height - side) // 2, side, side
    else:
        _kind, x, y, w, h = request.region
        if x >= width or y >= height:
            raise ImageRequestError(_("La région est entièrement hors de l'image (%(w)s × %(h)s pixels).")
                                    % {"w": width, "h": height})
        w, h = min(w, width - x), min(h, height - y)

    size = request.size
    if size[0] == "max":
        scale = min(1.0, bounds["maxWidth"] / w, bounds["maxHeight"] / h, (bounds["maxArea"] / (w * h)) ** 0.5)
        out_w, out_h = (w, h) if scale >= 1 else (max(1, int(w * scale)), max(1, int(h * scale)))
    elif size[0] == "w":
        out_w, out_h = size[1], _round(size[1] * h / w)
    elif size[0] == "h":
        out_w, out_h = _round(size[1] * w / h), size[1]
    elif size[0] == "wh":
        out_w, out_h = size[1], size[2]
    else:  # confined : la plus grande taille qui tient dans la boîte, proportions gardées
        scale = min(size[1] / w, size[2] / h)
        out_w, out_h = _round(w * scale), _round(h * scale)
        out_w, out_h = min(out_w, size[1]), min(out_h, size[2])
    if out_w > w or out_h > h:
        raise ImageRequestError(_("Taille demandée plus grande que la région (%(w)s × %(h)s) : pas d'agrandissement.")
                                % {"w": w, "h": h})
    if out_w > bounds["maxWidth"] or out_h > bounds["maxHeight"] or out_w * out_h > bounds["maxArea"]:
        raise ImageRequestError(
            _("Image demandée trop grande : au plus %(mw)s × %(mh)s pixels et %(ma)s pixels en tout.")
            % {"mw": bounds["maxWidth"], "mh": bounds["maxHeight"], "ma": bounds["maxArea"]})
    return Canonical(x=x, y=y, w=w, h=h, width=out_w, height=out_h,
                     full=(x, y, w, h) == (0, 0, width, height))
