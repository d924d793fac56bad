"""Lancer ffmpeg (binaire d'imageio-ffmpeg) et suivre sa progression.

Les commandes sont de simples listes d'arguments (`command(...)`) ; on les exécute nous-mêmes pour lire
`-progress pipe:1` (out_time_us comparé à la durée attendue) ligne par ligne, sans jamais charger le
média en mémoire : ffmpeg lit l'original par son chemin et écrit dans un fichier temporaire.
"""

import collections
import ctypes
import logging
import signal
import subprocess
import threading
import time

from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

GLOBAL_ARGS = ("-hide_banner", "-nostdin", "-nostats", "-loglevel", "error", "-progress", "pipe:1")


class ProcessingError(Exception):
    """Un échec de traitement, avec un message clair en français pour l'équipe."""


NO_SPACE_MARKERS = ("No space left on device", "Disk quota exceeded", "File too large")


def no_space_message(where=""):
    return _(
        "Espace disque insuffisant%(where)s : le rendu n'a pas pu être écrit. L'original est intact et aucun "
        "fichier partiel n'est gardé. Libérez de la place (ou agrandissez le disque), puis relancez le travail."
    ) % {"where": f" ({where})" if where else ""}


def ffmpeg_exe():
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def command(*args):
    """Ligne de commande complète : binaire imageio-ffmpeg, suivi de progression, écrasement de la sortie
    (toujours un fichier temporaire du travail), puis `args` tels quels (entrées, filtres, sortie)."""
    return [ffmpeg_exe(), *GLOBAL_ARGS, "-y", *(str(a) for a in args)]


try:  # chargé dans le parent : l'enfant n'a plus qu'un appel C à faire entre fork et exec
    _PRCTL = ctypes.CDLL("libc.so.6", use_errno=True).prctl
except (OSError, AttributeError):  # pas Linux/glibc : sans effet
    _PRCTL = None


def _die_with_parent():
    """Dans l'enfant : ffmpeg meurt si le travailleur meurt (Linux), au lieu d'encoder pour rien."""
    if _PRCTL is not None:
        _PRCTL(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def parse_progress_line(line, duration):
    """Renvoie la fraction (0..1) si la ligne de `-progress` porte un instant, sinon None."""
    key, _sep, value = line.strip().partition("=")
    if not duration or duration <= 0:
        return None
    seconds = None
    if key == "out_time_us" and value.strip().lstrip("-").isdigit():
        seconds = int(value) / 1_000_000
    elif key == "out_time" and value and value != "N/A":
        try:
            h, m, s = value.split(":")
            seconds = int(h) * 3600 + int(m) * 60 + float(s)
        except ValueError:
            return None
    if seconds is None:
        return None
    return max(0.0, min(1.0, seconds / duration))


def run(cmd, *, duration=None, on_progress=None, label=""):
    """Exécute ffmpeg. `on_progress(fraction)` est appelé au fil de l'encodage. Renvoie la fin de stderr.

    Lève ProcessingError (message en français, avec les dernières lignes de ffmpeg) en cas d'échec.
    """
    logger.debug("ffmpeg : %s", " ".join(map(str, cmd)))
    tail = collections.deque(maxlen=20)
    proc = subprocess.Popen(
        [str(c) for c in cmd],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        errors="replace",
        preexec_fn=_die_with_parent,  # noqa: PLW1509 - aucun fil d'exécution n'est lancé avant
    )

    def _read_stderr():
        for err_line in proc.stderr:
            if err_line.strip():
                tail.append(err_line.rstrip())

    reader = threading.Thread(target=_read_stderr, daemon=True)
    reader.start()
    try:
        for line in proc.stdout:
            fraction = parse_progress_line(line, duration)
            if fraction is not None and on_progress:
                on_progress(fraction)
        proc.wait()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        reader.join(timeout=5)
    if proc.returncode != 0:
        if any(marker in line for line in tail for marker in NO_SPACE_MARKERS) or proc.returncode == -25:
            raise ProcessingError(no_space_message(_("dossier de travail des encodages")))  # -25 : SIGXFSZ
        detail = " | ".join(list(tail)[-3:]) or _("aucun détail")
        raise ProcessingError(
            _("ffmpeg a échoué (%(label)s, code %(code)s) : %(detail)s")
            % {"label": label or _("encodage"), "code": proc.returncode, "detail": detail[:500]}
        )
    if on_progress:
        on_progress(1.0)
    return "\n".join(tail)


class Throttle:
    """Appelle `callback` au plus une fois par `interval` secondes (et toujours à 100 %)."""

    def __init__(self, callback, interval=1.0):
        self.callback = callback
        self.interval = interval
        self.last = 0.0

    def __call__(self, value):
        now = time.monotonic()
        if value >= 1.0 or now - self.last >= self.interval:
            self.last = now
            self.callback(value)
