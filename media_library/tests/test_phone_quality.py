"""Le rendu « téléphone » tient dans le budget des animatrices (≤ 20 Mo pour 5 minutes) sans perdre
l'image (SSIM ≥ 0,95 contre la source ramenée à la même taille), mesuré avec le vrai ffmpeg."""

import subprocess

import av
import imageio_ffmpeg
import pytest

from media_library import testing
from media_library.processing import presets, steps
from transcription import burn

BUDGET_KBPS = 20e6 * 8 / 1000 / 300  # 20 Mo pour 5 minutes ≈ 533 kb/s, audio compris


def _ssim(encoded, source, scale):
    proc = subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(encoded), "-i", str(source),
         "-lavfi", f"[1:v]{scale}[ref];[0:v][ref]ssim", "-f", "null", "-"],
        check=True, capture_output=True, text=True,
    )
    return float([p for p in proc.stderr.split() if p.startswith("All:")][-1].split(":")[1])


@pytest.fixture
def grainy_source(tmp_path):
    """Six secondes de 1280x720 en mouvement avec du grain (dur à compresser) et une voix de synthèse."""
    src = tmp_path / "source.mp4"
    testing.run_ffmpeg(
        "-f", "lavfi", "-i", "mandelbrot=size=1280x720:rate=25,noise=alls=6:allf=t", "-t", "6",
        "-f", "lavfi", "-i", "sine=frequency=300:duration=6",
        "-c:v", "libx264", "-preset", "ultrafast", "-crf", "16", "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-b:a", "128k", "-shortest", src,
    )
    return src


@pytest.mark.slow
def test_phone_rendition_fits_budget_and_keeps_picture(grainy_source, tmp_path):
    options = presets.get_preset("phone", "video").options
    out = tmp_path / "phone.mp4"
    cmd = [a for a in steps.video_command(grainy_source, out, options) if a not in ("-progress", "pipe:1")]
    subprocess.run(cmd, check=True, stdin=subprocess.DEVNULL, capture_output=True)
    with av.open(str(out)) as container:
        duration = container.duration / 1e6
        video = container.streams.video[0]
        audio = container.streams.audio[0]
        assert (video.codec_context.width, video.codec_context.height) == (640, 360)
        assert audio.codec_context.channels == 1  # la parole : mono suffit
    kbps = out.stat().st_size * 8 / 1000 / duration
    assert kbps <= BUDGET_KBPS, f"{kbps:.0f} kb/s > {BUDGET_KBPS:.0f} kb/s (≈ {kbps * 300 / 8000:.1f} Mo / 5 min)"
    assert _ssim(out, grainy_source, steps.scale_filter(options["max_w"], options["max_h"])) >= 0.95


def test_burn_in_uses_the_same_rate_control_as_the_phone_preset():
    """L'incrustation reprend le préréglage téléphone : qualité constante plafonnée, pas l'ancien débit fixe."""
    preset = burn.phone_preset()
    assert burn.rate_args(preset) == ["-crf", "24", "-maxrate", "400k", "-bufsize", "800k"]
    cmd = burn.burn_command("in.mp4", "sub.srt", "out.mp4", preset=preset)
    assert "-b:v" not in cmd and cmd[cmd.index("-crf") + 1] == "24"
    fixed = {**preset, "crf": None, "vb": "300k"}
    assert burn.rate_args(fixed) == ["-b:v", "300k", "-maxrate", "400k", "-bufsize", "800k"]
