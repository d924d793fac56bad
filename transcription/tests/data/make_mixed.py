#!/usr/bin/env python3
"""Génère l'enregistrement mixte d'essai (français + autre langue) et sa référence.

    python transcription/tests/data/make_mixed.py

Six passages alternés, séparés par 1,2 s de silence : trois en français (voix espeak-ng française) et
trois « en bambara ». espeak-ng n'a pas de voix bambara : ces passages sont des phrases bambara
écrites pour l'essai (orthographe officielle dans la référence, non relues par une personne qui parle
bambara) lues par la voix swahilie d'espeak-ng à partir d'une transcription sans lettres spéciales
(ɛ → e, ɔ → o, ɲ → ny, ŋ → ng). C'est un SUBSTITUT : une voix de synthèse, une phonologie proche mais
pas celle du bambara. Il sert à vérifier que le découpage par langue tient, pas à mesurer un modèle
bambara. Whisper base ne reconnaît pas ces passages comme du français (probabilité « fr » < 0,1,
mesurée), comme il ne reconnaît pas le bambara.

Produit (versionnés : les tests n'ont pas besoin d'espeak-ng) :
- mixte_fr_bm.opus : Opus mono 16 kHz, 12 kb/s ;
- mixte_fr_bm.json : la référence (début, fin, langue, texte de chaque passage) ;
- mixte_fr_bm.bm.vtt : la piste bambara « saisie par une personne » (les trois passages bambara),
  référence du taux d'erreur de caractères de bench/wer.py.
"""

import json
import shutil
import subprocess
import sys
import tempfile
import wave
from pathlib import Path

OUT = Path(__file__).resolve().parent
NAME = "mixte_fr_bm"
GAP = 1.2
FR_VOICE = "fr+m3"
OTHER_VOICE = "sw"

PASSAGES = [
    ("fr", "Les femmes déplacées vivent sur le site depuis deux ans, et elles racontent leur histoire. "
           "La violence basée sur le genre n'est jamais la faute de la victime."),
    ("bm", "Ne tɔgɔ ye Awa ye. Ne bɔra Mopti. Kɛlɛ kosɔn, an bɔra an ka dugu la."),
    ("fr", "Les associations partenaires accompagnent les survivantes chez le juge et à l'hôpital. "
           "Chaque participante a choisi ce qu'elle voulait montrer de son histoire."),
    ("bm", "Musow ka kan ka bonya. An bɛ baara kɛ ɲɔgɔn fɛ, walasa denmisɛnw ka kalan."),
    ("fr", "Nous avons distribué mille dépliants sur l'hygiène menstruelle. "
           "Les règles ne sont pas une maladie et les filles peuvent aller à l'école."),
    ("bm", "Muso minnu bɔra u ka so, olu bɛ u ka taama ko fɔ."),
]

ROMAN = str.maketrans({"ɛ": "e", "Ɛ": "E", "ɔ": "o", "Ɔ": "O", "ɲ": "ny", "Ɲ": "Ny", "ŋ": "ng", "Ŋ": "Ng"})


def ffmpeg():
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def duration(path):
    with wave.open(str(path)) as w:
        return w.getnframes() / w.getframerate()


def to_vtt_time(t):
    ms = int(round(t * 1000))
    return f"{ms // 3600000:02d}:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


def main():
    if not shutil.which("espeak-ng"):
        sys.exit("espeak-ng est introuvable : apt install espeak-ng")
    segments = []
    with tempfile.TemporaryDirectory() as tmp:
        inputs = []
        t = 0.0
        for n, (lang, text) in enumerate(PASSAGES):
            wav = Path(tmp) / f"{n}.wav"
            voice, spoken = (FR_VOICE, text) if lang == "fr" else (OTHER_VOICE, text.translate(ROMAN))
            subprocess.run(["espeak-ng", "-v", voice, "-s", "135", "-w", str(wav), spoken], check=True)
            d = duration(wav)
            segments.append({"start": round(t, 3), "end": round(t + d, 3), "language": lang, "text": text,
                             "voice": f"espeak-ng {voice}"})
            inputs.append(wav)
            t += d + GAP
        args = []
        filters = []
        for n, wav in enumerate(inputs):
            args += ["-i", str(wav)]
            filters.append(f"[{n}:a]aresample=16000,apad=pad_dur={GAP}[a{n}]")
        graph = ";".join(filters) + ";" + "".join(f"[a{n}]" for n in range(len(inputs))) + \
            f"concat=n={len(inputs)}:v=0:a=1[out]"
        subprocess.run([ffmpeg(), "-hide_banner", "-loglevel", "error", "-y", *args, "-filter_complex", graph,
                        "-map", "[out]", "-ac", "1", "-ar", "16000", "-c:a", "libopus", "-b:a", "12k",
                        "-application", "voip", "-map_metadata", "-1", "-fflags", "+bitexact",
                        str(OUT / f"{NAME}.opus")], check=True)
    engine = subprocess.run(["espeak-ng", "--version"], capture_output=True, text=True).stdout.strip()
    (OUT / f"{NAME}.json").write_text(json.dumps({
        "generator": "transcription/tests/data/make_mixed.py", "engine": engine,
        "note": "Passages « bm » : phrases bambara lues par la voix swahilie d'espeak-ng (substitut, pas du "
                "bambara parlé).",
        "segments": segments,
    }, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    vtt = ["WEBVTT", "", "NOTE Piste bambara de référence (saisie par une personne) pour bench/wer.py", ""]
    for n, seg in enumerate(s for s in segments if s["language"] == "bm"):
        vtt += [str(n + 1), f"{to_vtt_time(seg['start'])} --> {to_vtt_time(seg['end'])}", seg["text"], ""]
    (OUT / f"{NAME}.bm.vtt").write_text("\n".join(vtt), encoding="utf-8")
    print(f"{OUT / NAME}.opus : {len(segments)} passages, {t - GAP:.1f} s, "
          f"{(OUT / f'{NAME}.opus').stat().st_size // 1024} Ko")


if __name__ == "__main__":
    main()
