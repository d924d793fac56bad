"""Incrustation des sous-titres dans une version « téléphone » (640x360, H.264 ≤ 400 kb/s, AAC mono 48 kb/s).

C'est la version que les animatrices montrent sur leur téléphone et que la télévision diffuse : le
texte fait partie de l'image, lisible sur un petit écran (grande police sans empattement, contour
noir épais, marge basse). Filtre `subtitles` de ffmpeg (libass) ; police DejaVu Sans livrée avec le
produit (`paroles.fonts`, lettres bambara ɛ ɔ ɲ ŋ comprises), aucune dépendance aux polices du système.
"""

import subprocess
import tempfile
from pathlib import Path

from django.core.files import File
from django.utils.translation import gettext as _

from . import subtitles as subs
from .audio import local_copy

# Préréglage téléphone : celui des rendus de media_library (un seul réglage pour toute la plateforme).
FALLBACK_PHONE = {"max_w": 640, "max_h": 360, "crf": 24, "maxrate": "400k", "bufsize": "800k",
                  "profile": "main", "ab": "48k", "ac": 1, "x264_preset": "medium"}


def phone_preset():
    try:
        from media_library.processing.presets import get_preset

        preset = get_preset("phone", "video")
        if preset is not None:
            return {**FALLBACK_PHONE, **preset.options}
    except ImportError:  # pragma: no cover
        pass
    return dict(FALLBACK_PHONE)


# Taille relative à une hauteur de référence de 288 lignes (libass) : 20 → ~25 px en 360p.
STYLE = "FontName=DejaVu Sans,FontSize=20,Bold=1,Outline=2,Shadow=0,BorderStyle=1,MarginV=14"


class BurnError(Exception):
    pass


def fonts_dir():
    from paroles.fonts import FONTS_DIR

    return FONTS_DIR


def _escape_filter_value(value):
    return str(value).replace("\\", "\\\\").replace(":", "\\:").replace("'", "\\'").replace(",", "\\,")


def rate_args(preset):
    """Le contrôle de débit du préréglage téléphone : qualité constante (CRF) et/ou débit visé, plafond VBV."""
    args = []
    if preset.get("crf") is not None:
        args += ["-crf", str(preset["crf"])]
    if preset.get("vb"):
        args += ["-b:v", preset["vb"]]
    if preset.get("maxrate"):
        args += ["-maxrate", preset["maxrate"], "-bufsize", preset["bufsize"]]
    return args


def burn_command(src, srt_name, out, *, style=STYLE, preset=None):
    from .audio import ffmpeg_exe

    preset = preset or phone_preset()
    w, h = preset["max_w"], preset["max_h"]
    vf = (
        f"scale={w}:{h}:force_original_aspect_ratio=decrease,pad={w}:{h}:(ow-iw)/2:(oh-ih)/2,setsar=1,"
        f"subtitles=filename={srt_name}:fontsdir={_escape_filter_value(fonts_dir())}:"
        f"force_style='{style}'"
    )
    return [
        ffmpeg_exe(), "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-i", str(src),
        "-map", "0:v:0", "-map", "0:a:0?", "-vf", vf,
        "-c:v", "libx264", "-preset", preset["x264_preset"], "-profile:v", preset["profile"], "-pix_fmt", "yuv420p",
        *rate_args(preset),
        "-c:a", "aac", "-b:a", preset["ab"], "-ac", str(preset["ac"]),
        # Aucune métadonnée de l'original (lieu GPS d'un téléphone, auteur, appareil, titre, chapitres).
        "-map_metadata", "-1", "-map_chapters", "-1",
        "-movflags", "+faststart", "-progress", "pipe:1", "-nostats", str(out),
    ]


def burn_file(src, cues, out, *, on_progress=None, duration=None):
    """Incruste `cues` dans la vidéo `src` ; écrit `out`. Lève BurnError avec la raison."""
    with tempfile.TemporaryDirectory(prefix="paroles-burn-") as tmp:
        (Path(tmp) / "sub.srt").write_text(subs.to_srt(cues), encoding="utf-8")
        cmd = burn_command(Path(src).resolve(), "sub.srt", Path(out).resolve())
        proc = subprocess.Popen(cmd, cwd=tmp, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for line in proc.stdout:
            if on_progress and duration and line.startswith("out_time_us="):
                try:
                    on_progress(min(99.0, int(line.split("=", 1)[1]) / 1e6 / duration * 100))
                except ValueError:
                    pass
        err = proc.stderr.read()
        if proc.wait() != 0:
            raise BurnError(_("L'incrustation a échoué : %(e)s") % {"e": (err.strip().splitlines() or ["?"])[-1][:300]})
    return out


def burn_in(rendition):
    """Produit le fichier d'une SubtitledRendition (écrit sous un nom temporaire, publié d'un coup)."""
    from .models import SubtitledRendition

    track = rendition.track
    cues, _issues = subs.prepare_export(track.get_cues(), track.language, allow_issues=True)
    media = rendition.media_file
    try:
        src = media.file.path
        local = None
    except NotImplementedError:
        src, local = local_copy(media)

    def progress(p):
        SubtitledRendition.objects.filter(pk=rendition.pk).update(progress=round(p, 1))

    with tempfile.TemporaryDirectory(prefix="paroles-burn-out-") as tmp:
        out = Path(tmp) / "out.mp4"
        try:
            burn_file(src, cues, out, on_progress=progress, duration=media.duration)
        finally:
            if local:
                local.close()
        with open(out, "rb") as fh:
            rendition.file.save(rendition.filename, File(fh), save=False)
        rendition.size = out.stat().st_size
    rendition.status = SubtitledRendition.Status.READY
    rendition.progress = 100
    rendition.error = ""
    rendition.save()
    # Les versions plus anciennes de la même piste sont remplacées.
    for old in SubtitledRendition.objects.filter(track=track).exclude(pk=rendition.pk):
        if old.file:
            old.file.delete(save=False)
        old.delete()
    return rendition

