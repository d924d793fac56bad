"""Ce que rend chaque étape de traitement (`Output`), et l'erreur d'un original endommagé : partagés par
les étapes ffmpeg (steps) et les tuiles IIIF (iiif), sous les deux."""

from dataclasses import dataclass, field
from pathlib import Path

from .ffmpeg import ProcessingError


class DamagedSourceError(ProcessingError):
    """L'original est illisible au-delà de son en-tête (coupé, endommagé en cours de lecture)."""


@dataclass
class Output:
    path: Path
    duration: float | None = None
    width: int | None = None
    height: int | None = None
    meta: dict = field(default_factory=dict)
