"""Reconnaître un fichier par son contenu, vérifier sa structure et l'analyser (PyAV).

Rien ici ne lit un fichier entier en mémoire : on lit l'en-tête, on parcourt les boîtes MP4 par
sauts, et PyAV lit les métadonnées du conteneur.
"""

import hashlib
import re
import struct
import unicodedata
from dataclasses import dataclass, field
from pathlib import PurePath

from django.utils.translation import gettext as _

CHUNK = 1024 * 1024


class MediaError(Exception):
    """Un fichier refusé, avec un message clair en français pour la personne qui l'envoie."""


@dataclass
class Sniffed:
    mime_type: str
    media_type: str  # video | audio | image | document
    extensions: tuple  # extensions acceptables pour ce contenu


# (signature, décalage, mime, nature, extensions)
_IMAGE_EXT = {
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
    "image/gif": (".gif",),
    "image/webp": (".webp",),
    "image/tiff": (".tif", ".tiff"),
}
def _is_textual_markup(head: bytes) -> str | None:
    """Détecte HTML, SVG, XML ou script : refusés quel que soit le nom du fichier."""
    text = head.lstrip(b"\xef\xbb\xbf").lstrip().lower()[:1024]
    for marker, label in (
        (b"<!doctype html", "HTML"),
        (b"<html", "HTML"),
        (b"<head", "HTML"),
        (b"<body", "HTML"),
        (b"<script", "HTML"),
        (b"<svg", "SVG"),
        (b"<?xml", "XML/SVG"),
        (b"<!--", "HTML"),
        (b"#!", "script"),
    ):
        if text.startswith(marker):
            return label
    if b"<svg" in text or b"<script" in text or b"<html" in text:
        return "HTML/SVG"
    return None


def sniff(head: bytes) -> Sniffed:
    """Détermine le type d'un fichier d'après ses premiers octets (au moins 64 octets utiles).

    Lève MediaError pour tout contenu non autorisé (HTML, SVG, exécutable, inconnu).
    """
    if not head:
        raise MediaError(_("Le fichier est vide (0 octet)."))
    markup = _is_textual_markup(head)
    if markup:
        raise MediaError(
            _("Le contenu de ce fichier est du %(kind)s, pas un média : il est refusé, quel que soit son nom.")
            % {"kind": markup}
        )
    if head.startswith(b"MZ") or head.startswith(b"\x7fELF") or head[:4] in (b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe"):
        raise MediaError(_("Ce fichier est un programme exécutable : il est refusé."))
    if head.startswith(b"PK\x03\x04"):
        raise MediaError(_("Les archives ZIP (et documents Office) ne sont pas acceptées : envoyez un PDF ou un média."))

    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"M4A ", b"M4B ", b"M4P "):
            return Sniffed("audio/mp4", "audio", (".m4a", ".mp4", ".aac", ".m4b"))
        if brand in (b"qt  ",):
            return Sniffed("video/quicktime", "video", (".mov", ".mp4", ".qt"))
        if brand in (b"3gp4", b"3gp5", b"3gp6", b"3g2a"):
            return Sniffed("video/3gpp", "video", (".3gp", ".3g2", ".mp4"))
        if brand in (b"heic", b"heix", b"mif1", b"avif"):
            raise MediaError(_("Les images HEIC/AVIF ne sont pas encore acceptées : convertissez-les en JPEG."))
        # La nature réelle (vidéo ou audio seul) est confirmée par l'analyse PyAV.
        return Sniffed("video/mp4", "video", (".mp4", ".m4v", ".mov", ".m4a"))
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        if b"webm" in head[:64]:
            return Sniffed("video/webm", "video", (".webm", ".mkv", ".weba"))
        return Sniffed("video/x-matroska", "video", (".mkv", ".mka", ".webm"))
    if head.startswith(b"RIFF") and head[8:12] == b"AVI ":
        return Sniffed("video/x-msvideo", "video", (".avi",))
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return Sniffed("audio/wav", "audio", (".wav",))
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return Sniffed("image/webp", "image", _IMAGE_EXT["image/webp"])
    if head.startswith(b"OggS"):
        if b"OpusHead" in head[:80]:
            return Sniffed("audio/ogg", "audio", (".opus", ".ogg", ".oga"))
        if b"\x80theora" in head[:80]:
            return Sniffed("video/ogg", "video", (".ogv", ".ogg"))
        return Sniffed("audio/ogg", "audio", (".ogg", ".oga"))
    if head.startswith(b"fLaC"):
        return Sniffed("audio/flac", "audio", (".flac",))
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and (head[1] & 0xE0) == 0xE0 and (head[1] & 0x06) != 0):
        return Sniffed("audio/mpeg", "audio", (".mp3",))
    if head.startswith(b"\xff\xd8\xff"):
        return Sniffed("image/jpeg", "image", _IMAGE_EXT["image/jpeg"])
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Sniffed("image/png", "image", _IMAGE_EXT["image/png"])
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return Sniffed("image/gif", "image", _IMAGE_EXT["image/gif"])
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return Sniffed("image/tiff", "image", _IMAGE_EXT["image/tiff"])
    if head.startswith(b"%PDF-"):
        return Sniffed("application/pdf", "document", (".pdf",))
    if head[0] == 0x47 and len(head) > 188 and head[188] == 0x47:
        return Sniffed("video/mp2t", "video", (".ts", ".mts", ".m2ts"))
    raise MediaError(
        _("Type de fichier non reconnu. Formats acceptés : vidéo (MP4, MOV, WebM, MKV), audio (MP3, M4A, WAV, "
          "OGG, FLAC), image (JPEG, PNG, TIFF, WebP) et PDF.")
    )


def check_extension(filename: str, sniffed: Sniffed):
    """Refuse un fichier dont le nom annonce autre chose que son contenu (ex. un .mp4 qui est du HTML)."""
    ext = PurePath(filename).suffix.lower()
    if not ext:
        return
    all_media_ext = {".mp4", ".m4v", ".mov", ".webm", ".mkv", ".avi", ".mp3", ".m4a", ".wav", ".ogg", ".oga",
                     ".opus", ".flac", ".jpg", ".jpeg", ".png", ".gif", ".tif", ".tiff", ".webp", ".pdf",
                     ".aac", ".3gp", ".ts", ".mts", ".m2ts", ".mka", ".weba", ".ogv", ".qt", ".m4b", ".3g2"}
    if ext in sniffed.extensions:
        return
    if ext in all_media_ext:
        raise MediaError(
            _("Le nom « %(name)s » annonce un fichier %(ext)s, mais son contenu est de type %(mime)s. "
              "Vérifiez le fichier : il a peut-être été mal renommé.")
            % {"name": filename, "ext": ext, "mime": sniffed.mime_type}
        )
    raise MediaError(_("Extension « %(ext)s » non acceptée.") % {"ext": ext})


def check_mp4_structure(path, size):
    """Parcourt les boîtes de premier niveau d'un MP4/MOV sans lire les données.

    Un fichier tronqué a une boîte qui déclare plus d'octets qu'il n'en reste : on le refuse.
    """
    seen = set()
    with open(path, "rb") as fh:
        offset = 0
        while offset < size:
            fh.seek(offset)
            header = fh.read(16)
            if len(header) < 8:
                raise MediaError(_("Fichier MP4 tronqué : il s'arrête au milieu d'un en-tête."))
            box_size, box_type = struct.unpack(">I4s", header[:8])
            if box_size == 1:
                if len(header) < 16:
                    raise MediaError(_("Fichier MP4 tronqué : il s'arrête au milieu d'un en-tête."))
                box_size = struct.unpack(">Q", header[8:16])[0]
            elif box_size == 0:
                box_size = size - offset
            if box_size < 8:
                raise MediaError(_("Fichier MP4 endommagé : structure invalide à l'octet %(o)s.") % {"o": offset})
            if offset + box_size > size:
                raise MediaError(
                    _("Fichier MP4 tronqué : il manque %(missing)s octets (la copie ou le transfert s'est "
                      "probablement arrêté avant la fin). Renvoyez le fichier complet.")
                    % {"missing": offset + box_size - size}
                )
            seen.add(box_type)
            offset += box_size
    if b"moov" not in seen:
        raise MediaError(_("Fichier MP4 incomplet : l'index (boîte « moov ») est absent ; le fichier est sans doute tronqué."))


@dataclass
class ProbeResult:
    media_type: str
    container: str = ""
    duration: float | None = None
    width: int | None = None
    height: int | None = None
    video_codec: str = ""
    audio_codec: str = ""
    rotation: int = 0
    details: dict = field(default_factory=dict)


def display_rotation(container, stream) -> int:
    """Rotation d'affichage (degrés, sens horaire, 0/90/180/270) d'une vidéo de téléphone.

    PyAV 18 n'expose pas la matrice d'affichage du flux : on la lit sur la première image décodée
    (`VideoFrame.rotation`, sens trigonométrique). Une image illisible donne 0, sans échec.
    """
    try:
        for frame in container.decode(stream):
            return int(round(-(frame.rotation or 0))) % 360
    except Exception:  # noqa: BLE001 - métadonnée facultative, le flux est vérifié plus tard
        return 0
    finally:
        try:
            container.seek(0)
        except Exception:  # noqa: BLE001
            pass
    return 0


def probe_av(path) -> dict:
    """Métadonnées d'un fichier audio ou vidéo, via PyAV (lit l'en-tête, pas le contenu)."""
    import av

    try:
        container = av.open(str(path), metadata_errors="ignore")
    except Exception as exc:  # av.error.* : fichier illisible
        raise MediaError(_("Le fichier ne peut pas être lu comme un média (%(err)s).") % {"err": _short(exc)}) from exc
    with container:
        duration = container.duration / 1_000_000 if container.duration else None
        streams = []
        for stream in container.streams:
            info = {"index": stream.index, "type": stream.type}
            ctx = stream.codec_context
            codec = getattr(ctx, "codec", None)
            info["codec"] = getattr(codec, "canonical_name", None) or getattr(ctx, "name", None) or ""
            if stream.type == "video":
                info.update(width=ctx.width, height=ctx.height)
                if stream.average_rate:
                    info["fps"] = float(stream.average_rate)
                rotation = display_rotation(container, stream)
                info["rotation"] = rotation
            elif stream.type == "audio":
                info.update(sample_rate=ctx.sample_rate, channels=ctx.channels)
            if stream.duration and stream.time_base:
                info["duration"] = float(stream.duration * stream.time_base)
            streams.append(info)
        return {
            "format": container.format.name,
            "format_long": container.format.long_name,
            "duration": duration,
            "bit_rate": container.bit_rate,
            "streams": streams,
        }


def _short(exc):
    return str(exc).split("\n")[0][:200]


def probe(path, sniffed: Sniffed, size: int) -> ProbeResult:
    if sniffed.media_type in ("video", "audio"):
        if sniffed.mime_type in ("video/mp4", "video/quicktime", "audio/mp4", "video/3gpp"):
            check_mp4_structure(path, size)
        info = probe_av(path)
        video = [s for s in info["streams"] if s["type"] == "video" and s.get("codec") not in ("mjpeg", "png")]
        audio = [s for s in info["streams"] if s["type"] == "audio"]
        if not video and not audio:
            raise MediaError(_("Ce fichier ne contient ni piste vidéo ni piste audio."))
        media_type = "video" if video else "audio"
        duration = info["duration"] or max([s.get("duration") or 0 for s in info["streams"]] or [0]) or None
        if not duration:
            raise MediaError(_("Durée illisible : le fichier est probablement endommagé ou tronqué."))
        width = height = None
        rotation = 0
        if video:
            width, height = video[0].get("width"), video[0].get("height")
            rotation = video[0].get("rotation") or 0
            if not width or not height:
                raise MediaError(_("Dimensions de la vidéo illisibles : le fichier est probablement endommagé."))
            if rotation in (90, 270):  # vidéo tournée (téléphone en portrait) : dimensions affichées
                width, height = height, width
        return ProbeResult(
            media_type=media_type,
            container=info["format"],
            duration=round(duration, 3),
            width=width,
            height=height,
            video_codec=video[0]["codec"] if video else "",
            audio_codec=audio[0]["codec"] if audio else "",
            rotation=rotation,
            details=info,
        )
    if sniffed.media_type == "image":
        from PIL import Image as PILImage

        try:
            with PILImage.open(path) as img:
                img.verify()
            with PILImage.open(path) as img:
                width, height = img.size
                fmt = img.format
                mode = img.mode
        except Exception as exc:  # noqa: BLE001 - Pillow lève des types variés
            raise MediaError(_("Image illisible ou endommagée (%(err)s).") % {"err": _short(exc)}) from exc
        return ProbeResult(
            media_type="image", container=fmt or "", width=width, height=height,
            details={"format": fmt, "mode": mode},
        )
    if sniffed.media_type == "document":
        with open(path, "rb") as fh:
            fh.seek(max(0, size - 2048))
            tail = fh.read()
        if b"%%EOF" not in tail:
            raise MediaError(_("PDF incomplet : la fin du fichier (%%EOF) est absente ; il est probablement tronqué."))
        import pypdfium2 as pdfium

        try:
            pdf = pdfium.PdfDocument(str(path))
        except Exception as exc:  # noqa: BLE001 - PdfiumError (fichier endommagé, chiffré…)
            raise MediaError(_("PDF illisible (%(err)s).") % {"err": _short(exc)}) from exc
        try:
            pages = len(pdf)
        finally:
            pdf.close()
        if not pages:
            raise MediaError(_("Ce PDF n'a aucune page."))
        return ProbeResult(media_type="document", container="pdf", details={"pages": pages})
    raise MediaError(_("Type de fichier non pris en charge."))


def sha256_of(path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_download_name(name: str, default="fichier") -> str:
    """Nom de fichier sûr pour une URL ou un en-tête : pas de chemin, pas de caractères spéciaux."""
    base = PurePath(name.replace("\\", "/")).name
    base = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode("ascii")
    base = _SAFE.sub("-", base).strip("-.")
    return base[:120] or default
