"""Export pour les bailleurs : un tableau d'indicateurs façon cadre logique (CSV et XLSX).

Une ligne par indicateur, période (trimestre, puis l'ensemble), partenaire (puis « Tous les
partenaires ») et ventilation (total, sexe et âge, groupe ; groupes sensibles seulement avec la
permission, et jamais en dessous de 5). Colonnes : valeur de référence, cible, réalisé, % de la cible.

Une requête agrégée par indicateur (values + annotate sur le mois de la séance, replié en trimestres) ; les totaux par période et
partenaire se font sur ces quelques lignes agrégées.
"""

import csv
import datetime as dt
import io

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from . import downloads
from media_library.models import PartnerOrganisation

from .dashboard import (
    BROADCAST, IN_PERSON, SMALL_NUMBER_RULE, _day_start, _overlap_share, activities, can_see_sensitive, screenings,
    suppress,
)
from .models import GROUP_FIELDS, SENSITIVE_FIELDS, SEX_AGE_FIELDS, Indicator, Measure, Screening

ALL = "__all__"


def headers():
    return [
        _("Code"), _("Indicateur"), _("Mesure"), _("Période"), _("Début"), _("Fin"), _("Partenaire"), _("Ventilation"),
        _("Valeur de référence"), _("Cible"), _("Réalisé"), _("% de la cible"),
    ]


def _quarter_bounds(day):
    start = dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    end = (dt.date(start.year + (start.month + 2) // 12, (start.month + 2) % 12 + 1, 1) - dt.timedelta(days=1))
    return start, end


def _quarter_label(start):
    return _("T%(q)s %(year)s") % {"q": (start.month - 1) // 3 + 1, "year": start.year}


def _breakdowns(sensitive, measure):
    if measure == Measure.PEOPLE:
        items = [(ALL, _("Total"))]
        items += [(f, str(Screening._meta.get_field(f).verbose_name)) for f in SEX_AGE_FIELDS + GROUP_FIELDS]
        if sensitive:
            items += [(f, str(Screening._meta.get_field(f).verbose_name)) for f in SENSITIVE_FIELDS]
        return items
    return [(ALL, _("Total"))]


def rows(filters, user):
    """Génère les lignes (listes de valeurs) du tableau, sans l'en-tête."""
    sensitive = can_see_sensitive(user)
    indicators = Indicator.objects.select_related("plan", "plan__project").order_by("plan", "sort_order", "pk")
    if filters.project:
        indicators = indicators.filter(plan__project=filters.project)
    acts = list(activities(filters))

    for indicator in indicators:
        plan = indicator.plan
        qs = screenings(filters).filter(project=plan.project)
        if indicator.channel:
            qs = qs.filter(channel=indicator.channel)
        grouped = []  # (quarter_start, partner_label, partner_id, {breakdown: value})
        # Groupement par mois (colonne simple), replié en trimestres ci-dessous.
        group = ("period_month", "partner")
        if indicator.measure == Measure.PEOPLE:
            aggs = {ALL: Sum("people_total", default=0)}
            aggs.update({f: Sum(f, default=0) for f in SEX_AGE_FIELDS + GROUP_FIELDS})
            if sensitive:
                aggs.update({f: Sum(f, default=0) for f in SENSITIVE_FIELDS})
            data = qs.filter(IN_PERSON).order_by().values(*group).annotate(**aggs)
        elif indicator.measure == Measure.BROADCAST:
            data = qs.filter(BROADCAST).order_by().values(*group).annotate(**{ALL: Sum("estimated_audience", default=0)})
        elif indicator.measure == Measure.SESSIONS:
            data = qs.order_by().values(*group).annotate(**{ALL: Count("pk")})
        else:  # téléchargements : pas de partenaire (la personne peut appartenir à plusieurs organisations)
            data = _downloads_by_quarter(plan, filters)
        partner_names = {}
        rows_by_key = {}
        for r in data:
            month = r["period_month"]
            if month is None:
                continue
            q = _quarter_bounds(month)[0]
            key = (q, r["partner"])
            bucket = rows_by_key.setdefault(key, {})
            for k, v in r.items():
                if k not in ("period_month", "partner"):
                    bucket[k] = bucket.get(k, 0) + (v or 0)
            partner_names[r["partner"]] = None
        ids = [pk for pk in partner_names if pk is not None]
        for p in PartnerOrganisation.objects.filter(pk__in=ids):
            partner_names[p.pk] = p.acronym or p.name
        for (q, partner_id), values in rows_by_key.items():
            grouped.append((q, partner_names.get(partner_id) or "", partner_id, values))

        breakdowns = _breakdowns(sensitive, indicator.measure)
        relevant_acts = [
            a for a in acts
            if a.plan_id == plan.pk
            and indicator.measure in (Measure.PEOPLE, Measure.BROADCAST)
            and (a.is_broadcast == (indicator.measure == Measure.BROADCAST))
            and (not indicator.channel or a.channel == indicator.channel)
        ]

        def target_for(partner_id, start, end):
            if not relevant_acts:
                return None
            total = sum(_overlap_share(a, start, end) for a in relevant_acts if partner_id is None or a.partner_id == partner_id)
            return round(total) if total else None

        quarters = sorted({g[0] for g in grouped})
        partners = sorted({(g[1], g[2]) for g in grouped if g[2] is not None}, key=lambda p: p[0] or "")

        def emit(period_label, start, end, partner_label, partner_id, values, baseline, target):
            for key, label in breakdowns:
                actual = values.get(key, 0) or 0
                is_sensitive = key in SENSITIVE_FIELDS
                shown = suppress(actual) if is_sensitive else actual
                row_target = target if key == ALL else None
                percent = round(100 * actual / row_target) if (row_target and not is_sensitive) else ""
                yield [
                    indicator.code, indicator.label, indicator.get_measure_display(), period_label,
                    start.isoformat() if start else "", end.isoformat() if end else "", partner_label, label,
                    baseline if key == ALL and baseline is not None else "", row_target if row_target is not None else "",
                    shown, percent,
                ]

        def summed(items):
            out = {}
            for _q, _pl, _pid, r in items:
                for key, _label in breakdowns:
                    out[key] = out.get(key, 0) + (r.get(key) or 0)
            return out

        for q in quarters:
            q_start, q_end = _quarter_bounds(q)
            label = _quarter_label(q_start)
            for partner_label, partner_id in partners:
                items = [g for g in grouped if g[0] == q and g[2] == partner_id]
                if items:
                    yield from emit(label, q_start, q_end, partner_label, partner_id, summed(items), None,
                                    target_for(partner_id, q_start, q_end))
            yield from emit(label, q_start, q_end, _("Tous les partenaires"), None,
                            summed([g for g in grouped if g[0] == q]), None, target_for(None, q_start, q_end))
        # L'ensemble de la période : la valeur de référence et la cible de l'indicateur.
        start = filters.start or plan.start_date
        end = filters.end or plan.end_date
        for partner_label, partner_id in partners:
            yield from emit(_("Ensemble"), start, end, partner_label, partner_id,
                            summed([g for g in grouped if g[2] == partner_id]), None, target_for(partner_id, start, end))
        yield from emit(_("Ensemble"), start, end, _("Tous les partenaires"), None, summed(grouped),
                        indicator.baseline, indicator.target)


def _downloads_by_quarter(plan, filters):
    """Téléchargements comptés par trimestre : une somme conditionnelle par trimestre, en une requête."""
    from media_library.models import ServedFile

    start = filters.start or plan.start_date
    end = filters.end or plan.end_date
    quarters, q = [], _quarter_bounds(start)[0]
    while q <= end and len(quarters) < 80:
        quarters.append(q)
        q = _quarter_bounds(q)[1] + dt.timedelta(days=1)
    served = ServedFile.objects.filter(work__project=plan.project)
    if filters.start:
        served = served.filter(created_at__gte=filters.start_dt())
    if filters.end:
        served = served.filter(created_at__lt=filters.end_dt())
    aggs = {
        f"q{i}": Count("pk", filter=Q(created_at__gte=_day_start(q0),
                                      created_at__lt=_day_start(_quarter_bounds(q0)[1] + dt.timedelta(days=1))))
        for i, q0 in enumerate(quarters)
    }
    if not aggs:
        return []
    counts = downloads.counted(served).aggregate(**aggs)
    return [{"period_month": q0, "partner": None, ALL: counts[f"q{i}"]} for i, q0 in enumerate(quarters) if counts[f"q{i}"]]


def as_csv(filters, user):
    buffer = io.StringIO()
    buffer.write("\ufeff")  # BOM : Excel ouvre correctement les accents
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(headers())
    for row in rows(filters, user):
        writer.writerow(row)
    return buffer.getvalue().encode("utf-8")


def as_xlsx(filters, user):
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=False)
    ws = wb.active
    ws.title = _("Indicateurs")[:31]
    ws.append(headers())
    for cell in ws[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="2F6F5E")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows(filters, user):
        ws.append(row)
    widths = [10, 50, 28, 12, 12, 12, 18, 34, 14, 10, 10, 10]
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    notes = wb.create_sheet(_("Règles")[:31])
    notes.append([_("Personnes touchées : séances en présentiel seulement ; le public estimé des diffusions est un indicateur séparé, jamais additionné.")])
    notes.append([str(SMALL_NUMBER_RULE)])
    notes.append([str(downloads.RULE_TEXT)])
    notes.append([_("Cibles par partenaire et par trimestre : cibles des activités du plan, au prorata des jours.")])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()

