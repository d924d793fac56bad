"""Graphiques SVG rendus par le serveur : aucun script, rien de l'extérieur.

Chaque graphique a un <title> et un aria-label ; le tableau de bord affiche aussi les chiffres en
tableau, pour les lecteurs d'écran et l'impression.
"""

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import mark_safe

BAR = "#2f6f5e"
TARGET = "#b5471b"
GRID = "#d9d9d9"
TEXT = "#222"


def _fmt(value):
    if isinstance(value, str):
        return value
    return number_format(value, force_grouping=True)


def _nice_max(value):
    if value <= 0:
        return 1
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def hbar_chart(rows, *, title, width=640):
    """Barres horizontales. rows : [(libellé, valeur, cible ou None)]. Une valeur texte (« < 5 ») est
    affichée sans barre."""
    rows = list(rows)
    label_w, right_pad, bar_h, gap, top = 210, 90, 18, 8, 28
    height = top + len(rows) * (bar_h + gap) + 10
    numeric = [v for _, v, _ in rows if isinstance(v, (int, float))] + [t for _, _, t in rows if t]
    scale_max = _nice_max(max(numeric) if numeric else 0)
    plot_w = width - label_w - right_pad
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="paroles-chart" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>',
        f'<text x="0" y="16" font-size="13" font-weight="bold" fill="{TEXT}">{escape(title)}</text>',
    ]
    for i in range(5):
        x = label_w + plot_w * i / 4
        parts.append(f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{height - 6}" stroke="{GRID}" stroke-width="1"/>')
    for index, (label, value, target) in enumerate(rows):
        y = top + index * (bar_h + gap)
        short = label if len(label) <= 32 else label[:31] + "…"
        parts.append(
            f'<text x="{label_w - 6}" y="{y + bar_h - 4}" font-size="12" text-anchor="end" fill="{TEXT}">'
            f'<title>{escape(label)}</title>{escape(short)}</text>'
        )
        if isinstance(value, (int, float)):
            w = plot_w * value / scale_max
            parts.append(f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{BAR}"/>')
            text_x = label_w + w + 4
        else:
            text_x = label_w + 4
        caption = _fmt(value)
        if target:
            caption += f" / {_fmt(target)}"
            tx = label_w + plot_w * target / scale_max
            parts.append(
                f'<line x1="{tx:.1f}" y1="{y - 3}" x2="{tx:.1f}" y2="{y + bar_h + 3}" stroke="{TARGET}" stroke-width="3"/>'
            )
        parts.append(f'<text x="{text_x:.1f}" y="{y + bar_h - 4}" font-size="11" fill="{TEXT}">{escape(caption)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - tout texte variable passe par escape()


def column_chart(rows, *, title, width=720, height=240):
    """Colonnes (par mois). rows : [(libellé, valeur, cible ou None)] ; la cible est un trait."""
    rows = list(rows)
    left, bottom, top = 56, 36, 28
    plot_h = height - top - bottom
    plot_w = width - left - 10
    numeric = [v for _, v, _ in rows] + [t for _, _, t in rows if t]
    scale_max = _nice_max(max(numeric) if numeric else 0)
    n = max(len(rows), 1)
    slot = plot_w / n
    bar_w = max(2.0, slot * 0.7)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="paroles-chart" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>',
        f'<text x="0" y="16" font-size="13" font-weight="bold" fill="{TEXT}">{escape(title)}</text>',
    ]
    for i in range(5):
        value = scale_max * i / 4
        y = top + plot_h - plot_h * i / 4
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - 10}" y2="{y:.1f}" stroke="{GRID}" stroke-width="1"/>')
        parts.append(f'<text x="{left - 4}" y="{y + 4:.1f}" font-size="10" text-anchor="end" fill="{TEXT}">{escape(_fmt(int(value)))}</text>')
    label_every = max(1, round(n / 12))
    for index, (label, value, target) in enumerate(rows):
        x = left + index * slot + (slot - bar_w) / 2
        h = plot_h * value / scale_max
        parts.append(
            f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="{BAR}">'
            f'<title>{escape(label)} : {escape(_fmt(value))}</title></rect>'
        )
        if target:
            ty = top + plot_h - plot_h * target / scale_max
            parts.append(
                f'<line x1="{x - 1:.1f}" y1="{ty:.1f}" x2="{x + bar_w + 1:.1f}" y2="{ty:.1f}" stroke="{TARGET}" stroke-width="3"/>'
            )
        if index % label_every == 0:
            parts.append(
                f'<text x="{x + bar_w / 2:.1f}" y="{height - bottom + 14}" font-size="10" text-anchor="middle" fill="{TEXT}">{escape(label)}</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308
