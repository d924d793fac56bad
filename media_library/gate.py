"""LA porte : tout octet d'un fichier d'œuvre passe par `serve_gated`.

Elle demande la politique (consent.policy.policy.decide), envoie un signal (journal des téléchargements
et des accès restreints), puis sert le fichier par `send_bytes`, LE seul envoi d'octets du projet (la
porte, le zip de la boîte à outils et les preuves de consentement l'appellent) :
- localement par un FileResponse ; Range (plage, plage ouverte, suffixe ; plusieurs plages : le tout),
  If-Range, ETag/If-None-Match, HEAD, 416 ;
- derrière nginx par X-Accel-Redirect, si PAROLES_ACCEL_REDIRECT_PREFIX est défini ;
- sur S3 par une redirection vers une URL signée de courte durée.
Elle pose toujours `X-Content-Type-Options: nosniff` et une CSP : `sandbox` pour tout ce qui pourrait
exécuter un script, `default-src 'none'; media-src 'self'` pour un média (lisible ouvert seul).
Un fichier refusé répond exactement comme un fichier absent (Http404 → la page 404 du site).
L'objet servi est la variante passée à la politique : un extrait (rendu qui note sa fenêtre,
`Rendition.clip_start/clip_end`, lue par `consent_segment`) est décidé pour les seules personnes qui
paraissent dans cette fenêtre ; un rendu sans fenêtre, pour l'œuvre entière.

Aucune autre vue ne sert de fichier d'œuvre. Les tests vérifient qu'aucune URL ne la contourne.
"""

import mimetypes
import os
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotModified, HttpResponseRedirect, StreamingHttpResponse
from django.utils.translation import gettext as _

from consent.channels import Channel
from consent.policy import policy

from .signals import file_refused, file_served

# Tout ce qui pourrait exécuter un script (HTML, SVG, PDF, texte…) : document isolé (sandbox), rien à charger.
FILE_CSP = "default-src 'none'; img-src 'self' data:; media-src 'self'; style-src 'unsafe-inline'; sandbox"
# Un média ouvert seul dans un onglet (lien « Version légère pour téléphone ») : le navigateur en fait un
# document qui se charge lui-même. `sandbox` sans `allow-same-origin` lui donnerait une origine opaque et
# 'self' ne correspondrait plus : la vidéo serait refusée. Un média ne peut pas exécuter de script
# (le type est imposé par nosniff) : pas de sandbox, mais rien d'autre que lui-même.
MEDIA_CSP = "default-src 'none'; media-src 'self'; img-src 'self'; style-src 'unsafe-inline'"
MEDIA_TYPES = ("video/", "audio/", "image/jpeg", "image/png", "image/webp", "image/gif", "image/avif")
STREAM_CHUNK = 256 * 1024


class AccessDenied(Http404):
    pass


def check_access(request, work, channel, *, variant=None):
    """La décision de la politique pour cette requête, sur le canal de la surface (aucun repli)."""
    return policy.decide(request.user, work, channel, variant=variant)


def content_disposition(filename, as_attachment):
    kind = "attachment" if as_attachment else "inline"
    ascii_name = filename.encode("ascii", "ignore").decode("ascii").replace('"', "").replace("\\", "") or "fichier"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def may_know(user, work):
    """Vrai si `user` a le droit de savoir que `work` existe (et donc d'apprendre pourquoi un fichier est
    refusé) : l'archive interne la lui montre, ou il·elle est responsable du consentement."""
    return bool(user and user.is_authenticated) and policy.may_know(user, work)


def refuse(request, work, obj, channel, purpose, decision):
    """Un fichier refusé répond EXACTEMENT comme un fichier absent (la page 404 du site), sauf à qui a le
    droit de savoir qu'il existe : celui-là reçoit la raison (403)."""
    file_refused.send(
        sender=type(obj), request=request, work=work, obj=obj, channel=channel, purpose=purpose, decision=decision
    )
    if not may_know(request.user, work):
        raise AccessDenied
    response = HttpResponse(
        str(decision.reason or _("Accès refusé.")), status=403, content_type="text/plain; charset=utf-8"
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def security_headers(response, content_type, *, restricted):
    """Les en-têtes de tout octet servi : type imposé, CSP selon le type, pas de cache partagé."""
    response["X-Content-Type-Options"] = "nosniff"
    base_type = (content_type or "").split(";")[0].strip().lower()
    response["Content-Security-Policy"] = MEDIA_CSP if base_type.startswith(MEDIA_TYPES) else FILE_CSP
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Referrer-Policy"] = "no-referrer"
    # Une réponse liée à un consentement ne doit survivre dans aucun cache : un retrait vaut dès la
    # requête suivante. Le contenu libre est revalidé à chaque fois (ETag), donc repasse par la porte.
    response["Cache-Control"] = "private, no-store" if restricted else "private, no-cache"
    return response


# --- Le seul envoi d'octets -----------------------------------------------------------------------


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


class FileBody:
    """Un fichier local (stockage privé) : FileResponse pour le tout, tranches lues par morceaux."""

    def __init__(self, path, *, accel_name=None):
        self.path = path
        self.size = os.path.getsize(path)
        self.accel_name = accel_name
        self.mtime = os.path.getmtime(path)

    def whole(self):
        return open(self.path, "rb")

    def iter_range(self, start, end):
        return _RangeFile(open(self.path, "rb"), start, end - start + 1)


class StreamBody:
    """Des octets produits à la demande (le zip de la boîte à outils) : taille connue d'avance."""

    accel_name = None

    def __init__(self, size, iter_range):
        self.size = size
        self._iter_range = iter_range

    def whole(self):
        return self._iter_range(0, self.size - 1) if self.size else iter(())

    def iter_range(self, start, end):
        return self._iter_range(start, end)


UNSATISFIABLE = "unsatisfiable"


def parse_range(header, size):
    """L'en-tête Range d'après la RFC 9110 (§ 14.1.2) pour une représentation de `size` octets.

    Renvoie None (servir tout : en-tête absent, autre unité, syntaxe invalide, ou PLUSIEURS plages —
    la RFC permet d'ignorer Range et nous ne faisons pas de multipart/byteranges), (début, fin incluse),
    ou UNSATISFIABLE (416) : aucune plage ne tombe dans la représentation (« bytes=-0 », début ≥ taille).
    Plages prises en charge : « a-b », ouverte « a- », suffixe « -n » (les n derniers octets).
    """
    if not header:
        return None
    unit, sep, spec = header.partition("=")
    if not sep or unit.strip().lower() != "bytes":
        return None
    parts = [p.strip() for p in spec.split(",")]
    if len(parts) != 1:
        return None
    first, dash, last = parts[0].partition("-")
    first, last = first.strip(), last.strip()
    if not dash or (first and not first.isdigit()) or (last and not last.isdigit()) or not (first or last):
        return None
    if not first:
        suffix = int(last)
        if suffix == 0 or size == 0:
            return UNSATISFIABLE
        return max(0, size - suffix), size - 1
    start = int(first)
    if last and int(last) < start:
        return None  # syntaxe invalide : ignorée
    if start >= size:
        return UNSATISFIABLE
    end = min(int(last), size - 1) if last else size - 1
    return start, end


def _etag_list(header):
    return [c.strip() for c in header.split(",") if c.strip()]


def _weak_match(header, etag):
    """If-None-Match compare faiblement (RFC 9110 § 13.1.2)."""
    if not header:
        return False
    bare = etag.removeprefix("W/")
    return any(c == "*" or c.removeprefix("W/") == bare for c in _etag_list(header))


def _if_range_allows(header, etag):
    """If-Range : la plage ne vaut que si la représentation est la même (comparaison FORTE de l'ETag ;
    une date n'est jamais assez précise ici : on renvoie alors le tout, ce que la RFC permet)."""
    if not header:
        return True
    header = header.strip()
    return not etag.startswith("W/") and header == etag


def send_bytes(request, body, *, content_type, filename, etag, as_attachment=False, restricted=True,
               on_send=None):
    """LE seul envoi d'octets d'un fichier (porte, zip de la boîte à outils, preuves de consentement).

    Gère GET/HEAD (405 sinon), ETag et If-None-Match (304), Range (plage simple, ouverte, suffixe ;
    plusieurs plages : le tout en 200), If-Range (forte), 416 avec `Content-Range: bytes */taille`,
    X-Accel-Redirect derrière nginx, et les en-têtes de sécurité. `on_send(byte_range, size)` est appelé
    juste avant que des octets partent (jamais pour HEAD, 304 ou 416) : journal et signal `file_served`.
    """
    if request.method not in ("GET", "HEAD"):
        response = HttpResponse(status=405, headers={"Allow": "GET, HEAD"})
        return security_headers(response, "", restricted=restricted)
    size = body.size
    if not etag.startswith(('"', 'W/"')):
        etag = f'"{etag}"'

    if _weak_match(request.headers.get("If-None-Match"), etag):
        response = HttpResponseNotModified()
        response["ETag"] = etag
        return security_headers(response, content_type, restricted=restricted)

    range_header = request.headers.get("Range", "")
    if not _if_range_allows(request.headers.get("If-Range"), etag):
        range_header = ""  # la ressource a changé (ou validateur faible/date) : on renvoie tout
    byte_range = parse_range(range_header, size)
    if byte_range == UNSATISFIABLE:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        response["Accept-Ranges"] = "bytes"
        response["ETag"] = etag
        return security_headers(response, "text/plain", restricted=restricted)

    if request.method == "GET" and on_send is not None:
        on_send(byte_range, size)

    prefix = getattr(settings, "PAROLES_ACCEL_REDIRECT_PREFIX", "")
    if prefix and body.accel_name:
        # nginx sert le fichier (et gère Range) depuis un emplacement « internal ».
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(body.accel_name)
        response["X-Accel-Buffering"] = "no"
    elif byte_range is None:
        if request.method == "HEAD":
            response = HttpResponse(content_type=content_type)
        elif isinstance(body, FileBody):
            response = FileResponse(body.whole(), content_type=content_type)
        else:
            response = StreamingHttpResponse(body.whole(), content_type=content_type)
        response["Content-Length"] = str(size)
    else:
        start, end = byte_range
        if request.method == "HEAD":
            response = HttpResponse(status=206, content_type=content_type)
        else:
            response = StreamingHttpResponse(body.iter_range(start, end), status=206, content_type=content_type)
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(end - start + 1)
    response["Accept-Ranges"] = "bytes"
    response["ETag"] = etag
    response["Content-Disposition"] = content_disposition(filename, as_attachment)
    response["X-Accel-Buffering"] = "no"
    return security_headers(response, content_type, restricted=restricted)


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
    restricted=None,
    release_link=None,
    content=None,
):
    """Sert `fieldfile` (un FieldFile Django) après décision d'accès pour `work` sur `channel`.

    `content`, à la place de `fieldfile` : une fonction qui fabrique les octets servis à partir d'un fichier
    publié (les sous-titres d'un extrait, découpés dans la piste). Elle n'est appelée qu'après la décision,
    si elle autorise : rien n'est lu pour un refus.

    `work` peut être None pour un fichier éditorial sans œuvre (image d'en-tête d'une page), qui
    est alors public. `purpose` décrit ce qui est servi (« original », « rendu:phone », « piste:fr »…).
    `restricted=True` force « private, no-store » (preuves de consentement). `release_link` : le lien
    presse/diffusion qui a donné le canal (media_library.links) ; il ne vaut que pour son œuvre.
    """
    if request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD"})
    obj = obj if obj is not None else fieldfile.instance  # avec `content`, `obj` est toujours donné
    if release_link is not None and (work is None or release_link.work_id != work.pk):
        channel, release_link = Channel.WEBSITE, None  # un lien ne vaut que pour l'œuvre remise
    if work is not None:
        # L'objet servi EST la variante : un original n'est pas flouté, même si un rendu flouté existe.
        decision = check_access(request, work, channel, variant=variant if variant is not None else obj)
        if not decision.allowed:
            return refuse(request, work, obj, channel, purpose, decision)
    else:
        decision = policy.editorial()

    content_type = content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
    if restricted is None:
        restricted = decision.restricted

    def log(byte_range, size):
        file_served.send(sender=type(obj), request=request, work=work, obj=obj, channel=channel, purpose=purpose,
                         decision=decision, range_header=request.headers.get("Range", ""), byte_range=byte_range,
                         size=size, release_link=release_link)

    if content is not None:
        import hashlib

        try:
            content = content()
        except Exception as exc:
            from paroles.storage import is_storage_unavailable

            if not is_storage_unavailable(exc):
                raise
            # S3 ne répond pas : rien n'est envoyé à moitié ; le navigateur réessaiera (Retry-After).
            response = HttpResponse(_("Le stockage des fichiers (S3) ne répond pas : réessayez dans un instant."),
                                    status=503, content_type="text/plain; charset=utf-8")
            response["Retry-After"] = "30"
            return security_headers(response, "text/plain", restricted=True)
        body = StreamBody(len(content), lambda start, end: iter([content[start:end + 1]]))
        return send_bytes(request, body, content_type=content_type, filename=filename,
                          etag=etag or hashlib.sha256(content).hexdigest()[:24], as_attachment=as_attachment,
                          restricted=restricted, on_send=log)

    name = fieldfile.name
    storage = fieldfile.storage
    if not name or not storage.exists(name):
        raise Http404(_("Fichier manquant dans le stockage."))

    try:
        local_path = storage.path(name)
    except NotImplementedError:
        local_path = None

    if local_path is None:
        # Stockage objet (S3) : URL signée de courte durée, jamais mise en cache.
        if request.method not in ("GET", "HEAD"):
            return HttpResponse(status=405, headers={"Allow": "GET, HEAD"})
        file_served.send(sender=type(obj), request=request, work=work, obj=obj, channel=channel,
                         purpose=purpose, decision=decision, range_header=request.headers.get("Range", ""),
                         release_link=release_link)
        disposition = content_disposition(filename, as_attachment)
        try:
            url = storage.url(name, parameters={"ResponseContentDisposition": disposition,
                                                 "ResponseContentType": content_type})
        except TypeError:
            url = storage.url(name)
        response = HttpResponseRedirect(url)
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response

    body = FileBody(local_path, accel_name=name)
    etag = etag or f"{int(body.mtime)}-{body.size}"
    return send_bytes(request, body, content_type=content_type, filename=filename, etag=etag,
                      as_attachment=as_attachment, restricted=restricted, on_send=log)
