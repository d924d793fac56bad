#!/usr/bin/env python3
"""Génère le jeu d'essai français du taux d'erreur de mots (bench/wer.py) et des tests Whisper.

Chaque phrase (thèmes du projet : violences basées sur le genre, migration, personnes déplacées,
hygiène menstruelle, discrimination) est dite par espeak-ng (voix française), puis compressée en
Opus mono 24 kb/s avec le ffmpeg du paquet imageio-ffmpeg. Le texte de référence est écrit à côté.

    python transcription/tests/data/make_wer_set.py

Nécessite espeak-ng (apt install espeak-ng). Les fichiers produits sont versionnés : les tests et
le banc d'essai n'ont pas besoin d'espeak-ng.
"""

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

OUT = Path(__file__).resolve().parent / "wer"

SENTENCES = [
    "La violence basée sur le genre n'est jamais la faute de la victime.",
    "Les femmes déplacées vivent sur le site de Faladié depuis deux ans.",
    "Elle a quitté son village à cause de la guerre dans la région de Mopti.",
    "Les migrants de retour ont besoin d'un accompagnement psychologique.",
    "Dans les soixante-douze heures après un viol, il faut aller au centre de santé.",
    "Les animatrices organisent des causeries dans les quartiers de Bamako.",
    "Les règles ne sont pas une maladie et les filles peuvent aller à l'école.",
    "Nous avons distribué mille dépliants sur l'hygiène menstruelle.",
    "Le mariage forcé des enfants est interdit par la loi.",
    "La police doit recevoir les plaintes des femmes sans les juger.",
    "Les enfants de la rue ont dessiné leur quotidien.",
    "La discrimination contre les personnes vivant avec le VIH doit cesser.",
    "Les réfugiés ont le droit d'être protégés et soignés.",
    "Elle a été refoulée à la frontière et a perdu tous ses papiers.",
    "Chaque participante a choisi ce qu'elle voulait montrer de son histoire.",
    "Les associations partenaires accompagnent les survivantes chez le juge.",
    "Les serviettes lavables coûtent moins cher que les serviettes jetables.",
    "Beaucoup de personnes déplacées n'ont pas d'acte de naissance.",
    "Le film a été projeté au musée du district de Bamako.",
    "Parler de ce qui est arrivé, c'est déjà commencer à guérir.",
    "Les travailleuses du sexe subissent souvent la violence des clients et de la police.",
    "Une femme sur trois a déjà subi des violences au cours de sa vie.",
]
VOICE = "fr+f2"
OTHER_LANGUAGE = ("Wanawake waliohamishwa wanasimulia safari yao kutoka kijijini hadi mjini. "
                  "Ukatili wa kijinsia si kosa la mwathirika.")


def ffmpeg():
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def main():
    if not shutil.which("espeak-ng"):
        sys.exit("espeak-ng est introuvable : apt install espeak-ng")
    OUT.mkdir(parents=True, exist_ok=True)
    items = []
    with tempfile.TemporaryDirectory() as tmp:
        for n, text in enumerate(SENTENCES, 1):
            name = f"phrase_{n:02d}"
            wav = Path(tmp) / f"{name}.wav"
            subprocess.run(["espeak-ng", "-v", VOICE, "-s", "140", "-w", str(wav), text], check=True)
            subprocess.run([ffmpeg(), "-hide_banner", "-loglevel", "error", "-y", "-i", str(wav), "-ac", "1",
                            "-ar", "48000", "-c:a", "libopus", "-b:a", "24k", "-application", "voip",
                            "-map_metadata", "-1", "-fflags", "+bitexact", str(OUT / f"{name}.opus")], check=True)
            (OUT / f"{name}.txt").write_text(text + "\n", encoding="utf-8")
            items.append({"audio": f"{name}.opus", "text": text})
        # Seize secondes de français (phrases 1 à 4 enchaînées) : assez pour que Whisper détecte la langue.
        subprocess.run([ffmpeg(), "-hide_banner", "-loglevel", "error", "-y",
                        *[a for n in range(1, 5) for a in ("-i", str(OUT / f"phrase_{n:02d}.opus"))],
                        "-filter_complex", "concat=n=4:v=0:a=1", "-c:a", "libopus", "-b:a", "24k",
                        "-map_metadata", "-1", str(OUT.parent / "francais_16s.opus")], check=True)
        # Une voix dans une autre langue (swahili) : le travail doit refuser de publier (« langue non reconnue »).
        wav = Path(tmp) / "sw.wav"
        subprocess.run(["espeak-ng", "-v", "sw", "-s", "140", "-w", str(wav), OTHER_LANGUAGE], check=True)
        subprocess.run([ffmpeg(), "-hide_banner", "-loglevel", "error", "-y", "-i", str(wav), "-ac", "1", "-ar",
                        "48000", "-c:a", "libopus", "-b:a", "24k", "-application", "voip", "-map_metadata", "-1",
                        str(OUT.parent / "autre_langue_sw.opus")], check=True)
    engine = subprocess.run(["espeak-ng", "--version"], capture_output=True, text=True).stdout.strip()
    (OUT / "manifest.json").write_text(
        json.dumps({"generator": "transcription/tests/data/make_wer_set.py", "engine": engine, "voice": VOICE,
                    "language": "fr", "items": items}, ensure_ascii=False, indent=1) + "\n",
        encoding="utf-8",
    )
    print(f"{len(items)} phrases écrites dans {OUT}")


if __name__ == "__main__":
    main()
