"""Polices livrées avec le produit (DejaVu Sans, `site/static/paroles/fonts/`, licence à côté).

Les PDF (ReportLab) et l'incrustation des sous-titres (libass) les prennent ici, jamais dans les
polices du système : une machine sans aucune police dessine quand même ɛ ɔ ɲ ŋ.
"""

from pathlib import Path

FONTS_DIR = Path(__file__).resolve().parent / "static" / "paroles" / "fonts"
REGULAR = FONTS_DIR / "DejaVuSans.ttf"
BOLD = FONTS_DIR / "DejaVuSans-Bold.ttf"
FAMILY = "DejaVu Sans"  # nom de famille lu par libass dans le fichier (FontName=…)

BAMBARA_LETTERS = "ɛƐɔƆɲƝŋŊ"
