"""Une fonction par type de rendu. Chacune écrit dans `workdir` (dossier temporaire du travail) et
renvoie un `Output` ; la publication dans le stockage se fait ailleurs (jobs.publish_rendition).

Aucune ne lit le média en mémoire : ffmpeg lit l'original par son chemin ; la forme d'onde est
calculée en flux (échantillons lus par blocs de 64 Kio, O(largeur) en mémoire).
"""

import subprocess
from pathlib import Path

from django.utils.translation import gettext as _

from . import ffmpeg
from .ffmpeg import ProcessingError
from .iiif import iiif_tiles
from .outputs import DamagedSourceError, Output


def fmt_time(seconds):
    from ..models import format_timecode

    return format_timecode(seconds)


def probe_output(path):
    """(durée, largeur, hauteur) d'un fichier produit, via PyAV (en-tête seulement)."""
    import av

    try:
        with av.open(str(path)) as container:
            duration = container.duration / 1_000_000 if container.duration else None
            width = height = None
            for stream in container.streams.video:
                width, height = stream.codec_context.width, stream.codec_context.height
                break
            return duration, width, height
    except Exception as exc:  # noqa: BLE001
        raise ProcessingError(_("Le fichier produit est illisible : %(err)s") % {"err": str(exc)[:200]}) from exc


def _check_complete(path, expected, label):
    """Un original coupé ou endommagé donne un rendu plus court que prévu : c'est un échec, pas un rendu."""
    duration, width, height = probe_output(path)
    if expected and (duration is None or duration < expected * 0.95 - 0.5):
        raise DamagedSourceError(
            _("Rendu « %(label)s » incomplet : la lecture de l'original s'est arrêtée à %(got)s sur %(total)s. "
              "L'original est probablement endommagé ou tronqué ; il est conservé tel quel. Renvoyez un "
              "fichier complet, puis relancez le travail.")
            % {"label": label, "got": fmt_time(duration or 0), "total": fmt_time(expected)}
        )
    return duration, width, height


def scale_filter(max_w, max_h):
    """Tient dans max_w x max_h (ou max_h x max_w pour une vidéo portrait), sans agrandir, dimensions paires.

    La rotation du téléphone est appliquée avant (ffmpeg tourne l'image selon la matrice d'affichage),
    donc `iw`/`ih` sont les dimensions affichées.
    """
    return (
        f"scale=w='min(iw,if(gte(iw,ih),{max_w},{max_h}))':h='min(ih,if(gte(iw,ih),{max_h},{max_w}))'"
        ":force_original_aspect_ratio=decrease:force_divisible_by=2,setsar=1,format=yuv420p"
    )


def _input(src, start=None, end=None):
    """Arguments d'entrée : `-ss` et `-t` avant `-i` (recherche rapide, durée de l'extrait)."""
    args = []
    if start:
        args += ["-ss", f"{start:.3f}"]
    if end is not None:
        args += ["-t", f"{end - (start or 0):.3f}"]
    return [*args, "-i", str(src)]


# Pas de métadonnées de l'original (lieu GPS d'un téléphone, nom de l'appareil…), ni sous-titres ni données.
STRIP = ["-map_metadata", "-1", "-map_chapters", "-1", "-sn", "-dn"]


def video_command(src, dst, opts, *, start=None, end=None):
    args = [
        "-vf", scale_filter(opts["max_w"], opts["max_h"]),
        "-c:v", opts["vcodec"], "-preset", opts["x264_preset"], "-profile:v", opts["profile"],
        "-level", str(opts["level"]),
    ]
    if opts.get("crf") is not None:
        args += ["-crf", str(opts["crf"])]
    if opts.get("vb"):
        args += ["-b:v", opts["vb"]]
    if opts.get("maxrate"):
        args += ["-maxrate", opts["maxrate"], "-bufsize", opts["bufsize"]]
    args += ["-c:a", opts["acodec"], "-b:a", opts["ab"], "-ac", str(opts["ac"]), "-movflags", "+faststart", *STRIP]
    return ffmpeg.command(*_input(src, start, end), *args, str(dst))


def audio_command(src, dst, opts, *, start=None, end=None):
    args = ["-vn", "-c:a", opts["acodec"], "-b:a", opts["ab"], "-ac", str(opts["ac"]), "-movflags", "+faststart",
            *STRIP]
    return ffmpeg.command(*_input(src, start, end), *args, str(dst))


def encode(preset, src, workdir, *, duration, on_progress=None, start=None, end=None, label=""):
    """Vidéo ou audio encodé selon `preset` ; `start`/`end` pour un extrait."""
    dst = Path(workdir) / f"{preset.kind}{preset.ext}"
    opts = preset.options
    if preset.mime_type.startswith("video/"):
        cmd = video_command(src, dst, opts, start=start, end=end)
    else:
        cmd = audio_command(src, dst, opts, start=start, end=end)
    expected = (end - (start or 0)) if end is not None else duration
    ffmpeg.run(cmd, duration=expected, on_progress=on_progress, label=label or preset.kind)
    got, width, height = _check_complete(dst, expected, label or preset.kind)
    return Output(dst, duration=got, width=width, height=height)


def poster(preset, src, workdir, *, duration, on_progress=None, start=None, end=None, **_kw):
    """Une image de la vidéo ; pour un extrait (`start`, `end`), prise dans sa fenêtre seulement."""
    opts = preset.options
    if start is not None and end is not None:
        at = start + min(1.0, (end - start) / 2)
        candidates = (at, start)
    else:
        at = min(max(1.0, (duration or 0) * opts["at"]), (duration or 0) / 2) if duration else 0
        candidates = (at, 0.0)
    dst = Path(workdir) / f"poster{preset.ext}"

    def grab(when):
        cmd = ffmpeg.command(
            "-ss", f"{when:.3f}", "-i", str(src), "-vframes", "1",
            "-vf", scale_filter(opts["max_w"], opts["max_h"]).replace(",format=yuv420p", ""),
            "-q:v", str(opts["qscale"]), "-map_metadata", "-1", str(dst),
        )
        ffmpeg.run(cmd, duration=None, on_progress=on_progress, label=_("affiche"))
        return dst.exists() and dst.stat().st_size > 0

    ok = False
    for when in candidates:
        try:
            ok = grab(when)
        except ProcessingError:
            ok = False
        if ok:
            at = when
            break
    if not ok:
        raise DamagedSourceError(
            _("Impossible d'extraire une image de la vidéo (affiche) : l'original est probablement endommagé ; "
              "il est conservé tel quel.")
        )
    from PIL import Image

    with Image.open(dst) as img:
        width, height = img.size
    return Output(dst, width=width, height=height, meta={"at": round(at, 3)})


def thumbs_command(src, dst, opts, duration, *, keyframes=False):
    count = max(1, int(opts["count"]))
    w, h = int(opts["w"]), int(opts["h"])
    # Le flux vidéo finit souvent un peu avant la durée du conteneur : on garde une marge à la fin.
    usable = max(duration - 1.0, duration * 0.5)
    times = [round((i + 0.5) * usable / count, 3) for i in range(count)]
    inputs, chains = [], []
    for n, t in enumerate(times):
        inputs += [*(["-noaccurate_seek"] if keyframes else []), "-ss", f"{t:.3f}", "-i", str(src)]
        chains.append(f"[{n}:v]scale={w}:{h}:force_original_aspect_ratio=decrease,"
                      f"pad={w}:{h}:(ow-iw)/2:(oh-ih)/2,trim=end_frame=1[t{n}]")
    if count == 1:
        graph, out = chains[0], "[t0]"
    else:
        graph = ";".join(chains) + ";" + "".join(f"[t{n}]" for n in range(count)) + f"hstack=inputs={count}[strip]"
        out = "[strip]"
    cmd = ffmpeg.command(*inputs, "-filter_complex", graph, "-map", out, "-vframes", "1",
                         "-q:v", str(opts["qscale"]), "-map_metadata", "-1", str(dst))
    return cmd, times


def thumbs(preset, src, workdir, *, duration, on_progress=None, **_kw):
    """Bande de vignettes régulièrement espacées (une recherche par vignette : rapide même sur 10 h)."""
    opts = preset.options
    dst = Path(workdir) / f"thumbs{preset.ext}"
    cmd, times = thumbs_command(src, dst, opts, duration or 1)
    try:
        ffmpeg.run(cmd, duration=None, on_progress=on_progress, label=_("vignettes"))
    except ProcessingError:
        # Une recherche précise n'a trouvé aucune image (fin de flux, images clés rares) : on se
        # contente de l'image clé la plus proche, toujours présente.
        cmd, times = thumbs_command(src, dst, opts, duration or 1, keyframes=True)
        try:
            ffmpeg.run(cmd, duration=None, on_progress=on_progress, label=_("vignettes"))
        except ProcessingError as exc:
            raise DamagedSourceError(
                _("Impossible d'extraire les vignettes : l'original est probablement endommagé ; il est conservé "
                  "tel quel. (%(detail)s)") % {"detail": str(exc)[:200]}
            ) from exc
    return Output(dst, width=int(opts["w"]) * len(times), height=int(opts["h"]),
                  meta={"times": times, "tile_w": int(opts["w"]), "tile_h": int(opts["h"]), "count": len(times)})


def waveform_peaks(src, *, width, rate, duration, on_progress=None, chunk=65536):
    """Crêtes (min, max) par colonne, calculées en flux : ffmpeg décode en PCM 16 bits mono vers un tube.

    Mémoire : O(largeur), quelle que soit la durée (un fichier de 10 heures ne charge jamais plus d'un bloc).
    """
    import numpy as np

    cmd = [ffmpeg.ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-i", str(src), "-vn", "-sn",
           "-dn", "-ac", "1", "-ar", str(rate), "-f", "s16le", "-acodec", "pcm_s16le", "pipe:1"]
    total = max(1, int((duration or 1) * rate))
    lows = np.zeros(width, dtype=np.int32)
    highs = np.zeros(width, dtype=np.int32)
    seen = 0
    carry = b""
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=ffmpeg._die_with_parent)  # noqa: PLW1509
    try:
        while True:
            data = proc.stdout.read(chunk)
            if not data:
                break
            data = carry + data
            usable = len(data) - (len(data) % 2)
            carry = data[usable:]
            samples = np.frombuffer(data[:usable], dtype="<i2").astype(np.int32)
            if not samples.size:
                continue
            idx = np.arange(seen, seen + samples.size, dtype=np.int64)
            cols = np.minimum(idx * width // total, width - 1)
            starts = np.concatenate(([0], np.flatnonzero(np.diff(cols)) + 1))
            col_ids = cols[starts]
            highs[col_ids] = np.maximum(highs[col_ids], np.maximum.reduceat(samples, starts))
            lows[col_ids] = np.minimum(lows[col_ids], np.minimum.reduceat(samples, starts))
            seen += samples.size
            if on_progress:
                on_progress(min(1.0, seen / total))
        err = proc.stderr.read().decode("utf-8", "replace")
        proc.wait()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    if proc.returncode != 0:
        raise ProcessingError(_("Forme d'onde impossible : %(err)s") % {"err": err.strip()[:300] or proc.returncode})
    return lows, highs, seen


def waveform(preset, src, workdir, *, duration, on_progress=None, **_kw):
    from PIL import Image, ImageDraw

    opts = preset.options
    width, height = int(opts["w"]), int(opts["h"])
    lows, highs, seen = waveform_peaks(src, width=width, rate=int(opts["rate"]), duration=duration,
                                       on_progress=on_progress)
    if duration and seen < duration * int(opts["rate"]) * 0.95 - int(opts["rate"]):
        raise DamagedSourceError(
            _("Forme d'onde incomplète : la lecture de l'original s'est arrêtée à %(got)s sur %(total)s. "
              "L'original est probablement endommagé ou tronqué ; il est conservé tel quel.")
            % {"got": fmt_time(seen / int(opts["rate"])), "total": fmt_time(duration)}
        )
    peak = int(max(highs.max(initial=0), -lows.min(initial=0)))
    # On normalise sur la crête, sauf pour un quasi-silence (sinon le bruit de fond remplirait l'image).
    scale = (height / 2 - 1) / max(peak, 328)
    img = Image.new("RGB", (width, height), opts["background"])
    draw = ImageDraw.Draw(img)
    mid = height / 2
    for x in range(width):
        top = mid - highs[x] * scale
        bottom = mid - lows[x] * scale
        draw.line([(x, min(top, mid - 0.5)), (x, max(bottom, mid + 0.5))], fill=opts["color"])
    dst = Path(workdir) / f"waveform{preset.ext}"
    img.save(dst, "PNG", optimize=True)
    return Output(dst, width=width, height=height, meta={"peak": peak, "samples": int(seen)})


def pdf_cover(preset, src, workdir, *, on_progress=None, **_kw):
    """Première page du PDF en JPEG (PDFium, via pypdfium2 : une roue PyPI, aucun paquet système)."""
    import pypdfium2 as pdfium

    opts = preset.options
    width = int(opts["w"])
    try:
        pdf = pdfium.PdfDocument(str(src))
    except Exception as exc:  # noqa: BLE001 - PdfiumError et autres
        raise DamagedSourceError(_("PDF illisible : %(err)s") % {"err": str(exc)[:200]}) from exc
    try:
        pages = len(pdf)
        if not pages:
            raise DamagedSourceError(_("Ce PDF n'a aucune page."))
        page = pdf[0]
        page_w, page_h = page.get_size()
        scale = min(width / max(page_w, 1), 4 * width / max(page_h, 1))
        image = page.render(scale=scale).to_pil().convert("RGB")
    finally:
        pdf.close()
    dst = Path(workdir) / f"pdf_cover{preset.ext}"
    image.save(dst, "JPEG", quality=int(opts["quality"]), optimize=True)
    if on_progress:
        on_progress(1.0)
    return Output(dst, width=image.width, height=image.height, meta={"pages": pages})


# Ce qu'un PDF dit de la personne ou de l'appareil qui l'a fait, hors de ses pages.
PDF_PRIVATE_KEYS = ("/Metadata", "/PieceInfo", "/LastModified")


def pdf_clean(preset, src, workdir, *, on_progress=None, **_kw):
    """Copie du PDF sans métadonnées (pikepdf, sur qpdf) : un document neuf qui ne reprend que les pages,
    donc ni dictionnaire Info (auteur, créateur, producteur, dates), ni XMP du catalogue, ni signets, ni
    pièces jointes ; et, dans les pages, ni XMP, ni données d'application, ni auteur d'annotation."""
    import pikepdf

    try:
        source = pikepdf.open(str(src))
    except Exception as exc:  # noqa: BLE001 - PdfError et autres
        raise DamagedSourceError(_("PDF illisible : %(err)s") % {"err": str(exc)[:200]}) from exc
    dst = Path(workdir) / f"pdf{preset.ext}"
    try:
        if not len(source.pages):
            raise DamagedSourceError(_("Ce PDF n'a aucune page."))
        clean = pikepdf.new()
        clean.pages.extend(source.pages)
        for obj in clean.objects:
            if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
                for key in PDF_PRIVATE_KEYS:
                    if key in obj:
                        del obj[key]
                if obj.get("/Type") == "/Annot":
                    for key in ("/T", "/M", "/CreationDate"):
                        if key in obj:
                            del obj[key]
        if "/Info" in clean.trailer:
            del clean.trailer["/Info"]
        pages = len(clean.pages)
        clean.save(dst, fix_metadata_version=False, deterministic_id=True)
    finally:
        source.close()
    if on_progress:
        on_progress(1.0)
    return Output(dst, meta={"pages": pages})


STEPS = {
    "iiif": iiif_tiles,
    "web": encode,
    "phone": encode,
    "audio": encode,
    "clip_web": encode,
    "clip_phone": encode,
    "clip_poster": poster,
    "poster": poster,
    "thumbs": thumbs,
    "waveform": waveform,
    "pdf_cover": pdf_cover,
    "pdf": pdf_clean,
}
