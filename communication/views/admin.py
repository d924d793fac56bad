"""Administration : tableau de bord de la communication et export pour les bailleurs."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import charts, exports
from ..dashboard import DashboardFilterForm, Filters, build


def can_view_dashboard(user):
    return user.is_active and (user.is_superuser or user.has_perm("communication.view_dashboard"))


def _filters(request):
    if not can_view_dashboard(request.user):
        raise PermissionDenied
    form = DashboardFilterForm(request.GET or None)
    return form, Filters.from_form(form)


def dashboard(request):
    form, filters = _filters(request)
    data = build(filters, request.user)
    month_chart = charts.column_chart(
        [(r["label"], r["people"], r["target"]) for r in data["by_month"]],
        title=_("Personnes touchées en présentiel par mois (trait : cible du plan)"),
    )
    partner_chart = charts.hbar_chart(
        [(r["label"], r["people"], r["target"]) for r in data["by_partner"]],
        title=_("Personnes touchées par partenaire (trait : cible)"),
    )
    region_chart = charts.hbar_chart(
        [(r["label"], r["people"], r["target"]) for r in data["by_region"]],
        title=_("Personnes touchées par région (trait : cible)"),
    )
    material_chart = charts.hbar_chart(
        [(r["label"], r["people"], r["target"]) for r in data["by_material"]],
        title=_("Personnes touchées par support (trait : cible)"),
    )
    download_chart = charts.hbar_chart(
        [(r["work__title_fr"], r["downloads"], None) for r in data["downloads"]],
        title=_("Téléchargements par support (règle publiée)"),
    )
    query = request.GET.urlencode()
    return TemplateResponse(request, "communication/admin/dashboard.html", {
        "page_title": _("Tableau de bord de la communication"),
        "header_title": _("Tableau de bord de la communication"),
        "header_icon": "table",
        "form": form,
        "data": data,
        "charts": {"month": month_chart, "partner": partner_chart, "region": region_chart,
                   "material": material_chart, "downloads": download_chart},
        "query": query,
    })


def _stamp():
    return timezone.localtime().strftime("%Y%m%d-%H%M")


def export_csv(request):
    form, filters = _filters(request)
    response = HttpResponse(exports.as_csv(filters, request.user), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="indicateurs-communication-{_stamp()}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


def export_xlsx(request):
    form, filters = _filters(request)
    response = HttpResponse(
        exports.as_xlsx(filters, request.user),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="indicateurs-communication-{_stamp()}.xlsx"'
    response["Cache-Control"] = "private, no-store"
    return response
