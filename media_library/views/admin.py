"""Administration : téléversement des fichiers originaux d'une œuvre, avec barre de progression.

Chaque fichier part dans sa propre requête (XMLHttpRequest, progression affichée) ; le serveur
l'écrit sur disque en flux, calcule son empreinte, le vérifie et l'enregistre par
media_library.flows.ingest, ou renvoie un refus clair en français.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from consent.policy import policy

from ..files import MediaError
from ..models import Work
from ..flows.ingest import human_size, ingest_file


def _check_change(request):
    if not request.user.has_perm("media_library.change_work"):
        raise PermissionDenied


def work_files(request, pk):
    _check_change(request)
    work = policy.admin_get_or_404(request, Work.objects, pk=pk)
    return TemplateResponse(
        request,
        "media_library/admin/work_files.html",
        {
            "work": work,
            "files": work.files.all(),
            "max_size": settings.PAROLES_MAX_UPLOAD_SIZE,
            "max_size_human": human_size(settings.PAROLES_MAX_UPLOAD_SIZE),
            "page_title": _("Fichiers de « %(title)s »") % {"title": work.title_fr},
        },
    )


def _wants_json(request):
    """Le script de la page demande du JSON ; le formulaire sans JavaScript reçoit une vraie page."""
    return "application/json" in request.headers.get("Accept", "")


def _refuse(request, work, message, status):
    if _wants_json(request):
        return JsonResponse({"ok": False, "error": message}, status=status)
    messages.error(request, message)
    return redirect("media_library_work_files", work.pk)


@require_POST
def upload_file(request, pk):
    _check_change(request)
    work = policy.admin_get_or_404(request, Work.objects, pk=pk)
    upload = None
    try:
        upload = request.FILES.get("file")
    except Exception:  # noqa: BLE001 - StopUpload, corps tronqué
        upload = None
    if getattr(request, "upload_too_large", False):
        return _refuse(request, work, _("Fichier trop volumineux : la limite est de %(limit)s.")
                       % {"limit": human_size(settings.PAROLES_MAX_UPLOAD_SIZE)}, 413)
    if upload is None:
        return _refuse(request, work, _("Aucun fichier reçu (envoi interrompu ?). Réessayez."), 400)
    try:
        media = ingest_file(work, upload, original_filename=upload.name, user=request.user)
    except MediaError as exc:
        return _refuse(request, work, str(exc), 422)
    finally:
        upload.close()
    if not _wants_json(request):
        messages.success(request, _("« %(name)s » enregistré (%(size)s). Les rendus sont en préparation.")
                         % {"name": media.original_filename, "size": filesizeformat(media.size)})
        return redirect("media_library_work_files", work.pk)
    return JsonResponse(
        {
            "ok": True,
            "file": {
                "id": media.pk,
                "name": media.original_filename,
                "size": filesizeformat(media.size),
                "mime_type": media.mime_type,
                "media_type": media.get_media_type_display(),
                "duration": media.duration,
                "width": media.width,
                "height": media.height,
                "sha256": media.sha256,
                "url": media.get_serve_url("internal"),
            },
        },
        status=201,
    )
