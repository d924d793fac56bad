"""Démonstration : sous-titres français approuvés (depuis le texte de référence des enregistrements
de démonstration) et une piste bambara en relecture, au minutage français, prête pour une traductrice.

Idempotent : une piste qui existe déjà n'est jamais recréée ni modifiée.
"""

from django.db import transaction

from transcription import subtitles as subs
from transcription.models import SubtitleTrack

BAMBARA_FROM_FRENCH = ("film_regard", "capsule_vbg_1")


def _reference_cues(key):
    try:
        from demo.recordings import REFERENCE_RECORDINGS, fixture_cues
    except ImportError:
        return None
    name = REFERENCE_RECORDINGS.get(key)
    if not name:
        return None
    try:
        sentences = fixture_cues(name)
    except (KeyError, OSError, ValueError):
        return None
    # Phrases → répliques aux normes (une longue phrase est coupée, au prorata des mots).
    return subs.cues_from_segments(sentences, "fr")


def build(ctx):
    from transcription.flows.approve import approve_track

    out = ctx.get("stdout")
    works = ctx.get("works", {})
    created = 0
    for key, work in works.items():
        if work is None or not getattr(work, "is_time_based", False):
            continue
        if SubtitleTrack.objects.filter(work=work, language="fr").exists():
            continue
        cues = _reference_cues(key)
        if not cues:
            continue
        with transaction.atomic():
            track = SubtitleTrack.objects.create(work=work, language="fr", status=SubtitleTrack.Status.IN_REVIEW,
                                                 source=SubtitleTrack.Source.HUMAN)
            track.replace_cues(cues)
            # Approuvée comme dans l'éditeur : la version téléphone sous-titrée est demandée au travailleur.
            approve_track(track, ctx.get("users", {}).get("curator"), allow_issues=True)
        created += 1
    for key in BAMBARA_FROM_FRENCH:
        work = works.get(key)
        if work is None or SubtitleTrack.objects.filter(work=work, language="bm").exists():
            continue
        fr = SubtitleTrack.objects.filter(work=work, language="fr").first()
        if fr is None:
            continue
        from transcription.flows.copy_timings import copy_timings

        copy_timings(work, "fr", "bm")
        created += 1
    if out:
        out.write(f"Sous-titres : {created} piste(s) créée(s).")
    return created
