"""Recevoir une fiche de projection envoyée par ODK Collect / KoBoCollect (OpenRosa 1.0).

L'instance XForm est traduite en fiche du journal, puis confiée à `communication.flows.record_screening`,
comme une fiche du formulaire web : mêmes règles, mêmes messages, même idempotence. L'`instanceID` de
l'instance (« uuid:… ») EST l'identifiant de la fiche :
- même identifiant, même contenu : acceptée une fois, un renvoi est acquitté (202) sans rien recompter ;
- même identifiant, autre contenu : refus 409 avec la raison ;
- nombres impossibles : refus avec les messages du journal web.

Les pièces jointes sont vérifiées AVANT tout enregistrement (contenu réel, image ou PDF, complète) ;
la fiche et ses pièces jointes sont enregistrées ensemble ou pas du tout. Un renvoi qui apporte une
pièce jointe manquante (ODK Collect découpe un envoi trop gros en plusieurs) la range.
"""

import hashlib
from dataclasses import dataclass

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _
from lxml import etree

from communication.flows.record_screening import record_screening
from communication.models import COUNT_FIELDS, Screening
from media_library.files import MediaError, check_extension, sniff

from ..models import ScreeningAttachment

# L'identifiant du formulaire ODK que ce cas d'usage accepte (interop.odk.xform le construit sous ce nom).
FORM_ID = "paroles-projection"

ATTACHMENT_TYPES = ("image/jpeg", "image/png", "application/pdf")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True)


@dataclass
class SubmissionResult:
    http_status: int
    message: str
    screening: Screening | None = None


def _local(tag):
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def parse_instance(data):
    """L'instance XForm (octets) → (identifiant du formulaire, champs {nom local: texte}). Lève ValueError."""
    try:
        root = etree.fromstring(data, parser=_PARSER)
    except etree.XMLSyntaxError as exc:
        raise ValueError(_("Fiche illisible : le fichier XML envoyé est incomplet ou abîmé (%(err)s).") % {"err": exc}) from exc
    values = {}
    for element in root.iter():
        name = _local(element.tag)
        if name and len(element) == 0:
            values.setdefault(name, (element.text or "").strip())
    return root.get("id", ""), values


def to_payload(values):
    """Les champs de l'instance → la fiche attendue par record_screening."""
    instance_id = values.get("instanceID", "")
    payload = {
        "id": instance_id.removeprefix("uuid:"),
        "started_at": values.get("started_at", ""),
        "partner": values.get("partner", ""),
        "place": values.get("place", ""),
        "venue_type": values.get("venue_type", ""),
        "channel": values.get("channel", ""),
        "materials": [{"work": w, "chapter": None, "excerpt": ""} for w in values.get("works", "").split()],
        "themes": [t for t in values.get("themes", "").split() if t != "none"],
        "estimated_audience": values.get("estimated_audience", ""),
        "discussion_minutes": values.get("discussion_minutes", ""),
        "referrals": values.get("referrals", ""),
        "quotes": values.get("quotes", ""),
        "referrals_note": values.get("referrals_note", ""),
        "follow_up_needed": values.get("follow_up_needed") == "yes",
        "follow_up_note": values.get("follow_up_note", ""),
    }
    for name in COUNT_FIELDS:
        payload[name] = values.get(name, "")
    return payload


@dataclass
class _Checked:
    upload: object
    name: str
    mime_type: str
    sha256: str
    size: int


def _complete(upload, mime_type):
    """Une image ou un PDF tronqué (envoi coupé) est refusé : on ne garde pas une moitié de photo."""
    upload.seek(0)
    if mime_type == "application/pdf":
        upload.seek(max(0, upload.size - 1024))
        return b"%%EOF" in upload.read()
    from PIL import Image

    try:
        with Image.open(upload) as image:
            image.load()
    except (OSError, SyntaxError, ValueError):
        return False
    finally:
        upload.seek(0)
    return True


def check_attachment(upload):
    name = upload.name or "piece-jointe"
    upload.seek(0)
    head = upload.read(4096)
    try:
        sniffed = sniff(head)
        check_extension(name, sniffed)
    except MediaError as exc:
        raise ValueError(f"{name} : {exc}") from exc
    if sniffed.mime_type not in ATTACHMENT_TYPES:
        raise ValueError(_("%(name)s : seules les photos (JPEG, PNG) et les PDF sont acceptés en pièce jointe.") % {"name": name})
    if not _complete(upload, sniffed.mime_type):
        raise ValueError(_("%(name)s : le fichier est incomplet (envoi interrompu ?). Renvoyez la fiche.") % {"name": name})
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return _Checked(upload, name, sniffed.mime_type, digest.hexdigest(), upload.size)


def _outcome_message(outcome):
    body = outcome.body
    if outcome.status in ("accepted", "replayed"):
        return str(body.get("message", ""))
    messages = []
    for name, field_messages in (body.get("errors") or {}).items():
        label = _field_label(name)
        for message in field_messages:
            message = str(message)
            # Le téléphone affiche un seul message : on y nomme le champ, sauf s'il y est déjà.
            messages.append(f"{label} : {message}" if label and not message.startswith("«") else message)
    return " ".join(messages) or _("Fiche refusée.")


def _field_label(name):
    if name == "__all__":
        return ""
    extra = {"materials": _("Supports montrés"), "themes": _("Thèmes abordés"), "partner": _("Organisation"),
             "place": _("Lieu"), "started_at": _("Date et heure de la séance")}
    if name in extra:
        return str(extra[name])
    try:
        return str(Screening._meta.get_field(name).verbose_name).capitalize()
    except Exception:  # noqa: BLE001 (champ inconnu : pas d'étiquette)
        return ""


def receive_submission(user, xml_upload, attachments):
    """Traite un envoi OpenRosa. Renvoie un SubmissionResult (statut HTTP et message en français)."""
    if xml_upload is None:
        return SubmissionResult(400, _("Envoi incomplet : le fichier « xml_submission_file » manque."))
    try:
        form_id, values = parse_instance(xml_upload.read())
    except ValueError as exc:
        return SubmissionResult(400, str(exc))
    if form_id != FORM_ID:
        return SubmissionResult(404, _("Formulaire inconnu : « %(id)s ».") % {"id": form_id})
    try:
        checked = [check_attachment(upload) for upload in attachments]
    except ValueError as exc:
        return SubmissionResult(400, str(exc))

    stored = []
    try:
        with transaction.atomic():
            outcome = record_screening(user, to_payload(values), source=Screening.Source.PHONE)
            if outcome.status not in ("accepted", "replayed"):
                return SubmissionResult(outcome.http_status, _outcome_message(outcome))
            screening = outcome.screening
            known = set(screening.attachments.values_list("original_filename", flat=True))
            for item in checked:
                if item.name in known:
                    continue
                attachment = ScreeningAttachment(screening=screening, original_filename=item.name,
                                                 mime_type=item.mime_type, size=item.size, sha256=item.sha256)
                # Copié (pas déplacé) : le fichier temporaire de l'envoi reste à Django, qui le supprime.
                attachment.file.save(item.name, File(item.upload.file), save=False)
                stored.append(attachment.file.name)
                attachment.save()
                known.add(item.name)
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise
    if outcome.status == "replayed":
        return SubmissionResult(202, _("Cette fiche avait déjà été reçue : elle n'est pas comptée deux fois. %(msg)s")
                                % {"msg": _outcome_message(outcome)}, screening)
    return SubmissionResult(201, _outcome_message(outcome), screening)
