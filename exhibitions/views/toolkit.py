"""Téléchargements de la boîte à outils : un fichier (par la porte) ou toute la boîte en un zip diffusé.

Chaque fichier est décidé par la fonction d'accès (canal « téléchargement par les animateurs ») et
chaque téléchargement est journalisé (ServedFile : qui, quel fichier, quel rendu, quand).
"""

import hashlib
from urllib.parse import quote

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from consent.channels import Channel
from consent.policy import policy
from media_library.gate import serve_gated
from media_library.signals import file_refused, file_served

from .. import services
from ..guides import ensure_guide_pdf
from ..zipstream import ZipEntry, ZipPlan

CHANNEL = Channel.FACILITATOR_DOWNLOAD


def _login_required(request):
    return redirect_to_login(request.get_full_path(), login_url="exhibitions:login")


def _refuse_not_for_org(request, material, purpose):
    decision = policy.material_refusal()
    file_refused.send(sender=type(material), request=request, work=material.work, obj=material, channel=CHANNEL,
                      purpose=purpose, decision=decision)
    response = HttpResponse(str(decision.reason), status=403, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response


def download_material(request, page, material_pk, what, lang=""):
    if not request.user.is_authenticated:
        return _login_required(request)
    material = get_object_or_404(page.materials.select_related("work"), pk=material_pk)
    if material.work.trashed_at:
        raise Http404
    download = services.find_download(material, what, lang)
    if download is None:
        raise Http404(_("Ce fichier n'existe pas pour ce support."))
    if not services.material_is_for(material, request.user):
        return _refuse_not_for_org(request, material, download.purpose)
    if download.what == "guide":
        # Le guide parle de l'œuvre : il suit son consentement (décidé par la porte, comme le reste).
        ensure_guide_pdf(material)
        download.fieldfile = material.guide_pdf
        download.etag = f"guide-{material.guide_hash[:24]}"
        download.variant = None
    return serve_gated(
        request, work=material.work, fieldfile=download.fieldfile, channel=CHANNEL, filename=download.filename,
        purpose=download.purpose, obj=download.obj, variant=download.variant, content_type=download.content_type,
        etag=download.etag, as_attachment=True,
    )


def _local_path(fieldfile):
    try:
        return fieldfile.storage.path(fieldfile.name)
    except NotImplementedError:
        return None


def _zip_entries(request, page):
    """Les fichiers que cette personne peut avoir, chacun décidé par la fonction d'accès."""
    entries = []
    included = []
    for position, entry in enumerate(services.toolkit_entries(page, request.user), start=1):
        if not entry.can_download:
            continue
        folder = f"{position:02d}-{services._slug(entry.material.display_title)}"
        files = []
        for download in entry.downloads:
            if download.what == "guide":
                ensure_guide_pdf(entry.material)
                download.fieldfile = entry.material.guide_pdf
                download.variant = None
                download.size = entry.material.guide_pdf.size
                download.etag = f"guide-{entry.material.guide_hash[:24]}"
            decision = policy.decide(request.user, entry.work, CHANNEL, variant=download.variant)
            if not decision.allowed or not download.fieldfile:
                continue
            storage = download.fieldfile.storage
            name = download.fieldfile.name
            size = download.size if download.size is not None else storage.size(name)
            path = _local_path(download.fieldfile)
            zentry = ZipEntry(
                name=f"{folder}/{download.filename}",
                size=size,
                mtime=download.mtime or page.last_published_at,
                path=path,
                opener=(lambda s=storage, n=name: s.open(n, "rb")) if path is None else None,
                cache_key=hashlib.sha256(f"{name}:{size}:{download.etag}".encode()).hexdigest(),
                meta={"download": download, "decision": decision, "work": entry.work},
            )
            entries.append(zentry)
            files.append((download, zentry.name))
        if files:
            included.append((entry, files))
    return entries, included


def download_zip(request, page):
    if not request.user.is_authenticated:
        return _login_required(request)
    if request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD"})
    entries, included = _zip_entries(request, page)
    if not entries:
        response = HttpResponse(_("Aucun support de cette boîte à outils n'est téléchargeable pour votre compte."),
                                status=403, content_type="text/plain; charset=utf-8")
        response["Cache-Control"] = "private, no-store"
        return response
    index_html = render_to_string(
        "exhibitions/toolkit_offline_index.html", {"page": page, "included": included}
    ).encode("utf-8")
    newest = max((e.mtime for e in entries if e.mtime), default=None)
    entries.insert(0, ZipEntry(name="index.html", size=len(index_html), mtime=newest, data=index_html))
    plan = ZipPlan(entries)
    fingerprint = hashlib.sha256()
    for e in entries:
        fingerprint.update(f"{e.name}\0{e.size}\0{e.cache_key}\0{e.mtime}\n".encode())
    fingerprint.update(hashlib.sha256(index_html).digest())
    etag = f'"zip-{fingerprint.hexdigest()[:32]}"'

    start, end, status = 0, plan.size - 1, 200
    range_header = request.headers.get("Range", "")
    if_range = request.headers.get("If-Range")
    if range_header and (not if_range or if_range == etag):
        import re

        match = re.match(r"^bytes=(\d*)-(\d*)$", range_header.strip())
        if match and match.group(1):
            start = int(match.group(1))
            end = int(match.group(2)) if match.group(2) else plan.size - 1
            if start >= plan.size or end < start:
                response = HttpResponse(status=416)
                response["Content-Range"] = f"bytes */{plan.size}"
                return response
            end = min(end, plan.size - 1)
            status = 206

    # Journal : chaque fichier dont des octets partent dans cette réponse (avant l'envoi : mieux vaut
    # compter une copie possible de trop que d'en oublier une, pour les retraits de consentement).
    if request.method == "GET":
        for zentry in plan.entries_in_range(start, end):
            if "download" not in zentry.meta:
                continue
            download = zentry.meta["download"]
            file_served.send(
                sender=type(download.obj), request=request, work=zentry.meta["work"], obj=download.obj,
                channel=CHANNEL, purpose=f"zip:{download.purpose}", decision=zentry.meta["decision"],
                size=zentry.size,
            )
        response = StreamingHttpResponse(plan.iter_bytes(start, end), status=status, content_type="application/zip")
    else:
        response = HttpResponse(status=status, content_type="application/zip")
    response["Content-Length"] = str(end - start + 1)
    if status == 206:
        response["Content-Range"] = f"bytes {start}-{end}/{plan.size}"
    response["Accept-Ranges"] = "bytes"
    response["ETag"] = etag
    filename = f"boite-a-outils-{services._slug(page.title, 'paroles')}.zip"
    response["Content-Disposition"] = f"attachment; filename=\"{filename}\"; filename*=UTF-8''{quote(filename)}"
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["X-Accel-Buffering"] = "no"
    return response
