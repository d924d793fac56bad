"""Fabrique de petits médias réels (ffmpeg du paquet imageio-ffmpeg, Pillow), pour les tests, la
démonstration et les bancs d'essai. Aucun paquet système n'est nécessaire."""

import subprocess
from pathlib import Path


def ffmpeg_exe():
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def run_ffmpeg(*args):
    cmd = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", "-y", *map(str, args)]
    subprocess.run(cmd, check=True, capture_output=True)


def make_video(path, seconds=2, size="320x240", rate=25, audio=True, faststart=True, pattern="testsrc2", freq=440):
    path = Path(path)
    args = ["-f", "lavfi", "-i", f"{pattern}=size={size}:rate={rate}:duration={seconds}"]
    if audio:
        args += ["-f", "lavfi", "-i", f"sine=frequency={freq}:duration={seconds}"]
    args += ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]
    if audio:
        args += ["-c:a", "aac", "-b:a", "64k", "-shortest"]
    if faststart:
        args += ["-movflags", "+faststart"]
    run_ffmpeg(*args, path)
    return path


def make_audio(path, seconds=2, freq=330, codec=None):
    path = Path(path)
    ext = path.suffix.lower()
    codec_args = {
        ".mp3": ["-c:a", "libmp3lame", "-b:a", "64k"],
        ".m4a": ["-c:a", "aac", "-b:a", "64k"],
        ".wav": ["-c:a", "pcm_s16le"],
        ".ogg": ["-c:a", "libopus", "-b:a", "48k"],
        ".opus": ["-c:a", "libopus", "-b:a", "48k"],
    }.get(ext, ["-c:a", "aac"])
    run_ffmpeg("-f", "lavfi", "-i", f"sine=frequency={freq}:duration={seconds}", *codec_args, path)
    return path


def make_image(path, size=(640, 480), color=(180, 90, 40), text=None):
    from PIL import Image, ImageDraw

    path = Path(path)
    img = Image.new("RGB", size, color)
    draw = ImageDraw.Draw(img)
    w, h = size
    draw.ellipse((w * 0.3, h * 0.1, w * 0.7, h * 0.5), outline=(255, 255, 255), width=max(2, w // 100))
    draw.rectangle((w * 0.35, h * 0.5, w * 0.65, h * 0.95), outline=(255, 255, 255), width=max(2, w // 100))
    if text:
        draw.text((10, 10), text, fill=(255, 255, 255))
    fmt = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".tif": "TIFF", ".tiff": "TIFF", ".webp": "WEBP"}[
        path.suffix.lower()
    ]
    img.save(path, fmt)
    return path


def make_pdf(path, title="Document", pages=1):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    path = Path(path)
    c = canvas.Canvas(str(path), pagesize=A4)
    for i in range(pages):
        c.setFont("Helvetica-Bold", 24)
        c.drawString(72, 760, title)
        c.setFont("Helvetica", 12)
        c.drawString(72, 730, f"Page {i + 1}")
        c.showPage()
    c.save()
    return path


def release_link(work, channel, *, recipient="Journaliste d'essai", days=1):
    """Un lien presse/diffusion actif pour `work` (créé directement : la porte doit décider seule)."""
    import datetime

    from django.utils import timezone

    from .models import ReleaseLink

    return ReleaseLink.objects.create(work=work, channel=str(channel), recipient=recipient,
                                      expires_at=timezone.now() + datetime.timedelta(days=days))


def surface_url(obj, work, channel):
    """L'adresse qu'émettrait la surface qui sert `channel` : un lien remis pour la presse et la diffusion,
    un jeton signé pour les autres canaux, l'adresse nue pour le site web."""
    from .links import LINK_ONLY

    from consent.channels import Channel

    if Channel(channel) in LINK_ONLY:
        return obj.get_serve_url(channel, link=release_link(work, channel))
    return obj.get_serve_url(channel)
