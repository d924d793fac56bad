"""Enregistrer une fiche de projection envoyée par un téléphone (ou saisie ailleurs).

Idempotence : chaque fiche porte un identifiant produit par le téléphone (`client_id`, unique en
base). Pour un identifiant déjà reçu :
- même contenu (même empreinte) et même auteur : on renvoie le résultat d'origine, rien n'est recompté ;
- contenu différent : refus (409) avec la raison, rien n'est modifié.
Deux envois simultanés du même identifiant : l'un insère, l'autre bute sur la contrainte d'unicité
et relit la fiche gagnante, puis répond comme ci-dessus. Aucune fiche en double, aucune perdue.

Une fiche refusée par la validation n'est pas enregistrée : le téléphone la garde, on la corrige, et
le même identifiant peut être renvoyé.
"""

import hashlib
import json
import uuid
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from media_library.models import Chapter, PartnerOrganisation, Theme

from .. import rollups
from ..models import COUNT_FIELDS, CommChannel, Place, Screening, ScreeningMaterial, VenueType
from ..selectors import can_log_for_any_partner, loggable_works
from ..validation import MESSAGES, coerce_count, validate_counts

TEXT_FIELDS = ("quotes", "referrals_note", "follow_up_note")
MAX_TEXT = 5000


@dataclass
class Outcome:
    status: str  # accepted | replayed | refused | conflict | forbidden
    http_status: int
    body: dict = field(default_factory=dict)
    screening: Screening | None = None


def _m(key, **params):
    text = str(MESSAGES[key])
    return text % params if params else text


def result_body(screening, *, replayed=False):
    """Le résultat d'une fiche acceptée. Il se reconstruit à l'identique à chaque renvoi."""
    body = {
        "id": str(screening.client_id),
        "status": "accepted",
        "reference": f"P-{screening.pk:06d}",
        "received_at": screening.received_at.isoformat(),
        "people_total": screening.people_total,
        "estimated_audience": screening.estimated_audience,
        "message": _("Fiche reçue (référence P-%(ref)06d).") % {"ref": screening.pk},
    }
    if replayed:
        body["replayed"] = True
    return body


def content_hash(normalized):
    return hashlib.sha256(json.dumps(normalized, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def _int_or_none(value):
    if value in (None, ""):
        return None, None
    return coerce_count(value)


def normalize(payload):
    """Convertit le JSON reçu en valeurs simples. Renvoie (normalisé, erreurs)."""
    errors = {}

    def add(name, message):
        errors.setdefault(name, []).append(message)

    if not isinstance(payload, dict):
        return None, {"__all__": [_("Fiche illisible.")]}
    out = {}
    for name in COUNT_FIELDS + ("referrals",):
        value, err = coerce_count(payload.get(name))
        if err:
            from ..validation import field_label

            add(name, _m(err, field=field_label(name)))
        out[name] = value
    for name in ("people_total", "estimated_audience", "discussion_minutes"):
        value, err = _int_or_none(payload.get(name))
        if err:
            add(name, _m(err, field=name if name == "discussion_minutes" else str(Screening._meta.get_field(name).verbose_name)))
        out[name] = value

    raw_date = payload.get("started_at")
    started = parse_datetime(raw_date) if isinstance(raw_date, str) else None
    if started is None:
        add("started_at", _m("date_missing"))
        out["started_at"] = None
    else:
        if timezone.is_naive(started):
            started = timezone.make_aware(started)
        out["started_at"] = started.isoformat()

    for name, choices in (("channel", CommChannel.values), ("venue_type", VenueType.values)):
        value = payload.get(name)
        if not value:
            add(name, _m("required"))
        elif value not in choices:
            add(name, _m("unknown_choice"))
        out[name] = value or ""

    for name in ("partner", "place"):
        value = payload.get(name)
        try:
            out[name] = int(value)
        except (TypeError, ValueError):
            add(name, _m("required"))
            out[name] = None

    materials = []
    for item in payload.get("materials") or []:
        if not isinstance(item, dict):
            add("materials", _m("unknown_material"))
            continue
        try:
            work_id = int(item.get("work"))
        except (TypeError, ValueError):
            add("materials", _m("unknown_material"))
            continue
        chapter = item.get("chapter")
        try:
            chapter = int(chapter) if chapter not in (None, "") else None
        except (TypeError, ValueError):
            add("materials", _m("unknown_material"))
            continue
        materials.append({"work": work_id, "chapter": chapter, "excerpt": str(item.get("excerpt") or "").strip()[:200]})
    if not materials:
        add("materials", _m("no_material"))
    out["materials"] = _dedupe(sorted(materials, key=lambda m: (m["work"], m["chapter"] or 0, m["excerpt"])))

    themes = []
    for value in payload.get("themes") or []:
        try:
            themes.append(int(value))
        except (TypeError, ValueError):
            add("themes", _m("unknown_theme"))
    out["themes"] = sorted(set(themes))

    for name in TEXT_FIELDS:
        out[name] = str(payload.get(name) or "").strip()[:MAX_TEXT]
    out["follow_up_needed"] = bool(payload.get("follow_up_needed"))
    return out, errors


def _existing_outcome(existing, digest, user):
    same_author = existing.recorded_by_id == getattr(user, "pk", None)
    if existing.content_hash == digest and same_author:
        return Outcome("replayed", 200, result_body(existing, replayed=True), existing)
    return Outcome(
        "conflict",
        409,
        {
            "id": str(existing.client_id),
            "status": "refused",
            "errors": {"__all__": [_(
                "Cet identifiant de fiche a déjà été reçu avec un autre contenu. Rien n'a été modifié : "
                "renvoyez cette fiche comme une nouvelle fiche."
            )]},
        },
    )


def record_screening(user, payload, *, now=None, source=Screening.Source.PHONE):
    """Valide et enregistre une fiche ; renvoie un Outcome (statut HTTP et corps JSON compris)."""
    try:
        client_id = uuid.UUID(str(payload.get("id") if isinstance(payload, dict) else ""))
    except ValueError:
        return Outcome("refused", 400, {"status": "refused", "errors": {"__all__": [_("Identifiant de fiche manquant ou invalide.")]}})

    def refused(errors, status=422):
        return Outcome("refused", status, {"id": str(client_id), "status": "refused", "errors": errors})

    normalized, errors = normalize(payload)
    if normalized is None:
        return refused(errors, 400)
    digest = content_hash(normalized)

    existing = Screening.objects.filter(client_id=client_id).first()
    if existing is not None:
        return _existing_outcome(existing, digest, user)

    if errors:
        return refused(errors)

    # Organisation : un animateur ne saisit que pour la sienne.
    partner = PartnerOrganisation.objects.filter(pk=normalized["partner"]).first()
    if partner is None:
        return refused({"partner": [_m("unknown_partner")]})
    if not can_log_for_any_partner(user) and not partner.users.filter(pk=user.pk).exists():
        return Outcome("forbidden", 403, {"id": str(client_id), "status": "refused",
                                          "errors": {"partner": [_m("not_your_partner")]}})

    place = Place.objects.filter(pk=normalized["place"]).first()
    if place is None:
        errors["place"] = [_m("unknown_place")]

    work_ids = {m["work"] for m in normalized["materials"]}
    works = {w.pk: w for w in loggable_works(user, work_ids)}
    if len(works) != len(work_ids):
        errors["materials"] = [_m("unknown_material")]
    chapter_ids = {m["chapter"] for m in normalized["materials"] if m["chapter"]}
    if chapter_ids:
        found = set(Chapter.objects.filter(pk__in=chapter_ids).values_list("pk", "work_id"))
        wanted = {(m["chapter"], m["work"]) for m in normalized["materials"] if m["chapter"]}
        if found != wanted:
            errors["materials"] = [_m("unknown_material")]

    themes = list(Theme.objects.filter(pk__in=normalized["themes"]))
    if len(themes) != len(normalized["themes"]):
        errors["themes"] = [_m("unknown_theme")]

    started_at = parse_datetime(normalized["started_at"])
    count_errors = validate_counts({**normalized, "started_at": started_at}, now=now)
    for name, messages in count_errors.items():
        errors.setdefault(name, []).extend(messages)
    if errors:
        return refused(errors)

    first_work = works[normalized["materials"][0]["work"]]
    screening = Screening(
        client_id=client_id,
        content_hash=digest,
        project_id=first_work.project_id,
        partner=partner,
        facilitator=user,
        recorded_by=user,
        started_at=started_at,
        place=place,
        venue_type=normalized["venue_type"],
        channel=normalized["channel"],
        estimated_audience=normalized["estimated_audience"] or None,
        discussion_minutes=normalized["discussion_minutes"],
        follow_up_needed=normalized["follow_up_needed"],
        source=source,
        **{name: normalized[name] for name in COUNT_FIELDS + ("referrals",)},
        **{name: normalized[name] for name in TEXT_FIELDS},
    )
    try:
        with transaction.atomic():
            screening.save()
            ScreeningMaterial.objects.bulk_create(
                [ScreeningMaterial(screening=screening, work_id=m["work"], chapter_id=m["chapter"], excerpt=m["excerpt"])
                 for m in normalized["materials"]]
            )
            rollups.materials_recorded(screening)
            screening.themes.set(themes)
    except IntegrityError:
        # Un envoi concurrent du même identifiant a gagné : on répond comme pour un renvoi.
        existing = Screening.objects.filter(client_id=client_id).first()
        if existing is None:
            raise
        return _existing_outcome(existing, digest, user)
    return Outcome("accepted", 201, result_body(screening), screening)


def _dedupe(materials):
    seen, out = set(), []
    for m in materials:
        key = (m["work"], m["chapter"], m["excerpt"])
        if key not in seen:
            seen.add(key)
            out.append(m)
    return out
