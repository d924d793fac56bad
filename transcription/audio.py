"""Lecture de l'audio en flux, par fenêtres de quelques minutes, mémoire bornée.

faster-whisper décode normalement tout le fichier en mémoire (3 h d'audio = 700 Mo de flottants).
Ici un seul processus ffmpeg décode le fichier en PCM 16 kHz mono sur sa sortie standard, et on le
lit par fenêtres de `chunk_seconds`. Chaque fenêtre est coupée au point le plus calme de ses
dernières secondes (pour ne pas couper un mot), le reste passe au début de la fenêtre suivante, et
les horodatages sont décalés du début de la fenêtre. La mémoire ne dépend que de la taille d'une
fenêtre, jamais de la durée du fichier.
"""

import subprocess
import tempfile

import numpy as np
from django.utils.translation import gettext as _

SAMPLE_RATE = 16000
BYTES_PER_SAMPLE = 2  # s16le


class AudioError(Exception):
    """Audio illisible (message en français)."""


def ffmpeg_exe():
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def read_exact(reader, size):
    """Lit exactement `size` octets (moins seulement en fin de flux)."""
    parts = []
    remaining = size
    while remaining > 0:
        block = reader.read(remaining)
        if not block:
            break
        parts.append(block)
        remaining -= len(block)
    return b"".join(parts)


def quiet_cut(samples, search_samples, window=SAMPLE_RATE // 10):
    """Indice de coupe : le milieu de la fenêtre de 100 ms la plus calme dans la fin du tampon."""
    n = len(samples)
    start = max(0, n - search_samples)
    region = samples[start:]
    usable = (len(region) // window) * window
    if usable < window:
        return n
    frames = region[len(region) - usable:].reshape(-1, window)
    energy = np.einsum("ij,ij->i", frames, frames)
    best = int(np.argmin(energy))
    return n - usable + best * window + window // 2


def iter_chunks(reader, chunk_seconds=600, search_seconds=10, sample_rate=SAMPLE_RATE):
    """Découpe un flux PCM s16le mono en fenêtres (début en secondes, tableau float32).

    Ne garde jamais plus d'une fenêtre (plus sa marge de recherche) en mémoire.
    """
    chunk_samples = max(int(chunk_seconds * sample_rate), sample_rate)
    search_samples = min(int(search_seconds * sample_rate), chunk_samples // 2)
    carry = np.zeros(0, dtype=np.float32)
    offset_samples = 0
    while True:
        need = chunk_samples - len(carry)
        raw = read_exact(reader, need * BYTES_PER_SAMPLE)
        raw = raw[: len(raw) - (len(raw) % BYTES_PER_SAMPLE)]
        fresh = np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0
        del raw
        samples = np.concatenate([carry, fresh]) if len(carry) else fresh
        del fresh
        if len(samples) < chunk_samples:  # fin du flux
            if len(samples):
                yield offset_samples / sample_rate, samples
            return
        cut = quiet_cut(samples, search_samples)
        carry = samples[cut:].copy()
        yield offset_samples / sample_rate, samples[:cut]
        offset_samples += cut
        del samples


def open_pcm_stream(path):
    """Lance ffmpeg ; renvoie (processus, fichier des erreurs). La sortie standard est le PCM."""
    errors = tempfile.TemporaryFile()
    cmd = [
        ffmpeg_exe(), "-nostdin", "-hide_banner", "-loglevel", "error", "-i", str(path),
        "-map", "0:a:0", "-vn", "-ac", "1", "-ar", str(SAMPLE_RATE), "-f", "s16le", "-",
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=errors, bufsize=1024 * 1024)
    return proc, errors


def stream_chunks(path, chunk_seconds=600):
    """Fenêtres audio d'un fichier média, décodées en flux par ffmpeg. Lève AudioError si illisible."""
    proc, errors = open_pcm_stream(path)
    produced = 0
    try:
        for offset, samples in iter_chunks(proc.stdout, chunk_seconds=chunk_seconds):
            produced += len(samples)
            yield offset, samples
        proc.stdout.close()
        code = proc.wait()
        errors.seek(0)
        detail = errors.read().decode("utf-8", "replace").strip()
        if code != 0:
            if "matches no streams" in detail or "does not contain any stream" in detail:
                raise AudioError(_("Ce fichier n'a pas de piste audio : rien à transcrire."))
            raise AudioError(
                _("Flux audio illisible ou endommagé : %(detail)s")
                % {"detail": (detail.splitlines() or ["?"])[-1][:300]}
            )
        if produced == 0:
            raise AudioError(_("Aucun son lisible dans ce fichier."))
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        errors.close()


def probe_duration(path):
    """Durée en secondes (PyAV, en-tête seulement), ou None."""
    try:
        import av

        with av.open(str(path), metadata_errors="ignore") as container:
            if container.duration:
                return container.duration / 1_000_000
            stream = next((s for s in container.streams if s.type == "audio"), None)
            if stream is not None and stream.duration and stream.time_base:
                return float(stream.duration * stream.time_base)
    except Exception:  # noqa: BLE001
        return None
    return None


def local_copy(media):
    """Copie locale temporaire d'un original stocké à distance (S3)."""
    import shutil

    tmp = tempfile.NamedTemporaryFile(suffix="-" + media.safe_filename)
    with media.file.open("rb") as src:
        shutil.copyfileobj(src, tmp, 1024 * 1024)
    tmp.flush()
    return tmp.name, tmp
