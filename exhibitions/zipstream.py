"""Un zip diffusé au fil de l'eau, jamais construit en mémoire, et reprenable (Range).

Format : entrées STORED (les médias sont déjà compressés), drapeau 3 (descripteur après les données :
le CRC se calcule pendant l'envoi), drapeau 11 (noms UTF-8), ZIP64 dès qu'une taille ou un décalage
dépasse 4 Gio. Les en-têtes ne dépendent que des noms, tailles et dates : la taille totale est connue
d'avance (Content-Length) et le même contenu donne les mêmes octets. Une requête Range peut donc
reprendre un téléchargement interrompu ; les CRC des fichiers non envoyés dans la plage sont calculés
à la demande (et gardés en cache).
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.cache import caches


def crc_cache():
    """Cache des CRC partagé par tous les processus (alias « shared », en base par défaut) : un worker
    gunicorn réutilise le CRC calculé par un autre, et il survit au redémarrage."""
    return caches["shared"] if "shared" in settings.CACHES else caches["default"]

CHUNK = 256 * 1024
LIMIT = 0xFFFFFFFF
FLAGS = 0x0808  # descripteur de données + noms en UTF-8


def dos_datetime(dt: datetime | None):
    if dt is None or dt.year < 1980:
        return 0, (1 << 5) | 1  # 1980-01-01 00:00
    return (dt.hour << 11) | (dt.minute << 5) | (dt.second // 2), ((dt.year - 1980) << 9) | (dt.month << 4) | dt.day


@dataclass
class ZipEntry:
    name: str
    size: int
    mtime: datetime | None = None
    data: bytes | None = None  # petit contenu généré (index.html)
    path: str | None = None  # fichier local
    opener: object = None  # ou une fonction qui ouvre le fichier (stockage distant)
    cache_key: str = ""
    meta: dict = field(default_factory=dict)
    crc: int | None = None

    def open(self):
        if self.data is not None:
            import io

            return io.BytesIO(self.data)
        if self.path:
            return open(self.path, "rb")
        return self.opener()

    def compute_crc(self):
        if self.crc is not None:
            return self.crc
        if self.cache_key:
            cached = crc_cache().get(f"paroles:zipcrc:{self.cache_key}")
            if cached is not None:
                self.crc = cached
                return cached
        crc = 0
        with self.open() as fh:
            while chunk := fh.read(CHUNK):
                crc = zlib.crc32(chunk, crc)
        self._remember(crc)
        return crc

    def _remember(self, crc):
        self.crc = crc & 0xFFFFFFFF
        if self.cache_key:
            crc_cache().set(f"paroles:zipcrc:{self.cache_key}", self.crc, 30 * 24 * 3600)


class ZipPlan:
    """La disposition exacte des octets du zip, calculée sans lire les fichiers."""

    def __init__(self, entries, *, force_zip64=False):
        self.entries = list(entries)
        names = set()
        for e in self.entries:
            if e.name in names:
                raise ValueError(f"nom en double dans le zip : {e.name}")
            names.add(e.name)
        total_data = sum(e.size for e in self.entries)
        # ZIP64 pour tout le fichier dès qu'une limite 32 bits pourrait être franchie (décision déterministe).
        self.zip64 = force_zip64 or total_data + 200 * len(self.entries) > LIMIT - 1024 or len(self.entries) >= 0xFFFF
        self.segments = []  # (offset, length, kind, entry_index)
        offset = 0
        self.local_offsets = []
        for i, e in enumerate(self.entries):
            self.local_offsets.append(offset)
            for kind, length in (("local", len(self._local_header(i))), ("data", e.size), ("descriptor", self._descriptor_len())):
                if length:
                    self.segments.append((offset, length, kind, i))
                    offset += length
        self.central_offset = offset
        self.central_size = sum(len(self._central_header(i, crc=0)) for i in range(len(self.entries)))
        self.segments.append((offset, self.central_size, "central", None))
        offset += self.central_size
        end_len = len(self._end_records())
        self.segments.append((offset, end_len, "end", None))
        offset += end_len
        self.size = offset

    # -- enregistrements ------------------------------------------------------------------------
    def _local_header(self, i):
        e = self.entries[i]
        name = e.name.encode("utf-8")
        t, d = dos_datetime(e.mtime)
        if self.zip64:
            extra = struct.pack("<HHQQ", 0x0001, 16, 0, 0)
            return struct.pack("<IHHHHHIIIHH", 0x04034B50, 45, FLAGS, 0, t, d, 0, LIMIT, LIMIT, len(name), len(extra)) + name + extra
        return struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, FLAGS, 0, t, d, 0, 0, 0, len(name), 0) + name

    def _descriptor_len(self):
        return 24 if self.zip64 else 16

    def _descriptor(self, i, crc):
        e = self.entries[i]
        if self.zip64:
            return struct.pack("<IIQQ", 0x08074B50, crc, e.size, e.size)
        return struct.pack("<IIII", 0x08074B50, crc, e.size, e.size)

    def _central_header(self, i, crc):
        e = self.entries[i]
        name = e.name.encode("utf-8")
        t, d = dos_datetime(e.mtime)
        attrs = 0o100644 << 16
        if self.zip64:
            extra = struct.pack("<HHQQQ", 0x0001, 24, e.size, e.size, self.local_offsets[i])
            return struct.pack(
                "<IHHHHHHIIIHHHHHII", 0x02014B50, 0x031E, 45, FLAGS, 0, t, d, crc, LIMIT, LIMIT,
                len(name), len(extra), 0, 0, 0, attrs, LIMIT,
            ) + name + extra
        return struct.pack(
            "<IHHHHHHIIIHHHHHII", 0x02014B50, 0x0314, 20, FLAGS, 0, t, d, crc, e.size, e.size,
            len(name), 0, 0, 0, 0, attrs, self.local_offsets[i],
        ) + name

    def _end_records(self):
        n = len(self.entries)
        out = b""
        if self.zip64:
            eocd64_offset = self.central_offset + self.central_size
            out += struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, n, n, self.central_size, self.central_offset)
            out += struct.pack("<IIQI", 0x07064B50, 0, eocd64_offset, 1)
            out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 0xFFFF, 0xFFFF, LIMIT, LIMIT, 0)
        else:
            out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, n, n, self.central_size, self.central_offset, 0)
        return out

    # -- diffusion ------------------------------------------------------------------------------
    def entries_in_range(self, start, end):
        """Les entrées dont des données tombent dans [start, end] (pour le journal des téléchargements)."""
        hit = []
        for offset, length, kind, i in self.segments:
            if kind == "data" and offset <= end and offset + length - 1 >= start:
                hit.append(self.entries[i])
        return hit

    def iter_bytes(self, start=0, end=None):
        """Les octets [start, end] (inclus), par morceaux, sans jamais tout garder en mémoire."""
        end = self.size - 1 if end is None else min(end, self.size - 1)
        for offset, length, kind, i in self.segments:
            seg_end = offset + length - 1
            if seg_end < start or offset > end:
                continue
            lo = max(start, offset) - offset
            hi = min(end, seg_end) - offset + 1
            if kind == "data":
                yield from self._iter_data(self.entries[i], lo, hi)
            elif kind == "local":
                yield self._local_header(i)[lo:hi]
            elif kind == "descriptor":
                yield self._descriptor(i, self.entries[i].compute_crc())[lo:hi]
            elif kind == "central":
                blob = b"".join(self._central_header(j, self.entries[j].compute_crc()) for j in range(len(self.entries)))
                yield blob[lo:hi]
            else:
                yield self._end_records()[lo:hi]

    def _iter_data(self, entry, lo, hi):
        whole = lo == 0 and hi == entry.size and entry.crc is None
        crc = 0
        remaining = hi - lo
        with entry.open() as fh:
            if lo:
                fh.seek(lo)
            while remaining > 0:
                chunk = fh.read(min(CHUNK, remaining))
                if not chunk:
                    raise OSError(f"fichier plus court que prévu : {entry.name}")
                if whole:
                    crc = zlib.crc32(chunk, crc)
                remaining -= len(chunk)
                yield chunk
        if whole:
            entry._remember(crc)
