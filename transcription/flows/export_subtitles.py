"""Exporter une piste en SRT ou VTT (administration, paquet BagIt) : lignes redécoupées selon les
normes de la langue ; NormError s'il reste des entorses non acceptées."""

from django.utils.translation import gettext as _

from .. import subtitles as subs


def export_subtitles(track, fmt="vtt", allow_issues=False):
    """Texte SRT ou VTT de la piste (les écarts acceptés sont notés en commentaires VTT)."""
    cues, issues = subs.prepare_export(track.get_cues(), track.language, allow_issues=allow_issues)
    if fmt == "srt":
        return subs.to_srt(cues)
    notes = [str(_("Écart : #%(n)d %(m)s") % {"n": i.index, "m": i.message}) for i in issues]
    return subs.to_vtt(cues, notes)
