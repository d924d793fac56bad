"""Le XML IATI 2.03 des plans de communication (ordre des éléments imposé par le schéma)."""

import datetime as dt

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from lxml import etree

from consent.policy import policy
from communication.dashboard import Filters, suppress
from communication.exports import rows as indicator_rows
from communication.models import GROUP_FIELDS, SEX_AGE_FIELDS, CommunicationPlan, Measure, Screening
from consent.channels import Channel
from media_library.models import Work

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Ventilations publiables (jamais les groupes sensibles) : (champ, nom de la dimension IATI).
DIMENSIONS = [(f, "sexe-age") for f in SEX_AGE_FIELDS] + [(f, "groupe") for f in GROUP_FIELDS]
SECTOR_GBV = "15180"  # CAD : lutte contre les violences faites aux femmes et aux filles
INDICATOR_MEASURE_UNIT = "1"


def reporting_org():
    ref = getattr(settings, "PAROLES_IATI_ORG_REF", "") or "XI-PAROLES"
    name = getattr(settings, "PAROLES_IATI_ORG_NAME", "") or settings.WAGTAIL_SITE_NAME
    return ref, name


def _narrative(parent, tag, text, **attrs):
    el = etree.SubElement(parent, tag, {k.replace("_", "-"): str(v) for k, v in attrs.items()})
    etree.SubElement(el, "narrative").text = text
    return el


def _activity_status(plan, today):
    if today < plan.start_date:
        return "1"  # identification / en préparation
    if today <= plan.end_date:
        return "2"  # en cours
    return "3"  # terminée (finalisation)


def _public_url(path):
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def _plan_works(plan):
    """Les œuvres du plan (ses activités, puis son projet) que le public du site peut voir maintenant."""
    candidates = Work.objects.filter(project=plan.project)
    return policy.visible(AnonymousUser(), Channel.WEBSITE, candidates).order_by("title_fr", "pk")


def _field_labels():
    return {str(Screening._meta.get_field(f).verbose_name): f for f, _dim in DIMENSIONS}


def _indicator_periods(plan):
    """{indicateur code: {(début, fin): {"target": n|None, "actual": n, "dims": {champ: n}}}} depuis l'export bailleurs."""
    labels = _field_labels()
    out = {}
    for row in indicator_rows(Filters(project=plan.project), AnonymousUser()):
        code, _label, _measure, period, start, end, partner, breakdown, _baseline, target, actual, _pct = row
        if partner != str(_all_partners()) or str(period) == str(_whole_period()) or not start or not end:
            continue
        bucket = out.setdefault(code, {}).setdefault((start, end), {"target": None, "actual": 0, "dims": {}})
        if breakdown == str(_total()):
            bucket["target"] = target if target != "" else None
            bucket["actual"] = actual
        elif breakdown in labels:
            bucket["dims"][labels[breakdown]] = actual
    return out


def _all_partners():
    from django.utils.translation import gettext

    return gettext("Tous les partenaires")


def _whole_period():
    from django.utils.translation import gettext

    return gettext("Ensemble")


def _total():
    from django.utils.translation import gettext

    return gettext("Total")


def _publishable(value):
    """La règle des petits nombres (celle du tableau de bord) : une valeur masquée n'est pas publiée."""
    shown = suppress(value)
    return shown if isinstance(shown, int) and not isinstance(shown, bool) else None


def activity(plan, *, now=None):
    now = now or timezone.now()
    ref, name = reporting_org()
    el = etree.Element("iati-activity", {"last-updated-datetime": plan.updated_at.replace(microsecond=0).isoformat(),
                                         XML_LANG: "fr",
                                         "default-currency": getattr(settings, "PAROLES_IATI_CURRENCY", "XOF")})
    etree.SubElement(el, "iati-identifier").text = f"{ref}-PLAN-{plan.pk}"
    _narrative(el, "reporting-org", name, ref=ref, type="21")
    _narrative(el, "title", plan.title)
    _narrative(el, "description", plan.objectives or plan.title, type="1")
    _narrative(el, "participating-org", name, ref=ref, role="1", type="21")
    partners = {}
    for activity_ in plan.activities.select_related("partner"):
        p = activity_.partner
        # Une communauté protégée n'est jamais nommée dans une publication publique (la politique le dit).
        if policy.may_name_publicly(p):
            partners[p.pk] = p
    for p in sorted(partners.values(), key=lambda p: p.name):
        _narrative(el, "participating-org", p.name, role="4", type="22")
    etree.SubElement(el, "activity-status", code=_activity_status(plan, timezone.localdate()))
    today = timezone.localdate()
    etree.SubElement(el, "activity-date", {"iso-date": plan.start_date.isoformat(), "type": "1"})
    if plan.start_date <= today:
        etree.SubElement(el, "activity-date", {"iso-date": plan.start_date.isoformat(), "type": "2"})
    etree.SubElement(el, "activity-date", {"iso-date": plan.end_date.isoformat(), "type": "3"})
    if plan.end_date < today:
        etree.SubElement(el, "activity-date", {"iso-date": plan.end_date.isoformat(), "type": "4"})
    etree.SubElement(el, "recipient-country", code="ML", percentage="100")
    etree.SubElement(el, "sector", vocabulary="1", code=SECTOR_GBV, percentage="100")

    for work in _plan_works(plan):
        link = etree.SubElement(el, "document-link", format="text/html", url=_public_url(work.get_absolute_url()))
        _narrative(link, "title", work.title_fr)
        etree.SubElement(link, "category", code="A12")
        etree.SubElement(link, "language", code="fr")

    periods = _indicator_periods(plan)
    for indicator in plan.indicators.order_by("sort_order", "pk"):
        result = etree.SubElement(el, "result", type="1", **{"aggregation-status": "1"})
        _narrative(result, "title", f"{indicator.code} {indicator.label}")
        ind = etree.SubElement(result, "indicator", measure=INDICATOR_MEASURE_UNIT, ascending="1")
        _narrative(ind, "title", f"{indicator.code} {indicator.label}")
        _narrative(ind, "description", str(indicator.get_measure_display()))
        etree.SubElement(ind, "baseline", {"year": str(plan.start_date.year), "iso-date": plan.start_date.isoformat(),
                                           "value": str(indicator.baseline)})
        for (start, end), data in sorted(periods.get(indicator.code, {}).items()):
            period = etree.SubElement(ind, "period")
            etree.SubElement(period, "period-start", {"iso-date": start})
            etree.SubElement(period, "period-end", {"iso-date": end})
            if data["target"] is not None:
                etree.SubElement(period, "target", value=str(data["target"]))
            etree.SubElement(period, "actual", value=str(data["actual"]))
            if indicator.measure == Measure.PEOPLE:
                for field, dimension in DIMENSIONS:
                    value = _publishable(data["dims"].get(field))
                    if value:
                        actual = etree.SubElement(period, "actual", value=str(value))
                        etree.SubElement(actual, "dimension", name=dimension, value=field)
    return el


def build_activities(plans=None, *, now=None):
    """Le document `iati-activities` (octets UTF-8) des plans donnés (par défaut : tous)."""
    now = now or timezone.now()
    plans = plans if plans is not None else CommunicationPlan.objects.select_related("project").order_by("pk")
    root = etree.Element("iati-activities", {"version": "2.03",
                                             "generated-datetime": now.replace(microsecond=0).isoformat()})
    for plan in plans:
        root.append(activity(plan, now=now))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
