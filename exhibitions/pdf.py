"""PDF imprimables : guide de discussion, catalogue d'exposition, cartels muraux avec QR code.

ReportLab (pur Python) et segno (QR codes dessinés en vecteur, nets à toute taille). Une police
Unicode est nécessaire pour le bambara (ɛ, ɔ, ɲ, ŋ) : DejaVu Sans, livrée avec le produit
(`paroles.fonts`), jamais une police du système.
Les PDF sont reproductibles (`invariant`) : même contenu, mêmes octets.
"""

import io

from django.utils.translation import gettext as _

_FONTS = None


def fonts():
    """(normale, grasse) : noms de polices enregistrées dans ReportLab (DejaVu Sans livrée avec le produit)."""
    global _FONTS
    if _FONTS:
        return _FONTS
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    from paroles import fonts as shipped

    pdfmetrics.registerFont(TTFont("ParolesSans", str(shipped.REGULAR)))
    pdfmetrics.registerFont(TTFont("ParolesSans-Bold", str(shipped.BOLD)))
    _FONTS = ("ParolesSans", "ParolesSans-Bold")
    return _FONTS


def _styles():
    from reportlab.lib.colors import HexColor
    from reportlab.lib.styles import ParagraphStyle

    regular, bold = fonts()
    ink, accent, bm = HexColor("#1f1a17"), HexColor("#8a3b12"), HexColor("#1d5c63")
    return {
        "title": ParagraphStyle("title", fontName=bold, fontSize=20, leading=24, textColor=ink, spaceAfter=4),
        "title_bm": ParagraphStyle("title_bm", fontName=regular, fontSize=14, leading=18, textColor=bm, spaceAfter=8),
        "h2": ParagraphStyle("h2", fontName=bold, fontSize=13, leading=16, textColor=accent, spaceBefore=10, spaceAfter=4),
        "body": ParagraphStyle("body", fontName=regular, fontSize=10.5, leading=14, textColor=ink, spaceAfter=4),
        "bm": ParagraphStyle("bm", fontName=regular, fontSize=10.5, leading=14, textColor=bm, spaceAfter=4),
        "small": ParagraphStyle("small", fontName=regular, fontSize=8.5, leading=11, textColor=HexColor("#5c534c")),
        "caution": ParagraphStyle("caution", fontName=bold, fontSize=11, leading=14, textColor=HexColor("#a3261b"),
                                  spaceAfter=4),
        "verbatim": ParagraphStyle("verbatim", fontName=regular, fontSize=12, leading=16, textColor=ink,
                                   leftIndent=8, spaceAfter=6),
    }


def _p(text, style):
    from reportlab.platypus import Paragraph
    from xml.sax.saxutils import escape

    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


def _doc(buffer, title, author="Paroles"):
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    return SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm, bottomMargin=16 * mm,
        title=title, author=author, creator="Paroles", invariant=1,
    )


def _timecode(seconds):
    seconds = int(seconds or 0)
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def guide_pdf(material):
    """Le guide de discussion d'un support, en PDF (octets)."""
    from reportlab.platypus import ListFlowable, ListItem, Spacer

    st = _styles()
    buf = io.BytesIO()
    doc = _doc(buf, _("Guide de discussion — %(t)s") % {"t": material.display_title})
    story = [_p(_("Guide de discussion"), st["small"]), _p(material.display_title, st["title"])]
    if material.display_title_bm:
        story.append(_p(material.display_title_bm, st["title_bm"]))
    facts = []
    if material.duration_minutes:
        facts.append(_("Durée conseillée : %(n)d minutes") % {"n": material.duration_minutes})
    if material.audience:
        facts.append(_("Public : %(a)s") % {"a": material.audience})
    if facts:
        story.append(_p(" · ".join(facts), st["body"]))
    cautions = material.caution_list()
    if cautions:
        story.append(_p(_("Précautions"), st["h2"]))
        story += [_p("⚠ " + c, st["caution"]) for c in cautions]
    if material.summary_fr:
        story += [_p(_("Résumé"), st["h2"]), _p(material.summary_fr, st["body"])]
    if material.summary_bm:
        story.append(_p(material.summary_bm, st["bm"]))

    def bullets(items, style):
        return ListFlowable([ListItem(_p(i, style), leftIndent=12) for i in items], bulletType="bullet", start="•")

    if material.key_messages():
        story += [_p(_("Messages clés"), st["h2"]), bullets(material.key_messages(), st["body"])]
        if material.key_messages_bm_list():
            story.append(bullets(material.key_messages_bm_list(), st["bm"]))
    if material.opening_questions():
        story += [_p(_("Questions pour ouvrir la discussion"), st["h2"]), bullets(material.opening_questions(), st["body"])]
        if material.opening_questions_bm_list():
            story.append(bullets(material.opening_questions_bm_list(), st["bm"]))
    clips = [c.value for c in material.clips or []]
    if clips:
        story.append(_p(_("Extraits conseillés"), st["h2"]))
        for clip in clips:
            line = f"{clip.get('title_fr')} ({_timecode(clip.get('start'))} → {_timecode(clip.get('end'))})"
            story.append(_p(line, st["body"]))
            if clip.get("title_bm"):
                story.append(_p(clip["title_bm"], st["bm"]))
            if clip.get("note_fr"):
                story.append(_p(clip["note_fr"], st["small"]))
    story += [Spacer(1, 12), _p(_("Ce support est confié pour des causeries. Ne le copiez pas et ne le "
                                  "rediffusez pas : les personnes qui y apparaissent ont donné leur accord "
                                  "pour cet usage seulement."), st["small"])]
    doc.build(story)
    return buf.getvalue()


def qr_drawing(url, size):
    """Un QR code vectoriel (Drawing ReportLab) de `size` points de côté."""
    import segno
    from reportlab.graphics.shapes import Drawing, Rect
    from reportlab.lib.colors import black, white

    qr = segno.make(url, error="m", micro=False)
    matrix = list(qr.matrix_iter(border=2))
    n = len(matrix)
    cell = size / n
    d = Drawing(size, size)
    d.add(Rect(0, 0, size, size, fillColor=white, strokeColor=None))
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                d.add(Rect(x * cell, size - (y + 1) * cell, cell, cell, fillColor=black, strokeColor=None))
    return d


def labels_pdf(exhibition, labels):
    """Cartels muraux : deux par page A4 (à découper), QR code vers l'écoute de l'œuvre.

    `labels` : liste de dicts {title_fr, title_bm, author, kind, text_fr, text_bm, url, date}.
    """
    from reportlab.lib.colors import HexColor
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas
    from reportlab.platypus import Frame
    from reportlab.graphics import renderPDF

    st = _styles()
    regular, bold = fonts()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    c.setTitle(_("Cartels — %(t)s") % {"t": exhibition.title})
    c.setAuthor("Paroles")
    width, height = A4
    half = height / 2
    qr_size = 42 * mm
    for index, label in enumerate(labels):
        slot = index % 2
        if index and slot == 0:
            c.showPage()
        top = height - slot * half
        x0, y0 = 15 * mm, top - half + 12 * mm
        box_w, box_h = width - 30 * mm, half - 24 * mm
        c.setStrokeColor(HexColor("#cccccc"))
        c.setDash(3, 3)
        if slot == 1:
            c.line(8 * mm, half, width - 8 * mm, half)  # trait de coupe
        c.setDash()
        text_w = box_w - qr_size - 8 * mm
        story = [_p(label["title_fr"], st["title"])]
        if label.get("title_bm"):
            story.append(_p(label["title_bm"], st["title_bm"]))
        meta = " · ".join(x for x in (label.get("author"), label.get("kind"), label.get("date")) if x)
        if meta:
            story.append(_p(meta, st["small"]))
        if label.get("text_fr"):
            story.append(_p(label["text_fr"], st["verbatim" if label.get("verbatim") else "body"]))
        if label.get("text_bm"):
            story.append(_p(label["text_bm"], st["bm"]))
        frame = Frame(x0, y0, text_w, box_h, showBoundary=0, leftPadding=0, rightPadding=0)
        frame.addFromList(story, c)
        if story:  # texte trop long : on signale plutôt que de couper en silence
            c.setFont(regular, 7)
            c.drawString(x0, y0 - 4 * mm, _("(texte abrégé : voir le catalogue)"))
        qr_x = x0 + box_w - qr_size
        qr_y = y0 + box_h - qr_size
        renderPDF.draw(qr_drawing(label["url"], qr_size), c, qr_x, qr_y)
        c.setFont(bold, 9)
        c.drawCentredString(qr_x + qr_size / 2, qr_y - 5 * mm, _("Écouter / Lamɛn"))
        c.setFont(regular, 7)
        c.drawCentredString(qr_x + qr_size / 2, qr_y - 9 * mm, _("Scannez avec un téléphone"))
    if not labels:
        c.setFont(regular, 12)
        c.drawString(20 * mm, height - 30 * mm, _("Aucune œuvre de cette exposition n'est autorisée au musée."))
    c.showPage()
    c.save()
    return buf.getvalue()


def catalogue_pdf(exhibition, rooms):
    """Le catalogue : présentation, puis chaque salle et ses œuvres (textes FR et BM).

    `rooms` : liste de (titre_fr, titre_bm, intro_fr, [dicts comme pour les cartels, + image_path]).
    """
    from django.utils.html import strip_tags
    from reportlab.lib.units import mm
    from reportlab.platypus import Image, KeepTogether, PageBreak, Spacer

    st = _styles()
    buf = io.BytesIO()
    doc = _doc(buf, _("Catalogue — %(t)s") % {"t": exhibition.title})
    story = [_p(_("Catalogue de l'exposition"), st["small"]), _p(exhibition.title, st["title"])]
    if exhibition.title_bm:
        story.append(_p(exhibition.title_bm, st["title_bm"]))
    facts = [x for x in (exhibition.venue, exhibition.venue_address) if x]
    if exhibition.start_date:
        dates = exhibition.start_date.strftime("%d/%m/%Y")
        if exhibition.end_date:
            dates += " – " + exhibition.end_date.strftime("%d/%m/%Y")
        facts.append(dates)
    if facts:
        story.append(_p(" · ".join(facts), st["body"]))
    if exhibition.curators:
        story.append(_p(_("Commissaires : %(c)s") % {"c": exhibition.curators}, st["body"]))
    if exhibition.introduction_fr:
        story.append(_p(strip_tags(exhibition.introduction_fr), st["body"]))
    if exhibition.introduction_bm:
        story.append(_p(strip_tags(exhibition.introduction_bm), st["bm"]))
    for title_fr, title_bm, intro_fr, entries in rooms:
        story += [PageBreak(), _p(title_fr, st["title"])]
        if title_bm:
            story.append(_p(title_bm, st["title_bm"]))
        if intro_fr:
            story.append(_p(intro_fr, st["body"]))
        for entry in entries:
            block = [_p(entry["title_fr"], st["h2"])]
            if entry.get("title_bm"):
                block.append(_p(entry["title_bm"], st["bm"]))
            meta = " · ".join(x for x in (entry.get("author"), entry.get("kind"), entry.get("date")) if x)
            if meta:
                block.append(_p(meta, st["small"]))
            if entry.get("image_path"):
                try:
                    img = Image(entry["image_path"])
                    ratio = img.imageHeight / float(img.imageWidth or 1)
                    img.drawWidth = 80 * mm
                    img.drawHeight = 80 * mm * ratio
                    block.append(img)
                except Exception:  # noqa: BLE001 - une image illisible n'empêche pas le catalogue
                    pass
            if entry.get("text_fr"):
                block.append(_p(entry["text_fr"], st["verbatim" if entry.get("verbatim") else "body"]))
            if entry.get("text_bm"):
                block.append(_p(entry["text_bm"], st["bm"]))
            block.append(Spacer(1, 6))
            story.append(KeepTogether(block))
    doc.build(story)
    return buf.getvalue()
