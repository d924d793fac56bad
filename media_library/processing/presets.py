"""Préréglages des rendus. Chaque rendu garde l'empreinte (`settings_hash`) des réglages qui l'ont
produit : modifier un préréglage (ici ou par PAROLES_RENDITION_PRESETS) rend périmés les seuls rendus
de ce type, que `rebuild_renditions` ou le travail suivant refont, sans toucher aux autres.
"""

import copy
import hashlib
import json
from dataclasses import dataclass, field

from django.conf import settings

# Réglages par défaut. « téléphone » = 640x360 (ou 360x640 en portrait) : qualité constante (CRF 24,
# préréglage x264 « medium », plus économe que « veryfast » à qualité égale) plafonnée à 400 kb/s
# (VBV), audio AAC mono 48 kb/s (la parole est l'essentiel). Au plus ≈ 17,5 Mo pour 5 minutes, souvent
# bien moins ; SSIM ≥ 0,95 contre la source ramenée à la même taille (mesuré par bench/renditions.py).
# Pour viser un débit fixe plutôt qu'une qualité : PAROLES_RENDITION_PRESETS avec "crf": null et "vb".
# L'ancien réglage (600 kb/s + 64 kb/s stéréo, « veryfast ») pesait 25,1 Mo pour 5 minutes.
DEFAULTS = {
    "video": {
        "web": {
            "ext": ".mp4", "mime": "video/mp4",
            "max_w": 1280, "max_h": 720, "vcodec": "libx264", "x264_preset": "veryfast", "crf": 23,
            "maxrate": "2500k", "bufsize": "5000k", "profile": "high", "level": "4.0",
            "acodec": "aac", "ab": "128k", "ac": 2,
        },
        "phone": {
            "ext": ".mp4", "mime": "video/mp4",
            "max_w": 640, "max_h": 360, "vcodec": "libx264", "x264_preset": "medium", "crf": 24,
            "maxrate": "400k", "bufsize": "800k", "profile": "main", "level": "3.1",
            "acodec": "aac", "ab": "48k", "ac": 1,
        },
        "audio": {"ext": ".m4a", "mime": "audio/mp4", "acodec": "aac", "ab": "96k", "ac": 2},
        "poster": {"ext": ".jpg", "mime": "image/jpeg", "max_w": 1280, "max_h": 720, "at": 0.1, "qscale": 3},
        "thumbs": {"ext": ".jpg", "mime": "image/jpeg", "count": 10, "w": 160, "h": 90, "qscale": 4},
    },
    "audio": {
        "web": {"ext": ".m4a", "mime": "audio/mp4", "acodec": "aac", "ab": "128k", "ac": 2},
        "phone": {"ext": ".m4a", "mime": "audio/mp4", "acodec": "aac", "ab": "48k", "ac": 1},
        "waveform": {"ext": ".png", "mime": "image/png", "w": 1200, "h": 160, "rate": 8000,
                     "color": "#1f5f7a", "background": "#ffffff"},
    },
    "document": {
        "pdf_cover": {"ext": ".jpg", "mime": "image/jpeg", "w": 800, "quality": 85},
        # La copie du PDF que reçoivent le public et les partenaires : les seules pages, sans dictionnaire
        # Info (auteur, logiciel, dates), sans XMP, sans auteur d'annotation (pikepdf / qpdf).
        "pdf": {"ext": ".pdf", "mime": "application/pdf"},
    },
    # Pyramide de tuiles IIIF (Image API 3.0) faite par libvips : tuiles carrées, quelques tailles
    # entières pour les vignettes et les téléphones ; aucune métadonnée dans les JPEG (keep=none).
    "image": {
        "iiif": {"ext": ".json", "mime": "application/ld+json", "tile_size": 512, "quality": 82,
                 "sizes_max": 2048, "sizes_min": 64},
    },
}

# Les extraits reprennent les réglages web et téléphone de leur source (vidéo ou audio).
# L'affiche d'un extrait est prise dans sa fenêtre (jamais dans le reste du film : d'autres personnes y
# paraissent peut-être, qui n'ont pas consenti à cette exposition).
CLIP_BASE = {"clip_web": "web", "clip_phone": "phone", "clip_poster": "poster"}

# Rendus d'images Wagtail (body maps, Photo Voice) : grande version pour regarder de près, version de
# page, vignette de liste (le même filtre que la vignette des listes, pour profiter du cache).
IMAGE_FILTERS = {
    "large": "max-2400x2400|format-jpeg|jpegquality-88",
    "medium": "max-1200x1200|format-jpeg|jpegquality-85",
    # Téléphone (360 px de large, densité 2) : la version que `srcset` fait choisir à un petit écran.
    "phone": "max-720x720|format-jpeg|jpegquality-80",
    "small": "fill-480x270",
    # La même vignette pour un petit écran (cartes des archives : `srcset`).
    "small_phone": "fill-240x135",
}

# Ordre de fabrication et poids dans le pourcentage affiché.
# Les encodages d'abord : ils lisent tout le flux et révèlent un original endommagé avec un message clair.
ORDER = ["phone", "web", "audio", "waveform", "poster", "thumbs", "pdf_cover", "pdf", "iiif", "clip_phone",
         "clip_web", "clip_poster"]
WEIGHTS = {"web": 45, "phone": 35, "audio": 8, "poster": 2, "thumbs": 5, "waveform": 8, "pdf_cover": 3, "pdf": 3,
           "iiif": 40, "clip_web": 55, "clip_phone": 45, "clip_poster": 5}


@dataclass(frozen=True)
class Preset:
    kind: str
    source_type: str  # video | audio | document
    options: dict = field(default_factory=dict)

    @property
    def ext(self):
        return self.options["ext"]

    @property
    def mime_type(self):
        return self.options["mime"]

    @property
    def settings_hash(self):
        payload = json.dumps(
            {"kind": self.kind, "source": self.source_type, "options": self.options}, sort_keys=True, default=str
        )
        return hashlib.sha256(payload.encode()).hexdigest()[:16]


def _table():
    table = copy.deepcopy(DEFAULTS)
    overrides = getattr(settings, "PAROLES_RENDITION_PRESETS", None) or {}
    for source_type, kinds in overrides.items():
        for kind, options in kinds.items():
            table.setdefault(source_type, {}).setdefault(kind, {}).update(options)
    return table


def kinds_for(media_type):
    """Les types de rendus fabriqués pour un original de cette nature (hors extraits)."""
    return [k for k in ORDER if k in _table().get(media_type, {})]


def get_preset(kind, media_type):
    """Le préréglage `kind` pour une source `media_type` ; None si ce rendu ne s'applique pas."""
    table = _table().get(media_type, {})
    base = CLIP_BASE.get(kind, kind)
    options = table.get(base)
    if options is None:
        return None
    return Preset(kind=kind, source_type=media_type, options=options)
