"""Les images de la démonstration, dessinées avec Pillow : body maps, photos Photo Voice, dessins d'enfants."""

import math
import random
import threading
from pathlib import Path


# =============================================================================================
# Dessin (Pillow)
# =============================================================================================

FONT_FILES = {
    "sans": ["dejavu/DejaVuSans.ttf", "liberation/LiberationSans-Regular.ttf", "freefont/FreeSans.ttf"],
    "bold": ["dejavu/DejaVuSans-Bold.ttf", "liberation/LiberationSans-Bold.ttf", "freefont/FreeSansBold.ttf"],
    "serif": ["dejavu/DejaVuSerif-Bold.ttf", "liberation/LiberationSerif-Bold.ttf", "freefont/FreeSerifBold.ttf"],
    "hand": ["dejavu/DejaVuSans-BoldOblique.ttf", "liberation/LiberationSans-BoldItalic.ttf",
             "freefont/FreeSansBoldOblique.ttf"],
}
_font_cache = {}


def font(size, style="sans"):
    """Une police TrueType du système si elle existe, sinon la police vectorielle intégrée à Pillow."""
    from PIL import ImageFont

    key = (size, style, threading.get_ident())  # une police par fil : FreeType n'est pas partagé
    if key not in _font_cache:
        for rel in FONT_FILES[style]:
            path = Path("/usr/share/fonts/truetype") / rel
            if path.exists():
                _font_cache[key] = ImageFont.truetype(str(path), size)
                break
        else:
            _font_cache[key] = ImageFont.load_default(size)
    return _font_cache[key]


def wrap(draw, text, fnt, width):
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if draw.textlength(candidate, font=fnt) <= width or not line:
            line = candidate
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines


def draw_lines(draw, xy, lines, fnt, fill, spacing=1.25, anchor="la", stroke=0, stroke_fill=None):
    x, y = xy
    step = int(fnt.size * spacing)
    for line in lines:
        draw.text((x, y), line, font=fnt, fill=fill, anchor=anchor, stroke_width=stroke, stroke_fill=stroke_fill)
        y += step
    return y


def paper_texture(size, base, sigma=18, seed=0):
    """Un fond de toile ou de papier : une couleur unie et un grain de bruit gaussien."""
    from PIL import Image

    noise = Image.effect_noise(size, sigma).convert("RGB")
    plain = Image.new("RGB", size, base)
    return Image.blend(plain, noise, 0.12)


def rotated_text(img, xy, text, fnt, fill, angle):
    from PIL import Image, ImageDraw

    w = int(ImageDraw.Draw(img).textlength(text, font=fnt)) + 20
    h = int(fnt.size * 1.5)
    layer = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    ImageDraw.Draw(layer).text((10, h // 2), text, font=fnt, fill=fill, anchor="lm")
    layer = layer.rotate(angle, expand=True, resample=Image.BICUBIC)
    img.paste(layer, (int(xy[0] - layer.width / 2), int(xy[1] - layer.height / 2)), layer)


def heart(draw, cx, cy, r, fill, outline=None, width=4):
    draw.ellipse((cx - r, cy - r * 0.8, cx, cy + r * 0.2), fill=fill, outline=outline, width=width)
    draw.ellipse((cx, cy - r * 0.8, cx + r, cy + r * 0.2), fill=fill, outline=outline, width=width)
    draw.polygon([(cx - r * 0.97, cy - r * 0.15), (cx + r * 0.97, cy - r * 0.15), (cx, cy + r * 1.1)], fill=fill)


def sun(draw, cx, cy, r, fill, rays=12):
    for i in range(rays):
        a = 2 * math.pi * i / rays
        draw.line((cx + math.cos(a) * r * 1.2, cy + math.sin(a) * r * 1.2,
                   cx + math.cos(a) * r * 1.8, cy + math.sin(a) * r * 1.8), fill=fill, width=max(3, int(r // 8)))
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=fill)


PALETTES = {
    "ocre": {"ground": (226, 196, 150), "body": (160, 62, 38), "line": (45, 28, 20), "accent": (232, 170, 40),
             "cool": (40, 96, 140), "leaf": (70, 120, 60), "words": (60, 30, 20)},
    "indigo": {"ground": (236, 222, 196), "body": (46, 58, 120), "line": (20, 20, 40), "accent": (240, 150, 40),
               "cool": (90, 160, 180), "leaf": (90, 140, 60), "words": (30, 30, 70)},
    "rouge": {"ground": (214, 178, 140), "body": (150, 30, 50), "line": (40, 10, 10), "accent": (250, 200, 70),
              "cool": (50, 80, 130), "leaf": (60, 110, 70), "words": (70, 20, 20)},
}


def body_outline(w, h, arms_up=False):
    """Les points d'une silhouette humaine debout, de face, à l'échelle de la toile."""
    cx = w / 2
    sh_y, hip_y, foot_y = h * 0.22, h * 0.55, h * 0.95
    sh, waist, hip = w * 0.19, w * 0.12, w * 0.16
    hand_y = h * 0.08 if arms_up else h * 0.56
    hand_x = w * 0.42 if arms_up else w * 0.40
    pts = [
        (cx - w * 0.04, h * 0.17), (cx - sh, sh_y), (cx - hand_x, hand_y - h * 0.02),
        (cx - hand_x - w * 0.05, hand_y + h * 0.02), (cx - sh - w * 0.02, sh_y + h * 0.1),
        (cx - waist, h * 0.40), (cx - hip, hip_y), (cx - w * 0.15, foot_y - h * 0.02),
        (cx - w * 0.2, foot_y), (cx - w * 0.06, foot_y), (cx - w * 0.03, h * 0.62), (cx, h * 0.6),
    ]
    right = [(2 * cx - x, y) for x, y in reversed(pts)]
    return pts + right


def draw_body_map(path, *, seed, palette, words, author, arms_up=True, size=(1400, 2100)):
    """Une body map : la silhouette tracée grandeur nature, remplie de symboles et de mots du parcours."""
    from PIL import Image, ImageDraw, ImageFilter

    rng = random.Random(seed)
    pal = PALETTES[palette]
    w, h = size
    img = paper_texture(size, pal["ground"], seed=seed).convert("RGBA")
    draw = ImageDraw.Draw(img)
    # Taches de peinture autour du corps (un seul calque, flouté une fois).
    blots = Image.new("RGBA", size, (0, 0, 0, 0))
    blot_draw = ImageDraw.Draw(blots)
    for _ in range(26):
        x, y, r = rng.randint(0, w), rng.randint(0, h), rng.randint(w // 40, w // 12)
        colour = rng.choice([pal["accent"], pal["cool"], pal["leaf"], pal["body"]]) + (70,)
        blot_draw.ellipse((x - r, y - r * 0.8, x + r, y + r * 0.8), fill=colour)
    img = Image.alpha_composite(img, blots.filter(ImageFilter.GaussianBlur(w / 120)))
    draw = ImageDraw.Draw(img)
    outline = body_outline(w, h, arms_up=arms_up)
    head_r = w * 0.075
    cx = w / 2
    # Le corps, peint, puis le trait du contour (comme au marqueur sur la toile).
    draw.polygon(outline, fill=pal["body"] + (235,))
    draw.ellipse((cx - head_r, h * 0.17 - 2.1 * head_r, cx + head_r, h * 0.17 - 0.05 * head_r), fill=pal["body"] + (235,))
    # Coups de pinceau dans le corps : la peinture n'est jamais uniforme.
    strokes = Image.new("RGBA", size, (0, 0, 0, 0))
    stroke_draw = ImageDraw.Draw(strokes)
    for _ in range(240):
        x, y = rng.uniform(w * 0.1, w * 0.9), rng.uniform(h * 0.05, h * 0.95)
        length, angle = rng.uniform(w * 0.03, w * 0.09), rng.uniform(-0.6, 0.6)
        shade = tuple(max(0, min(255, c + rng.randint(-35, 35))) for c in pal["body"])
        stroke_draw.line((x, y, x + length * math.cos(angle), y + length * math.sin(angle)), fill=shade + (120,),
                         width=rng.randint(8, 22))
    mask = Image.new("L", size, 0)
    ImageDraw.Draw(mask).polygon(outline, fill=255)
    ImageDraw.Draw(mask).ellipse((cx - head_r, h * 0.17 - 2.1 * head_r, cx + head_r, h * 0.17 - 0.05 * head_r), fill=255)
    img = Image.alpha_composite(img, Image.composite(strokes, Image.new("RGBA", size), mask))
    draw = ImageDraw.Draw(img)
    draw.line(outline + [outline[0]], fill=pal["line"], width=9, joint="curve")
    draw.ellipse((cx - head_r, h * 0.17 - 2.1 * head_r, cx + head_r, h * 0.17 - 0.05 * head_r),
                 outline=pal["line"], width=9)
    # Motif de pagne sur le buste.
    for _ in range(60):
        x = rng.uniform(cx - w * 0.1, cx + w * 0.1)
        y = rng.uniform(h * 0.25, h * 0.5)
        r = rng.uniform(6, 16)
        draw.ellipse((x - r, y - r, x + r, y + r), outline=pal["accent"], width=4)
    # Le cœur, et la route en pointillés qui monte des pieds au cœur.
    heart(draw, cx + w * 0.04, h * 0.3, w * 0.06, (205, 40, 45), outline=pal["line"], width=5)
    path_pts = [(cx - w * 0.12, h * 0.94), (cx - w * 0.05, h * 0.8), (cx + w * 0.04, h * 0.7),
                (cx - w * 0.04, h * 0.55), (cx + w * 0.03, h * 0.42), (cx + w * 0.04, h * 0.33)]
    for (x0, y0), (x1, y1) in zip(path_pts, path_pts[1:]):
        steps = 14
        for i in range(0, steps, 2):
            t0, t1 = i / steps, (i + 1) / steps
            draw.line((x0 + (x1 - x0) * t0, y0 + (y1 - y0) * t0, x0 + (x1 - x0) * t1, y0 + (y1 - y0) * t1),
                      fill=(250, 240, 220), width=10)
    # Le soleil, une rivière, des étoiles, des traces de pas, des mains.
    sun(draw, w * 0.15, h * 0.07, w * 0.05, pal["accent"])
    for k in range(4):
        y = h * 0.82 + k * 18
        draw.line([(x, y + 12 * math.sin(x / 40 + k)) for x in range(int(w * 0.62), int(w * 0.97), 8)],
                  fill=pal["cool"], width=6)
    for _ in range(9):
        x, y = rng.uniform(w * 0.65, w * 0.95), rng.uniform(h * 0.03, h * 0.2)
        r = rng.uniform(8, 18)
        draw.polygon([(x, y - r), (x + r * 0.3, y - r * 0.3), (x + r, y), (x + r * 0.3, y + r * 0.3), (x, y + r),
                      (x - r * 0.3, y + r * 0.3), (x - r, y), (x - r * 0.3, y - r * 0.3)], fill=(250, 245, 230))
    for i in range(7):
        x, y = w * 0.08 + i * w * 0.05, h * 0.985 - (i % 2) * 30
        draw.ellipse((x - 14, y - 24, x + 14, y + 10), fill=pal["line"])
    hand_y = h * 0.08 if arms_up else h * 0.56
    for side in (-1, 1):
        hx = cx + side * (w * 0.42 if arms_up else w * 0.40) + side * 10
        draw.ellipse((hx - 34, hand_y - 20, hx + 34, hand_y + 40), fill=pal["accent"], outline=pal["line"], width=4)
        for f in range(5):
            fx = hx - 30 + f * 15
            draw.ellipse((fx - 7, hand_y - 55 + abs(f - 2) * 8, fx + 7, hand_y - 5), fill=pal["accent"],
                         outline=pal["line"], width=3)
    # Un arbre (le village) et une maison (l'espoir).
    tx, ty = w * 0.86, h * 0.55
    draw.rectangle((tx - 10, ty, tx + 10, ty + h * 0.1), fill=(110, 70, 40))
    draw.ellipse((tx - 80, ty - 110, tx + 80, ty + 20), fill=pal["leaf"])
    hx, hy = w * 0.13, h * 0.55
    draw.rectangle((hx - 70, hy, hx + 70, hy + 100), fill=(190, 120, 70), outline=pal["line"], width=4)
    draw.polygon([(hx - 90, hy), (hx, hy - 80), (hx + 90, hy)], fill=(120, 80, 50), outline=pal["line"])
    draw.rectangle((hx - 18, hy + 40, hx + 18, hy + 100), fill=pal["line"])
    # Les mots du parcours, peints autour du corps.
    spots = [(w * 0.2, h * 0.3), (w * 0.8, h * 0.3), (w * 0.18, h * 0.72), (w * 0.82, h * 0.72),
             (w * 0.5, h * 0.64), (w * 0.78, h * 0.45), (w * 0.22, h * 0.45), (w * 0.55, h * 0.06)]
    for word, (x, y) in zip(words, spots):
        colour = (250, 240, 220) if abs(x - cx) < w * 0.1 else pal["words"]
        rotated_text(img, (x, y), word, font(int(w * 0.042), "hand"), colour, rng.uniform(-18, 18))
    draw = ImageDraw.Draw(img)
    draw.text((w * 0.96, h * 0.975), author, font=font(int(w * 0.03), "hand"), fill=pal["line"], anchor="rs")
    img = img.convert("RGB").filter(ImageFilter.SMOOTH)
    img.save(path, "JPEG", quality=86, optimize=True)
    return path


def photo_finish(img, seed):
    """Donne à un dessin l'aspect d'une photo de téléphone : léger flou, grain, vignettage."""
    from PIL import Image, ImageDraw, ImageFilter

    img = img.filter(ImageFilter.GaussianBlur(1.2))
    noise = Image.effect_noise(img.size, 30).convert("RGB")
    img = Image.blend(img, noise, 0.06)
    w, h = img.size
    mask = Image.new("L", img.size, 0)
    ImageDraw.Draw(mask).ellipse((-w * 0.25, -h * 0.3, w * 1.25, h * 1.3), fill=255)
    mask = mask.filter(ImageFilter.GaussianBlur(w / 10))
    dark = Image.new("RGB", img.size, (20, 15, 10))
    return Image.composite(img, dark, mask)


def sky_and_ground(draw, w, h, horizon, sky=((120, 170, 215), (230, 220, 200)), ground=(190, 150, 105)):
    for y in range(horizon):
        t = y / horizon
        colour = tuple(int(sky[0][i] + (sky[1][i] - sky[0][i]) * t) for i in range(3))
        draw.line((0, y, w, y), fill=colour)
    for y in range(horizon, h):
        t = (y - horizon) / (h - horizon)
        colour = tuple(int(ground[i] * (0.92 + 0.12 * t)) for i in range(3))
        draw.line((0, y, w, y), fill=colour)


def tent(draw, x, y, s, colour=(225, 225, 215), line=(120, 120, 120)):
    draw.polygon([(x - s, y), (x, y - s * 0.8), (x + s, y)], fill=colour, outline=line)
    draw.polygon([(x - s * 0.18, y), (x, y - s * 0.55), (x + s * 0.18, y)], fill=(60, 55, 50))


def child(draw, x, y, s, shirt, skin=(92, 60, 40)):
    draw.ellipse((x - s * 0.12, y - s, x + s * 0.12, y - s * 0.76), fill=skin)
    draw.rounded_rectangle((x - s * 0.16, y - s * 0.76, x + s * 0.16, y - s * 0.35), radius=int(s * 0.05), fill=shirt)
    draw.rectangle((x - s * 0.13, y - s * 0.36, x - s * 0.03, y), fill=skin)
    draw.rectangle((x + s * 0.03, y - s * 0.36, x + s * 0.13, y), fill=skin)


def draw_photo(path, scene, seed, size=(1600, 1200)):
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    w, h = size
    img = Image.new("RGB", size)
    draw = ImageDraw.Draw(img)
    if scene == "water":
        sky_and_ground(draw, w, h, int(h * 0.42))
        for i in range(7):
            tent(draw, 120 + i * 240, int(h * 0.44), 130, colour=rng.choice([(230, 230, 222), (200, 210, 225)]))
        # Le point d'eau : un muret de béton, un tuyau, un robinet.
        draw.rectangle((w * 0.62, h * 0.48, w * 0.8, h * 0.75), fill=(165, 160, 150), outline=(110, 105, 100), width=4)
        draw.rectangle((w * 0.69, h * 0.36, w * 0.71, h * 0.52), fill=(90, 110, 130))
        draw.rectangle((w * 0.66, h * 0.36, w * 0.71, h * 0.38), fill=(90, 110, 130))
        draw.ellipse((w * 0.65, h * 0.38, w * 0.67, h * 0.4), fill=(150, 170, 200))
        draw.ellipse((w * 0.56, h * 0.84, w * 0.9, h * 0.92), fill=(120, 100, 80))
        colours = [(240, 200, 30), (30, 110, 200), (40, 160, 80), (230, 90, 40), (240, 200, 30), (200, 40, 60)]
        for i, c in enumerate(colours):  # la file de bidons
            x = w * 0.58 - i * 95
            draw.rounded_rectangle((x - 45, h * 0.7, x + 45, h * 0.86), radius=14, fill=c, outline=(60, 60, 60))
            draw.rectangle((x - 12, h * 0.68, x + 12, h * 0.7), fill=(50, 50, 50))
        for i, c in enumerate([(200, 60, 120), (60, 160, 170), (220, 160, 40)]):
            child(draw, w * 0.08 + i * 130, h * 0.9, 330 - i * 30, c)
    elif scene == "tent":
        sky_and_ground(draw, w, h, int(h * 0.38), sky=((110, 120, 135), (175, 175, 170)), ground=(120, 100, 80))
        draw.polygon([(w * 0.12, h * 0.78), (w * 0.5, h * 0.2), (w * 0.9, h * 0.78)], fill=(215, 220, 225),
                     outline=(120, 120, 120))
        for _ in range(8):  # rapiéçages
            x, y = rng.uniform(w * 0.3, w * 0.7), rng.uniform(h * 0.4, h * 0.7)
            draw.rectangle((x, y, x + rng.uniform(60, 140), y + rng.uniform(40, 90)),
                           fill=rng.choice([(60, 110, 170), (180, 170, 140), (200, 80, 60)]))
        draw.polygon([(w * 0.42, h * 0.78), (w * 0.5, h * 0.45), (w * 0.58, h * 0.78)], fill=(40, 35, 30))
        for x in (w * 0.1, w * 0.92):
            draw.line((w * 0.5, h * 0.2, x, h * 0.86), fill=(150, 130, 90), width=4)
        draw.ellipse((w * 0.05, h * 0.82, w * 0.75, h * 0.97), fill=(95, 110, 125))  # flaque
        for _ in range(12):
            x, y = rng.uniform(w * 0.1, w * 0.7), rng.uniform(h * 0.84, h * 0.95)
            draw.ellipse((x - 30, y - 6, x + 30, y + 6), outline=(150, 165, 180), width=3)
        for _ in range(220):  # pluie
            x, y = rng.uniform(0, w), rng.uniform(0, h * 0.8)
            draw.line((x, y, x - 8, y + 40), fill=(200, 205, 215), width=2)
        for i in range(5):
            draw.ellipse((w * 0.78 + i * 40, h * 0.86, w * 0.78 + i * 40 + 60, h * 0.92), fill=(130, 125, 115))
    elif scene == "desk":
        draw.rectangle((0, 0, w, h), fill=(150, 105, 65))
        for y in range(0, h, 9):  # veinure du bois
            draw.line([(x, y + 5 * math.sin(x / 90 + y / 50)) for x in range(0, w, 20)], fill=(135, 92, 55), width=2)
        draw.polygon([(w * 0.2, h * 0.15), (w * 0.8, h * 0.1), (w * 0.85, h * 0.85), (w * 0.18, h * 0.9)],
                     fill=(245, 242, 230))
        draw.line((w * 0.5, h * 0.125, w * 0.51, h * 0.875), fill=(180, 170, 160), width=6)
        hand = font(40, "hand")
        lines = ["Ma maison", "Mon village s'appelle", "Dinangourou.", "Ma mère fait le", "beurre de karité.",
                 "2 + 3 = 5"]
        for i in range(14):
            y = h * 0.2 + i * 46
            draw.line((w * 0.22, y, w * 0.49, y - 4), fill=(170, 190, 220), width=2)
            draw.line((w * 0.52, y - 6, w * 0.83, y - 10), fill=(170, 190, 220), width=2)
        for i, line in enumerate(lines):
            draw.text((w * 0.24, h * 0.2 + i * 92 - 40), line, font=hand, fill=(40, 60, 140))
        # Un dessin de maison sur la page de droite.
        draw.rectangle((w * 0.58, h * 0.45, w * 0.76, h * 0.65), outline=(200, 60, 40), width=6)
        draw.line((w * 0.56, h * 0.46, w * 0.67, h * 0.32, w * 0.78, h * 0.46), fill=(200, 60, 40), width=6)
        draw.line((w * 0.3, h * 0.95, w * 0.62, h * 0.72), fill=(240, 190, 30), width=22)  # crayon
        draw.polygon([(w * 0.62, h * 0.72), (w * 0.645, h * 0.7), (w * 0.635, h * 0.735)], fill=(230, 200, 160))
    elif scene == "shop":
        sky_and_ground(draw, w, h, int(h * 0.3), ground=(170, 140, 110))
        draw.rectangle((w * 0.1, h * 0.18, w * 0.9, h * 0.9), fill=(60, 120, 160))
        draw.rectangle((w * 0.15, h * 0.28, w * 0.85, h * 0.88), fill=(50, 40, 35))
        draw.rectangle((w * 0.08, h * 0.14, w * 0.92, h * 0.22), fill=(230, 90, 40))
        draw.text((w * 0.5, h * 0.18), "ALIMENTATION  LA PAIX", font=font(64, "bold"), fill=(255, 245, 220), anchor="mm")
        for row in range(4):  # étagères
            y = h * 0.38 + row * h * 0.13
            draw.rectangle((w * 0.17, y, w * 0.83, y + 10), fill=(150, 110, 70))
            for i in range(12):
                x = w * 0.19 + i * w * 0.053
                c = rng.choice([(240, 200, 30), (30, 110, 200), (220, 60, 50), (240, 240, 235), (40, 160, 80)])
                draw.rounded_rectangle((x, y - 80 + rng.randint(0, 30), x + 50, y), radius=8, fill=c)
        child(draw, w * 0.7, h * 0.95, 520, (230, 230, 220))
    img = photo_finish(img, seed)
    img.save(path, "JPEG", quality=85, optimize=True)
    return path


def draw_children_drawing(path, seed=5, size=(1500, 1100)):
    """Un dessin d'enfant au crayon de couleur : traits tremblés sur papier blanc."""
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    w, h = size
    img = paper_texture(size, (248, 246, 238), sigma=10, seed=seed)
    draw = ImageDraw.Draw(img)

    def crayon(points, colour, width=9, passes=3):
        for _ in range(passes):
            jitter = [(x + rng.uniform(-4, 4), y + rng.uniform(-4, 4)) for x, y in points]
            draw.line(jitter, fill=colour, width=width, joint="curve")

    def scribble(box, colour, density=40):
        x0, y0, x1, y1 = box
        for i in range(density):
            t = i / density
            draw.line((x0 + (x1 - x0) * t + rng.uniform(-6, 6), y0, x0 + (x1 - x0) * t + rng.uniform(-6, 6) - 30, y1),
                      fill=colour, width=6)

    crayon([(0, h * 0.78), (w, h * 0.76)], (60, 150, 60), 12)
    scribble((0, h * 0.79, w, h), (110, 180, 90), 90)
    sun_c = (250, 200, 20)
    draw.ellipse((w * 0.78, h * 0.06, w * 0.93, h * 0.26), fill=sun_c)
    for i in range(10):
        a = 2 * math.pi * i / 10
        crayon([(w * 0.855 + math.cos(a) * 130, h * 0.16 + math.sin(a) * 130),
                (w * 0.855 + math.cos(a) * 200, h * 0.16 + math.sin(a) * 200)], sun_c, 8, 2)
    scribble((w * 0.08, h * 0.4, w * 0.38, h * 0.76), (220, 120, 60), 50)
    crayon([(w * 0.08, h * 0.4), (w * 0.38, h * 0.4), (w * 0.38, h * 0.76), (w * 0.08, h * 0.76), (w * 0.08, h * 0.4)],
           (120, 60, 30))
    crayon([(w * 0.05, h * 0.42), (w * 0.23, h * 0.22), (w * 0.41, h * 0.42)], (180, 40, 40), 12)
    draw.rectangle((w * 0.2, h * 0.58, w * 0.27, h * 0.76), fill=(90, 50, 30))
    figures = [(w * 0.52, 1.0, (220, 50, 120), "MAMAN"), (w * 0.66, 0.9, (40, 90, 200), "PAPA"),
               (w * 0.78, 0.62, (240, 150, 20), "MOI"), (w * 0.88, 0.5, (130, 60, 180), "AWA")]
    for x, s, colour, name in figures:
        top = h * 0.78 - 420 * s
        draw.ellipse((x - 45 * s, top, x + 45 * s, top + 90 * s), outline=(60, 40, 30), width=7)
        draw.ellipse((x - 18 * s, top + 30 * s, x - 8 * s, top + 40 * s), fill=(30, 30, 30))
        draw.ellipse((x + 8 * s, top + 30 * s, x + 18 * s, top + 40 * s), fill=(30, 30, 30))
        draw.arc((x - 22 * s, top + 40 * s, x + 22 * s, top + 72 * s), 20, 160, fill=(200, 30, 30), width=5)
        draw.polygon([(x, top + 90 * s), (x - 90 * s, top + 300 * s), (x + 90 * s, top + 300 * s)], fill=colour)
        crayon([(x - 40 * s, top + 300 * s), (x - 50 * s, h * 0.78)], (60, 40, 30), 8, 2)
        crayon([(x + 40 * s, top + 300 * s), (x + 50 * s, h * 0.78)], (60, 40, 30), 8, 2)
        crayon([(x - 20 * s, top + 140 * s), (x - 120 * s, top + 200 * s)], (60, 40, 30), 8, 2)
        crayon([(x + 20 * s, top + 140 * s), (x + 120 * s, top + 200 * s)], (60, 40, 30), 8, 2)
        draw.text((x, top - 20), name, font=font(int(44 * max(s, 0.7)), "hand"), fill=colour, anchor="ms")
    draw.text((w * 0.06, h * 0.12), "MA FAMILLE", font=font(90, "hand"), fill=(40, 60, 160))
    img.save(path, "JPEG", quality=88)
    return path
