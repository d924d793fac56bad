"""Recherche dans ce qui a été dit : répliques des pistes approuvées, œuvres autorisées seulement.

`search_transcripts(user, query, channel)` est l'interface pour la recherche du site : chaque
résultat porte l'œuvre, l'instant (secondes), un extrait et le lien vers ce moment du média.
"""

from dataclasses import dataclass

from consent.policy import policy
from consent.channels import Channel

from .engine import normalise
from .models import Cue, SubtitleTrack


@dataclass
class Hit:
    work: object
    start: float
    end: float
    snippet: str
    language: str

    @property
    def url(self):
        seconds = int(self.start)
        return f"{self.work.get_absolute_url()}?t={seconds}#t={seconds}"

    @property
    def timecode(self):
        m, s = divmod(int(self.start), 60)
        h, m = divmod(m, 60)
        return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def search_transcripts(user, query, channel=Channel.WEBSITE, limit=50):
    """Répliques approuvées qui contiennent tous les mots de `query`, dans les œuvres que `user`
    peut voir sur `channel` (consent.policy.policy.visible). Au plus une dizaine de moments par œuvre."""
    terms = normalise(query or "").split()
    if not terms:
        return []
    works = policy.visible(user, channel)
    qs = Cue.objects.filter(track__status=SubtitleTrack.Status.APPROVED, track__work__in=works)
    for term in terms:
        qs = qs.filter(search_text__contains=term)
    qs = qs.select_related("track", "track__work").order_by("track__work_id", "start_ms")
    hits = []
    per_work = {}
    for cue in qs[: limit * 4]:
        count = per_work.get(cue.track.work_id, 0)
        if count >= 10:
            continue
        per_work[cue.track.work_id] = count + 1
        hits.append(Hit(cue.track.work, cue.start, cue.end, cue.text.replace("\n", " "), cue.track.language))
        if len(hits) >= limit:
            break
    return hits
