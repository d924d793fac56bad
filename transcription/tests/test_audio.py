"""Lecture audio en flux : mémoire bornée quelle que soit la durée, coupure au calme, erreurs claires."""

import tracemalloc

import numpy as np
import pytest

from media_library import testing
from transcription.audio import SAMPLE_RATE, AudioError, iter_chunks, quiet_cut, stream_chunks


class ZeroStream:
    """Un flux PCM de `seconds` secondes, produit à la demande (jamais matérialisé en entier)."""

    def __init__(self, seconds):
        self.remaining = int(seconds * SAMPLE_RATE) * 2
        self.max_read = 0

    def read(self, n):
        n = min(n, self.remaining, 1 << 20)  # comme un tube : des morceaux d'au plus 1 Mio
        self.remaining -= n
        self.max_read = max(self.max_read, n)
        return bytes(n)


def test_three_hours_stream_in_bounded_memory():
    three_hours = 3 * 3600
    chunk_seconds = 300
    stream = ZeroStream(three_hours)
    tracemalloc.start()
    total = 0.0
    offsets = []
    biggest = 0
    for offset, samples in iter_chunks(stream, chunk_seconds=chunk_seconds):
        offsets.append(offset)
        total += len(samples) / SAMPLE_RATE
        biggest = max(biggest, len(samples))
        del samples
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert total == pytest.approx(three_hours, abs=0.01)
    assert offsets == sorted(offsets) and offsets[0] == 0
    assert len(offsets) >= three_hours // chunk_seconds
    assert biggest <= chunk_seconds * SAMPLE_RATE
    # Une fenêtre de 5 min en float32 = 19 Mo ; 3 h entières = 691 Mo. La crête reste sous 4 fenêtres.
    window_bytes = chunk_seconds * SAMPLE_RATE * 4
    assert peak < 4 * window_bytes, f"crête {peak / 1e6:.0f} Mo"
    assert peak < three_hours * SAMPLE_RATE * 4 / 10


def test_chunks_are_cut_in_the_quietest_place():
    sr = SAMPLE_RATE
    loud = np.sin(np.arange(sr * 20) / 5).astype(np.float32)
    loud[int(17.3 * sr):int(17.6 * sr)] = 0  # un silence 2,7 s avant la fin
    cut = quiet_cut(loud, search_samples=10 * sr)
    assert 17.3 * sr <= cut <= 17.6 * sr


def test_offsets_are_continuous():
    pcm = (np.random.default_rng(1).normal(0, 3000, SAMPLE_RATE * 50)).astype("<i2").tobytes()

    class Reader:
        pos = 0

        def read(self, n):
            block = pcm[self.pos:self.pos + n]
            self.pos += len(block)
            return block

    pieces = list(iter_chunks(Reader(), chunk_seconds=12, search_seconds=3))
    expected = 0.0
    for offset, samples in pieces:
        assert offset == pytest.approx(expected)
        expected += len(samples) / SAMPLE_RATE
    assert expected == pytest.approx(50)


def test_real_file_is_decoded_by_ffmpeg_in_windows(tmp_path):
    path = testing.make_audio(tmp_path / "a.ogg", seconds=5)
    pieces = list(stream_chunks(path, chunk_seconds=2))
    assert len(pieces) >= 2
    assert sum(len(s) for _, s in pieces) / SAMPLE_RATE == pytest.approx(5, abs=0.1)


def test_corrupt_audio_stream_raises_clear_error(tmp_path):
    path = tmp_path / "casse.mp3"
    path.write_bytes(b"ID3\x03\x00\x00\x00\x00\x00\x00" + bytes(range(256)) * 50)
    with pytest.raises(AudioError) as err:
        list(stream_chunks(path))
    assert "illisible" in str(err.value) or "Aucun son" in str(err.value)


def test_video_without_audio_track(tmp_path):
    path = testing.make_video(tmp_path / "muet.mp4", seconds=1, audio=False)
    with pytest.raises(AudioError) as err:
        list(stream_chunks(path))
    assert "piste audio" in str(err.value)
