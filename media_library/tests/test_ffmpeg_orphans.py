"""Un travailleur tué (OOM, kill -9, machine qui redémarre le service) n'abandonne pas un ffmpeg qui
continuerait d'encoder pour rien : l'enfant reçoit SIGKILL à la mort de son parent (PR_SET_PDEATHSIG)."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not Path("/proc").is_dir(), reason="Linux seulement (/proc, prctl)")

CHILD = """
import django, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "paroles.settings.test")
django.setup()
from media_library.processing import ffmpeg
# Dix heures de silence encodées vers nulle part : ne finit pas pendant le test.
ffmpeg.run([ffmpeg.ffmpeg_exe(), "-hide_banner", "-nostdin", "-progress", "pipe:1", "-f", "lavfi",
            "-i", "anullsrc=r=48000:cl=stereo", "-t", "36000", "-c:a", "pcm_s16le", "-f", "null", "-"],
           duration=36000, label="test")
"""


def _children(pid):
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:  # champ 4 de /proc/<pid>/stat : le parent
            found.append(int(stat.parent.name))
    return found


def _alive(pid):
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_ffmpeg_dies_when_its_worker_is_killed():
    worker = subprocess.Popen([sys.executable, "-c", CHILD], cwd=Path(__file__).resolve().parents[2])
    try:
        deadline, kids = time.monotonic() + 60, []
        while time.monotonic() < deadline and not kids:
            assert worker.poll() is None, "le faux travailleur s'est arrêté avant de lancer ffmpeg"
            kids = [p for p in _children(worker.pid) if "ffmpeg" in Path(f"/proc/{p}/cmdline").read_bytes().decode(errors="replace")]
            time.sleep(0.1)
        assert kids, "ffmpeg n'a pas démarré"
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(_alive(p) for p in kids):
            time.sleep(0.1)
        assert not any(_alive(p) for p in kids), "ffmpeg a survécu à son travailleur"
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()

