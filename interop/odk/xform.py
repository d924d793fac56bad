"""Le formulaire de projection pour ODK Collect / KoBoCollect, construit par pyxform.

Le formulaire est celui d'UNE animatrice, maintenant : ses organisations, les supports qu'elle peut
montrer (la fonction d'accès, par `communication.selectors.loggable_works`), les lieux actifs, les
canaux et types de lieu du plan. Les longues listes (lieux, supports) sont des médias CSV du formulaire
(`select_one_from_file`), les courtes sont dans le formulaire.

La version est une empreinte de tout ce contenu : un plan modifié (un lieu ajouté, une œuvre retirée ou
nouvellement consentie) donne une nouvelle version, que le téléphone télécharge à la mise à jour.
"""

import csv
import hashlib
import io
import json
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from pyxform.xls2xform import convert

from communication.models import (
    BROADCAST_CHANNELS, GROUP_FIELDS, SENSITIVE_FIELDS, SEX_AGE_FIELDS, CommChannel, Place, Screening, VenueType,
)
from communication.selectors import loggable_works, partners_for
from media_library.models import Theme

from ..flows.receive_odk_submission import FORM_ID

# Changez ce numéro quand la STRUCTURE du formulaire change (pas ses listes : elles sont dans l'empreinte).
SCHEMA_VERSION = "1"
PLACES_CSV = "lieux.csv"
WORKS_CSV = "supports.csv"


@dataclass
class FormBundle:
    form_id: str
    title: str
    version: str
    xml: bytes
    media: dict = field(default_factory=dict)  # nom → octets

    @property
    def md5(self):
        return "md5:" + hashlib.md5(self.xml).hexdigest()  # noqa: S324 (exigé par OpenRosa, pas un secret)

    @staticmethod
    def media_md5(data):
        return "md5:" + hashlib.md5(data).hexdigest()  # noqa: S324


def _csv(rows):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["name", "label"])
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _label(name):
    return str(Screening._meta.get_field(name).verbose_name).capitalize()


def _count(name, *, relevant=None):
    row = {
        "type": "integer", "name": name, "label": _label(name),
        "constraint": ". >= 0 and . <= 100000",
        "constraint_message": _("Indiquez un nombre entier entre 0 et 100 000."),
    }
    if relevant:
        row["relevant"] = relevant
    return row


def options_for(user):
    """Les listes du formulaire de `user` (organisations, lieux, supports, thèmes, canaux, types de lieu)."""
    partners = [(str(p.pk), str(p)) for p in partners_for(user).order_by("name")]
    places = [(str(p.pk), p.label) for p in Place.objects.filter(active=True).select_related("parent").order_by("name", "pk")]
    works = [
        (str(w.pk), f"{w.title_fr} / {w.title_bm}" if w.title_bm else w.title_fr)
        for w in loggable_works(user).order_by("title_fr", "pk")
    ]
    themes = [(str(t.pk), t.name) for t in Theme.objects.order_by("name")]
    channels = [(value, str(label)) for value, label in CommChannel.choices]
    venues = [(value, str(label)) for value, label in VenueType.choices]
    return {"partners": partners, "places": places, "works": works, "themes": themes, "channels": channels,
            "venues": venues}


def _workbook(options, version):
    broadcast = " or ".join(f"${{channel}} = '{c}'" for c in sorted(str(c) for c in BROADCAST_CHANNELS))
    in_person = f"not({broadcast})"
    survey = [
        {"type": "select_one partner", "name": "partner", "label": _("Organisation"), "required": "yes"},
        {"type": "dateTime", "name": "started_at", "label": _("Date et heure de la séance"), "required": "yes"},
        {"type": "select_one channel", "name": "channel", "label": _("Canal"), "required": "yes"},
        {"type": "select_one venue", "name": "venue_type", "label": _("Type de lieu"), "required": "yes"},
        {"type": f"select_one_from_file {PLACES_CSV}", "name": "place", "label": _("Lieu"), "required": "yes",
         "appearance": "autocomplete"},
        {"type": f"select_multiple_from_file {WORKS_CSV}", "name": "works", "label": _("Supports montrés"),
         "required": "yes"},
        {"type": "begin_group", "name": "people", "label": _("Personnes présentes"), "relevant": in_person},
        *[_count(name) for name in SEX_AGE_FIELDS],
        *[_count(name) for name in GROUP_FIELDS],
        *[_count(name) for name in SENSITIVE_FIELDS],
        _count("referrals"),
        {"type": "end_group", "name": "people"},
        {"type": "integer", "name": "estimated_audience", "label": _label("estimated_audience"),
         "relevant": broadcast, "constraint": ". >= 0",
         "constraint_message": _("Indiquez un nombre entier positif.")},
        {"type": "integer", "name": "discussion_minutes", "label": _("Durée de la discussion (minutes)"),
         "constraint": ". >= 0 and . <= 1440",
         "constraint_message": _("La durée de la discussion doit être comprise entre 0 et 1 440 minutes.")},
        {"type": "select_multiple theme", "name": "themes", "label": _("Thèmes abordés")},
        {"type": "text", "name": "quotes", "label": _label("quotes")},
        {"type": "text", "name": "referrals_note", "label": _label("referrals_note")},
        {"type": "select_one yes_no", "name": "follow_up_needed", "label": _label("follow_up_needed")},
        {"type": "text", "name": "follow_up_note", "label": _label("follow_up_note"),
         "relevant": "${follow_up_needed} = 'yes'"},
        {"type": "image", "name": "attendance_sheet", "label": _("Photo de la feuille de présence (facultatif)")},
    ]
    choices = []
    for list_name, key in (("partner", "partners"), ("channel", "channels"), ("venue", "venues"), ("theme", "themes")):
        choices += [{"list_name": list_name, "name": name, "label": label} for name, label in options[key]]
    choices += [{"list_name": "yes_no", "name": "yes", "label": _("Oui")},
                {"list_name": "yes_no", "name": "no", "label": _("Non")}]
    if not options["themes"]:
        # pyxform refuse une liste vide : un choix neutre, ignoré à la réception.
        choices.append({"list_name": "theme", "name": "none", "label": _("Aucun")})
    if not options["partners"]:
        choices.append({"list_name": "partner", "name": "none", "label": _("Aucune organisation")})
    settings = [{"form_title": _("Fiche de projection · Paroles"), "form_id": FORM_ID, "version": version,
                 "default_language": "fr", "instance_name": "concat(${started_at}, ' ', ${place})"}]
    return {"survey": survey, "choices": choices, "settings": settings}


def build_form(user):
    """Le formulaire de `user` maintenant, avec ses médias et sa version (empreinte du contenu)."""
    options = options_for(user)
    media = {PLACES_CSV: _csv(options["places"]), WORKS_CSV: _csv(options["works"])}
    digest = hashlib.sha256(json.dumps(
        {"schema": SCHEMA_VERSION, "options": options, "language": _("Organisation")},
        sort_keys=True, ensure_ascii=False,
    ).encode()).hexdigest()
    version = digest[:16]
    result = convert(xlsform=_workbook(options, version), form_name="data")
    title = _("Fiche de projection · Paroles")
    return FormBundle(FORM_ID, title, version, result.xform.encode("utf-8"), media)
