"""Le point d'accès OAI-PMH 2.0 : une vue, six verbes, les erreurs du protocole."""

import datetime as dt

from django.conf import settings
from django.core import signing
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from lxml import etree

from media_library.models import Work

from ..models import OaiRecord
from .dc import oai_dc
from .records import sync_records

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA = "http://www.openarchives.org/OAI/2.0/ http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
GRANULARITY = "YYYY-MM-DDThh:mm:ssZ"
PREFIX = "oai_dc"
TOKEN_SALT = "interop.oai.resumption"
TOKEN_MAX_AGE = 24 * 3600

VERBS = {
    # verbe : (obligatoires, facultatifs) ; resumptionToken est exclusif
    "Identify": (set(), set()),
    "ListMetadataFormats": (set(), {"identifier"}),
    "ListSets": (set(), {"resumptionToken"}),
    "GetRecord": ({"identifier", "metadataPrefix"}, set()),
    "ListIdentifiers": ({"metadataPrefix"}, {"from", "until", "set", "resumptionToken"}),
    "ListRecords": ({"metadataPrefix"}, {"from", "until", "set", "resumptionToken"}),
}


class OaiError(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


def page_size():
    return int(getattr(settings, "PAROLES_OAI_PAGE_SIZE", 50))


def identifier_prefix(request=None):
    """« oai:<hôte de PAROLES_BASE_URL>:work: » : stable quelle que soit l'adresse par laquelle on moissonne."""
    from urllib.parse import urlparse

    host = urlparse(settings.WAGTAILADMIN_BASE_URL).hostname or "paroles"
    return f"oai:{host}:work:"


def fmt(value):
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def E(tag, text=None, **attrs):  # noqa: N802
    el = etree.Element(f"{{{OAI_NS}}}{tag}", {k: str(v) for k, v in attrs.items()})
    if text is not None:
        el.text = str(text)
    return el


def sub(parent, tag, text=None, **attrs):
    el = E(tag, text, **attrs)
    parent.append(el)
    return el


def parse_date(value, *, end=False):
    """Un argument from/until : AAAA-MM-JJ ou AAAA-MM-JJThh:mm:ssZ. Renvoie (instant, granularité)."""
    try:
        if len(value) == 10:
            day = dt.datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=dt.UTC)
            return (day + dt.timedelta(days=1) if end else day), "day"
        if len(value) == 20 and value.endswith("Z"):
            moment = dt.datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
            return (moment + dt.timedelta(seconds=1) if end else moment), "seconds"
    except ValueError:
        pass
    raise OaiError("badArgument", _("Date illisible « %(value)s » (formats : AAAA-MM-JJ ou AAAA-MM-JJThh:mm:ssZ).")
                   % {"value": value})


def parse_identifier(request, identifier):
    prefix = identifier_prefix(request)
    if not identifier.startswith(prefix) or not identifier[len(prefix):].isdigit():
        raise OaiError("idDoesNotExist", _("Identifiant inconnu : « %(id)s ».") % {"id": identifier})
    return int(identifier[len(prefix):])


def _arguments(request):
    data = request.POST if request.method == "POST" else request.GET
    args = {}
    for key in data:
        values = data.getlist(key)
        if len(values) > 1:
            raise OaiError("badArgument", _("Argument répété : « %(key)s ».") % {"key": key})
        args[key] = values[0]
    verb = args.pop("verb", None)
    if verb not in VERBS:
        raise OaiError("badVerb", _("Verbe absent ou inconnu.") if verb is None else
                       _("Verbe inconnu : « %(verb)s ».") % {"verb": verb})
    required, optional = VERBS[verb]
    if "resumptionToken" in args and verb in ("ListIdentifiers", "ListRecords", "ListSets"):
        if set(args) != {"resumptionToken"}:
            raise OaiError("badArgument", _("resumptionToken est exclusif : aucun autre argument avec lui."))
        return verb, args
    unknown = set(args) - required - optional
    if unknown:
        raise OaiError("badArgument", _("Argument non permis : %(args)s.") % {"args": ", ".join(sorted(unknown))})
    missing = required - set(args)
    if missing:
        raise OaiError("badArgument", _("Argument manquant : %(args)s.") % {"args": ", ".join(sorted(missing))})
    return verb, args


def _envelope(request, verb, args):
    root = etree.Element(f"{{{OAI_NS}}}OAI-PMH", nsmap={None: OAI_NS, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", SCHEMA)
    sub(root, "responseDate", fmt(timezone.now()))
    request_el = sub(root, "request", request.build_absolute_uri(request.path))
    if verb:
        request_el.set("verb", verb)
        for key, value in sorted(args.items()):
            request_el.set(key, value)
    return root


def _header(request, record):
    header = E("header", **({"status": "deleted"} if record.deleted else {}))
    sub(header, "identifier", identifier_prefix(request) + str(record.work_id))
    sub(header, "datestamp", fmt(record.datestamp))
    return header


def identify(request, root, args):
    el = sub(root, "Identify")
    sub(el, "repositoryName", _("%(site)s : archive participative") % {"site": settings.WAGTAIL_SITE_NAME})
    sub(el, "baseURL", request.build_absolute_uri(request.path))
    sub(el, "protocolVersion", "2.0")
    sub(el, "adminEmail", getattr(settings, "PAROLES_OAI_ADMIN_EMAIL", "") or "archive@example.org")
    earliest = OaiRecord.objects.order_by("datestamp").values_list("datestamp", flat=True).first()
    sub(el, "earliestDatestamp", fmt(earliest or timezone.now()))
    sub(el, "deletedRecord", "persistent")
    sub(el, "granularity", GRANULARITY)


def list_metadata_formats(request, root, args):
    if "identifier" in args:
        pk = parse_identifier(request, args["identifier"])
        if not OaiRecord.objects.filter(work_id=pk).exists():
            raise OaiError("idDoesNotExist", _("Identifiant inconnu : « %(id)s ».") % {"id": args["identifier"]})
    el = sub(root, "ListMetadataFormats")
    fmt_el = sub(el, "metadataFormat")
    sub(fmt_el, "metadataPrefix", PREFIX)
    sub(fmt_el, "schema", "http://www.openarchives.org/OAI/2.0/oai_dc.xsd")
    sub(fmt_el, "metadataNamespace", "http://www.openarchives.org/OAI/2.0/oai_dc/")


def list_sets(request, root, args):
    if "resumptionToken" in args:
        raise OaiError("badResumptionToken", _("Jeton de reprise inconnu."))
    raise OaiError("noSetHierarchy", _("Cette archive n'organise pas ses notices en ensembles."))


def _check_prefix(args):
    if args.get("metadataPrefix") != PREFIX:
        raise OaiError("cannotDisseminateFormat",
                       _("Format non proposé : « %(p)s » (seul oai_dc l'est).") % {"p": args.get("metadataPrefix", "")})


def _record(request, record, works):
    el = E("record")
    el.append(_header(request, record))
    if not record.deleted:
        metadata = sub(el, "metadata")
        metadata.append(oai_dc(request, works[record.work_id]))
    return el


def get_record(request, root, args):
    _check_prefix(args)
    pk = parse_identifier(request, args["identifier"])
    record = OaiRecord.objects.filter(work_id=pk).first()
    if record is None:
        raise OaiError("idDoesNotExist", _("Identifiant inconnu : « %(id)s ».") % {"id": args["identifier"]})
    works = _load_works([record])
    sub(root, "GetRecord").append(_record(request, record, works))


def _load_works(records):
    pks = [r.work_id for r in records if not r.deleted]
    return {w.pk: w for w in Work.objects.filter(pk__in=pks).select_related("project", "partner")
            .prefetch_related("themes", "spoken_languages", "files")}


def _list(request, root, args, verb):
    if "resumptionToken" in args:
        try:
            state = signing.loads(args["resumptionToken"], salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
        except signing.BadSignature:
            raise OaiError("badResumptionToken", _("Jeton de reprise invalide ou expiré : reprenez le moissonnage.")) from None
    else:
        _check_prefix(args)
        if "set" in args:
            raise OaiError("noSetHierarchy", _("Cette archive n'organise pas ses notices en ensembles."))
        state = {"from": args.get("from"), "until": args.get("until"), "offset": 0}
    qs = OaiRecord.objects.order_by("datestamp", "work_id")
    granularities = set()
    if state.get("from"):
        start, g = parse_date(state["from"])
        granularities.add(g)
        qs = qs.filter(datestamp__gte=start)
    if state.get("until"):
        end, g = parse_date(state["until"], end=True)
        granularities.add(g)
        qs = qs.filter(datestamp__lt=end)
    if len(granularities) > 1:
        raise OaiError("badArgument", _("from et until doivent avoir la même granularité."))
    if state.get("from") and state.get("until") and parse_date(state["from"])[0] >= parse_date(state["until"], end=True)[0]:
        raise OaiError("badArgument", _("from est postérieur à until."))
    total = qs.count()
    offset = int(state.get("offset", 0))
    if "resumptionToken" in args and (offset >= total or state.get("total") != total):
        raise OaiError("badResumptionToken", _("La liste a changé depuis ce jeton : reprenez le moissonnage."))
    records = list(qs[offset:offset + page_size()])
    if not records:
        raise OaiError("noRecordsMatch", _("Aucune notice ne correspond à cette demande."))
    container = sub(root, verb)
    if verb == "ListRecords":
        works = _load_works(records)
        for record in records:
            container.append(_record(request, record, works))
    else:
        for record in records:
            container.append(_header(request, record))
    next_offset = offset + len(records)
    if next_offset < total:
        token = signing.dumps({**state, "offset": next_offset, "total": total}, salt=TOKEN_SALT)
        expires = timezone.now() + dt.timedelta(seconds=TOKEN_MAX_AGE)
        sub(container, "resumptionToken", token, completeListSize=total, cursor=offset, expirationDate=fmt(expires))
    elif "resumptionToken" in args:
        sub(container, "resumptionToken", completeListSize=total, cursor=offset)


HANDLERS = {
    "Identify": identify,
    "ListMetadataFormats": list_metadata_formats,
    "ListSets": list_sets,
    "GetRecord": get_record,
    "ListIdentifiers": lambda r, root, a: _list(r, root, a, "ListIdentifiers"),
    "ListRecords": lambda r, root, a: _list(r, root, a, "ListRecords"),
}


@csrf_exempt
@never_cache
def endpoint(request):
    if request.method not in ("GET", "POST"):
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    sync_records()
    verb, args = None, {}
    try:
        verb, args = _arguments(request)
        root = _envelope(request, verb, args)
        HANDLERS[verb](request, root, args)
    except OaiError as error:
        # Selon le protocole, la requête n'est reprise avec ses arguments que si elle était valide.
        keep = error.code not in ("badVerb", "badArgument")
        root = _envelope(request, verb if keep else None, args if keep else {})
        sub(root, "error", error.message, code=error.code)
    body = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=False)
    response = HttpResponse(body, content_type="text/xml; charset=utf-8")
    response["Cache-Control"] = "private, no-cache"
    return response
