"""Pages des expositions et de la boîte à outils des animateurs.

- HomePage : la racine du site (exposition à la une, dernières œuvres, boîte à outils).
- ExhibitionIndexPage / ExhibitionPage : expositions en ligne, au musée ou itinérantes, par salles.
- ToolkitPage + ToolkitMaterial : les supports des causeries, chacun avec son guide de discussion.

Les règles (publication, accès, téléchargement) sont dans les cas d'usage, `exhibitions.flows` ; les
modèles n'en portent que l'état et les vérifications sur eux-mêmes. Une page Wagtail étant son propre
contrôleur, ses méthodes (`get_context`, `publish`, routes) appellent les flows par `exhibitions.wiring`,
branché dans `ExhibitionsConfig.ready()` : les modèles n'importent ni flows ni vues (pas de cercle).
"""

import hashlib
import json

from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from consent import epoch
from consent.channels import Channel

from . import wiring

TREE_STEPLEN = Page.steplen


def _tree_restrictions():
    """Toutes les restrictions de vue (avec le chemin de leur page) et les alias de l'arbre : une ou deux lectures,
    gardées sous l'époque du consentement (une restriction, une page enregistrée ou déplacée la change)."""
    from wagtail.models import PageViewRestriction

    restrictions = list(PageViewRestriction.objects.select_related("page"))
    # Sans aucune restriction, les alias ne changent rien (ils ne font qu'hériter de celles de leur source).
    aliases = dict(Page.objects.filter(alias_of__isnull=False).values_list("path", "alias_of_id")) if restrictions else {}
    return restrictions, aliases


def view_restrictions(page):
    """Ce que `Page.get_view_restrictions` répond (la page, ses ancêtres, la source d'un alias), lu depuis le
    mémo de l'arbre au lieu de deux requêtes par page servie."""
    restrictions, aliases = epoch.memo(("arbre-restrictions",), _tree_restrictions)
    paths = [page.path[:i] for i in range(TREE_STEPLEN, len(page.path) + 1, TREE_STEPLEN)]
    ids = set()
    for path in paths:
        if path in aliases:
            ids.add(aliases[path])
    plain = {path for path in paths if path not in aliases}
    if page.alias_of_id:  # la page elle-même (chemin connu, mais l'alias peut ne pas être encore relu)
        plain.discard(page.path)
        ids.add(page.alias_of_id)
    from wagtail.models import PageViewRestriction

    found = [r for r in restrictions if r.page_id in ids or r.page.path in plain]
    # Un queryset (l'admin le trie, le copie d'une page à l'autre) déjà évalué : le parcourir ne lit pas la base.
    queryset = PageViewRestriction.objects.filter(pk__in=[r.pk for r in found])
    queryset._result_cache = found
    return queryset


def public_pages(queryset):
    """`queryset.public()` (hors de toute section restreinte) avec les restrictions du mémo de l'arbre."""
    restrictions, _aliases = epoch.memo(("arbre-restrictions",), _tree_restrictions)
    for restriction in restrictions:
        queryset = queryset.exclude(path__startswith=restriction.page.path)
    return queryset
def _child_by_slug(parent, slug):
    """L'enfant `slug` de `parent` sous sa forme précise, en une requête, ou None."""
    children = [rel.get_accessor_name() for rel in Page._meta.related_objects if rel.one_to_one and rel.parent_link]
    page = parent.get_children().select_related(*children).filter(slug=slug).first()
    if page is None:
        return None
    specific_class = page.specific_class
    for name in children:
        child = getattr(page, name, None)
        if child is not None and child.__class__ is specific_class:
            page = child
            break
    else:
        page = page.specific
    page._cached_parent_obj = parent
    return page


def menu_pages():
    """(première liste des expositions, [boîtes à outils]) publiées et publiques, dans l'ordre de l'arbre : une
    lecture (plus celle des restrictions de vue, partagée), gardée sous l'époque du consentement (une page
    publiée, dépubliée, déplacée ou restreinte la change). Le menu et l'accueil s'en servent. Pages génériques
    (`Page`) : leur adresse suffit."""
    def load():
        from django.contrib.contenttypes.models import ContentType

        types = ContentType.objects.get_for_models(ExhibitionIndexPage, ToolkitPage)
        index, toolkits = None, []
        for page in public_pages(Page.objects.live()).filter(content_type__in=types.values()).order_by("path"):
            if page.content_type_id == types[ToolkitPage].pk:
                toolkits.append(page)
            elif index is None:
                index = page
        return index, tuple(toolkits)

    return epoch.memo(("pages-du-menu",), load)


from .blocks import ChapterClipBlock, SectionBlock
from .panels import ConsentStatusPanel

RICH = ["bold", "italic", "link", "ol", "ul", "h3"]


class HomePage(Page):
    """Page d'accueil : donne envie d'explorer."""

    intro_fr = RichTextField(_("accroche (français)"), features=RICH, blank=True)
    intro_bm = RichTextField(_("accroche (bambara)"), features=RICH, blank=True)
    featured_exhibition = models.ForeignKey(
        "exhibitions.ExhibitionPage", verbose_name=_("exposition à la une"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    toolkit = models.ForeignKey(
        "exhibitions.ToolkitPage", verbose_name=_("boîte à outils"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )

    content_panels = Page.content_panels + [
        FieldPanel("intro_fr"),
        FieldPanel("intro_bm"),
        FieldPanel("featured_exhibition"),
        FieldPanel("toolkit"),
    ]
    subpage_types = ["exhibitions.ExhibitionIndexPage", "exhibitions.ToolkitPage"]
    max_count = 1
    template = "exhibitions/home_page.html"

    get_view_restrictions = view_restrictions

    class Meta:
        verbose_name = _("page d'accueil")

    def route(self, request, path_components):
        # Une exposition (accueil → liste des expositions → exposition) : une seule lecture par son adresse,
        # au lieu d'une par niveau et par type. Sous l'accueil, deux niveaux plus bas, il ne peut y avoir
        # qu'une exposition (types de pages enfants) et aucun ancêtre entre les deux n'a de route à lui : la
        # réponse est celle de `Page.route` (page publiée, sinon 404). Tout autre chemin : `Page.route`.
        if len(path_components) == 2:
            url_path = f"{self.url_path}{'/'.join(path_components)}/"
            # La page publiée (son contenu déjà converti, œuvres des blocs comprises) est gardée sous l'époque
            # du consentement : une page enregistrée, publiée, déplacée change l'époque. Lue, jamais modifiée.
            page = epoch.memo(("exposition-par-adresse", self.pk, self.path, url_path), lambda: ExhibitionPage.objects.filter(
                path__startswith=self.path, depth=self.depth + 2, url_path=url_path,
            ).first())
            if page is not None:
                return page.route(request, [])
        elif path_components:
            # Une page enfant (boîte à outils, liste des expositions…) : trouvée par son adresse et lue sous sa
            # forme précise en UNE lecture (jointures vers les tables des types de pages), au lieu de deux
            # (`Page.route` : l'enfant, puis `specific`) ; gardée sous l'époque comme l'exposition ci-dessus.
            # Même réponse que `Page.route` : l'enfant de ce slug (publié ou non : sa propre route décide), sinon 404.
            child = epoch.memo(("enfant-par-adresse", self.pk, self.path, path_components[0]),
                               lambda: _child_by_slug(self, path_components[0]))
            if child is None:
                raise Http404
            return child.route(request, path_components[1:])
        return super().route(request, path_components)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(wiring.call("home_context", self, request))
        return context

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        response["Cache-Control"] = "private, no-cache"
        return response


class ExhibitionIndexPage(Page):
    intro_fr = RichTextField(_("introduction (français)"), features=RICH, blank=True)
    intro_bm = RichTextField(_("introduction (bambara)"), features=RICH, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro_fr"), FieldPanel("intro_bm")]
    subpage_types = ["exhibitions.ExhibitionPage"]
    template = "exhibitions/exhibition_index_page.html"

    get_view_restrictions = view_restrictions

    class Meta:
        verbose_name = _("liste des expositions")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["exhibitions"] = (
            public_pages(ExhibitionPage.objects.child_of(self).live()).select_related("cover_image")
            .order_by("-start_date", "title")
        )
        return context


class ExhibitionKind(models.TextChoices):
    ONLINE = "online", _("En ligne")
    MUSEUM = "museum", _("Au musée")
    TRAVELLING = "travelling", _("Itinérante")


class ExhibitionPage(Page):
    """Une exposition, organisée en salles. Sa publication exige le consentement de chaque œuvre."""

    kind = models.CharField(_("type d'exposition"), max_length=12, choices=ExhibitionKind.choices,
                            default=ExhibitionKind.ONLINE)
    title_bm = models.CharField(_("titre (bambara)"), max_length=255, blank=True)
    venue = models.CharField(_("lieu"), max_length=255, blank=True,
                             help_text=_("Par exemple « Musée du District de Bamako »."))
    venue_address = models.CharField(_("adresse du lieu"), max_length=255, blank=True)
    start_date = models.DateField(_("début"), null=True, blank=True)
    end_date = models.DateField(_("fin"), null=True, blank=True)
    curators = models.CharField(_("commissaires"), max_length=255, blank=True)
    introduction_fr = RichTextField(_("introduction (français)"), features=RICH, blank=True)
    introduction_bm = RichTextField(_("introduction (bambara)"), features=RICH, blank=True)
    cover_image = models.ForeignKey(
        "media_library.ArchiveImage", verbose_name=_("image de couverture"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    cover_alt = models.CharField(_("texte alternatif de la couverture"), max_length=255, blank=True)
    body = StreamField([("section", SectionBlock())], verbose_name=_("salles"), blank=True)

    search_fields = Page.search_fields + [
        index.SearchField("title_bm"),
        index.SearchField("introduction_fr"),
        index.SearchField("venue"),
    ]

    content_panels = Page.content_panels + [
        ConsentStatusPanel(heading=_("Consentement des œuvres")),
        FieldPanel("title_bm"),
        FieldPanel("kind"),
        MultiFieldPanel(
            [
                FieldPanel("venue"),
                FieldPanel("venue_address"),
                FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
                FieldPanel("curators"),
            ],
            heading=_("Lieu, dates, commissaires"),
        ),
        FieldRowPanel([FieldPanel("cover_image"), FieldPanel("cover_alt")], heading=_("Couverture")),
        FieldPanel("introduction_fr"),
        FieldPanel("introduction_bm"),
        FieldPanel("body"),
    ]
    parent_page_types = ["exhibitions.ExhibitionIndexPage"]
    subpage_types = []
    template = "exhibitions/exhibition_page.html"

    get_view_restrictions = view_restrictions

    class Meta:
        verbose_name = _("exposition")
        verbose_name_plural = _("expositions")

    # --- Canaux --------------------------------------------------------------------------------
    @property
    def publication_channel(self):
        """Le canal que chaque œuvre doit autoriser pour que l'exposition soit publiée."""
        return Channel.WEBSITE if self.kind == ExhibitionKind.ONLINE else Channel.MUSEUM

    # Sur Internet, une page reste une page du site public : on n'y montre une œuvre que si le site
    # web est autorisé, même pour une exposition au musée (ses œuvres « musée seulement » y sont
    # remplacées par un encart neutre ; au musée, les cartels et leurs QR codes prennent le relais).
    display_channel = Channel.WEBSITE

    def clean(self):
        super().clean()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("La fin de l'exposition doit venir après son début.")})
        if self.cover_image_id and not self.cover_alt.strip():
            raise ValidationError({"cover_alt": _("Décrivez l'image de couverture (texte alternatif).")})

    # --- Publication : refusée si une œuvre n'a pas le consentement du canal -----------------------
    def publish(self, revision, user=None, changed=True, log_action=True, previous_revision=None,
                skip_permission_checks=False):
        # Lève ExhibitionPublishBlocked ; une publication programmée est annulée (Faux), sans bloquer les
        # autres pages de la commande (flows.publish_exhibition.guard_publication).
        if not wiring.call("guard_publication", self, revision, log_action):
            return None
        return super().publish(
            revision, user=user, changed=changed, log_action=log_action, previous_revision=previous_revision,
            skip_permission_checks=skip_permission_checks,
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["exhibit"] = wiring.call("exhibit_for_page", self, request)
        return context

    def has_no_visible_work(self):
        """Vrai si l'exposition cite des œuvres et qu'aucune n'a plus le consentement de son canal : après le
        retrait de sa seule œuvre, elle n'a plus rien à montrer (l'avis aux commissaires le dit)."""
        return wiring.call("has_no_visible_work", self)

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        exhibit = getattr(response, "context_data", {}).get("exhibit") if hasattr(response, "context_data") else None
        restricted = exhibit.restricted if exhibit is not None else True
        # Une page qui montre une œuvre sous consentement ne doit survivre dans aucun cache.
        response["Cache-Control"] = "private, no-store" if restricted else "private, no-cache"
        return response


class ToolkitPage(RoutablePageMixin, Page):
    """La boîte à outils des animateurs : les supports des causeries et leurs guides."""

    intro_fr = RichTextField(_("introduction (français)"), features=RICH, blank=True)
    intro_bm = RichTextField(_("introduction (bambara)"), features=RICH, blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("intro_fr"),
        FieldPanel("intro_bm"),
        InlinePanel("materials", heading=_("Supports"), label=_("support")),
    ]
    subpage_types = []
    template = "exhibitions/toolkit_page.html"

    get_view_restrictions = view_restrictions

    class Meta:
        verbose_name = _("boîte à outils")

    def get_sitemap_urls(self, request=None):
        # Réservée aux animateurs connectés : le plan du site public ne l'annonce pas.
        return []

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(wiring.call("toolkit_context", self, request))
        return context

    @path("")
    def index_route(self, request):
        response = self.render(request)
        response["Cache-Control"] = "private, no-store"
        return response

    @path("support/<int:material_pk>/<str:what>/", name="download")
    @path("support/<int:material_pk>/<str:what>/<str:lang>/", name="download_lang")
    def download_route(self, request, material_pk, what, lang=""):
        return wiring.call("toolkit_download", request, self, material_pk, what, lang)

    @path("telecharger-tout/", name="zip")
    def zip_route(self, request):
        return wiring.call("toolkit_zip", request, self)


class ToolkitMaterial(Orderable, ClusterableModel):
    """Un support de causerie : une œuvre (ou un chapitre) et son guide de discussion."""

    page = ParentalKey(ToolkitPage, on_delete=models.CASCADE, related_name="materials")
    work = models.ForeignKey("media_library.Work", verbose_name=_("œuvre"), on_delete=models.PROTECT,
                             related_name="toolkit_materials")
    title_fr = models.CharField(_("titre (français)"), max_length=255, blank=True,
                                help_text=_("Laissez vide pour le titre de l'œuvre."))
    title_bm = models.CharField(_("titre (bambara)"), max_length=255, blank=True)
    summary_fr = models.TextField(_("résumé (français)"), blank=True)
    summary_bm = models.TextField(_("résumé (bambara)"), blank=True)
    key_messages_fr = models.TextField(_("messages clés (français)"), blank=True, help_text=_("Un message par ligne."))
    key_messages_bm = models.TextField(_("messages clés (bambara)"), blank=True, help_text=_("Un message par ligne."))
    opening_questions_fr = models.TextField(_("questions d'ouverture (français)"), blank=True,
                                            help_text=_("Une question par ligne."))
    opening_questions_bm = models.TextField(_("questions d'ouverture (bambara)"), blank=True,
                                            help_text=_("Une question par ligne."))
    duration_minutes = models.PositiveSmallIntegerField(_("durée conseillée (minutes)"), null=True, blank=True)
    audience = models.CharField(_("public"), max_length=255, blank=True,
                                help_text=_("Par exemple « femmes, 2 à 30 personnes »."))
    cautions = models.TextField(_("précautions"), blank=True, help_text=_("Une précaution par ligne."))
    secured_only = models.BooleanField(_("projection sécurisée uniquement"), default=False)
    clips = StreamField([("clip", ChapterClipBlock())], verbose_name=_("extraits conseillés"), blank=True)
    organisations = ParentalManyToManyField(
        "media_library.PartnerOrganisation", verbose_name=_("organisations destinataires"), blank=True,
        related_name="toolkit_materials",
        help_text=_("Laissez vide pour toutes les organisations partenaires."),
    )
    # Le guide en PDF, régénéré quand son contenu change (stockage privé, servi par la porte).
    guide_pdf = models.FileField(_("guide (PDF)"), upload_to="toolkit/guides/", blank=True, editable=False)
    guide_hash = models.CharField(max_length=64, blank=True, editable=False)

    panels = [
        FieldPanel("work"),
        FieldRowPanel([FieldPanel("title_fr"), FieldPanel("title_bm")]),
        FieldRowPanel([FieldPanel("summary_fr"), FieldPanel("summary_bm")]),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("key_messages_fr"), FieldPanel("key_messages_bm")]),
                FieldRowPanel([FieldPanel("opening_questions_fr"), FieldPanel("opening_questions_bm")]),
                FieldRowPanel([FieldPanel("duration_minutes"), FieldPanel("audience")]),
                FieldPanel("cautions"),
                FieldPanel("secured_only"),
                FieldPanel("clips"),
            ],
            heading=_("Guide de discussion"),
        ),
        FieldPanel("organisations"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("support de causerie")
        verbose_name_plural = _("supports de causerie")

    def __str__(self):
        return self.display_title

    @property
    def display_title(self):
        return self.title_fr or (self.work.title_fr if self.work_id else "")

    @property
    def display_title_bm(self):
        return self.title_bm or (self.work.title_bm if self.work_id else "")

    @staticmethod
    def _lines(text):
        return [line.strip(" -•\t") for line in (text or "").splitlines() if line.strip(" -•\t")]

    def key_messages(self):
        return self._lines(self.key_messages_fr)

    def key_messages_bm_list(self):
        return self._lines(self.key_messages_bm)

    def opening_questions(self):
        return self._lines(self.opening_questions_fr)

    def opening_questions_bm_list(self):
        return self._lines(self.opening_questions_bm)

    def caution_list(self):
        items = self._lines(self.cautions)
        if self.secured_only:
            label = str(_("Projection sécurisée uniquement."))
            if label not in items:
                items.insert(0, label)
        return items

    def guide_fingerprint(self):
        data = {
            "v": 2,
            "title": [self.display_title, self.display_title_bm],
            "summary": [self.summary_fr, self.summary_bm],
            "messages": [self.key_messages_fr, self.key_messages_bm],
            "questions": [self.opening_questions_fr, self.opening_questions_bm],
            "duration": self.duration_minutes,
            "audience": self.audience,
            "cautions": self.caution_list(),
            "clips": self.clips.get_prep_value() if self.clips is not None else [],
        }
        return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()

    def is_for(self, user):
        """Le support est-il destiné à l'organisation de cet·te animateur·rice ? (diffusion, pas consentement)"""
        from consent.policy import policy

        return policy.material_is_for(self, user)


# Copies gardées par l'application hors ligne (module à part : exhibitions.offline_models).
from .offline_models import HeldCopy, OfflineDevice  # noqa: E402,F401
