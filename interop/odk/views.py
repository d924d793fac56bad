"""Vues OpenRosa 1.0 (minces) : /odk/formList, le formulaire, son manifeste et ses médias, /odk/submission.

Adresse à saisir dans ODK Collect / KoBoCollect : https://<site>/odk (voir docs/odk.md).
"""

from functools import wraps
from xml.sax.saxutils import escape

from django.conf import settings
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from communication.selectors import partners_for

from ..flows.receive_odk_submission import receive_submission
from ..models import ScreeningAttachment
from .auth import REALM, authenticate_request
from .xform import FORM_ID, FormBundle, build_form

XML = "text/xml; charset=utf-8"
RESPONSE_NS = "http://openrosa.org/http/response"


def max_submission_size():
    return int(getattr(settings, "PAROLES_ODK_MAX_SUBMISSION_SIZE", 10 * 1024**2))


def _openrosa_headers(response):
    response["X-OpenRosa-Version"] = "1.0"
    response["Date"] = http_date()
    return response


def openrosa_response(status, message, *, nature=""):
    nature_attr = f' nature="{escape(nature)}"' if nature else ""
    body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<OpenRosaResponse xmlns="{RESPONSE_NS}">'
            f"<message{nature_attr}>{escape(message)}</message></OpenRosaResponse>")
    return _openrosa_headers(HttpResponse(body.encode("utf-8"), status=status, content_type=XML))


def _challenge():
    response = openrosa_response(401, _("Identifiez-vous : identifiant et mot de passe (ou jeton) de votre compte Paroles."))
    response["WWW-Authenticate"] = f'Basic realm="{REALM}", charset="UTF-8"'
    return response


def openrosa(view):
    """Authentifie la requête (HTTP Basic), exige une organisation, ajoute les en-têtes OpenRosa."""

    @csrf_exempt
    @never_cache
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = authenticate_request(request)
        if user is None:
            return _challenge()
        request.user = user
        if not partners_for(user).exists():
            return openrosa_response(403, _("Votre compte n'est rattaché à aucune organisation partenaire : "
                                            "demandez à votre coordinatrice de vous y ajouter."))
        return _openrosa_headers(view(request, *args, **kwargs))

    return wrapper


def _form(request, form_id):
    if form_id != FORM_ID:
        raise Http404
    return build_form(request.user)


@openrosa
def form_list(request):
    if request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD"})
    bundle = build_form(request.user)
    base = request.build_absolute_uri
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<xforms xmlns="http://openrosa.org/xforms/xformsList"><xform>'
        f"<formID>{escape(bundle.form_id)}</formID><name>{escape(bundle.title)}</name>"
        f"<version>{escape(bundle.version)}</version><hash>{bundle.md5}</hash>"
        f"<downloadUrl>{escape(base(reverse('interop_odk:form', args=[bundle.form_id])))}</downloadUrl>"
        f"<manifestUrl>{escape(base(reverse('interop_odk:manifest', args=[bundle.form_id])))}</manifestUrl>"
        "</xform></xforms>"
    )
    return HttpResponse(body.encode("utf-8"), content_type=XML)


@openrosa
def form_xml(request, form_id):
    bundle = _form(request, form_id)
    response = HttpResponse(bundle.xml, content_type=XML)
    response["Content-Disposition"] = f'attachment; filename="{FORM_ID}.xml"'
    return response


@openrosa
def manifest(request, form_id):
    bundle = _form(request, form_id)
    items = "".join(
        f"<mediaFile><filename>{escape(name)}</filename><hash>{FormBundle.media_md5(data)}</hash>"
        f"<downloadUrl>{escape(request.build_absolute_uri(reverse('interop_odk:media', args=[form_id, name])))}</downloadUrl>"
        "</mediaFile>"
        for name, data in bundle.media.items()
    )
    body = f'<?xml version="1.0" encoding="UTF-8"?>\n<manifest xmlns="http://openrosa.org/xforms/xformsManifest">{items}</manifest>'
    return HttpResponse(body.encode("utf-8"), content_type=XML)


@openrosa
def media(request, form_id, filename):
    bundle = _form(request, form_id)
    if filename not in bundle.media:
        raise Http404
    response = HttpResponse(bundle.media[filename], content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _read_multipart(request, length):
    """Lit tout l'envoi (borné par la taille acceptée) et vérifie qu'il est complet avant de l'analyser.

    Django accepte sans rien dire un multipart coupé avant sa dernière frontière (la fin d'une photo
    manque) : on exige la frontière finale et autant d'octets qu'annoncé. Renvoie les fichiers, ou None.
    """
    import tempfile

    from django.http.multipartparser import MultiPartParser, MultiPartParserError

    boundary = request.content_params.get("boundary", "")
    if not boundary:
        return None
    spool = tempfile.SpooledTemporaryFile(max_size=2 * 1024 * 1024)
    size = 0
    while chunk := request.read(256 * 1024):
        size += len(chunk)
        if size > max_submission_size():
            return None
        spool.write(chunk)
    if size != length:
        return None
    spool.seek(max(0, size - len(boundary) - 16))
    if not spool.read().rstrip().endswith(b"--" + boundary.encode("latin-1") + b"--"):
        return None
    spool.seek(0)
    meta = {**request.META, "CONTENT_LENGTH": str(size)}
    try:
        _post, files = MultiPartParser(meta, spool, request.upload_handlers, request.encoding).parse()
    except MultiPartParserError:
        return None
    finally:
        spool.close()
    return files


@openrosa
def submission(request):
    accept = str(max_submission_size())
    if request.method == "HEAD":
        response = HttpResponse(status=204)
        response["X-OpenRosa-Accept-Content-Length"] = accept
        return response
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "HEAD, POST"})
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > max_submission_size():
        response = openrosa_response(413, _("Envoi trop gros (%(size)s octets ; au plus %(max)s).")
                                     % {"size": length, "max": accept})
        response["X-OpenRosa-Accept-Content-Length"] = accept
        return response
    if not request.content_type.startswith("multipart/form-data"):
        return openrosa_response(400, _("Envoi illisible : un envoi OpenRosa est en multipart/form-data."))
    files = _read_multipart(request, length)
    if files is None:
        return openrosa_response(400, _("Envoi interrompu ou abîmé (fin de l'envoi manquante) : rien n'a été "
                                        "enregistré, renvoyez la fiche."))
    attachments = [f for name, items in files.lists() if name != "xml_submission_file" for f in items]
    result = receive_submission(request.user, files.get("xml_submission_file"), attachments)
    nature = "submit_success" if result.http_status in (201, 202) else ""
    response = openrosa_response(result.http_status, result.message, nature=nature)
    response["X-OpenRosa-Accept-Content-Length"] = accept
    if result.http_status == 201 and result.screening is not None:
        response["Location"] = request.build_absolute_uri(reverse("interop_odk:submission"))
    return response


@never_cache
def attachment(request, uuid, filename):
    """Une pièce jointe, pour qui la politique laisse connaître sa fiche (son organisation et chaque œuvre
    montrée) : absent (404) sinon, comme une pièce qui n'existe pas."""
    from consent.policy import policy
    from media_library.gate import serve_gated

    item = ScreeningAttachment.objects.select_related("screening").filter(uuid=uuid, original_filename=filename).first()
    if item is None or not policy.may_know(request.user, item.screening):
        raise Http404
    return serve_gated(request, work=None, fieldfile=item.file, channel="internal", filename=item.original_filename,
                       purpose="piece-jointe-odk", obj=item, content_type=item.mime_type)
