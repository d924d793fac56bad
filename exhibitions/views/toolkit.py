"""Téléchargements de la boîte à outils : un fichier (par la porte) ou toute la boîte en un zip diffusé.

Chaque fichier est décidé par la fonction d'accès (canal « téléchargement par les animateurs ») et
chaque téléchargement est journalisé (ServedFile : qui, quel fichier, quel rendu, quand).
"""

import hashlib

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from consent.channels import Channel
from consent.policy import policy
from media_library.gate import StreamBody, refuse, send_bytes, serve_gated
from media_library.signals import file_served

from .. import services
from ..guides import ensure_guide_pdf
from ..zipstream import ZipEntry, ZipPlan

CHANNEL = Channel.FACILITATOR_DOWNLOAD


def _login_required(request):
    return redirect_to_login(request.get_full_path(), login_url="exhibitions:login")


def _refuse_not_for_org(request, material, purpose):
    """Comme tout refus de fichier : absent (404) pour qui n'a pas le droit de savoir, la raison sinon."""
    return refuse(request, material.work, material, CHANNEL, purpose, policy.material_refusal())


def download_material(request, page, material_pk, what, lang=""):
    if not request.user.is_authenticated:
        return _login_required(request)
    material = get_object_or_404(page.materials.select_related("work"), pk=material_pk)
    if material.work.trashed_at:
        raise Http404
    download = services.find_download(material, what, lang)
    if download is None or _is_original(download):
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


def _is_original(download):
    """Les partenaires reçoivent des rendus sans métadonnées, jamais l'original (archive interne seulement)."""
    from media_library.models import MediaFile

    return isinstance(download.obj, MediaFile)


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
            if _is_original(download):
                continue
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

    def log(byte_range, size):
        # Journal : chaque fichier dont des octets partent dans cette réponse (avant l'envoi : mieux vaut
        # compter une copie possible de trop que d'en oublier une, pour les retraits de consentement).
        start, end = byte_range or (0, size - 1)
        for zentry in plan.entries_in_range(start, end):
            if "download" not in zentry.meta:
                continue
            download = zentry.meta["download"]
            file_served.send(
                sender=type(download.obj), request=request, work=zentry.meta["work"], obj=download.obj,
                channel=CHANNEL, purpose=f"zip:{download.purpose}", decision=zentry.meta["decision"],
                size=zentry.size, byte_range=byte_range,
            )

    filename = f"boite-a-outils-{services._slug(page.title, 'paroles')}.zip"
    return send_bytes(request, StreamBody(plan.size, plan.iter_bytes), content_type="application/zip",
                      filename=filename, etag=etag, as_attachment=True, restricted=True, on_send=log)
