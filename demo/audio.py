"""Les podcasts de la démonstration : la voix de référence encodée en MP3 (ffmpeg)."""

import subprocess

from media_library.processing.ffmpeg import ffmpeg_exe

from .recordings import FIXTURES


def make_podcast(key, tmp, filename):
    out = tmp / filename
    subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", "-y", "-i", str(FIXTURES / f"{key}.opus"),
         "-c:a", "libmp3lame", "-b:a", "64k", "-ac", "1", "-metadata", f"title={filename}",
         "-metadata", "artist=Paroles (démonstration)", str(out)],
        check=True, capture_output=True,
    )
    return out
