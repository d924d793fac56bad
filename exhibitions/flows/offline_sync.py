"""Synchroniser l'application hors ligne d'un·e animateur·rice : ce qu'elle peut prendre, ce qu'elle doit effacer.

`sync(user, payload)` est appelé par la vue (exhibitions.views.offline.api_sync) à chaque retour du
réseau. Le téléphone envoie son identifiant (créé sur le téléphone), les supports qu'il garde et ceux
qu'il vient d'effacer. Le serveur répond, par la politique du consentement (`consent.access`, canal
« téléchargement par les animateurs ») et la liste de diffusion du support (organisation) :

- `items` : les supports que cette personne peut prendre maintenant (titres, guide, adresses des
  fichiers par la porte) — aucun nom légal, aucun attribut sensible, aucun pseudonyme ;
- `keep` : ceux qu'elle garde et qu'elle peut encore garder (confirmés maintenant) ;
- `recall` : ceux qu'elle garde et qu'elle doit effacer tout de suite — retirés, expirés, sortis de la
  portée de son organisation, ou inconnus : la réponse est la même dans tous les cas, elle ne dit rien
  de la raison ni de la personne ;
- `notice` : le message neutre à montrer s'il y a eu un rappel.

Le serveur note chaque copie confirmée, chaque rappel et chaque effacement confirmé (HeldCopy), pour la
page d'impact d'un retrait.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from consent.channels import Channel
from consent.policy import policy

from .. import integrations
from .toolkit_materials import material_is_for

CHANNEL = Channel.FACILITATOR_DOWNLOAD
MAX_HELD = 500  # plus de supports gardés que cela : demande illisible


def max_days():
    return int(getattr(settings, "PAROLES_OFFLINE_MAX_DAYS", 30))


def notice_text():
    return _("Un support a été retiré à la demande d'une personne concernée.")


@dataclass
class Outcome:
    http_status: int
    body: dict = field(default_factory=dict)


def item_id(material):
    return f"m{material.pk}"


def _file(key, url, *, size=None, mime="", kind="", lang="", label=""):
    return {"key": key, "url": url, "size": size, "type": mime, "kind": kind, "lang": lang, "label": label}


def _media_file(work, flags):
    """Le fichier à garder : la version téléphone (vidéo) ou l'audio, sinon un autre rendu ; jamais l'original."""
    media = integrations.playable(work)
    if media is None:
        return None
    if media.media_type == "video":
        phone = integrations.rendition(media, "phone", flags)
        if phone is not None:
            return _file(f"rendu:{phone.uuid}", phone.get_serve_url(CHANNEL), size=phone.size, mime=phone.mime_type,
                         kind="video")
    audio_first = media.media_type == "audio"
    if audio_first:
        audio = integrations.rendition(media, "audio", flags)
        if audio is not None:
            return _file(f"rendu:{audio.uuid}", audio.get_serve_url(CHANNEL), size=audio.size, mime=audio.mime_type,
                         kind="audio")
    # Pas encore de version téléphone : la version web (vidéo) ou l'audio. Jamais l'original, qui garde ses
    # métadonnées (lieu GPS, appareil) et ne sort que pour l'équipe de l'archive.
    for kind in ("web",) if media.media_type == "video" else ("phone", "web"):
        other = integrations.rendition(media, kind, flags)
        if other is not None:
            return _file(f"rendu:{other.uuid}", other.get_serve_url(CHANNEL), size=other.size, mime=other.mime_type,
                         kind="video" if media.media_type == "video" else "audio")
    return None


def _tracks(tracks):
    out = []
    for track in tracks:
        if track.language not in ("fr", "bm"):
            continue
        version = track.vtt_file.name.rsplit("/", 1)[-1]
        out.append(_file(f"piste:{track.pk}:{version}", track.get_serve_url(CHANNEL, "vtt"), mime="text/vtt",
                         kind="track", lang=track.language, label=str(track.get_language_display())))
    return out


def _describe(material, work, decision, tracks, *, guide_allowed=True):
    flags = frozenset(getattr(decision, "required_variant_flags", ()) or ())
    media = _media_file(work, flags)
    files = ([media] if media else []) + (_tracks(tracks) if media else [])
    clips = []
    for block in material.clips or []:
        value = block.value
        clip_work = value.get("work")
        if clip_work is not None and clip_work.pk != work.pk:
            continue  # un extrait d'une autre œuvre suit le consentement de celle-ci : pas dans ce support
        clips.append({"title_fr": value.get("title_fr") or "", "title_bm": value.get("title_bm") or "",
                      "start": float(value.get("start") or 0), "end": float(value.get("end") or 0),
                      "note_fr": value.get("note_fr") or "", "note_bm": value.get("note_bm") or ""})
    return {
        "id": item_id(material),
        "material": material.pk,
        "work": work.pk,
        "title_fr": material.display_title,
        "title_bm": material.display_title_bm,
        "kind": str(work.get_kind_display()),
        "duration_minutes": material.duration_minutes,
        "audience": material.audience,
        "summary_fr": material.summary_fr,
        "summary_bm": material.summary_bm,
        "guide": {
            "messages": material.key_messages(),
            "messages_bm": material.key_messages_bm_list(),
            "questions": material.opening_questions(),
            "questions_bm": material.opening_questions_bm_list(),
            "cautions": material.caution_list(),
        } if guide_allowed else {"messages": [], "messages_bm": [], "questions": [], "questions_bm": [], "cautions": []},
        "clips": clips if media else [],
        "files": files,
        "version": "|".join(f["key"] for f in files),
        # Une œuvre sous condition (visage flouté, voix modifiée) : seuls ces fichiers-là peuvent être gardés.
        "strict": bool(flags),
    }


def allowed_items(user):
    """{item_id: description} : ce que `user` peut garder sur son téléphone, maintenant.

    Chaque œuvre est décidée par la politique du consentement (policy.visible pour l'ensemble, policy.decide
    pour les conditions d'une œuvre permise) ; le support doit être destiné à son organisation.
    """
    from media_library.models import Work

    from ..models import ToolkitMaterial, ToolkitPage

    if not getattr(user, "is_authenticated", False):
        return {}
    pages = ToolkitPage.objects.live()
    materials = list(
        ToolkitMaterial.objects.filter(page__in=pages).select_related("work").prefetch_related("organisations")
        .order_by("page__path", "sort_order", "pk")
    )
    materials = [m for m in materials if material_is_for(m, user)]
    if not materials:
        return {}
    work_ids = {m.work_id for m in materials}
    permitted = set(policy.visible(user, CHANNEL, Work.objects.filter(pk__in=work_ids)).values_list("pk", flat=True))
    works = integrations.prefetch_works(permitted)
    tracks = integrations.subtitle_tracks(works.values())
    decisions = {}
    result = {}
    for material in materials:
        work = works.get(material.work_id)
        if work is None:
            continue
        if work.pk not in decisions:
            decisions[work.pk] = policy.decide(user, work, CHANNEL)
        decision = decisions[work.pk]
        if not decision.allowed:
            continue
        # Le guide suit la décision de la porte pour le guide PDF de la boîte à outils (variante = le support).
        conditional = not policy.admits(decision, None)  # une condition sur les médias (visage flouté…)
        guide_allowed = policy.decide(user, work, CHANNEL, variant=material).allowed if conditional else True
        description = _describe(material, work, decision, tracks.get(work.pk, []), guide_allowed=guide_allowed)
        if not description["files"] and not guide_allowed:
            continue
        result[item_id(material)] = description
    return result


def _parse(payload):
    """(identifiant du téléphone, [(id, fichiers)], [ids effacés]) ou un message d'erreur."""
    if not isinstance(payload, dict):
        return None, _("Demande illisible.")
    try:
        device_id = uuid.UUID(str(payload.get("device") or ""))
    except ValueError:
        return None, _("Identifiant du téléphone manquant ou invalide.")
    held, deleted = [], []
    raw_held = payload.get("held") or []
    raw_deleted = payload.get("deleted") or []
    if not isinstance(raw_held, list) or not isinstance(raw_deleted, list) or len(raw_held) + len(raw_deleted) > MAX_HELD:
        return None, _("Liste des supports gardés illisible.")
    for entry in raw_held:
        if isinstance(entry, str):
            entry = {"id": entry}
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str) or len(entry["id"]) > 40:
            return None, _("Liste des supports gardés illisible.")
        files = entry.get("files") if isinstance(entry.get("files"), list) else []
        held.append((entry["id"], [str(f)[:120] for f in files[:20]]))
    for entry in raw_deleted:
        if not isinstance(entry, str) or len(entry) > 40:
            return None, _("Liste des supports effacés illisible.")
        deleted.append(entry)
    return (device_id, held, deleted), None


def _material_for(item):
    from ..models import ToolkitMaterial

    if not (item.startswith("m") and item[1:].isdigit()):
        return None
    return ToolkitMaterial.objects.filter(pk=int(item[1:])).select_related("work").first()


def sync(user, payload, *, now=None):
    """Une synchronisation : enregistre ce que le téléphone garde, ordonne les effacements ; renvoie un Outcome."""
    from ..models import HeldCopy, OfflineDevice

    if not getattr(user, "is_authenticated", False):
        return Outcome(401, {"status": "login_required", "message": _("Connectez-vous pour synchroniser.")})
    parsed, error = _parse(payload)
    if error:
        return Outcome(400, {"status": "refused", "message": error})
    device_id, held, deleted = parsed
    now = now or timezone.now()
    items = allowed_items(user)

    with transaction.atomic():
        device = OfflineDevice.objects.filter(pk=device_id).first()
        if device is not None and device.user_id != user.pk:
            # Un téléphone passé à un autre compte (ou un identifiant copié) : on repart d'un appareil neuf,
            # l'application efface tout ce qu'elle garde de l'ancien compte.
            return Outcome(409, {"status": "device_conflict",
                                 "message": _("Ce téléphone est enregistré pour un autre compte : tout est effacé.")})
        if device is None:
            device = OfflineDevice.objects.create(pk=device_id, user=user, created_at=now, last_sync_at=now)
        else:
            device.last_sync_at = now
            device.save(update_fields=["last_sync_at"])
        copies = {c.item_id: c for c in HeldCopy.objects.filter(device=device).order_by("pk")}  # la dernière garde

        for item in deleted:
            copy = copies.get(item)
            if copy is not None and copy.deleted_at is None:
                copy.deleted_at = now
                if copy.recalled_at is None:  # effacé par la personne elle-même
                    copy.recalled_at = now
                copy.save(update_fields=["deleted_at", "recalled_at"])

        keep, recall = [], []
        for item, files in held:
            copy = copies.get(item)
            allowed = item in items and not (items[item]["strict"] and not set(files) <= {f["key"] for f in items[item]["files"]})
            if allowed:
                keep.append(item)
                description = items[item]
                if copy is None or copy.deleted_at is not None or copy.recalled_at is not None:
                    copies[item] = HeldCopy.objects.create(
                        device=device, user=user, item_id=item, material_id=description["material"],
                        work_id=description["work"], files=files, first_confirmed_at=now, confirmed_at=now,
                    )
                else:
                    copy.confirmed_at, copy.files = now, files
                    copy.save(update_fields=["confirmed_at", "files"])
                continue
            recall.append(item)
            if copy is None:
                material = _material_for(item)
                if material is None:
                    continue  # rien à noter : un support qui n'existe pas
                copies[item] = HeldCopy.objects.create(
                    device=device, user=user, item_id=item, material=material, work_id=material.work_id, files=files,
                    first_confirmed_at=now, recalled_at=now, recall_reason=HeldCopy.Reason.REFUSED,
                )
            elif copy.recalled_at is None:
                copy.recalled_at = now
                copy.recall_reason = HeldCopy.Reason.REFUSED if copy.material_id else HeldCopy.Reason.UNKNOWN
                copy.save(update_fields=["recalled_at", "recall_reason"])

    return Outcome(200, {
        "status": "ok",
        "now": now.isoformat(),
        "max_days": max_days(),
        "items": list(items.values()),
        "keep": keep,
        "recall": recall,
        "notice": notice_text() if recall else None,
    })
