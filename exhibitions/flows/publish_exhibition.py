"""Publier une exposition : refusée tant qu'une œuvre n'a pas le consentement du canal de l'exposition.

- `check_publication(page, at=None)` : les œuvres qui empêchent de publier, avec la raison (vide = OK) ;
- `guard_publication(page, revision, log_action)` : appelée par `ExhibitionPage.publish` (admin,
  publications programmées, commandes, code) : lève `ExhibitionPublishBlocked`, ou annule une
  publication programmée (renvoie False) ;
- `has_no_visible_work(page)` : plus rien à montrer (l'avis aux commissaires après un retrait) ;
- `publication_problems_message(page, problems)` : les lignes du message montré dans l'admin.

Aucune règle d'accès n'est écrite ici : la décision vient de la politique (`integrations.decide_many`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from consent.access import Segment
from consent.channels import Channel
from consent.policy import policy

from .. import integrations
from ..contents import collect_refs, iter_blocks

logger = logging.getLogger(__name__)


@dataclass
class Problem:
    work: object
    reason: str
    where: str = ""

    def __str__(self):
        where = f" ({self.where})" if self.where else ""
        return f"« {self.work.title_fr} »{where} : {self.reason}"


class ExhibitionPublishBlocked(ValidationError):
    """Publication refusée : au moins une œuvre n'a pas le consentement du canal de l'exposition."""

    def __init__(self, problems):
        self.problems = list(problems)
        message = _("Publication refusée : %(n)d œuvre(s) sans le consentement nécessaire. %(list)s") % {
            "n": len(self.problems),
            "list": " ; ".join(str(p) for p in self.problems),
        }
        super().__init__(message, code="consent")


def check_publication(page, *, at=None):
    """Les œuvres de `page` qui n'ont pas le consentement de son canal de publication (liste vide = OK).

    La décision est prise pour le public (visiteur anonyme), maintenant (ou à `at`).
    """
    from media_library.models import Work, format_timecode

    where, _image_work = collect_refs(page)
    if not where:
        return []
    channel = page.publication_channel
    # Une œuvre montrée seulement par des extraits (chapitres) : chaque extrait est décidé pour lui-même
    # (seules les personnes qui y paraissent comptent) ; montrée entière ne serait-ce qu'une fois : l'œuvre.
    clips, whole = {}, set()
    for room, block_type, value in iter_blocks(page):
        work = value.get("work") if hasattr(value, "get") else None
        if work is None:
            continue
        if block_type == "chapter_clip" and value.get("start") is not None and value.get("end") is not None:
            clips.setdefault(work.pk, []).append((room, value))
        else:
            whole.add(work.pk)
    whole |= {pk for pk in where if pk not in clips}  # œuvres vues par leurs images
    works = {w.pk: w for w in Work.all_objects.filter(pk__in=where)}
    decisions = integrations.decide_many(AnonymousUser(), [w for pk, w in works.items() if pk in whole], channel,
                                         at=at)
    problems = []
    for pk, work in sorted(works.items(), key=lambda kv: kv[1].title_fr):
        if pk in whole:
            decision = decisions[pk] if pk in decisions else policy.absent()
            if not decision.allowed:
                rooms = ", ".join(dict.fromkeys(r for r in where[pk] if r))
                problems.append(Problem(work, str(decision.reason) or _("Canal non autorisé."), rooms))
            continue
        for room, value in clips.get(pk, []):
            decision = policy.decide(AnonymousUser(), work, channel, variant=Segment(value["start"], value["end"]),
                                     at=at)
            if not decision.allowed:
                place = _("extrait « %(title)s » (%(start)s–%(end)s)") % {
                    "title": value.get("title_fr") or "", "start": format_timecode(value["start"]),
                    "end": format_timecode(value["end"])}
                problems.append(Problem(work, str(decision.reason) or _("Canal non autorisé."),
                                        ", ".join(p for p in (room, place) if p)))
    return problems


def guard_publication(page, revision, log_action):
    """Vrai si la révision peut être publiée ; sinon lève `ExhibitionPublishBlocked`, ou (publication
    programmée) annule le programme et renvoie Faux, sans bloquer les autres pages de la commande."""
    problems = check_publication(revision.as_object())
    if not problems:
        return True
    if log_action == "wagtail.publish.scheduled":
        # La conservatrice voit l'avertissement dans l'admin (journal de la page, panneau d'accueil).
        cancel_scheduled_publication(page, revision, problems)
        return False
    raise ExhibitionPublishBlocked(problems)


def has_no_visible_work(page):
    """Vrai si l'exposition cite des œuvres et qu'aucune n'a plus le consentement de son canal."""
    where, _image_work = collect_refs(page)
    if not where:
        return False
    # Ce que la page montre de chaque œuvre : l'œuvre entière (une fois), ou chacun de ses extraits.
    clips, whole = {}, set()
    for _room, block_type, value in iter_blocks(page):
        work = value.get("work") if hasattr(value, "get") else None
        if work is None:
            continue
        if block_type == "chapter_clip" and value.get("start") is not None and value.get("end") is not None:
            clips[work.pk] = clips.get(work.pk, 0) + 1
        else:
            whole.add(work.pk)
    shown = {pk: 1 if pk in whole or pk not in clips else clips[pk] for pk in where}
    refused = {}
    for problem in check_publication(page):
        refused[problem.work.pk] = refused.get(problem.work.pk, 0) + 1
    return all(refused.get(pk, 0) >= n for pk, n in shown.items())


def publication_problems_message(page, problems):
    channel_label = Channel(page.publication_channel).label
    lines = [
        _("Publication refusée : le canal « %(channel)s » n'est pas autorisé pour %(n)d œuvre(s).")
        % {"channel": channel_label, "n": len(problems)}
    ]
    lines += [str(p) for p in problems]
    return lines


def cancel_scheduled_publication(page, revision, problems):
    """Une publication programmée tombe sur une œuvre sans consentement : on annule le programme."""
    from wagtail.log_actions import log

    revision.approved_go_live_at = None
    revision.save(update_fields=["approved_go_live_at"])
    log(
        instance=page,
        action="exhibitions.publish_blocked",
        data={"problems": [str(p) for p in problems]},
        revision=revision,
    )
    logger.warning("Publication programmée annulée pour « %s » : %s", page.title, "; ".join(map(str, problems)))
