"""Règles de cohérence d'une fiche de projection : UNE définition, appliquée au serveur et au téléphone.

Le formulaire hors ligne (static/communication/journal.js) applique les mêmes règles avec les mêmes
messages : la page les reçoit de `client_rules()` (API des options), si bien qu'une fiche impossible
reste sur le téléphone, avec le message, jusqu'à ce qu'elle soit corrigée.
"""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .vocabulary import BROADCAST_CHANNELS, COUNT_FIELDS, FIELD_LABELS, GROUP_FIELDS, SENSITIVE_FIELDS, SEX_AGE_FIELDS

# Tolérance pour l'horloge d'un téléphone un peu en avance.
FUTURE_TOLERANCE = dt.timedelta(minutes=10)
EARLIEST_DATE = dt.date(2015, 1, 1)
MAX_COUNT = 100_000  # une séance en présentiel ; au-delà, c'est une faute de frappe
MAX_AUDIENCE = 50_000_000
MAX_MINUTES = 24 * 60

MESSAGES = {
    "negative": _("« %(field)s » : un nombre ne peut pas être négatif."),
    "not_integer": _("« %(field)s » : indiquez un nombre entier."),
    "too_large": _("« %(field)s » : %(value)s est un nombre impossible pour une séance."),
    "total_mismatch": _(
        "Le total (%(total)s) ne correspond pas à la somme filles + garçons + femmes + hommes (%(sum)s)."
    ),
    "groups_mismatch": _(
        "La répartition par groupe (%(sum)s) ne correspond pas au total (%(total)s). Comptez les personnes "
        "dont le groupe n'est pas connu dans « autres ou non précisé »."
    ),
    "sensitive_over_total": _("« %(field)s » (%(value)s) dépasse le nombre de personnes présentes (%(total)s)."),
    "referrals_over_total": _("Plus de personnes orientées (%(value)s) que de personnes présentes (%(total)s)."),
    "nobody": _("Indiquez au moins une personne présente."),
    "broadcast_has_people": _(
        "Une diffusion ne compte pas de personnes présentes : indiquez seulement le public estimé."
    ),
    "broadcast_needs_audience": _("Indiquez le public estimé de la diffusion."),
    "audience_not_broadcast": _(
        "Le public estimé est réservé aux diffusions (télévision, radio, réseaux sociaux) ; "
        "pour une séance, comptez les personnes présentes."
    ),
    "future": _("La date de la séance est dans le futur."),
    "too_old": _("La date de la séance est trop ancienne (avant 2015)."),
    "date_missing": _("Indiquez la date et l'heure de la séance."),
    "minutes": _("La durée de la discussion doit être comprise entre 0 et 1 440 minutes."),
    "required": _("Ce champ est obligatoire."),
    "no_material": _("Indiquez au moins un support montré."),
    "unknown_material": _("Support inconnu ou que vous ne pouvez pas utiliser."),
    "unknown_place": _("Lieu inconnu : choisissez-le dans la liste."),
    "unknown_partner": _("Organisation inconnue."),
    "not_your_partner": _("Vous ne pouvez saisir des séances que pour votre organisation."),
    "unknown_theme": _("Thème inconnu."),
    "unknown_choice": _("Valeur inconnue : choisissez-la dans la liste."),
}


def field_label(name):
    return str(FIELD_LABELS[name])


def _msg(key, **params):
    return str(MESSAGES[key]) % params if params else str(MESSAGES[key])


def coerce_count(value):
    """Renvoie (entier, clé d'erreur). Vide vaut 0."""
    if value is None or value == "":
        return 0, None
    if isinstance(value, bool):
        return None, "not_integer"
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and value.strip().lstrip("-").isdigit():
        number = int(value.strip())
    else:
        return None, "not_integer"
    if number < 0:
        return None, "negative"
    return number, None


def validate_counts(data, *, now=None):
    """Vérifie les nombres, les sous-totaux, la séparation diffusion/présentiel et la date.

    `data` contient les champs de COUNT_FIELDS (entiers déjà convertis, ou None), `people_total`
    (None : calculé), `estimated_audience`, `referrals`, `discussion_minutes`, `channel`, `started_at`
    (datetime avec fuseau). Renvoie {champ: [messages]} ; vide si tout va bien.
    """
    errors = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    counts = {}
    for name in COUNT_FIELDS + ("referrals",):
        value = data.get(name)
        if value is None:
            value = 0
        if value < 0:
            add(name, _msg("negative", field=field_label(name)))
            continue
        if value > MAX_COUNT:
            add(name, _msg("too_large", field=field_label(name), value=value))
            continue
        counts[name] = value
    if errors:
        return errors

    sex_age_sum = sum(counts[f] for f in SEX_AGE_FIELDS)
    total = data.get("people_total")
    if total is None:
        total = sex_age_sum
    elif total < 0:
        add("people_total", _msg("negative", field=field_label("people_total")))
        return errors

    audience = data.get("estimated_audience")
    if audience is not None and audience < 0:
        add("estimated_audience", _msg("negative", field=field_label("estimated_audience")))
    elif audience is not None and audience > MAX_AUDIENCE:
        add("estimated_audience", _msg("too_large", field=field_label("estimated_audience"), value=audience))

    channel = data.get("channel")
    if channel in BROADCAST_CHANNELS:
        if total or any(counts[f] for f in COUNT_FIELDS) or counts["referrals"]:
            add("people_total", _msg("broadcast_has_people"))
        if not audience:
            add("estimated_audience", _msg("broadcast_needs_audience"))
    else:
        if audience:
            add("estimated_audience", _msg("audience_not_broadcast"))
        if total != sex_age_sum:
            add("people_total", _msg("total_mismatch", total=total, sum=sex_age_sum))
        elif total == 0:
            add("people_total", _msg("nobody"))
        group_sum = sum(counts[f] for f in GROUP_FIELDS)
        if total and group_sum != total:
            add("other_group", _msg("groups_mismatch", sum=group_sum, total=total))
        for name in SENSITIVE_FIELDS:
            if counts[name] > total:
                add(name, _msg("sensitive_over_total", field=field_label(name), value=counts[name], total=total))
        if counts["referrals"] > total:
            add("referrals", _msg("referrals_over_total", value=counts["referrals"], total=total))

    minutes = data.get("discussion_minutes")
    if minutes is not None and not (0 <= minutes <= MAX_MINUTES):
        add("discussion_minutes", _msg("minutes"))

    started_at = data.get("started_at")
    if started_at is None:
        add("started_at", _msg("date_missing"))
    else:
        now = now or timezone.now()
        if started_at > now + FUTURE_TOLERANCE:
            add("started_at", _msg("future"))
        elif started_at.date() < EARLIEST_DATE:
            add("started_at", _msg("too_old"))
    return errors


def client_rules():
    """Ce que le formulaire hors ligne doit savoir pour appliquer les mêmes règles."""
    return {
        "messages": {key: str(value) for key, value in MESSAGES.items()},
        "labels": {name: field_label(name) for name in COUNT_FIELDS + ("people_total", "estimated_audience", "referrals")},
        "sex_age_fields": list(SEX_AGE_FIELDS),
        "group_fields": list(GROUP_FIELDS),
        "sensitive_fields": list(SENSITIVE_FIELDS),
        "broadcast_channels": sorted(str(c) for c in BROADCAST_CHANNELS),
        "future_tolerance_minutes": int(FUTURE_TOLERANCE.total_seconds() // 60),
        "earliest_date": EARLIEST_DATE.isoformat(),
        "max_count": MAX_COUNT,
        "max_audience": MAX_AUDIENCE,
        "max_minutes": MAX_MINUTES,
    }
