"""LA porte : tout octet d'un fichier d'œuvre passe par `serve_gated`.

Elle demande la politique (consent.policy.policy.decide), envoie un signal (journal des téléchargements et des
accès restreints), puis sert le fichier :
- localement par un FileResponse qui gère Range (la vidéo se déplace) et ETag ;
- derrière nginx par X-Accel-Redirect, si PAROLES_ACCEL_REDIRECT_PREFIX est défini ;
- sur S3 par une redirection vers une URL signée de courte durée.
Elle pose toujours `X-Content-Type-Options: nosniff` et une CSP « sandbox » sur les fichiers.

Aucune autre vue ne sert de fichier d'œuvre. Les tests vérifient qu'aucune URL ne la contourne.
"""

import mimetypes
import os
import re
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotModified, HttpResponseRedirect, StreamingHttpResponse
from django.utils.translation import gettext as _

from consent.policy import policy

from .signals import file_refused, file_served

FILE_CSP = "default-src 'none'; img-src 'self' data:; media-src 'self'; style-src 'unsafe-inline'; sandbox"
RANGE_RE = re.compile(r"^bytes=(\d*)-(\d*)$")
STREAM_CHUNK = 256 * 1024


class AccessDenied(Http404):
    pass


def check_access(request, work, channel, *, variant=None):
    """La décision de la politique pour cette requête, sur le canal de la surface (aucun repli)."""
    return policy.decide(request.user, work, channel, variant=variant)


def _content_disposition(filename, as_attachment):
    kind = "attachment" if as_attachment else "inline"
    ascii_name = filename.encode("ascii", "ignore").decode("ascii").replace('"', "") or "fichier"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def _refuse(request, work, obj, channel, purpose, decision):
    file_refused.send(
        sender=type(obj), request=request, work=work, obj=obj, channel=channel, purpose=purpose, decision=decision
    )
    if request.user.is_authenticated:
        response = HttpResponse(
            str(decision.reason or _("Accès refusé.")), status=403, content_type="text/plain; charset=utf-8"
        )
    else:
        # Pour un visiteur anonyme, rien ne révèle que le fichier existe.
        response = HttpResponse(_("Introuvable."), status=404, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _finish(response, decision):
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_CSP
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Referrer-Policy"] = "no-referrer"
    # Une réponse liée à un consentement ne doit survivre dans aucun cache : un retrait vaut dès la
    # requête suivante. Le contenu libre est revalidé à chaque fois (ETag), donc repasse par la porte.
    response["Cache-Control"] = "private, no-store" if decision.restricted else "private, no-cache"
    return response


class _RangeFile:
    """Itère sur une tranche d'un fichier ouvert, par morceaux."""

    def __init__(self, fh, start, length):
        self.fh = fh
        self.remaining = length
        fh.seek(start)

    def __iter__(self):
        try:
            while self.remaining > 0:
                chunk = self.fh.read(min(STREAM_CHUNK, self.remaining))
                if not chunk:
                    break
                self.remaining -= len(chunk)
                yield chunk
        finally:
            self.fh.close()

    def close(self):
        self.fh.close()


def _parse_range(header, size):
    """Renvoie (début, fin incluse) ou None si l'en-tête est absent/ignoré ; lève ValueError si insatisfiable."""
    if not header:
        return None
    match = RANGE_RE.match(header.strip())
    if not match:
        return None  # plages multiples ou syntaxe inconnue : on sert le fichier entier (RFC 9110)
    first, last = match.groups()
    if first == "" and last == "":
        return None
    if first == "":
        suffix = int(last)
        if suffix == 0:
            raise ValueError
        start = max(0, size - suffix)
        end = size - 1
    else:
        start = int(first)
        end = int(last) if last else size - 1
        if start >= size or end < start:
            raise ValueError
        end = min(end, size - 1)
    return start, end


def _etag_matches(header, etag):
    if not header:
        return False
    candidates = [c.strip() for c in header.split(",")]
    return "*" in candidates or etag in candidates or f"W/{etag}" in candidates


def serve_gated(
    request,
    *,
    work,
    fieldfile,
    channel,
    filename,
    purpose,
    obj=None,
    variant=None,
    content_type=None,
    etag=None,
    as_attachment=False,
):
    """Sert `fieldfile` (un FieldFile Django) après décision d'accès pour `work` sur `channel`.

    `work` peut être None pour un fichier éditorial sans œuvre (image d'en-tête d'une page), qui
    est alors public. `purpose` décrit ce qui est servi (« original », « rendu:phone », « piste:fr »…).
    """
    if request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD"})
    obj = obj if obj is not None else fieldfile.instance
    if work is not None:
        # L'objet servi EST la variante : un original n'est pas flouté, même si un rendu flouté existe.
        decision = check_access(request, work, channel, variant=variant if variant is not None else obj)
        if not decision.allowed:
            return _refuse(request, work, obj, channel, purpose, decision)
    else:
        decision = policy.editorial()

    name = fieldfile.name
    storage = fieldfile.storage
    content_type = content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
    if not name or not storage.exists(name):
        raise Http404(_("Fichier manquant dans le stockage."))

    try:
        local_path = storage.path(name)
    except NotImplementedError:
        local_path = None

    if local_path is None:
        # Stockage objet (S3) : URL signée de courte durée, jamais mise en cache.
        file_served.send(sender=type(obj), request=request, work=work, obj=obj, channel=channel,
                         purpose=purpose, decision=decision, range_header=request.headers.get("Range", ""))
        disposition = _content_disposition(filename, as_attachment)
        try:
            url = storage.url(name, parameters={"ResponseContentDisposition": disposition,
                                                 "ResponseContentType": content_type})
        except TypeError:
            url = storage.url(name)
        response = HttpResponseRedirect(url)
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response

    size = os.path.getsize(local_path)
    etag = f'"{etag}"' if etag and not etag.startswith('"') else (etag or f'"{int(os.path.getmtime(local_path))}-{size}"')

    if _etag_matches(request.headers.get("If-None-Match"), etag):
        response = HttpResponseNotModified()
        response["ETag"] = etag
        return _finish(response, decision)

    range_header = request.headers.get("Range", "")
    if_range = request.headers.get("If-Range")
    if if_range and if_range != etag:
        range_header = ""  # la ressource a changé : on renvoie tout
    try:
        byte_range = _parse_range(range_header, size)
    except ValueError:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return _finish(response, decision)

    file_served.send(sender=type(obj), request=request, work=work, obj=obj, channel=channel, purpose=purpose,
                     decision=decision, range_header=range_header, byte_range=byte_range, size=size)

    prefix = getattr(settings, "PAROLES_ACCEL_REDIRECT_PREFIX", "")
    if prefix:
        # nginx sert le fichier (et gère Range) depuis un emplacement « internal ».
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(name)
        response["X-Accel-Buffering"] = "no"
        response["Content-Disposition"] = _content_disposition(filename, as_attachment)
        response["ETag"] = etag
        return _finish(response, decision)

    if byte_range is None:
        if request.method == "HEAD":
            response = HttpResponse(content_type=content_type)
            response["Content-Length"] = str(size)
        else:
            response = FileResponse(open(local_path, "rb"), content_type=content_type)
        response["Accept-Ranges"] = "bytes"
    else:
        start, end = byte_range
        length = end - start + 1
        if request.method == "HEAD":
            response = HttpResponse(status=206, content_type=content_type)
        else:
            response = StreamingHttpResponse(_RangeFile(open(local_path, "rb"), start, length), status=206,
                                             content_type=content_type)
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(length)
        response["Accept-Ranges"] = "bytes"
    response["Content-Disposition"] = _content_disposition(filename, as_attachment)
    response["ETag"] = etag
    return _finish(response, decision)
