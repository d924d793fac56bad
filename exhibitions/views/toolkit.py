"""Téléchargements de la boîte à outils : un fichier (par la porte) ou toute la boîte en un zip diffusé
(construit par `flows.build_toolkit_zip`).

Chaque fichier est décidé par la fonction d'accès (canal « téléchargement par les animateurs ») et
chaque téléchargement est journalisé (ServedFile : qui, quel fichier, quel rendu, quand).
"""

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from consent.channels import Channel
from consent.policy import policy
from media_library.gate import StreamBody, refuse, send_bytes, serve_gated

from ..flows.build_toolkit_zip import build_toolkit_zip
from ..flows.toolkit_materials import find_download, is_original, material_is_for
from ..guides import ensure_guide_pdf

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
    download = find_download(material, what, lang)
    if download is None or is_original(download):
        raise Http404(_("Ce fichier n'existe pas pour ce support."))
    if not material_is_for(material, request.user):
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


def download_zip(request, page):
    if not request.user.is_authenticated:
        return _login_required(request)
    if request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD"})
    toolkit_zip = build_toolkit_zip(page, request.user)
    if toolkit_zip is None:
        response = HttpResponse(_("Aucun support de cette boîte à outils n'est téléchargeable pour votre compte."),
                                status=403, content_type="text/plain; charset=utf-8")
        response["Cache-Control"] = "private, no-store"
        return response
    plan = toolkit_zip.plan
    return send_bytes(request, StreamBody(plan.size, plan.iter_bytes), content_type="application/zip",
                      filename=toolkit_zip.filename, etag=toolkit_zip.etag, as_attachment=True, restricted=True,
                      on_send=lambda byte_range, size: toolkit_zip.log_sent(request, byte_range, size))
