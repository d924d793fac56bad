"""Les vidéos de la démonstration : cartons dessinés (Pillow) montés avec la voix de référence (ffmpeg)."""

import random
import subprocess
from dataclasses import dataclass
from pathlib import Path

from media_library.processing.ffmpeg import ffmpeg_exe

from .images import draw_lines, font, sun, wrap
from .recordings import FIXTURES


# =============================================================================================
# Cartons vidéo (Pillow) et montage (ffmpeg)
# =============================================================================================


def title_card(path, size, *, title, subtitle="", kicker="", lower="", motif="figures", accent=(240, 170, 40),
               seed=0):
    """Un carton transparent posé sur une mire animée : motif, titre, sous-titre bambara, bandeau."""
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    w, h = size
    k = w / 1280
    img = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    # Un voile sombre pour la lisibilité.
    draw.rectangle((0, 0, w, h), fill=(10, 8, 6, 90))
    if motif == "figures":  # silhouettes de femmes en marche, sur l'horizon
        base = h * 0.72
        draw.rectangle((0, base, w, h), fill=(40, 25, 15, 150))
        for i in range(5):
            x = w * (0.55 + i * 0.085)
            s = h * (0.32 - i * 0.02)
            colour = (20, 12, 8, 230)
            draw.ellipse((x - s * 0.07, base - s, x + s * 0.07, base - s * 0.86), fill=colour)
            draw.polygon([(x, base - s * 0.86), (x - s * 0.2, base), (x + s * 0.2, base)], fill=colour)
            if i % 2 == 0:  # une charge sur la tête
                draw.rectangle((x - s * 0.12, base - s * 1.06, x + s * 0.12, base - s * 1.0), fill=colour)
    elif motif == "sun":
        sun(draw, w * 0.8, h * 0.35, int(h * 0.12), accent + (220,))
    elif motif == "drop":
        cx, cy, r = w * 0.8, h * 0.45, h * 0.16
        draw.ellipse((cx - r, cy - r * 0.3, cx + r, cy + r * 1.4), fill=(200, 40, 60, 220))
        draw.polygon([(cx - r * 0.94, cy + r * 0.3), (cx, cy - r * 1.4), (cx + r * 0.94, cy + r * 0.3)],
                     fill=(200, 40, 60, 220))
    elif motif == "hands":
        for i in range(6):
            cx = w * (0.66 + (i % 3) * 0.11)
            cy = h * (0.3 + (i // 3) * 0.3)
            colour = [(240, 170, 40), (200, 80, 50), (90, 150, 170)][i % 3] + (220,)
            draw.ellipse((cx - 40 * k, cy - 20 * k, cx + 40 * k, cy + 50 * k), fill=colour)
            for f in range(5):
                fx = cx - 34 * k + f * 17 * k
                draw.ellipse((fx - 8 * k, cy - 70 * k + abs(f - 2) * 10 * k, fx + 8 * k, cy), fill=colour)
    elif motif == "chain":
        for i in range(6):
            cx = w * 0.62 + i * 70 * k
            cy = h * 0.45 + (25 * k if i % 2 else -25 * k)
            draw.ellipse((cx - 50 * k, cy - 30 * k, cx + 50 * k, cy + 30 * k), outline=(230, 230, 230, 230),
                         width=int(12 * k))
        draw.line((w * 0.74, h * 0.2, w * 0.8, h * 0.7), fill=(240, 170, 40, 240), width=int(20 * k))
    elif motif == "stage":
        for i in range(3):
            x = w * (0.55 + i * 0.15)
            draw.polygon([(x, 0), (x - 120 * k, h * 0.85), (x + 120 * k, h * 0.85)], fill=(255, 240, 200, 50))
        for i in range(4):
            x = w * (0.52 + i * 0.12) + rng.uniform(-10, 10)
            s = h * 0.35
            draw.ellipse((x - s * 0.07, h * 0.85 - s, x + s * 0.07, h * 0.85 - s * 0.86), fill=(20, 10, 10, 240))
            draw.polygon([(x, h * 0.85 - s * 0.86), (x - s * 0.22, h * 0.85), (x + s * 0.22, h * 0.85)],
                         fill=[(180, 40, 60, 240), (240, 170, 40, 240), (60, 120, 170, 240), (90, 150, 70, 240)][i])
    # Textes.
    left = int(70 * k)
    y = int(h * 0.16)
    if kicker:
        draw.text((left, y), kicker.upper(), font=font(int(26 * k), "bold"), fill=accent + (255,))
        y += int(50 * k)
    title_font = font(int(68 * k), "serif")
    y = draw_lines(draw, (left, y), wrap(draw, title, title_font, w * 0.5), title_font, (255, 250, 240, 255),
                   spacing=1.15, stroke=max(1, int(2 * k)), stroke_fill=(0, 0, 0, 200))
    if subtitle:
        sub_font = font(int(34 * k), "hand")
        draw_lines(draw, (left, y + int(12 * k)), wrap(draw, subtitle, sub_font, w * 0.5), sub_font,
                   (250, 225, 170, 255), stroke=max(1, int(2 * k)), stroke_fill=(0, 0, 0, 200))
    if lower:  # bandeau : qui parle (au-dessus de la zone des sous-titres incrustés)
        box_h = int(64 * k)
        top = int(h * 0.62)
        draw.rectangle((0, top, w * 0.62, top + box_h), fill=(15, 10, 8, 200))
        draw.rectangle((0, top, int(10 * k), top + box_h), fill=accent + (255,))
        draw.text((left - int(30 * k), top + box_h // 2), lower, font=font(int(28 * k)), fill=(255, 255, 255, 255),
                  anchor="lm")
    img.save(path, "PNG")
    return path


@dataclass
class Slide:
    duration: float
    card: Path
    colours: tuple  # couleurs de la mire animée (gradients)


def render_video(out, slides, audio, *, size, fps, audio_codec="aac"):
    """Monte des cartons transparents sur des mires ffmpeg animées, et y pose la bande son."""
    w, h = size
    args, filters, labels = [], [], []
    for i, slide in enumerate(slides):
        c0, c1 = slide.colours
        args += ["-f", "lavfi", "-i",
                 f"gradients=s={w}x{h}:r={fps}:c0=0x{c0}:c1=0x{c1}:speed=0.012:duration={slide.duration:.3f}:seed={i}"]
        args += ["-loop", "1", "-framerate", str(fps), "-t", f"{slide.duration:.3f}", "-i", str(slide.card)]
        fade_out = max(0.0, slide.duration - 0.5)
        filters.append(
            f"[{2 * i}:v][{2 * i + 1}:v]overlay=format=auto,format=yuv420p,"
            f"fade=t=in:st=0:d=0.5,fade=t=out:st={fade_out:.3f}:d=0.5,setsar=1[v{i}]"
        )
        labels.append(f"[v{i}]")
    audio_index = 2 * len(slides)
    if audio:
        args += ["-i", str(audio)]
    else:
        # Pas de voix : une pulsation de percussion (aevalsrc) pour la captation de spectacle.
        total = sum(s.duration for s in slides)
        args += ["-f", "lavfi", "-i",
                 f"aevalsrc='0.6*sin(2*PI*110*t)*exp(-9*mod(t,0.5))+0.3*sin(2*PI*220*t)*exp(-14*mod(t+0.25,0.5))"
                 f"+0.15*sin(2*PI*330*t)*exp(-5*mod(t,2))':s=44100:d={total:.3f}"]
    filters.append("".join(labels) + f"concat=n={len(slides)}:v=1:a=0[v]")
    cmd = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", "-y", *args,
           "-filter_complex", ";".join(filters), "-map", "[v]", "-map", f"{audio_index}:a",
           "-c:v", "libx264", "-preset", "ultrafast", "-tune", "stillimage", "-crf", "30", "-g", str(fps * 4),
           "-pix_fmt", "yuv420p", "-c:a", audio_codec, "-b:a", "64k", "-ac", "1", "-shortest",
           "-movflags", "+faststart", "-metadata", "comment=Démonstration Paroles (média généré)", str(out)]
    subprocess.run(cmd, check=True, capture_output=True)
    return out


FILM_COLOURS = {
    "ouverture": ("3b1f12", "a4461f"),
    "depart": ("6b3a12", "d99a3b"),
    "route": ("7a4a1c", "e0b36a"),
    "faladie": ("1f3b4a", "5f8ea0"),
    "parole": ("4a1f35", "c0566e"),
    "fin": ("2b1a10", "6e3b1f"),
}

CAPSULES = {
    # clé : (sur-titre, motif, couleurs, diapositives [(première phrase, titre, sous-titre)])
    "capsule_vbg_1": ("Capsules VBG · n° 1", "hands", ("4a1f35", "b8405e"), [
        (0, "Briser le silence", "Ka makun ban"),
        (1, "Les violences basées sur le genre", "Coups, insultes, rapports forcés, mariage forcé"),
        (3, "Ce n'est jamais ta faute", "Parle à une personne de confiance"),
        (5, "72 heures", "Après un viol : au centre de santé, des soins confidentiels"),
        (6, "Tu n'es pas seule", "Les associations t'accompagnent"),
    ]),
    "capsule_vbg_2": ("Capsules VBG · n° 2", "drop", ("5a2030", "e08a7a"), [
        (0, "Les règles, ce n'est pas une honte", "Laada tɛ maloya ye"),
        (2, "Eau, savon, protections", "Changer plusieurs fois par jour"),
        (3, "Le pagne en coton", "Bien lavé, séché au soleil"),
        (4, "Elle peut aller à l'école", "Travailler, jouer, comme les autres"),
        (6, "Des kits d'hygiène", "Demandez aux animatrices du site"),
    ]),
    "capsule_vbg_3": ("Capsules VBG · n° 3", "sun", ("1f3b4a", "4f9a8a"), [
        (0, "Les mêmes droits pour tous", "An bɛɛ ye kelen ye"),
        (2, "Être soigné, être protégé, aller à l'école", "Des droits fondamentaux"),
        (3, "Refuser à cause de l'origine", "C'est de la discrimination"),
        (5, "Accueillir, écouter, orienter", ""),
    ]),
    "capsule_secured": ("Réalisation d'un collectif partenaire", "hands", ("2a2340", "6a4fa0"), [
        (0, "Notre dignité", "An ka danbe"),
        (3, "Droit aux soins et à la protection", ""),
        (5, "Notre dignité n'est pas négociable", ""),
    ]),
    "capsule_expired": ("Capsules VBG · témoignage", "figures", ("3a2a12", "c08a3a"), [
        (0, "Au marché", "Sugu la"),
        (3, "Le harcèlement est une violence", "On peut le signaler"),
        (5, "Les vendeuses rentrent ensemble", ""),
    ]),
    "esclavage_capsule": ("Nous naissons tous libres", "chain", ("1a2a1a", "5a8a4a"), [
        (0, "Nous naissons tous libres", "An bɛɛ bangera hɔrɔnya la"),
        (1, "L'esclavage par ascendance", "Parole, terre, mariage refusés"),
        (3, "La loi l'interdit", "Sous toutes ses formes"),
        (4, "Personne n'appartient à personne", "Mɔgɔ si tɛ mɔgɔ si ta ye"),
        (5, "Des associations vous accompagnent", "Devant la justice"),
    ]),
}


@dataclass
class Settings:
    quick: bool = False

    @property
    def video_size(self):
        return (426, 240) if self.quick else (640, 360)

    @property
    def fps(self):
        return 6 if self.quick else 12

    @property
    def image_scale(self):
        return 0.5 if self.quick else 1.0


def slides_from_cues(cues, duration, points, make_card):
    """Découpe la durée en diapositives qui commencent à la phrase indiquée."""
    starts = [0.0] + [cues[p[0]]["start"] - 0.2 for p in points[1:]]
    ends = starts[1:] + [duration]
    return [make_card(i, p, end - start) for i, (p, start, end) in enumerate(zip(points, starts, ends))]


def make_film(tmp, settings, manifest):
    rec = manifest["recordings"]["film_regard"]
    size = settings.video_size
    slides = []
    for i, chapter in enumerate(rec["chapters"]):
        if chapter["key"] == "ouverture":
            title, subtitle, kicker, motif = "r/Egard", "Filɛli · des femmes racontent leur route", "Un film", "figures"
        elif chapter["key"] == "fin":
            title, subtitle, kicker, motif = ("Merci à elles", "Réalisé avec des femmes migrantes, réfugiées et "
                                              "déplacées, à Bamako et Mopti", "r/Egard", "sun")
        else:
            title, subtitle, kicker, motif = chapter["title"], "", f"r/Egard · chapitre {i}", "figures"
        card = title_card(tmp / f"film_{i}.png", size, title=title, subtitle=subtitle, kicker=kicker,
                          lower=chapter["speaker"] + (" (pseudonyme)" if chapter["speaker"] else ""), motif=motif,
                          seed=i)
        slides.append(Slide(chapter["end"] - chapter["start"], card, FILM_COLOURS[chapter["key"]]))
    return render_video(tmp / "r-egard.mp4", slides, FIXTURES / "film_regard.opus", size=size, fps=settings.fps)


def make_capsule(key, tmp, settings, manifest):
    rec = manifest["recordings"][key]
    kicker, motif, colours, points = CAPSULES[key]
    size = settings.video_size

    def card(i, point, duration):
        _, title, subtitle = point
        path = title_card(tmp / f"{key}_{i}.png", size, title=title, subtitle=subtitle, kicker=kicker, motif=motif,
                          seed=i)
        return Slide(duration, path, colours if i % 2 == 0 else (colours[1], colours[0]))

    slides = slides_from_cues(rec["cues"], rec["duration"], points, card)
    return render_video(tmp / f"{key.replace('_', '-')}.mp4", slides, FIXTURES / f"{key}.opus", size=size,
                        fps=settings.fps)


def make_performance(tmp, settings):
    size = settings.video_size
    slides = [
        Slide(12.0, title_card(tmp / "perf_0.png", size, title="Mussow Lakana", subtitle="Cris du cœur",
                               kicker="Captation · musée du district de Bamako", motif="stage", seed=1),
              ("2a0a10", "8a2030")),
        Slide(14.0, title_card(tmp / "perf_1.png", size, title="La colère des femmes", subtitle="Musow ka dimi",
                               kicker="Mussow Lakana", motif="stage", seed=2), ("3a1a08", "b0601a")),
        Slide(10.0, title_card(tmp / "perf_2.png", size, title="Debout, ensemble", kicker="Mussow Lakana",
                               motif="stage", seed=3), ("10182a", "3a5a8a")),
    ]
    return render_video(tmp / "mussow-lakana-extrait.mp4", slides, None, size=size, fps=settings.fps)
