from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList, TabbedInterface
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from consent.admin_columns import ConsentLabelsColumn
from consent.panels import ConsentPanel
from consent.viewsets import PolicyViewSetMixin
from paroles.admin_wording import FrenchWordingMixin

from .models import ContentWarning, Language, PartnerOrganisation, Project, Series, Theme, Work, Workshop
from .panels import WorkFilesPanel
from .processing.panels import WorkProcessingPanel
from .views import admin as admin_views
from .views import chapters as chapter_views
from .views import evidence as evidence_views
from .views import jobs as job_views
from .views import release_admin


class WorkCreateView(SnippetViewSet.add_view_class):
    def get_success_url(self):
        # Une œuvre neuve n'a pas encore de fichier : on enchaîne sur le téléversement.
        return reverse("media_library_work_files", args=[self.object.pk])

    def get_success_buttons(self):
        return []


class WorkViewSet(PolicyViewSetMixin, FrenchWordingMixin, SnippetViewSet):
    """Œuvres : chaque vue (liste, recherche, fiche, inspection, historique, usages, suppression,
    sélecteur…) demande la politique enregistrée (consent.policy) ; refusé = absent (404)."""

    model = Work
    add_view_class = WorkCreateView
    icon = "media"
    menu_label = _("Œuvres")
    menu_order = 100
    add_to_admin_menu = False
    list_display = [
        "title_fr",
        Column("kind", label=_("Type"), accessor="get_kind_display"),
        "project",
        "series",
        "partner",
        ConsentLabelsColumn(),
        "updated_at",
    ]
    list_filter = ["kind", "project", "series", "themes", "partner", "spoken_languages", "workshop"]
    list_per_page = 50
    ordering = ["-created_at"]
    copy_view_enabled = False
    inspect_view_enabled = True

    edit_handler = TabbedInterface(
        [
            ObjectList(
                [
                    FieldPanel("kind"),
                    FieldRowPanel([FieldPanel("title_fr"), FieldPanel("title_bm")], heading=_("Titre")),
                    FieldRowPanel([FieldPanel("description_fr"), FieldPanel("description_bm")], heading=_("Description")),
                    MultiFieldPanel(
                        [FieldPanel("words_verbatim"), FieldPanel("words_bm")],
                        heading=_("Paroles de l'auteur·e (Photo Voice, body map)"),
                    ),
                    WorkFilesPanel(heading=_("Fichiers")),
                    WorkProcessingPanel(heading=_("Rendus, chapitres et travaux de fond")),
                ],
                heading=_("Œuvre"),
            ),
            ObjectList(
                [
                    FieldRowPanel([FieldPanel("project"), FieldPanel("series")]),
                    FieldPanel("themes"),
                    FieldRowPanel([FieldPanel("partner"), FieldPanel("workshop")]),
                    FieldRowPanel([FieldPanel("date_made"), FieldPanel("date_made_text"), FieldPanel("place_made")]),
                    FieldPanel("spoken_languages"),
                    FieldPanel("content_warnings"),
                ],
                heading=_("Catalogue"),
            ),
            ObjectList(
                [FieldPanel("licence"), FieldPanel("usage_note"), FieldPanel("external_id")],
                heading=_("Droits et diffusion"),
            ),
            ObjectList([ConsentPanel()], heading=_("Consentement")),
        ]
    )

    def get_queryset(self, request):
        # Filtré par la politique (PolicyViewSetMixin) : ce que cette personne peut connaître.
        return super().get_queryset(request).select_related("project", "series", "partner")


class TaxonomyViewSet(FrenchWordingMixin, SnippetViewSet):
    add_to_admin_menu = False
    list_display = ["name", "name_bm"]
    search_fields = ["name", "name_bm"]
    copy_view_enabled = False


class ProjectViewSet(TaxonomyViewSet):
    model = Project
    icon = "folder-open-inverse"
    list_display = ["name", "start_date", "end_date"]


class PartnerViewSet(TaxonomyViewSet):
    model = PartnerOrganisation
    icon = "group"
    list_display = ["name", "acronym", "city", BooleanColumn("is_protected_community", label=_("Protégée"))]
    panels = [
        FieldPanel("name"), FieldPanel("name_bm"), FieldPanel("acronym"), FieldPanel("city"),
        FieldPanel("is_protected_community"), FieldPanel("users"),
    ]


class SeriesViewSet(TaxonomyViewSet):
    model = Series
    icon = "list-ul"
    list_display = ["name", "project"]


class ThemeViewSet(TaxonomyViewSet):
    model = Theme
    icon = "tag"


class WorkshopViewSet(TaxonomyViewSet):
    model = Workshop
    icon = "site"
    list_display = ["name", "place", "partner", "start_date"]


class LanguageViewSet(TaxonomyViewSet):
    model = Language
    icon = "globe"
    list_display = ["name", "code", "name_bm"]
    search_fields = ["name", "code"]


class ContentWarningViewSet(TaxonomyViewSet):
    model = ContentWarning
    icon = "warning"


class ArchiveGroup(SnippetViewSetGroup):
    menu_label = _("Archives")
    menu_icon = "media"
    menu_order = 150
    items = (
        WorkViewSet,
        ProjectViewSet,
        SeriesViewSet,
        ThemeViewSet,
        PartnerViewSet,
        WorkshopViewSet,
        LanguageViewSet,
        ContentWarningViewSet,
    )


register_snippet(ArchiveGroup)


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path("archives/oeuvres/<int:pk>/fichiers/", admin_views.work_files, name="media_library_work_files"),
        # La preuve d'un consentement : servie par la porte (consent n'importe pas media_library).
        path("consentement/preuves/<int:pk>/", evidence_views.evidence, name="consent_evidence"),
        # Presse et diffusion : liens signés remis à une personne nommée (media_library.flows.release_links).
        path("archives/oeuvres/<int:pk>/liens/", release_admin.release_links, name="media_library_release_links"),
        path("archives/oeuvres/<int:pk>/liens/<int:link_pk>/revoquer/", release_admin.release_link_revoke,
             name="media_library_release_link_revoke"),
        path(
            "archives/oeuvres/<int:pk>/fichiers/televerser/",
            admin_views.upload_file,
            name="media_library_upload_file",
        ),
        # Rendus, travaux de fond, chapitres (media_library.views.jobs / chapters).
        path("archives/travaux/", job_views.job_list, name="media_library_jobs"),
        path("archives/travaux/etat/", job_views.job_status, name="media_library_job_status"),
        path("archives/travaux/<int:pk>/relancer/", job_views.job_retry, name="media_library_job_retry"),
        path("archives/oeuvres/<int:pk>/rendus/", job_views.work_renditions, name="media_library_work_renditions"),
        path("archives/oeuvres/<int:pk>/rendus/refaire/", job_views.work_renditions_rebuild,
             name="media_library_work_renditions_rebuild"),
        path("archives/oeuvres/<int:pk>/chapitres/", chapter_views.chapter_editor, name="media_library_chapters"),
        path("archives/oeuvres/<int:pk>/chapitres/<int:chapter_pk>/", chapter_views.chapter_editor,
             name="media_library_chapter_edit"),
        path("archives/oeuvres/<int:pk>/chapitres/<int:chapter_pk>/supprimer/", chapter_views.chapter_delete,
             name="media_library_chapter_delete"),
        path("archives/oeuvres/<int:pk>/chapitres/<int:chapter_pk>/extrait/", chapter_views.chapter_clip,
             name="media_library_chapter_clip"),
    ]


@hooks.register("register_admin_menu_item")
def register_jobs_menu_item():
    from wagtail.admin.menu import MenuItem

    class JobsMenuItem(MenuItem):
        def is_shown(self, request):
            return request.user.has_perm("media_library.change_work")

    return JobsMenuItem(_("Travaux de fond"), reverse("media_library_jobs"), icon_name="cogs", order=160)
