"""Administration : travaux de fond (en attente, en cours avec pourcentage, terminés, en échec avec la
raison, bouton « Relancer ») et rendus d'une œuvre."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from consent.policy import policy

from ..models import ProcessingJob, Work
from ..processing.jobs import sweep_stale_jobs
from ..processing.presets import IMAGE_FILTERS, kinds_for
from ..flows.request_renditions import request_renditions
from ..flows.retry_job import retry_job


def _check(request):
    if not request.user.has_perm("media_library.change_work"):
        raise PermissionDenied


def _next_url(request, default):
    url = request.POST.get("next") or request.GET.get("next")
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return url
    return default


def job_as_dict(job):
    return {
        "id": job.pk,
        "status": job.status,
        "status_label": str(job.get_status_display()),
        "progress": job.progress,
        "step": job.step,
        "error": job.error,
        "attempts": job.attempts,
        "can_retry": job.can_retry,
    }


def job_list(request):
    _check(request)
    sweep_stale_jobs()
    jobs = policy.admin_queryset(
        request.user, ProcessingJob.objects.select_related("media_file__work", "chapter")).order_by("-created_at", "-pk")
    status = request.GET.get("etat", "")
    if status in ProcessingJob.Status.values:
        jobs = jobs.filter(status=status)
    work_id = request.GET.get("oeuvre", "")
    if work_id.isdigit():
        jobs = jobs.filter(media_file__work_id=int(work_id))
    page = Paginator(jobs, 50).get_page(request.GET.get("page"))
    known = policy.admin_queryset(request.user, ProcessingJob.objects.all())
    counts = {s: known.filter(status=s).count() for s in ProcessingJob.Status.values}
    return TemplateResponse(
        request,
        "media_library/admin/jobs.html",
        {
            "page": page,
            "jobs": page.object_list,
            "status": status,
            "statuses": [(value, label, counts.get(value, 0)) for value, label in ProcessingJob.Status.choices],
            "page_title": _("Travaux de fond"),
        },
    )


def job_status(request):
    """État de quelques travaux en JSON (rafraîchissement du pourcentage sans recharger la page)."""
    _check(request)
    ids = [int(x) for x in request.GET.get("ids", "").split(",") if x.strip().isdigit()][:200]
    jobs = policy.admin_queryset(request.user, ProcessingJob.objects.filter(pk__in=ids))
    return JsonResponse({"jobs": [job_as_dict(job) for job in jobs]})


@require_POST
def job_retry(request, pk):
    _check(request)
    job = policy.admin_get_or_404(request, ProcessingJob.objects.select_related("media_file"), pk=pk)
    try:
        retry_job(job, user=request.user)
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Travail relancé : il est de nouveau en attente."))
    return redirect(_next_url(request, reverse("media_library_jobs")))


def work_renditions(request, pk):
    _check(request)
    work = policy.admin_get_or_404(request, Work.all_objects, pk=pk)
    files = list(work.files.prefetch_related("renditions__chapter").select_related("image"))
    for media in files:
        media.expected_kinds = kinds_for(media.media_type)
        media.made = {r.kind: r for r in media.renditions.all() if r.chapter_id is None and r.clip_start is None}
        media.clips = [r for r in media.renditions.all() if r.chapter_id or r.clip_start is not None]
    jobs = ProcessingJob.objects.filter(media_file__work=work).select_related("media_file", "chapter")[:30]
    return TemplateResponse(
        request,
        "media_library/admin/work_renditions.html",
        {"work": work, "files": files, "jobs": jobs, "image_names": list(IMAGE_FILTERS),
         "page_title": _("Rendus de « %(title)s »") % {"title": work.title_fr}},
    )


@require_POST
def work_renditions_rebuild(request, pk):
    _check(request)
    work = policy.admin_get_or_404(request, Work.all_objects, pk=pk)
    force = request.POST.get("force") == "1"
    kinds = [k for k in request.POST.getlist("kind") if k]
    media_id = request.POST.get("media")
    files = work.files.all()
    if media_id and media_id.isdigit():
        files = files.filter(pk=int(media_id))
    count = 0
    for media in files:
        request_renditions(media, kinds=kinds, force=force, user=request.user)
        count += 1
    messages.success(request, _("%(n)s travail(s) de rendus mis en file.") % {"n": count})
    return redirect(_next_url(request, reverse("media_library_work_renditions", args=[work.pk])))
