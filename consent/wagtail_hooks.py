"""Administration du consentement (en français) : menus, listes, formulaires, tableau de bord.

- Participant·es : les noms légaux, contacts et tuteurs ne sont visibles (colonnes, fiche, recherche)
  que par les responsables du consentement ; les personnes d'une communauté protégée ne sont listées
  que pour ses membres et les responsables.
- Consentements : jamais supprimables (pas même par un super-utilisateur) ; on retire ou on remplace.
- Retraits : créés par la vue « Enregistrer un retrait » (flows.withdraw), jamais modifiés ni supprimés.
- Journal d'audit : lecture seule.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import chooser as chooser_views
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.views import generic
from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from paroles.admin_wording import FrenchWordingMixin

from .access import is_consent_officer
from .forms import ConsentRecordForm, ParticipationForm
from .models import (
    AuditEntry,
    ConsentRecord,
    CuratorNotice,
    NoIdentifiablePersonDeclaration,
    Participant,
    Participation,
    SensitiveAttributes,
    Withdrawal,
)
from .policy import policy
from .views import admin as admin_views
from .viewsets import PolicyViewSetMixin, guard

LEGAL_FIELDS = ("legal_name", "contact", "guardian_name", "guardian_contact", "notes")


class RestrictedPolicy(ModelPermissionPolicy):
    """Politique par modèle : certaines actions sont refusées à tous, super-utilisateurs compris."""

    def __init__(self, model, forbidden=(), officer_only=False):
        super().__init__(model)
        self.forbidden = set(forbidden)
        self.officer_only = officer_only

    def user_has_permission(self, user, action):
        if action in self.forbidden:
            return False
        if self.officer_only and not is_consent_officer(user):
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, a) for a in actions)


POLICIES = {
    Participant: RestrictedPolicy(Participant, forbidden={"delete"}),
    SensitiveAttributes: RestrictedPolicy(SensitiveAttributes, forbidden={"delete"}, officer_only=True),
    # Jamais de suppression d'un consentement : on retire ou on remplace.
    ConsentRecord: RestrictedPolicy(ConsentRecord, forbidden={"delete"}),
    Participation: RestrictedPolicy(Participation, forbidden={"delete"}),
    # Les retraits ne se créent que par la vue « Enregistrer un retrait » (flows.withdraw).
    Withdrawal: RestrictedPolicy(Withdrawal, forbidden={"add", "change", "delete"}),
    NoIdentifiablePersonDeclaration: RestrictedPolicy(NoIdentifiablePersonDeclaration, forbidden={"delete"}, officer_only=True),
    AuditEntry: RestrictedPolicy(AuditEntry, forbidden={"add", "change", "delete"}),
    CuratorNotice: RestrictedPolicy(CuratorNotice, forbidden={"add", "delete"}),
}
for _model, _policy in POLICIES.items():
    register_permission_policy(_model, _policy, exact_class=True)


def _visible_participants(user, qs):
    """Les personnes que la politique laisse connaître à `user`."""
    return policy.admin_participants(user, qs)


# --- Participant·es -----------------------------------------------------------------------------


class ParticipantIndexView(generic.IndexView):
    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        if is_consent_officer(request.user):
            self.search_fields = ["pseudonym", "legal_name", "guardian_name"]
        else:
            self.search_fields = ["pseudonym"]

    @property
    def columns(self):
        columns = super().columns
        if is_consent_officer(self.request.user):
            return columns + [
                Column(
                    "withdraw",
                    label=_("Retrait"),
                    accessor=lambda p: format_html(
                        '<a class="button button-small button-secondary" href="{}">{}</a>',
                        reverse("consent_withdraw", args=[p.pk]),
                        _("Enregistrer un retrait"),
                    ),
                )
            ]
        return [c for c in columns if getattr(c, "name", None) not in LEGAL_FIELDS]



class ParticipantInspectView(generic.InspectView):
    def get_fields(self):
        fields = super().get_fields()
        if not is_consent_officer(self.request.user):
            fields = [f for f in fields if f not in LEGAL_FIELDS]
        return fields


class ParticipantEditView(generic.EditView):
    def get_object(self, queryset=None):
        if not is_consent_officer(self.request.user):
            raise PermissionDenied
        return super().get_object(queryset)


class ParticipantViewSet(PolicyViewSetMixin, FrenchWordingMixin, ModelViewSet):
    model = Participant
    name = "consent_participant"
    icon = "user"
    menu_label = _("Participant·es")
    add_to_admin_menu = False
    index_view_class = ParticipantIndexView
    inspect_view_class = ParticipantInspectView
    edit_view_class = ParticipantEditView
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = ["pseudonym", "legal_name", "birth_year", "partner", "guardian_name"]
    list_filter = ["partner"]
    search_fields = ["pseudonym"]
    panels = [
        FieldPanel("pseudonym"),
        MultiFieldPanel(
            [FieldPanel("legal_name"), FieldPanel("contact")],
            heading=_("Identité légale (responsables du consentement uniquement)"),
        ),
        FieldPanel("birth_year"),
        FieldRowPanel([FieldPanel("guardian_name"), FieldPanel("guardian_contact")], heading=_("Pour une personne mineure")),
        FieldPanel("partner"),
        FieldPanel("notes"),
    ]



class _VisibleParticipantsMixin:
    def get_object_list(self):
        return _visible_participants(self.request.user, Participant.objects.select_related("partner"))


class ParticipantChooseView(_VisibleParticipantsMixin, chooser_views.ChooseView):
    pass


class ParticipantChooseResultsView(_VisibleParticipantsMixin, chooser_views.ChooseResultsView):
    pass


class ParticipantChooserViewSet(ChooserViewSet):
    """Le sélecteur de participant·e des formulaires (consentement, personnes liées) : on y cherche une
    personne, ou on la crée dans l'onglet « Créer » sans quitter le consentement en cours. Seuls le
    pseudonyme, l'année de naissance et l'organisation y sont demandés (l'identité légale se complète
    ensuite sur la fiche, par un·e responsable du consentement)."""

    model = Participant
    icon = "user"
    choose_one_text = _("Choisir une personne")
    choose_another_text = _("Choisir une autre personne")
    edit_item_text = _("Modifier la fiche")
    create_action_label = _("Créer la fiche")
    create_action_clicked_label = _("Création…")
    creation_tab_label = _("Nouvelle personne")
    search_tab_label = _("Chercher")
    form_fields = ["pseudonym", "birth_year", "partner"]
    choose_view_class = ParticipantChooseView
    choose_results_view_class = ParticipantChooseResultsView

    def construct_view(self, view_class, **kwargs):
        # La personne choisie aussi : absente (404) pour qui la politique ne la laisse pas connaître.
        return super().construct_view(guard(view_class), **kwargs)


participant_chooser_viewset = ParticipantChooserViewSet("consent_participant_chooser")


@hooks.register("register_admin_viewset")
def register_participant_chooser():
    return participant_chooser_viewset


class SensitiveAttributesViewSet(PolicyViewSetMixin, FrenchWordingMixin, ModelViewSet):
    model = SensitiveAttributes
    name = "consent_sensitive"
    icon = "lock"
    menu_label = _("Attributs sensibles")
    add_to_admin_menu = False
    copy_view_enabled = False
    inspect_view_enabled = False
    list_display = ["participant"]
    search_fields = []
    form_fields = ["participant", "gender_minority", "sex_work", "displaced_site_location", "notes"]



# --- Consentements ------------------------------------------------------------------------------


class _EvidenceWarningMixin:
    """Après l'enregistrement, les avertissements du formulaire (consentement oral sans preuve)."""

    def form_valid(self, form):
        response = super().form_valid(form)
        for warning in getattr(form, "warnings", ()):
            messages.warning(self.request, warning)
        return response


class ConsentRecordEditView(_EvidenceWarningMixin, generic.EditView):
    pass


class ConsentRecordCreateView(_EvidenceWarningMixin, generic.CreateView):
    def get_initial_form_instance(self):
        instance = super().get_initial_form_instance() or self.model()
        work_id = self.request.GET.get("work")
        if work_id and work_id.isdigit():
            instance.work_id = int(work_id)
        return instance


class ConsentRecordIndexView(generic.IndexView):
    def get_base_queryset(self):
        qs = super().get_base_queryset().select_related("participant", "work", "workshop")
        visible = _visible_participants(self.request.user, Participant.objects.all())
        return policy.admin_queryset(self.request.user, qs.filter(participant__in=visible))


class ConsentRecordViewSet(PolicyViewSetMixin, FrenchWordingMixin, ModelViewSet):
    model = ConsentRecord
    name = "consent_consentrecord"
    icon = "doc-full"
    menu_label = _("Consentements")
    add_to_admin_menu = False
    copy_view_enabled = False
    inspect_view_enabled = True
    add_view_class = ConsentRecordCreateView
    edit_view_class = ConsentRecordEditView
    index_view_class = ConsentRecordIndexView
    list_display = [
        "participant",
        "work",
        "workshop",
        Column("role", label=_("Rôle"), accessor="get_role_display"),
        Column("channels", label=_("Canaux"), accessor="get_channels_display"),
        "given_on",
        "expires_on",
        "review_on",
    ]
    list_filter = ["role", "given_on", "expires_on"]
    search_fields = ["participant__pseudonym", "work__title_fr"]
    inspect_view_fields_exclude = ["evidence_file"]
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("participant"), FieldPanel("role")]),
            FieldRowPanel([FieldPanel("work"), FieldPanel("workshop")], heading=_("Une œuvre OU toutes les œuvres d'un atelier")),
            FieldPanel("channels"),
            MultiFieldPanel(
                [FieldPanel("pseudonym_only"), FieldPanel("face_blurred"), FieldPanel("voice_altered"), FieldPanel("no_place_named")],
                heading=_("Conditions (vérifiées sur ce qui est servi)"),
            ),
            MultiFieldPanel(
                [FieldPanel("evidence_kind"), FieldPanel("evidence_file"), FieldPanel("witness_name")],
                heading=_("Preuve (stockée en privé)"),
            ),
            MultiFieldPanel(
                [FieldPanel("guardian_consent"), FieldPanel("child_assent")],
                heading=_("Pour une personne mineure : les deux sont nécessaires"),
            ),
            FieldRowPanel([FieldPanel("given_on"), FieldPanel("expires_on"), FieldPanel("review_on")]),
            FieldPanel("notes"),
        ],
        base_form_class=ConsentRecordForm,
    )



class ParticipationViewSet(PolicyViewSetMixin, FrenchWordingMixin, ModelViewSet):
    model = Participation
    name = "consent_participation"
    icon = "link"
    menu_label = _("Personnes liées aux œuvres")
    add_to_admin_menu = False
    copy_view_enabled = False
    list_display = [
        "participant", "work", Column("role", label=_("Rôle"), accessor="get_role_display"),
        Column("chapters", label=_("Chapitres"),
               accessor=lambda p: ", ".join(c.title_fr for c in p.chapters.all()) or _("toute l'œuvre")),
    ]
    edit_handler = ObjectList(
        [FieldRowPanel([FieldPanel("participant"), FieldPanel("role")]), FieldPanel("work"), FieldPanel("chapters")],
        base_form_class=ParticipationForm,
    )
    search_fields = ["participant__pseudonym", "work__title_fr"]



class WithdrawalViewSet(PolicyViewSetMixin, FrenchWordingMixin, ModelViewSet):
    model = Withdrawal
    name = "consent_withdrawal"
    icon = "warning"
    menu_label = _("Retraits")
    add_to_admin_menu = False
    copy_view_enabled = False
    inspect_view_enabled = True
    list_display = [
        "participant",
        Column("channels", label=_("Canaux"), accessor=lambda w: ", ".join(w.channels) or _("tous")),
        "effective_on",
        Column(
            "impact",
            label=_("Impact"),
            accessor=lambda w: format_html('<a href="{}">{}</a>', reverse("consent_withdrawal_impact", args=[w.pk]), _("voir")),
        ),
    ]
    form_fields = ["participant", "channels", "effective_on", "reason"]



class DeclarationCreateView(generic.CreateView):
    def get_initial_form_instance(self):
        instance = super().get_initial_form_instance() or self.model()
        work_id = self.request.GET.get("work")
        if work_id and work_id.isdigit():
            instance.work_id = int(work_id)
        return instance

    def save_instance(self):
        instance = self.form.save(commit=False)
        instance.declared_by = self.request.user
        instance.save()
        return instance


class DeclarationViewSet(PolicyViewSetMixin, FrenchWordingMixin, ModelViewSet):
    model = NoIdentifiablePersonDeclaration
    name = "consent_declaration"
    icon = "view"
    menu_label = _("Aucune personne identifiable")
    add_to_admin_menu = False
    copy_view_enabled = False
    add_view_class = DeclarationCreateView
    list_display = ["work", "declared_on", "revoked_on", "declared_by"]
    form_fields = ["work", "declared_on", "note", "revoked_on"]



class AuditEntryViewSet(PolicyViewSetMixin, FrenchWordingMixin, ModelViewSet):
    model = AuditEntry
    name = "consent_audit"
    icon = "history"
    menu_label = _("Journal d'audit")
    add_to_admin_menu = False
    copy_view_enabled = False
    inspect_view_enabled = True
    list_display = ["created_at", "user", "action", "model", "object_id", "object_repr"]
    list_filter = ["action", "model"]
    search_fields = ["object_repr", "model"]
    form_fields = []



class CuratorNoticeViewSet(PolicyViewSetMixin, FrenchWordingMixin, ModelViewSet):
    model = CuratorNotice
    name = "consent_notice"
    icon = "mail"
    menu_label = _("Avis aux commissaires")
    add_to_admin_menu = False
    copy_view_enabled = False
    inspect_view_enabled = True
    list_display = ["message", "created_at", "resolved_at"]
    # Ni les œuvres ni les détails (titres) : l'avis dit quoi faire, la page d'impact montre les titres
    # que la politique laisse connaître.
    inspect_view_fields = ["created_at", "message", "resolved_at"]
    form_fields = ["resolved_at"]



class ConsentGroup(ViewSetGroup):
    menu_label = _("Consentement")
    menu_icon = "lock"
    menu_order = 160
    items = (
        ParticipantViewSet,
        ConsentRecordViewSet,
        ParticipationViewSet,
        WithdrawalViewSet,
        DeclarationViewSet,
        SensitiveAttributesViewSet,
        CuratorNoticeViewSet,
        AuditEntryViewSet,
    )


@hooks.register("register_admin_viewset")
def register_consent_viewsets():
    return ConsentGroup()


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path("consentement/participants/<int:pk>/retrait/", admin_views.withdraw, name="consent_withdraw"),
        path("consentement/retraits/<int:pk>/impact/", admin_views.withdrawal_impact, name="consent_withdrawal_impact"),
        path("consentement/avis/<int:pk>/traite/", admin_views.resolve_notice, name="consent_resolve_notice"),
    ]


class CuratorNoticesPanel(Component):
    name = "consent_notices"
    template_name = "consent/admin/notices_panel.html"
    order = 50

    def __init__(self, notices):
        self.notices = notices

    def get_context_data(self, parent_context):
        return {"notices": self.notices, "request": parent_context.get("request")}


@hooks.register("construct_homepage_panels")
def add_notices_panel(request, panels):
    if not request.user.has_perm("consent.view_curatornotice"):
        return
    notices = list(policy.admin_queryset(request.user, CuratorNotice.objects.filter(resolved_at__isnull=True))
                   .prefetch_related("works")[:10])
    if notices:
        panels.append(CuratorNoticesPanel(notices))


@hooks.register("register_permissions")
def register_consent_permissions():
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(content_type__app_label="consent")


