"""Administration du plan de communication, du journal des projections, des lieux et du tableau de bord."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from paroles.admin_wording import FrenchWordingMixin

from consent.viewsets import PolicyViewSetMixin

from .models import CommunicationPlan, Place, Screening
from .views import admin as admin_views


class DashboardMenuItem(MenuItem):
    def is_shown(self, request):
        return admin_views.can_view_dashboard(request.user)


class DashboardViewSet(ViewSet):
    name = "communication_dashboard"
    url_prefix = "communication/tableau-de-bord"
    icon = "table"
    menu_label = _("Tableau de bord")
    menu_item_class = DashboardMenuItem

    def get_urlpatterns(self):
        return [
            path("", admin_views.dashboard, name="index"),
            path("export.csv", admin_views.export_csv, name="export_csv"),
            path("export.xlsx", admin_views.export_xlsx, name="export_xlsx"),
        ]


class PlanViewSet(FrenchWordingMixin, ModelViewSet):
    model = CommunicationPlan
    icon = "list-ul"
    menu_label = _("Plans de communication")
    url_prefix = "communication/plans"
    name = "communication_plans"
    list_display = ["title", "project", "start_date", "end_date"]
    list_filter = ["project"]
    search_fields = ["title", "objectives"]
    panels = [
        FieldRowPanel([FieldPanel("project"), FieldPanel("title")]),
        FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")], heading=_("Période")),
        FieldPanel("objectives"),
        InlinePanel("audiences", heading=_("Publics visés"), label=pgettext_lazy("public visé", "Public")),
        InlinePanel("activities", heading=_("Activités prévues"), label=_("Activité")),
        InlinePanel("indicators", heading=_("Indicateurs (cadre logique)"), label=_("Indicateur")),
    ]


class ScreeningViewSet(PolicyViewSetMixin, FrenchWordingMixin, ModelViewSet):
    # La liste, la recherche, les filtres, l'export et chaque fiche demandent la politique : une fiche
    # n'est connue que si son organisation et chaque œuvre montrée le sont (consent.policy).
    model = Screening
    icon = "date"
    menu_label = _("Journal des projections")
    url_prefix = "communication/journal"
    name = "communication_screenings"
    add_view_enabled = False  # les fiches arrivent par le formulaire (idempotent), pas en double saisie
    inspect_view_enabled = True
    list_display = ["__str__", "project", "partner", "region", "people_total", "estimated_audience", "received_at"]
    list_filter = ["project", "partner", "channel", "region", "venue_type", "follow_up_needed"]
    search_fields = ["quotes", "referrals_note", "follow_up_note"]
    list_per_page = 50
    ordering = ["-started_at"]
    # Les groupes sensibles ne figurent pas ici : ils ne sortent qu'agrégés (tableau de bord, export),
    # avec la permission et la règle des petits nombres.
    inspect_view_fields = [
        "client_id", "project", "partner", "facilitator", "started_at", "place", "region", "venue_type", "channel",
        "girls", "boys", "women", "men", "people_total", "migrants", "refugees", "idps", "host_community",
        "authorities", "media_people", "other_group", "estimated_audience", "discussion_minutes", "quotes",
        "referrals", "referrals_note", "follow_up_needed", "follow_up_note", "source", "received_at",
    ]
    panels = [
        FieldRowPanel([FieldPanel("partner"), FieldPanel("facilitator")]),
        FieldRowPanel([FieldPanel("started_at"), FieldPanel("place")]),
        FieldRowPanel([FieldPanel("venue_type"), FieldPanel("channel")]),
        MultiFieldPanel([FieldRowPanel([FieldPanel("girls"), FieldPanel("boys"), FieldPanel("women"), FieldPanel("men")])],
                        heading=_("Personnes présentes (le total est calculé)")),
        MultiFieldPanel([FieldRowPanel([FieldPanel("migrants"), FieldPanel("refugees"), FieldPanel("idps"),
                                        FieldPanel("host_community")]),
                         FieldRowPanel([FieldPanel("authorities"), FieldPanel("media_people"), FieldPanel("other_group")])],
                        heading=_("Par groupe")),
        FieldPanel("estimated_audience"),
        FieldPanel("discussion_minutes"),
        FieldPanel("themes"),
        FieldPanel("quotes"),
        FieldRowPanel([FieldPanel("referrals"), FieldPanel("referrals_note")]),
        FieldRowPanel([FieldPanel("follow_up_needed"), FieldPanel("follow_up_note")]),
    ]

    def get_queryset(self, request):
        return Screening.objects.select_related("project", "partner", "region", "place")


class PlaceViewSet(FrenchWordingMixin, ModelViewSet):
    model = Place
    icon = "site"
    menu_label = _("Lieux (découpage du Mali)")
    url_prefix = "communication/lieux"
    name = "communication_places"
    list_display = ["name", "level", "parent", "region", "active"]
    list_filter = ["level", "region", "active"]
    search_fields = ["name"]
    list_per_page = 100
    form_fields = ["name", "level", "parent", "note", "active"]


class CommunicationGroup(ViewSetGroup):
    menu_label = _("Communication")
    menu_icon = "comment"
    menu_order = 250
    items = (DashboardViewSet, PlanViewSet, ScreeningViewSet, PlaceViewSet)


@hooks.register("register_admin_viewset")
def register_viewsets():
    return CommunicationGroup()


@hooks.register("register_permissions")
def register_permissions():
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(
        content_type__app_label="communication",
        codename__in=["view_sensitive_counts", "view_dashboard", "add_screening", "change_screening",
                      "view_screening", "delete_screening", "add_communicationplan", "change_communicationplan",
                      "delete_communicationplan", "view_communicationplan", "add_place", "change_place", "view_place"],
    )
