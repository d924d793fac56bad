"""Les enregistrements de référence de la démonstration (voix espeak-ng, `data/recordings/`) et leur texte."""

import json
from pathlib import Path


DATA = Path(__file__).resolve().parent / "data"
FIXTURES = DATA / "recordings"


def load_manifest():
    return json.loads((FIXTURES / "manifest.json").read_text(encoding="utf-8"))


def fixture_text(name):
    """Le texte exact d'un enregistrement de démonstration (une phrase par ligne)."""
    return (FIXTURES / f"{name}.txt").read_text(encoding="utf-8")


def fixture_cues(name):
    """Les phrases d'un enregistrement avec leurs temps de début et de fin (secondes)."""
    return load_manifest()["recordings"][name]["cues"]


# Pour les autres applications : quel enregistrement de référence correspond à quelle œuvre.
REFERENCE_RECORDINGS = {
    "film_regard": "film_regard",
    "capsule_vbg_1": "capsule_vbg_1",
    "capsule_vbg_2": "capsule_vbg_2",
    "capsule_vbg_3": "capsule_vbg_3",
    "capsule_secured": "capsule_secured",
    "capsule_expired": "capsule_expired",
    "podcast_1": "podcast_1",
    "esclavage_capsule": "esclavage_capsule",
    "esclavage_podcast": "esclavage_podcast",
}
