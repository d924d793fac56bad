"""Administration : transcriptions (progression, annulation), pistes, éditeur, import/export,
pseudonymisation, incrustation. Vues minces : tout passe par les cas d'usage de transcription.flows."""

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from consent.channels import Channel
from consent.policy import policy
from media_library.models import Work

from .. import subtitles as subs
from ..errors import TranscriptionError
from ..flows.approve import approve_track
from ..flows.burn_in import request_burn_in
from ..flows.copy_timings import copy_timings
from ..flows.correct_cues import cues_from_payload, save_track_cues
from ..flows.export_subtitles import export_subtitles
from ..flows.import_subtitles import import_subtitles
from ..flows.open_track import get_or_create_track
from ..flows.pseudonymise import pseudonymise as pseudonymise_work
from ..flows.transcribe import request_transcription, transcribable_file
from ..models import SubtitleLanguage, SubtitledRendition, SubtitleTrack, TranscriptionJob

TIME_BASED_KINDS = ("film", "capsule", "podcast", "performance")


def _check(request, work=None):
    if not request.user.has_perm("media_library.change_work"):
        raise PermissionDenied
    if work is not None and not policy.may_know(request.user, work):
        raise Http404  # comme une œuvre absente : la politique dit ce que cette personne peut connaître


def _job_dict(job):
    return {
        "id": job.pk, "status": job.status, "status_label": job.get_status_display(), "progress": job.progress,
        "message": job.message, "active": job.is_active, "cancel_requested": job.cancel_requested,
    }


def index(request):
    _check(request)
    works = (
        policy.admin_queryset(request.user, Work.objects.filter(kind__in=TIME_BASED_KINDS))
        .select_related("project")
        .prefetch_related("subtitle_tracks", "transcription_jobs")
        .order_by("title_fr")
    )
    rows = []
    for work in works:
        jobs = list(work.transcription_jobs.all())
        rows.append({"work": work, "job": jobs[0] if jobs else None,
                     "tracks": {t.language: t for t in work.subtitle_tracks.all()}})
    jobs = policy.admin_queryset(request.user, TranscriptionJob.objects.select_related("work")).order_by("-created_at")[:30]
    return TemplateResponse(request, "transcription/admin/index.html", {
        "rows": rows, "jobs": jobs, "languages": SubtitleLanguage.choices,
        "page_title": _("Transcriptions et sous-titres"),
    })


def jobs_status(request):
    """Progression des travaux (JSON), pour la barre de progression de l'administration."""
    _check(request)
    ids = [int(i) for i in request.GET.get("ids", "").split(",") if i.strip().isdigit()]
    jobs = TranscriptionJob.objects.filter(pk__in=ids) if ids else TranscriptionJob.objects.filter(
        status__in=TranscriptionJob.ACTIVE)
    jobs = policy.admin_queryset(request.user, jobs)
    return JsonResponse({"jobs": [_job_dict(j) for j in jobs]})


def work_subtitles(request, pk):
    work = get_object_or_404(Work, pk=pk)
    _check(request, work)
    tracks = {t.language: t for t in work.subtitle_tracks.all()}
    track_rows = []
    for code, label in SubtitleLanguage.choices:
        track = tracks.get(code)
        track_rows.append({
            "code": code, "label": label, "track": track,
            "issues": track.issues() if track else [],
            "renditions": list(track.burned_renditions.all()) if track else [],
            "origins": track.origin_counts() if track else {},
            "models": track.machine_models() if track else [],
        })
    fr_track = tracks.get("fr")
    french_todo = fr_track.origin_counts().get("todo", 0) if fr_track else 0
    media = transcribable_file(work)
    latest_done = work.transcription_jobs.filter(
        status__in=[TranscriptionJob.Status.DONE, TranscriptionJob.Status.MANUAL]).first()
    return TemplateResponse(request, "transcription/admin/work.html", {
        "work": work, "media": media, "track_rows": track_rows,
        "jobs": work.transcription_jobs.all()[:10], "transcript": latest_done, "french_todo": french_todo,
        "languages": SubtitleLanguage.choices,
        "page_title": _("Sous-titres de « %(title)s »") % {"title": work.title_fr},
    })


@require_POST
def start_job(request, pk):
    work = get_object_or_404(Work, pk=pk)
    _check(request, work)
    language = request.POST.get("language", "")
    try:
        job = request_transcription(work, user=request.user, language=language or None)
    except TranscriptionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Transcription en file d'attente (n° %(pk)s).") % {"pk": job.pk})
    return redirect("transcription_work", pk=work.pk)


@require_POST
def cancel_job(request, pk):
    job = get_object_or_404(TranscriptionJob, pk=pk)
    _check(request, job.work)
    job.request_cancel()
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse(_job_dict(job))
    messages.success(request, _("Annulation demandée : le travail s'arrête au prochain segment."))
    return redirect(request.POST.get("next") or reverse("transcription_work", args=[job.work_id]))


def _track(request, pk):
    track = get_object_or_404(SubtitleTrack.objects.select_related("work"), pk=pk)
    _check(request, track.work)
    return track


def editor(request, pk):
    track = _track(request, pk)
    media = transcribable_file(track.work)
    others = SubtitleTrack.objects.filter(work=track.work).exclude(pk=track.pk)
    cues = [c.as_dict() for c in track.get_cues()]
    # Repère à côté de chaque réplique : les répliques françaises voisines (de la piste française, ou de
    # cette piste si elle est elle-même française et mixte).
    reference = track if track.language == "fr" else others.filter(language="fr").first()
    reference_cues = [c.as_dict() for c in reference.get_cues() if c.text.strip()] if reference else []
    return TemplateResponse(request, "transcription/admin/editor.html", {
        "track": track, "work": track.work, "media": media,
        "media_url": media.get_serve_url(Channel.INTERNAL) if media else "",
        "cues_json": cues, "others": others, "reference_json": reference_cues,
        "norms": {"maxLine": subs.MAX_LINE, "maxLines": subs.MAX_LINES, "maxCps": subs.MAX_CPS,
                  "minDuration": subs.MIN_DURATION, "maxDuration": subs.MAX_DURATION,
                  "articles": sorted(subs.ARTICLES.get(track.language, ()))},
        "page_title": _("Éditeur de sous-titres : %(work)s (%(lang)s)") % {
            "work": track.work.title_fr, "lang": track.get_language_display()},
    })


@require_POST
def save_cues(request, pk):
    track = _track(request, pk)
    try:
        payload = json.loads(request.body.decode("utf-8"))
        cues = cues_from_payload(payload.get("cues", []))
    except (ValueError, AttributeError) as exc:
        return JsonResponse({"ok": False, "error": str(exc) or _("Données illisibles.")}, status=400)
    except TranscriptionError as exc:
        return JsonResponse({"ok": False, "error": str(exc)}, status=422)
    save_track_cues(track, cues)
    track.refresh_from_db()
    return JsonResponse({
        "ok": True, "status": track.status, "status_label": track.get_status_display(),
        "issues": [i.as_dict() for i in track.issues()],
        "cues": [c.as_dict() for c in track.get_cues()],
    })


@require_POST
def create_track(request, pk):
    work = get_object_or_404(Work, pk=pk)
    _check(request, work)
    language = request.POST.get("language")
    if language not in SubtitleLanguage.values:
        messages.error(request, _("Langue inconnue."))
        return redirect("transcription_work", pk=work.pk)
    source = request.POST.get("copy_from")
    todo_only = False
    if source and source.endswith(":todo"):
        source, todo_only = source[: -len(":todo")], True
    try:
        if source:
            if source not in SubtitleLanguage.values:
                raise TranscriptionError(_("Langue inconnue."))
            track = copy_timings(work, source, language, todo_only=todo_only)
            if todo_only:
                messages.success(request, _("Piste créée avec le minutage des passages à transcrire de la piste "
                                            "« %(src)s » : %(n)d répliques à écrire.") % {"src": source,
                                                                                         "n": track.cues.count()})
            else:
                messages.success(request, _("Piste créée avec le minutage de la piste « %(src)s » : il ne reste "
                                            "qu'à saisir le texte.") % {"src": source})
        else:
            track = get_or_create_track(work, language)
    except TranscriptionError as exc:
        messages.error(request, str(exc))
        return redirect("transcription_work", pk=work.pk)
    return redirect("transcription_editor", pk=track.pk)


@require_POST
def import_track(request, pk):
    work = get_object_or_404(Work, pk=pk)
    _check(request, work)
    language = request.POST.get("language")
    upload = request.FILES.get("file")
    if language not in SubtitleLanguage.values or upload is None:
        messages.error(request, _("Choisissez une langue et un fichier SRT ou VTT."))
        return redirect("transcription_work", pk=work.pk)
    if upload.size > 5 * 1024 * 1024:
        messages.error(request, _("Fichier de sous-titres trop volumineux (5 Mo au plus)."))
        return redirect("transcription_work", pk=work.pk)
    try:
        track, fmt, encoding = import_subtitles(work, language, upload.read(), upload.name)
    except subs.SubtitleParseError as exc:
        messages.error(request, _("Fichier refusé, rien n'a été enregistré. %(err)s") % {"err": exc})
        return redirect("transcription_work", pk=work.pk)
    note = ""
    if encoding not in ("utf-8", "utf-8-sig"):
        note = " " + _("Le fichier n'était pas en UTF-8 (%(enc)s) : il a été converti ; vérifiez les accents.") % {
            "enc": encoding}
    messages.success(request, _("%(n)d répliques importées (%(fmt)s).") % {"n": track.cues.count(),
                                                                         "fmt": fmt.upper()} + note)
    return redirect("transcription_editor", pk=track.pk)


def export_track(request, pk, fmt):
    track = _track(request, pk)
    allow = request.GET.get("ecarts") == "1"
    try:
        content = export_subtitles(track, fmt, allow_issues=allow)
    except subs.NormError as exc:
        return TemplateResponse(request, "transcription/admin/norms_refused.html", {
            "track": track, "issues": exc.issues, "fmt": fmt, "action": "export",
            "page_title": _("Export refusé : normes non respectées"),
        }, status=409)
    response = HttpResponse(content, content_type="text/vtt; charset=utf-8" if fmt == "vtt"
                            else "application/x-subrip; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{track.work.slug or "oeuvre"}.{track.language}.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def change_status(request, pk):
    track = _track(request, pk)
    action = request.POST.get("action")
    if action == "review":
        track.send_to_review()
        messages.success(request, _("Piste en relecture (retirée du public si elle était approuvée)."))
    elif action == "approve":
        try:
            approve_track(track, request.user, allow_issues=request.POST.get("allow_issues") == "1")
        except subs.NormError as exc:
            return TemplateResponse(request, "transcription/admin/norms_refused.html", {
                "track": track, "issues": exc.issues, "action": "approve",
                "page_title": _("Approbation refusée : normes non respectées"),
            }, status=409)
        messages.success(request, _("Piste approuvée : elle est proposée au public (selon le consentement)."))
    return redirect("transcription_work", pk=track.work_id)


@require_POST
def pseudonymise(request, pk):
    work = get_object_or_404(Work, pk=pk)
    _check(request, work)
    try:
        count = pseudonymise_work(work, request.POST.get("find", ""), request.POST.get("replace", "").strip(),
                                      whole_word=request.POST.get("partial") != "1")
    except TranscriptionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(n)d remplacement(s) dans les pistes et les transcriptions.") % {"n": count})
    return redirect("transcription_work", pk=work.pk)


@require_POST
def burn_in(request, pk):
    track = _track(request, pk)
    try:
        request_burn_in(track, request.user)
    except TranscriptionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Version téléphone sous-titrée en préparation."))
    return redirect("transcription_work", pk=track.work_id)


def subtitled_status(request, pk):
    rendition = get_object_or_404(SubtitledRendition.objects.select_related("track__work"), pk=pk)
    _check(request, rendition.track.work)
    return JsonResponse({"status": rendition.status, "progress": rendition.progress, "error": rendition.error})
