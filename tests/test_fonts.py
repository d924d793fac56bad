"""Polices livrées : les lettres bambara (ɛ ɔ ɲ ŋ) sont dessinées dans les PDF et dans les sous-titres
incrustés, sur une machine sans aucune police du système (FONTCONFIG_FILE vers une configuration vide).

« Dessinée » veut dire : de l'encre, et une forme différente du carré « tofu » qu'une police sans ce
caractère afficherait (un caractère chinois, absent de DejaVu Sans, donne ce carré).
"""

import io

import av
import numpy as np
import pypdfium2
import pytest

from media_library import testing
from paroles import fonts

LETTERS = ["ɛ", "ɔ", "ɲ", "ŋ"]
TOFU = "中"


def test_shipped_font_covers_bambara_letters():
    from fontTools.ttLib import TTFont

    for path in (fonts.REGULAR, fonts.BOLD):
        cmap = TTFont(str(path)).getBestCmap()
        assert all(ord(ch) in cmap for ch in fonts.BAMBARA_LETTERS), path
        assert ord(TOFU) not in cmap  # le témoin « tofu » est bien absent de la police
    assert (fonts.FONTS_DIR / "LICENSE-DejaVu.txt").exists()


def _distinct(images, tofu):
    """Chaque image a de l'encre, diffère du tofu et des autres lettres."""
    for ch, img in images.items():
        assert img.sum() > 0, f"« {ch} » : rien n'est dessiné"
        assert np.abs(img - tofu).sum() > 0.2 * img.sum(), f"« {ch} » est dessiné comme un carré vide (tofu)"
    values = list(images.items())
    for i, (a, img_a) in enumerate(values):
        for b, img_b in values[i + 1:]:
            assert np.abs(img_a - img_b).sum() > 0, f"« {a} » et « {b} » ont le même dessin"


def test_pdf_draws_bambara_letters_with_the_shipped_font():
    from reportlab.lib.pagesizes import A6
    from reportlab.pdfgen import canvas

    from exhibitions.pdf import fonts as pdf_fonts

    regular, _bold = pdf_fonts()
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=A6)
    for ch in [*LETTERS, TOFU]:  # une page par caractère
        c.setFont(regular, 72)
        c.drawString(40, 150, ch)
        c.showPage()
    c.save()
    data = buffer.getvalue()
    assert b"DejaVuSans" in data  # police incorporée : celle que nous livrons
    doc = pypdfium2.PdfDocument(data)
    assert [doc[i].get_textpage().get_text_range().strip() for i in range(len(LETTERS))] == LETTERS
    pages = [1.0 - np.asarray(doc[i].render(scale=1).to_pil().convert("L"), dtype=float) / 255
             for i in range(len(doc))]
    _distinct(dict(zip(LETTERS, pages[:-1])), pages[-1])


def test_burn_in_draws_bambara_letters_without_system_fonts(tmp_path, monkeypatch):
    from transcription.burn import STYLE, burn_file
    from transcription.subtitles import Cue

    empty = tmp_path / "fonts.conf"  # fontconfig sans aucun dossier de polices : le système n'aide pas
    empty.write_text('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig></fontconfig>\n')
    monkeypatch.setenv("FONTCONFIG_FILE", str(empty))
    monkeypatch.setenv("FONTCONFIG_PATH", str(tmp_path))
    assert "FontName=DejaVu Sans" in STYLE
    src = tmp_path / "in.mp4"
    testing.run_ffmpeg("-f", "lavfi", "-i", "color=c=gray:size=640x360:rate=25:duration=5", "-c:v", "libx264",
                       "-preset", "ultrafast", "-pix_fmt", "yuv420p", src)
    chars = [*LETTERS, TOFU]
    cues = [Cue(n + 0.1, n + 0.9, f"{ch} {ch} {ch}") for n, ch in enumerate(chars)]
    out = tmp_path / "out.mp4"
    burn_file(src, cues, out)
    frames = {}
    with av.open(str(out)) as container:
        for frame in container.decode(video=0):
            second = int(frame.time)
            if abs(frame.time - (second + 0.5)) < 0.03 and second not in frames:
                frames[second] = frame.to_ndarray(format="gray").astype(float) / 255
    gray = frames[0][:100, :].mean()  # haut de l'image : le fond sans texte
    images = {ch: np.clip(np.abs(frames[n][200:, :] - gray) - 0.1, 0, None) for n, ch in enumerate(chars)}
    tofu = images.pop(TOFU)
    _distinct(images, tofu)
