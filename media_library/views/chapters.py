"""Administration : marquer les chapitres d'une œuvre sur une frise à côté du lecteur, et en faire des extraits."""

import re

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail import hooks

from consent.policy import policy

from ..models import Chapter, ProcessingJob, Theme, Work, format_timecode
from ..flows.request_clip import request_clip
from ..processing.clips import CLIP_LINKS_HOOK

_TIMECODE = re.compile(r"^\s*(?:(\d+):)?(?:(\d+):)?(\d+(?:[.,]\d+)?)\s*$")


def parse_timecode(value):
    """« 83,5 », « 1:23 », « 1:23,5 », « 0:01:23.5 » → secondes. Lève ValueError sinon."""
    match = _TIMECODE.match(str(value or ""))
    if not match:
        raise ValueError(value)
    first, second, seconds = match.groups()
    seconds = float(seconds.replace(",", "."))
    if second is not None:
        hours, minutes = int(first), int(second)
    else:
        hours, minutes = 0, int(first or 0)
    if (first is not None and seconds >= 60) or (second is not None and minutes >= 60):
        raise ValueError(value)
    return hours * 3600 + minutes * 60 + seconds


class TimecodeField(forms.CharField):
    default_error_messages = {
        "invalid": gettext_lazy("Minutage illisible : écrivez par exemple 1:23, 1:23,5 ou 83,5 (secondes)."),
    }

    def prepare_value(self, value):
        if isinstance(value, (int, float)):
            return format_timecode(value)
        return value

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            return round(parse_timecode(value), 3)
        except ValueError as exc:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from exc


class ChapterForm(forms.ModelForm):
    start = TimecodeField(label=gettext_lazy("Début"))
    end = TimecodeField(label=gettext_lazy("Fin"))
    themes = forms.ModelMultipleChoiceField(
        Theme.objects.all(), required=False, widget=forms.CheckboxSelectMultiple, label=gettext_lazy("Thèmes")
    )

    class Meta:
        model = Chapter
        fields = ["start", "end", "title_fr", "title_bm", "themes"]


def _check(request):
    if not request.user.has_perm("media_library.change_work"):
        raise PermissionDenied


def chapter_editor(request, pk, chapter_pk=None):
    _check(request)
    work = policy.admin_get_or_404(request, Work.all_objects, pk=pk)
    media = work.playable_file()
    chapter = get_object_or_404(Chapter, pk=chapter_pk, work=work) if chapter_pk else None
    form = None
    if media is not None:
        instance = chapter or Chapter(work=work, media_file=media)
        if request.method == "POST":
            form = ChapterForm(request.POST, instance=instance)
            form.instance.work = work
            form.instance.media_file = instance.media_file if chapter else media
            if form.is_valid():
                saved = form.save()
                messages.success(request, _("Chapitre « %(title)s » enregistré.") % {"title": saved.title_fr})
                return redirect("media_library_chapters", pk=work.pk)
        else:
            form = ChapterForm(instance=instance)
    renditions = {r.kind: r for r in media.renditions.filter(chapter__isnull=True, clip_start__isnull=True)} if media else {}
    chapters = list(work.chapters.prefetch_related("themes", "renditions"))
    clip_jobs = {}
    for job in ProcessingJob.objects.filter(chapter__work=work).order_by("created_at"):
        clip_jobs[job.chapter_id] = job  # le plus récent l'emporte
    for item in chapters:
        item.clips = {r.kind: r for r in item.renditions.all()}
        item.job = clip_jobs.get(item.pk)
    # Ce que d'autres applications joignent aux extraits (les sous-titres découpés, par la transcription) : un
    # crochet Wagtail, pour que les archives n'importent pas la transcription (couches, import-linter).
    with_clips = [item for item in chapters if item.clips]
    for item in chapters:
        item.clip_links = []
    for hook in hooks.get_hooks(CLIP_LINKS_HOOK) if with_clips else ():
        for item, links in (hook(request, work, with_clips) or {}).items():
            item.clip_links.extend(links)
    return TemplateResponse(
        request,
        "media_library/admin/chapters.html",
        {
            "work": work,
            "media": media,
            "renditions": renditions,
            "chapters": chapters,
            "chapter": chapter,
            "form": form,
            "page_title": _("Chapitres de « %(title)s »") % {"title": work.title_fr},
        },
    )


@require_POST
def chapter_delete(request, pk, chapter_pk):
    _check(request)
    chapter = policy.admin_get_or_404(request, Chapter.objects, pk=chapter_pk, work_id=pk)
    title = chapter.title_fr
    for rendition in chapter.renditions.all():
        name = rendition.file.name
        rendition.delete()
        if name:
            rendition.file.storage.delete(name)  # un extrait, jamais l'original
    chapter.delete()
    messages.success(request, _("Chapitre « %(title)s » supprimé, avec ses extraits.") % {"title": title})
    return redirect("media_library_chapters", pk=pk)


@require_POST
def chapter_clip(request, pk, chapter_pk):
    _check(request)
    chapter = policy.admin_get_or_404(request, Chapter.objects.select_related("media_file"), pk=chapter_pk, work_id=pk)
    request_clip(chapter, user=request.user)
    messages.success(
        request,
        _("Extraits web et téléphone de « %(title)s » demandés : suivez l'avancement dans la liste.")
        % {"title": chapter.title_fr},
    )
    return redirect(reverse("media_library_chapters", args=[pk]))
