"""Corbeille des œuvres dans l'administration : mise à la corbeille, liste, restauration."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from .. import trash


def can_manage_trash(user):
    return user.is_authenticated and user.has_perm("media_library.delete_work")


def _check(request):
    if not can_manage_trash(request.user):
        raise PermissionDenied


def confirm_trash(request, works):
    """Appelée par le crochet `before_delete_snippet` : GET confirme, POST met à la corbeille."""
    _check(request)
    if request.method == "POST":
        for work in works:
            trash.trash_work(work, user=request.user)
        messages.success(
            request,
            ngettext(
                "« %(title)s » est à la corbeille. Vous pouvez la restaurer pendant %(days)s jours.",
                "%(count)s œuvres sont à la corbeille. Vous pouvez les restaurer pendant %(days)s jours.",
                len(works),
            ) % {"title": works[0].title_fr, "count": len(works), "days": trash.settings.PAROLES_TRASH_DAYS},
        )
        return redirect("wagtailsnippets_media_library_work:list")
    return TemplateResponse(
        request,
        "paroles/trash/confirm.html",
        {"works": works, "days": trash.settings.PAROLES_TRASH_DAYS, "page_title": _("Mettre à la corbeille")},
    )


def trash_index(request):
    _check(request)
    works = [
        {"work": work, "deadline": trash.purge_deadline(work)}
        for work in trash.trashed_works().select_related("project")
    ]
    return TemplateResponse(
        request,
        "paroles/trash/index.html",
        {"works": works, "days": trash.settings.PAROLES_TRASH_DAYS, "page_title": _("Corbeille")},
    )


@require_POST
def trash_restore(request, pk):
    _check(request)
    from media_library.models import Work

    work = get_object_or_404(Work.all_objects, pk=pk, trashed_at__isnull=False)
    trash.restore_work(work, user=request.user)
    messages.success(request, _("« %(title)s » est restaurée.") % {"title": work.title_fr})
    return redirect(reverse("paroles_trash_index"))
