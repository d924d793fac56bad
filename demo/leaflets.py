"""Les imprimés de la démonstration (reportlab) : dépliants, livre, affiche."""

from .images import draw_lines, font, paper_texture, sun, wrap


def make_leaflet_pdf(path, *, title, title_bm, sections, footer, colour=(0.75, 0.25, 0.2)):
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4)
    c.setTitle(title)
    c.setAuthor("Paroles (démonstration)")
    width, height = A4
    for page_sections in (sections[:2], sections[2:]):
        c.setFillColorRGB(*colour)
        c.rect(0, height - 150, width, 150, stroke=0, fill=1)
        c.setFillColorRGB(1, 1, 1)
        c.setFont("Helvetica-Bold", 26)
        for i, line in enumerate(simpleSplit(title, "Helvetica-Bold", 26, width - 100)):
            c.drawString(50, height - 70 - i * 30, line)
        c.setFont("Helvetica-Oblique", 16)
        c.drawString(50, height - 130, title_bm)
        y = height - 200
        for heading, items in page_sections:
            c.setFillColorRGB(*colour)
            c.circle(62, y + 6, 10, stroke=0, fill=1)
            c.setFillColorRGB(0.1, 0.1, 0.1)
            c.setFont("Helvetica-Bold", 18)
            c.drawString(82, y, heading)
            y -= 30
            c.setFont("Helvetica", 13)
            for item in items:
                for j, line in enumerate(simpleSplit(item, "Helvetica", 13, width - 150)):
                    c.drawString(100, y, ("•  " if j == 0 else "   ") + line)
                    y -= 19
                y -= 6
            y -= 24
        c.setFont("Helvetica", 10)
        c.setFillColorRGB(0.35, 0.35, 0.35)
        c.drawString(50, 40, footer)
        c.showPage()
    c.save()
    return path


def make_leaflet(tmp):
    return make_leaflet_pdf(
        tmp / "depliant-hygiene-menstruelle.pdf",
        title="L'hygiène menstruelle, parlons-en",
        title_bm="Laada saniya, an ka baro kɛ",
        sections=[
            ("Les règles, c'est normal", ["Chaque mois, le corps se prépare à une grossesse possible.",
                                          "Les premières règles arrivent entre 9 et 16 ans.",
                                          "Ce n'est ni une maladie, ni une impureté, ni une honte."]),
            ("Ce qu'il faut", ["De l'eau propre et du savon.",
                               "Des serviettes, ou un pagne en coton propre, plié en plusieurs épaisseurs.",
                               "Un sac pour garder les protections propres."]),
            ("Les bons gestes", ["Changer de protection trois à quatre fois par jour.",
                                 "Laver le tissu à l'eau et au savon, le sécher au soleil.",
                                 "Se laver les mains avant et après."]),
            ("Les idées reçues", ["« Une fille qui a ses règles ne doit pas aller à l'école » : faux.",
                                  "« Il ne faut pas se laver pendant les règles » : faux, il faut se laver.",
                                  "Parlez-en à vos filles avant leurs premières règles."]),
        ],
        footer="Projet Kafamuya · dépliant de démonstration · 1 000 exemplaires distribués dans les sites de déplacés",
    )


def make_esclavage_leaflet(tmp):
    return make_leaflet_pdf(
        tmp / "depliant-personne-n-appartient-a-personne.pdf",
        title="Personne n'appartient à personne",
        title_bm="Mɔgɔ si tɛ mɔgɔ si ta ye",
        sections=[
            ("Ce que dit la loi", ["La Constitution du Mali garantit l'égalité de tous en dignité et en droits.",
                                   "Traiter quelqu'un en esclave à cause de ses ancêtres est interdit."]),
            ("Les formes de discrimination", ["Refus de la parole dans les assemblées du village.",
                                              "Refus de l'accès à la terre, au puits, au marché.",
                                              "Interdiction de mariage entre familles."]),
            ("Que faire ?", ["Noter les faits : dates, lieux, témoins.",
                             "Contacter une association de défense des droits humains.",
                             "Porter plainte : l'association peut vous accompagner."]),
            ("Ensemble", ["Les chefs coutumiers et religieux peuvent aider à la médiation.",
                          "Chacun peut refuser les mots qui humilient."]),
        ],
        footer="Projet « Combattre l'esclavage par ascendance au Mali » · document de démonstration",
        colour=(0.2, 0.45, 0.25),
    )


def make_book(tmp, settings):
    """Le livre Sira : une couverture (JPEG) et le livre (PDF)."""
    from PIL import Image, ImageDraw
    from reportlab.lib.pagesizes import A5
    from reportlab.lib.utils import ImageReader, simpleSplit
    from reportlab.pdfgen import canvas

    scale = settings.image_scale
    w, h = int(1200 * scale), int(1700 * scale)
    cover = paper_texture((w, h), (214, 120, 52), seed=3)
    draw = ImageDraw.Draw(cover)
    sun(draw, w * 0.7, h * 0.3, int(w * 0.13), (250, 210, 90))
    draw.polygon([(0, h * 0.75), (w, h * 0.62), (w, h), (0, h)], fill=(120, 60, 30))
    road = [(w * 0.35, h), (w * 0.5, h * 0.85), (w * 0.62, h * 0.72), (w * 0.66, h * 0.64)]
    draw.line(road, fill=(240, 210, 160), width=int(40 * scale), joint="curve")
    x, base, s = w * 0.42, h * 0.9, h * 0.3
    draw.ellipse((x - s * 0.07, base - s, x + s * 0.07, base - s * 0.86), fill=(30, 15, 10))
    draw.polygon([(x, base - s * 0.86), (x - s * 0.2, base), (x + s * 0.2, base)], fill=(30, 15, 10))
    draw.text((w * 0.08, h * 0.08), "Sira", font=font(int(200 * scale), "serif"), fill=(255, 248, 235))
    draw.text((w * 0.08, h * 0.22), "le chemin", font=font(int(60 * scale), "hand"), fill=(255, 235, 200))
    draw.text((w * 0.08, h * 0.95), "Projet Kafamuya", font=font(int(40 * scale), "bold"), fill=(255, 248, 235))
    cover_path = tmp / "sira-couverture.jpg"
    cover.convert("RGB").save(cover_path, "JPEG", quality=85)

    pdf_path = tmp / "sira.pdf"
    c = canvas.Canvas(str(pdf_path), pagesize=A5)
    c.setTitle("Sira")
    pw, ph = A5
    c.drawImage(ImageReader(str(cover_path)), 0, 0, pw, ph)
    c.showPage()
    pages = [
        ("1. Le départ", "Sira avait vingt ans quand elle a pris la route. Elle portait un sac, une photo de sa mère "
                         "et une promesse : revenir un jour avec de quoi construire une maison."),
        ("2. La gare routière", "À la gare routière, une femme lui a donné de l'eau et un conseil : ne jamais donner "
                                "ses papiers à quelqu'un qu'on ne connaît pas."),
        ("3. Les mains tendues", "À Bamako, Sira a rencontré les femmes de l'association. Elles l'ont écoutée sans "
                                 "la juger. Sira a compris que son histoire pouvait aider d'autres femmes."),
    ]
    for heading, text in pages:
        c.setFont("Helvetica-Bold", 16)
        c.drawString(40, ph - 70, heading)
        c.setFont("Helvetica", 12)
        y = ph - 110
        for line in simpleSplit(text, "Helvetica", 12, pw - 80):
            c.drawString(40, y, line)
            y -= 18
        c.setFont("Helvetica", 9)
        c.drawString(40, 30, "Sira · livre de démonstration (texte fictif)")
        c.showPage()
    c.save()
    return [cover_path, pdf_path]


def make_poster(tmp, settings):
    from PIL import ImageDraw

    scale = settings.image_scale
    w, h = int(1200 * scale), int(1700 * scale)
    img = paper_texture((w, h), (36, 90, 50), seed=9)
    draw = ImageDraw.Draw(img)
    for i in range(7):  # maillons brisés
        cx, cy = w * (0.2 + i * 0.1), h * 0.45 + (30 if i % 2 else -30) * scale
        if i == 3:
            continue
        draw.ellipse((cx - 70 * scale, cy - 40 * scale, cx + 70 * scale, cy + 40 * scale), outline=(235, 235, 225),
                     width=int(18 * scale))
    big = font(int(96 * scale), "serif")
    y = draw_lines(draw, (w * 0.08, h * 0.08), wrap(draw, "Personne n'appartient à personne", big, w * 0.84), big,
                   (255, 250, 235))
    draw.text((w * 0.08, y + 20 * scale), "Mɔgɔ si tɛ mɔgɔ si ta ye", font=font(int(56 * scale), "hand"),
              fill=(250, 210, 90))
    small = font(int(40 * scale))
    draw_lines(draw, (w * 0.08, h * 0.62), ["L'esclavage par ascendance est interdit.",
                                            "Victime ou témoin ? Des associations",
                                            "vous accompagnent."], small, (255, 250, 235))
    path = tmp / "affiche-personne-n-appartient-a-personne.jpg"
    img.save(path, "JPEG", quality=85)
    return path
