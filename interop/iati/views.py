from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils import timezone

from communication.models import CommunicationPlan
from communication.views.admin import can_view_dashboard

from .build import build_activities


def download(request):
    """Le XML IATI depuis le tableau de bord (même permission que le tableau de bord)."""
    if not can_view_dashboard(request.user):
        raise PermissionDenied
    plans = CommunicationPlan.objects.select_related("project").order_by("pk")
    project = request.GET.get("project")
    if project and project.isdigit():
        plans = plans.filter(project_id=int(project))
    response = HttpResponse(build_activities(plans), content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="iati-activites-{timezone.localtime():%Y%m%d-%H%M}.xml"'
    response["Cache-Control"] = "private, no-store"
    return response
