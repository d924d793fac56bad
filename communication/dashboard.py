"""Les chiffres du tableau de bord : personnes touchées contre les cibles du plan, téléchargements.

Toute l'agrégation se fait en base (values/annotate/Sum, TruncMonth) : le nombre de requêtes est
borné et ne dépend pas du nombre de fiches. Les diffusions (public estimé) restent séparées des
personnes rencontrées. Les groupes sensibles ne sortent qu'avec la permission
communication.view_sensitive_counts, et jamais en petit nombre : arrondi contrôlé à 5 près de chaque
cellule et de chaque total, « < 5 » de 1 à 4 (voir `suppress` et SMALL_NUMBER_RULE).
"""

import datetime as dt
from dataclasses import dataclass

from django import forms
from django.db.models import Count, Q, Sum, Value
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.translation import gettext_lazy as _

from media_library.models import PartnerOrganisation, Project, Work

from . import downloads
from .models import (
    BROADCAST_CHANNELS, GROUP_FIELDS, SENSITIVE_FIELDS, SEX_AGE_FIELDS, CommChannel, Indicator, Place, PlannedActivity,
    Screening,
)

SUPPRESSION_THRESHOLD = 5
ROUNDING_BASE = 5
# La méthode publiée (affichée sous le tableau des groupes sensibles et dans les notes de l'export).
SMALL_NUMBER_RULE = _(
    "Méthode publiée : arrondi contrôlé. Chaque effectif d'un groupe sensible (chaque cellule ET chaque "
    "total, calculés sur les vrais nombres puis arrondis chacun séparément) est arrondi au multiple de 5 le "
    "plus proche ; de 1 à 4, il est affiché « < 5 ». Comparer ou soustraire des tableaux dont les périodes, "
    "partenaires ou canaux se recoupent ne redonne donc jamais un effectif inférieur à 5."
)
IN_PERSON = ~Q(channel__in=[str(c) for c in BROADCAST_CHANNELS])
BROADCAST = Q(channel__in=[str(c) for c in BROADCAST_CHANNELS])


def suppress(value, threshold=SUPPRESSION_THRESHOLD, base=ROUNDING_BASE):
    """Arrondi contrôlé d'un effectif sensible : 0 reste 0, un petit effectif (1 à 4) devient « < 5 », tout
    autre est arrondi au multiple de `base` le plus proche (7 → 5, 8 → 10, 12 → 10, 13 → 15).

    La simple suppression des petits effectifs se défaisait par soustraction : deux exports dont les
    périodes diffèrent d'une séance donnaient des totaux exacts dont la différence était l'effectif caché.
    Arrondis séparément (jamais recalculés à partir de cellules publiées), deux totaux ne diffèrent que d'un
    multiple de 5 : leur différence laisse toujours au moins quatre valeurs possibles pour un effectif de 1 à 4.
    """
    value = int(value or 0)
    if value <= 0:
        return 0
    if value < threshold:
        return f"< {threshold}"
    return max(threshold, (value + base // 2) // base * base)


def can_see_sensitive(user):
    return user.is_superuser or user.has_perm("communication.view_sensitive_counts")


class DashboardFilterForm(forms.Form):
    project = forms.ModelChoiceField(Project.objects.all(), label=_("Projet"), required=False, empty_label=_("Tous"))
    start = forms.DateField(label=_("Du"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("Au (inclus)"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    partner = forms.ModelChoiceField(
        PartnerOrganisation.objects.all(), label=_("Partenaire"), required=False, empty_label=_("Tous")
    )
    channel = forms.ChoiceField(label=_("Canal"), required=False, choices=[("", _("Tous"))] + list(CommChannel.choices))

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError(_("La fin de la période précède son début."))
        return data


@dataclass
class Filters:
    project: Project | None = None
    start: dt.date | None = None
    end: dt.date | None = None  # inclus
    partner: PartnerOrganisation | None = None
    channel: str = ""

    @classmethod
    def from_form(cls, form):
        if not form.is_valid():
            return cls()
        d = form.cleaned_data
        return cls(d.get("project"), d.get("start"), d.get("end"), d.get("partner"), d.get("channel") or "")

    def start_dt(self):
        return timezone.make_aware(dt.datetime.combine(self.start, dt.time.min)) if self.start else None

    def end_dt(self):
        """Borne exclue : le lendemain de la date de fin à minuit."""
        return timezone.make_aware(dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min)) if self.end else None

    def q(self, dates=None, *, project="project"):
        """La seule définition des filtres : projet, partenaire, canal, puis la période telle que la table la
        porte (`dates(self)` : instants des fiches, jours ou mois des cumuls, dates des activités)."""
        q = Q()
        if self.project:
            q &= Q(**{project: self.project})
        if self.partner:
            q &= Q(partner=self.partner)
        if self.channel:
            q &= Q(channel=self.channel)
        if dates is not None and (self.start or self.end):
            q &= dates(self)
        return q


def _bounds(field, low, high, *, high_excluded=False):
    q = Q()
    if low is not None:
        q &= Q(**{f"{field}__gte": low})
    if high is not None:
        q &= Q(**{f"{field}__{'lt' if high_excluded else 'lte'}": high})
    return q


def _next_month(day):
    return (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def month_split(start, end):
    """Découpe la période [start, end] (bornes facultatives, incluses) en mois entiers et jours de bord.

    Renvoie (mois, jours) : `mois` = (premier, dernier) mois entiers (None = sans borne), ou None s'il n'y en
    a aucun ; `jours` = les intervalles de jours (inclus) des mois entamés, au plus deux."""
    first = None if start is None else (start if start.day == 1 else _next_month(start))
    last_day = None if end is None else (end if (end + dt.timedelta(days=1)).day == 1
                                         else end.replace(day=1) - dt.timedelta(days=1))
    if first is not None and last_day is not None and first > last_day:
        return None, [(start, end)]
    days = []
    if start is not None and start < first:
        days.append((start, first - dt.timedelta(days=1)))
    if end is not None and end > last_day:
        days.append((last_day + dt.timedelta(days=1), end))
    return (first, None if last_day is None else last_day.replace(day=1)), days


def screenings(filters):
    return Screening.objects.filter(
        filters.q(lambda f: _bounds("started_at", f.start_dt(), f.end_dt(), high_excluded=True)))


def rollups(filters, *, material=False):
    """Les cumuls (communication.rollups) sous les mêmes filtres que `screenings` : une liste de requêtes dont
    les sommes s'ajoutent, les mois entiers dans le cumul au mois, les jours des mois entamés dans le cumul
    au jour. Chacune porte les colonnes partner, channel, period_month, n, people, audience (et region, ou
    work)."""
    from .models import MaterialMonthRollup, MaterialRollup, ScreeningMonthRollup, ScreeningRollup

    month_model, day_model = (MaterialMonthRollup, MaterialRollup) if material else (ScreeningMonthRollup, ScreeningRollup)
    months, days = month_split(filters.start, filters.end)
    parts = []
    if months is not None:
        parts.append(month_model.objects.filter(filters.q(), _bounds("period_month", *months)))
    if days:
        span = Q()
        for lo, hi in days:
            span |= _bounds("day", lo, hi)
        parts.append(day_model.objects.filter(filters.q(), span))
    return [qs.order_by() for qs in parts]


def _grouped(parts, group, **sums):
    """values(*group).annotate(**sums) sur chaque part, additionnés : {clé: {somme: valeur}}."""
    out = {}
    for qs in parts:
        for row in qs.values(*group).annotate(**sums):
            key = tuple(row[g] for g in group)
            acc = out.setdefault(key, dict.fromkeys(sums, 0))
            for f in sums:
                acc[f] += row[f] or 0
    return out


def activities(filters):
    qs = PlannedActivity.objects.select_related("plan", "partner", "region", "work").filter(
        filters.q(lambda f: _bounds("end_date", f.start, None) & _bounds("start_date", None, f.end),
                  project="plan__project"))
    return qs.order_by("start_date", "pk")


def _people_aggregates():
    return {
        "people": Sum("people_total", filter=IN_PERSON, default=0),
        "audience": Sum("estimated_audience", filter=BROADCAST, default=0),
        "sessions": Count("pk", filter=IN_PERSON),
        "broadcasts": Count("pk", filter=BROADCAST),
    }


def _day_start(day):
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def month_label(value):
    return f"{MONTHS_3[value.month].capitalize()} {value.year % 100:02d}"


def _overlap_share(activity, start, end):
    """Part de la cible d'une activité qui tombe dans [start, end] (au prorata des jours)."""
    a0, a1 = activity.start_date, activity.end_date
    lo, hi = max(a0, start), min(a1, end)
    if hi < lo:
        return 0.0
    return activity.target * ((hi - lo).days + 1) / ((a1 - a0).days + 1)


def downloads_per_work(filters, limit=30):
    """Les téléchargements comptés par œuvre (règle de `communication.downloads`), lus dans leur cumul par jour
    local (communication.rollups) : la période du filtre est faite de jours entiers, comme ce cumul. Mêmes
    lignes que `downloads.downloads_per_work` sur le journal."""
    from .models import DownloadRollup

    qs = DownloadRollup.objects.filter(_bounds("day", filters.start, filters.end))
    if filters.project:
        qs = qs.filter(work__project=filters.project)
    return list(qs.order_by().values("work", "work__title_fr").annotate(downloads=Sum("n"))
                .order_by("-downloads", "work__title_fr")[:limit])


def build(filters, user, *, material_limit=25):
    """Renvoie un dictionnaire prêt pour le gabarit. Nombre de requêtes borné (environ 15), indépendant du
    nombre de fiches."""
    parts = rollups(filters)
    sensitive = can_see_sensitive(user)

    # Deux passages sur les cumuls (communication.rollups, tenus exacts à chaque écriture d'une fiche) :
    # les mois entiers dans le cumul au mois, les jours des mois entamés par le filtre dans le cumul au jour.
    # Les totaux, partenaires, canaux, régions et mois se replient ensuite sur ces quelques centaines de
    # lignes agrégées. Rien ne relit les fiches : le coût suit le nombre de mois × partenaires × canaux ×
    # régions, pas le nombre de fiches.
    count_fields = SEX_AGE_FIELDS + GROUP_FIELDS + (SENSITIVE_FIELDS if sensitive else ())
    sums = {"n": Sum("n", default=0), "people": Sum("people", default=0), "audience": Sum("audience", default=0)}
    by_partner_channel = [
        {"partner": k[0], "channel": k[1], **v} for k, v in _grouped(
            parts, ("partner", "channel"), **sums, **{f: Sum(f, default=0) for f in count_fields}).items()
    ]
    by_region_month = [{"region": k[0], "period_month": k[1], "channel": k[2], **v}
                       for k, v in _grouped(parts, ("region", "period_month", "channel"), **sums).items()]
    broadcast_values = {str(c) for c in BROADCAST_CHANNELS}

    def empty():
        return {"people": 0, "audience": 0, "sessions": 0, "broadcasts": 0}

    def fold(target, row):
        if row["channel"] in broadcast_values:
            target["audience"] += row["audience"] or 0
            target["broadcasts"] += row["n"]
        else:
            target["people"] += row["people"] or 0
            target["sessions"] += row["n"]

    totals = empty()
    totals.update(dict.fromkeys(count_fields, 0))
    partners_acc, channels_acc = {}, {}
    for row in by_partner_channel:
        fold(totals, row)
        fold(partners_acc.setdefault(row["partner"], {**empty(), **dict.fromkeys(SENSITIVE_FIELDS, 0)}), row)
        fold(channels_acc.setdefault(row["channel"], empty()), row)
        if row["channel"] not in broadcast_values:
            for f in count_fields:
                totals[f] += row[f] or 0
            if sensitive:
                for f in SENSITIVE_FIELDS:
                    partners_acc[row["partner"]][f] += row[f] or 0
    partner_objs = PartnerOrganisation.objects.in_bulk(list(partners_acc))
    by_partner = sorted(
        ({"partner": pk, "partner__name": partner_objs[pk].name, "partner__acronym": partner_objs[pk].acronym, **acc}
         for pk, acc in partners_acc.items()),
        key=lambda r: -r["people"],
    )
    channel_labels = dict(CommChannel.choices)
    by_channel = [{"channel": c, "label": channel_labels.get(c, c), **acc} for c, acc in sorted(channels_acc.items())]

    regions_acc, months = {}, {}
    for row in by_region_month:
        fold(regions_acc.setdefault(row["region"], empty()), row)
        fold(months.setdefault(row["period_month"], empty()), row)
    region_names = dict(Place.objects.filter(pk__in=list(regions_acc)).values_list("pk", "name"))
    by_region = sorted(
        ({"region": pk, "region__name": region_names.get(pk, "?"), **acc} for pk, acc in regions_acc.items()),
        key=lambda r: -r["people"],
    )

    # Une fiche qui montre deux chapitres d'une œuvre compte une séance et ses personnes une fois.
    per_work = _grouped(rollups(filters, material=True), ("work",), people=Sum("people", filter=IN_PERSON, default=0),
                        audience=Sum("audience", default=0), sessions=Sum("n", default=0))
    titles = dict(Work.objects.filter(pk__in=[k[0] for k in per_work]).values_list("pk", "title_fr"))
    by_material = sorted(({"work": k[0], "work__title_fr": titles.get(k[0], ""), **v} for k, v in per_work.items()),
                         key=lambda r: (-r["people"], r["work__title_fr"]))[:material_limit]

    sensitive_by_partner = []
    if sensitive:
        for row in sorted(by_partner, key=lambda r: r["partner__name"]):
            sensitive_by_partner.append(
                {"partner": row["partner__acronym"] or row["partner__name"],
                 **{f: suppress(row[f]) for f in SENSITIVE_FIELDS}}
            )
        for f in SENSITIVE_FIELDS:
            totals[f] = suppress(totals[f])

    # Les cibles du plan : l'avancement de chaque activité se lit dans les cumuls au jour (ses dates sont
    # des jours quelconques), par une sous-requête indexée (partenaire et jours, ou œuvre et jours) par
    # activité, toutes réunies en UNE requête (UNION ALL). Les activités d'un support lisent le cumul par
    # œuvre (une fiche qui montre deux supports compte une fois), les autres le cumul des fiches.
    acts = list(activities(filters)[:200])
    progress = {}
    if acts:
        from .models import MaterialRollup, ScreeningRollup

        projects = {a.plan.project_id for a in acts}
        subqueries = []
        for a in acts:
            q = Q(project__in=projects, partner_id=a.partner_id, day__gte=a.start_date, day__lte=a.end_date)
            q &= BROADCAST if a.is_broadcast else IN_PERSON
            if a.region_id:
                q &= Q(region_id=a.region_id)
            if a.channel:
                q &= Q(channel=a.channel)
            if a.work_id:
                q &= Q(work_id=a.work_id)
            subqueries.append(
                (MaterialRollup if a.work_id else ScreeningRollup).objects.filter(q).order_by()
                .annotate(activity=Value(a.pk)).values("activity")
                .annotate(actual=Sum("audience" if a.is_broadcast else "people", default=0)))
        progress = {row["activity"]: row["actual"] for row in subqueries[0].union(*subqueries[1:], all=True)}
    activity_rows = []
    for a in acts:
        actual = progress.get(a.pk, 0) or 0
        activity_rows.append({
            "activity": a,
            "actual": actual,
            "target": a.target,
            "percent": round(100 * actual / a.target) if a.target else None,
            "kind": _("public estimé") if a.is_broadcast else _("personnes"),
        })

    # Cibles (en personnes, hors diffusions) par partenaire, région, support et mois.
    in_person_acts = [a for a in acts if not a.is_broadcast]
    period_start = filters.start or min((a.start_date for a in acts), default=None)
    period_end = filters.end or max((a.end_date for a in acts), default=None)
    target_partner, target_region, target_work, target_month = {}, {}, {}, {}
    for a in in_person_acts:
        share = _overlap_share(a, period_start, period_end) if period_start else a.target
        target_partner[a.partner_id] = target_partner.get(a.partner_id, 0) + share
        if a.region_id:
            target_region[a.region_id] = target_region.get(a.region_id, 0) + share
        if a.work_id:
            target_work[a.work_id] = target_work.get(a.work_id, 0) + share
        month = dt.date(a.start_date.year, a.start_date.month, 1)
        while month <= a.end_date:
            next_month = (month + dt.timedelta(days=32)).replace(day=1)
            target_month[month] = target_month.get(month, 0) + _overlap_share(a, month, next_month - dt.timedelta(days=1))
            month = next_month

    for row in by_partner:
        row["label"] = row["partner__acronym"] or row["partner__name"]
        row["target"] = round(target_partner.get(row["partner"], 0)) or None
    known_partners = {row["partner"] for row in by_partner}
    if target_partner:
        for p in PartnerOrganisation.objects.filter(pk__in=set(target_partner) - known_partners):
            by_partner.append({"partner": p.pk, "label": str(p), "people": 0, "audience": 0, "sessions": 0,
                               "broadcasts": 0, "target": round(target_partner[p.pk])})
    for row in by_region:
        row["label"] = row["region__name"]
        row["target"] = round(target_region.get(row["region"], 0)) or None
    for row in by_material:
        row["label"] = row["work__title_fr"]
        row["target"] = round(target_work.get(row["work"], 0)) or None

    if filters.start or filters.end:
        target_month = {k: v for k, v in target_month.items()
                        if (not filters.start or k >= filters.start.replace(day=1)) and (not filters.end or k <= filters.end)}
    months.pop(None, None)
    month_rows = []
    for key in sorted(set(months) | set(target_month)):
        row = months.get(key, {"people": 0, "audience": 0, "sessions": 0, "broadcasts": 0})
        month_rows.append({"month": key, "label": month_label(key), "people": row["people"], "audience": row["audience"],
                           "sessions": row["sessions"], "target": round(target_month.get(key, 0)) or None})

    downloads_rows = downloads_per_work(filters)

    indicators = Indicator.objects.select_related("plan")
    if filters.project:
        indicators = indicators.filter(plan__project=filters.project)

    return {
        "totals": totals,
        "sensitive": sensitive,
        "sensitive_by_partner": sensitive_by_partner,
        "by_month": month_rows,
        "by_partner": by_partner,
        "by_region": by_region,
        "by_channel": by_channel,
        "by_material": by_material,
        "activities": activity_rows,
        "downloads": downloads_rows,
        "download_rule": downloads.RULE_TEXT,
        "indicator_count": indicators.count(),
        "threshold": SUPPRESSION_THRESHOLD,
        "small_number_rule": SMALL_NUMBER_RULE,
    }
