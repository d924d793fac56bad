from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from media_library.processing.clips import CLIP_LINKS_HOOK

from .views import admin as views


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path("transcription/", views.index, name="transcription_index"),
        path("transcription/travaux.json", views.jobs_status, name="transcription_jobs_status"),
        path("transcription/travaux/<int:pk>/annuler/", views.cancel_job, name="transcription_cancel_job"),
        path("transcription/oeuvre/<int:pk>/", views.work_subtitles, name="transcription_work"),
        path("transcription/oeuvre/<int:pk>/transcrire/", views.start_job, name="transcription_start_job"),
        path("transcription/oeuvre/<int:pk>/piste/", views.create_track, name="transcription_create_track"),
        path("transcription/oeuvre/<int:pk>/importer/", views.import_track, name="transcription_import"),
        path("transcription/oeuvre/<int:pk>/pseudonymiser/", views.pseudonymise, name="transcription_pseudonymise"),
        path("transcription/piste/<int:pk>/editer/", views.editor, name="transcription_editor"),
        path("transcription/piste/<int:pk>/enregistrer/", views.save_cues, name="transcription_save_cues"),
        path("transcription/piste/<int:pk>/etat/", views.change_status, name="transcription_change_status"),
        path("transcription/piste/<int:pk>/exporter.<str:fmt>", views.export_track, name="transcription_export"),
        path("transcription/piste/<int:pk>/incruster/", views.burn_in, name="transcription_burn_in"),
        path("transcription/incrustation/<int:pk>.json", views.subtitled_status, name="transcription_subtitled_status"),
    ]


@hooks.register("register_admin_menu_item")
def register_menu_item():
    return MenuItem(
        _("Sous-titres"), reverse("transcription_index"), icon_name="doc-full", order=160,
        name="transcription",
    )


@hooks.register("register_snippet_listing_buttons")
def work_subtitles_button(snippet, user, next_url=None):
    from media_library.models import Work
    from wagtail.admin.widgets import ListingButton

    if isinstance(snippet, Work) and snippet.is_time_based and user.has_perm("media_library.change_work"):
        yield ListingButton(_("Sous-titres"), reverse("transcription_work", args=[snippet.pk]), priority=60,
                            icon_name="doc-full")


@hooks.register(CLIP_LINKS_HOOK)
def chapter_clip_subtitles(request, work, chapters):
    """Dans l'éditeur de chapitres : pour chaque extrait, ses sous-titres dans chaque langue approuvée, découpés
    à la demande dans la piste publiée (seules les répliques tout entières dans l'extrait, qui commencent à 0).
    L'adresse est celle que la politique décide pour le canal interne, comme le fichier de l'extrait."""
    from .models import SubtitleTrack

    tracks = [t for t in SubtitleTrack.objects.select_related("work").filter(
        work=work, status=SubtitleTrack.Status.APPROVED).order_by("language") if t.vtt_file]
    return {
        chapter: [(_("Sous-titres %(language)s (WebVTT)") % {"language": str(track.get_language_display()).lower()},
                   track.get_window_url(chapter.start, chapter.end, channel="internal"))
                  for track in tracks]
        for chapter in chapters
    }
