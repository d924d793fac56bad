"""Plan de communication et journal des projections.

- Les lieux (`Place`) suivent le découpage administratif du Mali : région, cercle, commune, quartier
  ou site de personnes déplacées. La liste est amorcée par une migration et se corrige dans l'admin.
- Le plan (`CommunicationPlan`) d'un projet porte ses objectifs, ses publics, ses activités prévues
  (partenaire, période, région, cible) et ses indicateurs (valeur de référence et cible) pour le
  cadre logique des bailleurs.
- Une fiche de projection (`Screening`) enregistre chaque usage d'un support. Elle porte un
  identifiant produit par le téléphone (`client_id`, unique en base) : un envoi répété n'est jamais
  compté deux fois (voir communication.flows.record_screening).
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.models import Orderable

from .validation import validate_counts

# Vocabulaire des fiches (canaux, comptages, libellés) : défini sans modèle, pour que les règles
# (communication.validation) ne dépendent pas des modèles. Réexporté ici pour les appelants.
from .vocabulary import (  # noqa: F401
    BROADCAST_CHANNELS, COUNT_FIELDS, FIELD_LABELS, GROUP_FIELDS, SENSITIVE_FIELDS, SEX_AGE_FIELDS, CommChannel,
)


class Audience(models.TextChoices):
    MIGRANTS = "migrants", _("Migrants")
    REFUGEES = "refugees", _("Réfugiés et demandeurs d'asile")
    IDPS = "idps", _("Personnes déplacées internes (PDI)")
    HOST = "host", _("Communautés d'accueil")
    AUTHORITIES = "authorities", _("Autorités et police")
    MEDIA = "media", _("Médias")


class VenueType(models.TextChoices):
    IDP_SITE = "idp_site", _("Site de PDI")
    POLICE_STATION = "police_station", _("Commissariat ou poste de police")
    BAR = "bar", _("Bar, maquis")
    HOME = "home", _("Domicile")
    ASSOCIATION = "association", _("Siège d'association, centre d'accueil")
    SCHOOL = "school", _("École")
    HEALTH_CENTRE = "health_centre", _("Centre de santé")
    MUSEUM = "museum", _("Musée")
    PUBLIC_SPACE = "public_space", _("Espace public, place du quartier")
    MEDIA_STUDIO = "media_studio", _("Studio de télévision ou de radio")
    ONLINE = "online", _("En ligne")
    OTHER = "other", _("Autre")


class Measure(models.TextChoices):
    PEOPLE = "people", _("Personnes touchées en présentiel")
    BROADCAST = "broadcast", _("Public estimé des diffusions")
    SESSIONS = "sessions", _("Nombre de séances")
    DOWNLOADS = "downloads", _("Téléchargements (règle publiée)")


class PlaceLevel(models.TextChoices):
    REGION = "region", _("Région ou district")
    CERCLE = "cercle", _("Cercle")
    COMMUNE = "commune", _("Commune")
    QUARTIER = "quartier", _("Quartier ou village")
    SITE = "site", _("Site de personnes déplacées")


# Niveau du parent autorisé pour chaque niveau. Le district de Bamako (niveau région) contient
# directement ses six communes.
ALLOWED_PARENT_LEVELS = {
    PlaceLevel.REGION: (),
    PlaceLevel.CERCLE: (PlaceLevel.REGION,),
    PlaceLevel.COMMUNE: (PlaceLevel.CERCLE, PlaceLevel.REGION),
    PlaceLevel.QUARTIER: (PlaceLevel.COMMUNE,),
    PlaceLevel.SITE: (PlaceLevel.COMMUNE, PlaceLevel.QUARTIER),
}


class Place(models.Model):
    name = models.CharField(_("nom"), max_length=120)
    level = models.CharField(_("niveau"), max_length=10, choices=PlaceLevel.choices, db_index=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("rattaché à"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # Région d'appartenance, recopiée à l'enregistrement : les agrégats par région se font sans
    # remonter l'arbre.
    region = models.ForeignKey(
        "self", null=True, blank=True, editable=False, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("remarque"), max_length=255, blank=True)
    active = models.BooleanField(_("proposé dans le formulaire"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("lieu")
        verbose_name_plural = _("lieux")
        constraints = [
            models.UniqueConstraint(fields=["parent", "level", "name"], name="communication_place_unique_in_parent"),
            models.UniqueConstraint(
                fields=["level", "name"], condition=models.Q(parent__isnull=True), name="communication_place_unique_root"
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self):
        if self.parent_id and self.level in (PlaceLevel.QUARTIER, PlaceLevel.SITE, PlaceLevel.COMMUNE):
            return f"{self.name} ({self.parent.name})"
        return self.name

    def clean(self):
        super().clean()
        allowed = ALLOWED_PARENT_LEVELS.get(self.level, ())
        if not allowed and self.parent_id:
            raise ValidationError({"parent": _("Une région n'est rattachée à rien.")})
        if allowed and not self.parent_id:
            raise ValidationError({"parent": _("Indiquez à quoi ce lieu est rattaché.")})
        if allowed and self.parent.level not in allowed:
            raise ValidationError(
                {"parent": _("Un lieu de niveau « %(level)s » ne peut pas être rattaché à un lieu de niveau « %(parent)s ».")
                 % {"level": self.get_level_display(), "parent": self.parent.get_level_display()}}
            )
        node, seen = self.parent, set()
        while node is not None:
            if node.pk == self.pk or node.pk in seen:
                raise ValidationError({"parent": _("Un lieu ne peut pas être rattaché à lui-même.")})
            seen.add(node.pk)
            node = node.parent

    def save(self, *args, **kwargs):
        if self.level == PlaceLevel.REGION:
            self.region = None
        elif self.parent_id:
            parent = self.parent
            self.region_id = parent.pk if parent.level == PlaceLevel.REGION else parent.region_id
        super().save(*args, **kwargs)
        if self.level == PlaceLevel.REGION and self.region_id is None:
            # Une région est sa propre région : les fiches y pointent directement.
            Place.objects.filter(pk=self.pk).update(region=self.pk)
            self.region_id = self.pk

    @property
    def is_idp_site(self):
        return self.level == PlaceLevel.SITE


# ------------------------------------------------------------------------------------------------
# Le plan
# ------------------------------------------------------------------------------------------------


class CommunicationPlan(ClusterableModel):
    project = models.ForeignKey(
        "media_library.Project", verbose_name=_("projet"), on_delete=models.PROTECT, related_name="communication_plans"
    )
    title = models.CharField(_("titre"), max_length=200)
    objectives = models.TextField(
        _("objectifs"), help_text=_("Ce que le plan veut changer, pour qui. Un objectif par paragraphe.")
    )
    start_date = models.DateField(_("début"))
    end_date = models.DateField(_("fin"))
    created_at = models.DateTimeField(_("créé le"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        ordering = ["-start_date", "title"]
        verbose_name = _("plan de communication")
        verbose_name_plural = _("plans de communication")

    def __str__(self):
        return f"{self.title} ({self.project})"

    def clean(self):
        super().clean()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("La fin du plan précède son début.")})


class PlanAudience(Orderable):
    plan = ParentalKey(CommunicationPlan, on_delete=models.CASCADE, related_name="audiences")
    audience = models.CharField(_("public"), max_length=20, choices=Audience.choices)
    key_messages = models.TextField(_("messages clés"), blank=True)

    class Meta(Orderable.Meta):
        verbose_name = _("public visé")
        verbose_name_plural = _("publics visés")

    def __str__(self):
        return self.get_audience_display()


class PlannedActivity(Orderable):
    """Une activité prévue : « capsules VBG : 2 000 personnes touchées à Bamako par ARACEM au T1 »."""

    plan = ParentalKey(CommunicationPlan, on_delete=models.CASCADE, related_name="activities")
    title = models.CharField(_("activité"), max_length=200)
    work = models.ForeignKey(
        "media_library.Work",
        verbose_name=_("support"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Laissez vide si l'activité utilise plusieurs supports."),
    )
    channel = models.CharField(_("canal"), max_length=20, choices=CommChannel.choices, blank=True)
    audience = models.CharField(_("public"), max_length=20, choices=Audience.choices, blank=True)
    partner = models.ForeignKey(
        "media_library.PartnerOrganisation", verbose_name=_("partenaire responsable"), on_delete=models.PROTECT,
        related_name="planned_activities",
    )
    region = models.ForeignKey(
        Place, verbose_name=_("région"), null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        limit_choices_to={"level": PlaceLevel.REGION},
    )
    start_date = models.DateField(_("début de la période"))
    end_date = models.DateField(_("fin de la période"))
    target = models.PositiveIntegerField(
        _("cible"),
        help_text=_("Personnes à toucher en présentiel ; pour la télévision, la radio et les réseaux sociaux, "
                    "public estimé."),
    )

    class Meta(Orderable.Meta):
        verbose_name = _("activité prévue")
        verbose_name_plural = _("activités prévues")

    def __str__(self):
        return self.title

    @property
    def is_broadcast(self):
        return self.channel in BROADCAST_CHANNELS

    def clean(self):
        super().clean()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("La fin de la période précède son début.")})
        if self.region_id and self.region.level != PlaceLevel.REGION:
            raise ValidationError({"region": _("Choisissez une région.")})


class Indicator(Orderable):
    """Un indicateur du cadre logique, mesuré sur le journal des projections."""

    plan = ParentalKey(CommunicationPlan, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(_("code"), max_length=30, help_text=_("Par exemple « IExt 2.3 »."))
    label = models.CharField(_("intitulé"), max_length=300)
    measure = models.CharField(_("mesure"), max_length=12, choices=Measure.choices, default=Measure.PEOPLE)
    channel = models.CharField(
        _("canal"), max_length=20, choices=CommChannel.choices, blank=True, help_text=_("Vide : tous les canaux.")
    )
    baseline = models.PositiveIntegerField(_("valeur de référence"), default=0)
    target = models.PositiveIntegerField(_("cible"))

    class Meta(Orderable.Meta):
        verbose_name = _("indicateur")
        verbose_name_plural = _("indicateurs")

    def __str__(self):
        return f"{self.code} {self.label}"

    def clean(self):
        super().clean()
        if self.measure == Measure.PEOPLE and self.channel in BROADCAST_CHANNELS:
            raise ValidationError({"channel": _("Les diffusions se mesurent en public estimé, pas en personnes touchées.")})
        if self.measure == Measure.BROADCAST and self.channel and self.channel not in BROADCAST_CHANNELS:
            raise ValidationError({"channel": _("Ce canal n'est pas une diffusion.")})


# ------------------------------------------------------------------------------------------------
# Le journal
# ------------------------------------------------------------------------------------------------


class Screening(models.Model):
    """Une séance où un support a été utilisé (ou une diffusion)."""

    class Source(models.TextChoices):
        PHONE = "phone", _("Formulaire hors ligne")
        ADMIN = "admin", _("Administration")
        IMPORT = "import", pgettext_lazy("source d'une séance", "Import")

    client_id = models.UUIDField(_("identifiant de la fiche"), default=uuid.uuid4, unique=True, editable=False)
    content_hash = models.CharField(_("empreinte du contenu envoyé"), max_length=64, editable=False, blank=True)
    project = models.ForeignKey(
        "media_library.Project", verbose_name=_("projet"), on_delete=models.PROTECT, related_name="screenings"
    )
    partner = models.ForeignKey(
        "media_library.PartnerOrganisation", verbose_name=_("partenaire"), on_delete=models.PROTECT,
        related_name="screenings",
    )
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("animateur·rice"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="screenings",
    )
    started_at = models.DateTimeField(_("date et heure"), db_index=True)
    # Premier jour du mois (heure locale) de la séance, recopié à l'enregistrement : les agrégats par
    # mois et par trimestre groupent sur une colonne simple, sans fonction de date appelée par ligne.
    period_month = models.DateField(_("mois"), editable=False, db_index=True, null=True)
    place = models.ForeignKey(Place, verbose_name=_("lieu"), on_delete=models.PROTECT, related_name="screenings")
    region = models.ForeignKey(
        Place, verbose_name=_("région"), on_delete=models.PROTECT, related_name="+", editable=False
    )
    venue_type = models.CharField(_("type de lieu"), max_length=20, choices=VenueType.choices)
    channel = models.CharField(_("canal"), max_length=20, choices=CommChannel.choices, db_index=True)

    girls = models.PositiveIntegerField(FIELD_LABELS["girls"], default=0)
    boys = models.PositiveIntegerField(FIELD_LABELS["boys"], default=0)
    women = models.PositiveIntegerField(FIELD_LABELS["women"], default=0)
    men = models.PositiveIntegerField(FIELD_LABELS["men"], default=0)
    people_total = models.PositiveIntegerField(FIELD_LABELS["people_total"], default=0)

    migrants = models.PositiveIntegerField(FIELD_LABELS["migrants"], default=0)
    refugees = models.PositiveIntegerField(FIELD_LABELS["refugees"], default=0)
    idps = models.PositiveIntegerField(FIELD_LABELS["idps"], default=0)
    host_community = models.PositiveIntegerField(FIELD_LABELS["host_community"], default=0)
    authorities = models.PositiveIntegerField(FIELD_LABELS["authorities"], default=0)
    media_people = models.PositiveIntegerField(FIELD_LABELS["media_people"], default=0)
    other_group = models.PositiveIntegerField(FIELD_LABELS["other_group"], default=0)
    sex_workers = models.PositiveIntegerField(FIELD_LABELS["sex_workers"], default=0)
    gender_minorities = models.PositiveIntegerField(FIELD_LABELS["gender_minorities"], default=0)

    estimated_audience = models.PositiveIntegerField(
        FIELD_LABELS["estimated_audience"], null=True, blank=True,
        help_text=_("Télévision, radio, réseaux sociaux : jamais additionné aux personnes présentes."),
    )
    discussion_minutes = models.PositiveIntegerField(_("durée de la discussion (minutes)"), null=True, blank=True)
    themes = models.ManyToManyField("media_library.Theme", verbose_name=_("thèmes abordés"), blank=True, related_name="+")
    quotes = models.TextField(_("paroles marquantes"), blank=True, help_text=_("Sans nom ni détail permettant de reconnaître quelqu'un."))
    referrals = models.PositiveIntegerField(FIELD_LABELS["referrals"], default=0)
    referrals_note = models.TextField(_("orientations (précisions)"), blank=True)
    follow_up_needed = models.BooleanField(_("suivi nécessaire"), default=False)
    follow_up_note = models.TextField(_("suivi (précisions)"), blank=True)

    source = models.CharField(_("origine"), max_length=10, choices=Source.choices, default=Source.PHONE)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )
    received_at = models.DateTimeField(_("reçue le"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("fiche de projection")
        verbose_name_plural = _("journal des projections")
        permissions = [
            ("view_sensitive_counts", _("Voir les effectifs des groupes sensibles")),
            ("view_dashboard", _("Voir le tableau de bord de la communication")),
        ]
        indexes = [
            models.Index(fields=["project", "started_at"]),
            models.Index(fields=["partner", "started_at"]),
            models.Index(fields=["region", "started_at"]),
            # Index couvrant du tableau de bord (régions × mois) : lecture de l'index seul, sans tri.
            models.Index(fields=["region", "period_month", "channel", "people_total", "estimated_audience"],
                         name="communication_region_month"),
            models.Index(fields=["partner", "channel"], name="communication_partner_channel"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(people_total=models.F("girls") + models.F("boys") + models.F("women") + models.F("men")),
                name="communication_screening_total_matches",
            ),
        ]

    def __str__(self):
        return f"{self.started_at:%d/%m/%Y} · {self.partner} · {self.get_channel_display()}"

    @property
    def is_broadcast(self):
        return self.channel in BROADCAST_CHANNELS

    def clean(self):
        """Les mêmes règles que le formulaire hors ligne (communication.validation)."""
        super().clean()
        data = {f: getattr(self, f) for f in COUNT_FIELDS}
        data.update(people_total=None, estimated_audience=self.estimated_audience, referrals=self.referrals,
                    discussion_minutes=self.discussion_minutes, channel=self.channel, started_at=self.started_at)
        errors = validate_counts(data)
        if errors:
            known = {f.name for f in self._meta.fields}
            raise ValidationError({(k if k in known else None): v for k, v in errors.items()})

    def save(self, *args, **kwargs):
        # Le total est toujours la somme des comptages par sexe et âge (contrainte en base aussi).
        self.people_total = sum(getattr(self, f) or 0 for f in SEX_AGE_FIELDS)
        if self.place_id:
            self.region_id = self.place.region_id
        self.period_month = self.month_of(self.started_at)
        super().save(*args, **kwargs)

    @staticmethod
    def month_of(value):
        if value is None:
            return None
        return timezone.localtime(value).date().replace(day=1)


class ScreeningMaterial(models.Model):
    """Un support montré pendant la séance : une œuvre, ou un extrait (chapitre) de celle-ci."""

    screening = models.ForeignKey(Screening, on_delete=models.CASCADE, related_name="materials")
    work = models.ForeignKey("media_library.Work", verbose_name=_("œuvre"), on_delete=models.PROTECT, related_name="+")
    chapter = models.ForeignKey(
        "media_library.Chapter", verbose_name=_("chapitre"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    excerpt = models.CharField(
        _("extrait (précisions)"), max_length=200, blank=True,
        help_text=_("Par exemple « 12:30 à 18:00 » quand l'extrait n'est pas un chapitre. Vide : l'œuvre entière."),
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("support montré")
        verbose_name_plural = _("supports montrés")

    def __str__(self):
        return " · ".join(str(x) for x in (self.work, self.chapter, self.excerpt) if x)


class _RollupBase(models.Model):
    """Les champs communs aux quatre cumuls des fiches (communication.rollups) : mois local × projet ×
    partenaire × canal, et les sommes (fiches, personnes présentes, public estimé). Tenus exacts à chaque
    enregistrement, modification ou suppression d'une fiche : le tableau de bord lit ces lignes au lieu du
    million de fiches. Jamais saisis à la main."""

    period_month = models.DateField(_("mois"))
    project = models.ForeignKey("media_library.Project", on_delete=models.CASCADE, related_name="+")
    partner = models.ForeignKey("media_library.PartnerOrganisation", on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(_("canal"), max_length=20, choices=CommChannel.choices)
    n = models.IntegerField(_("fiches"), default=0)
    people = models.BigIntegerField(_("personnes présentes"), default=0)
    audience = models.BigIntegerField(_("public estimé"), default=0)

    class Meta:
        abstract = True


class _DayRollupBase(_RollupBase):
    """Le grain au jour (heure locale) et par région : les jours des mois entamés par un filtre de dates, et
    l'avancement des activités du plan."""

    day = models.DateField(_("jour"))
    region = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="+")

    class Meta:
        abstract = True


class _PeopleCounts(models.Model):
    """Les comptages par sexe, âge et groupe d'une fiche (COUNT_FIELDS), sommés."""

    girls = models.BigIntegerField(default=0)
    boys = models.BigIntegerField(default=0)
    women = models.BigIntegerField(default=0)
    men = models.BigIntegerField(default=0)
    migrants = models.BigIntegerField(default=0)
    refugees = models.BigIntegerField(default=0)
    idps = models.BigIntegerField(default=0)
    host_community = models.BigIntegerField(default=0)
    authorities = models.BigIntegerField(default=0)
    media_people = models.BigIntegerField(default=0)
    other_group = models.BigIntegerField(default=0)
    sex_workers = models.BigIntegerField(default=0)
    gender_minorities = models.BigIntegerField(default=0)

    class Meta:
        abstract = True


class ScreeningRollup(_DayRollupBase, _PeopleCounts):

    class Meta:
        verbose_name = _("cumul des projections")
        constraints = [
            models.UniqueConstraint(fields=["day", "project", "partner", "channel", "region"],
                                    name="communication_rollup_key"),
        ]
        indexes = [models.Index(fields=["project", "day"]), models.Index(fields=["partner", "day"])]


class MaterialRollup(_DayRollupBase):
    """Le même cumul par support (œuvre) : une fiche qui montre deux chapitres d'une œuvre compte une fois."""

    work = models.ForeignKey("media_library.Work", on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("cumul des projections par support")
        constraints = [
            models.UniqueConstraint(fields=["day", "project", "partner", "channel", "region", "work"],
                                    name="communication_material_rollup_key"),
        ]
        # (œuvre, partenaire, jour) : l'avancement d'une activité du plan d'un support (un partenaire, des jours).
        indexes = [models.Index(fields=["work", "day"]), models.Index(fields=["project", "day"]),
                   models.Index(fields=["work", "partner", "day"])]


class ScreeningMonthRollup(_RollupBase, _PeopleCounts):
    """Le cumul des fiches au mois (heure locale) × projet × partenaire × canal × région : quelques milliers de
    lignes pour un million de fiches. Le tableau de bord lit les mois entiers ici et les jours des mois
    entamés par un filtre de dates dans `ScreeningRollup` (communication.rollups). Jamais saisi à la main."""

    region = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("cumul mensuel des projections")
        constraints = [
            models.UniqueConstraint(fields=["period_month", "project", "partner", "channel", "region"],
                                    name="communication_month_rollup_key"),
        ]
        indexes = [models.Index(fields=["project", "period_month"]), models.Index(fields=["partner", "period_month"])]


class MaterialMonthRollup(_RollupBase):
    """Le cumul par support au mois × projet × partenaire × canal (sans la région, qu'aucun filtre du tableau de
    bord ne demande) : un ordre de grandeur de moins que le cumul par jour et par région."""

    work = models.ForeignKey("media_library.Work", on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("cumul mensuel des projections par support")
        constraints = [
            models.UniqueConstraint(fields=["period_month", "project", "partner", "channel", "work"],
                                    name="communication_material_month_rollup_key"),
        ]
        indexes = [models.Index(fields=["work", "period_month"]), models.Index(fields=["project", "period_month"])]


class DownloadRollup(models.Model):
    """Les téléchargements comptés (règle de `communication.downloads`) par jour local × œuvre, tenus exacts
    à chaque ligne écrite ou retirée du journal de la porte (communication.rollups) : le tableau de bord ne
    rejoue plus la fenêtre de 24 heures sur tout le journal. Jamais saisi à la main."""

    day = models.DateField(_("jour"))
    work = models.ForeignKey("media_library.Work", on_delete=models.CASCADE, related_name="+")
    n = models.IntegerField(_("téléchargements"), default=0)

    class Meta:
        verbose_name = _("cumul des téléchargements")
        constraints = [models.UniqueConstraint(fields=["day", "work"], name="communication_download_rollup_key")]
        indexes = [models.Index(fields=["work", "day"])]
