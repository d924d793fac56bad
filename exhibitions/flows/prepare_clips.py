"""Les extraits d'une exposition : chaque bloc « Extrait (chapitre) » est servi par un rendu coupé à sa
fenêtre (jamais le fichier entier). Appelée quand la page est enregistrée ou publiée dans l'admin :
demande à la médiathèque les extraits qui manquent (un travail de fond par fenêtre ; rien si déjà fait
ou en cours). La décision d'accès reste prise à chaque requête par la politique (la porte)."""

from media_library.flows.request_clip import request_window_clip

from .. import integrations
from ..contents import iter_blocks


def request_page_clips(page, *, user=None):
    """Demande les extraits manquants des blocs « Extrait » de `page` ; renvoie les travaux créés."""
    jobs = []
    for _room, block_type, value in iter_blocks(page):
        if block_type != "chapter_clip":
            continue
        work, start, end = value.get("work"), value.get("start"), value.get("end")
        if work is None or start is None or end is None or end <= start:
            continue
        media = integrations.playable(work)
        if media is None:
            continue
        job = request_window_clip(media, start, end, user=user)
        if job is not None:
            jobs.append(job)
    return jobs
