"""Écrit le XML IATI 2.03 des plans de communication (résultats, indicateurs, périodes)."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from communication.models import CommunicationPlan
from interop.iati.build import build_activities


class Command(BaseCommand):
    help = _("Écrit les plans de communication en activités IATI 2.03 (XML).")

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help=_("Fichier XML à écrire (remplacé d'un seul coup)."))
        parser.add_argument("--project", help=_("Seulement les plans de ce projet (nom)."))
        parser.add_argument("--no-progress", action="store_true", help=_("Sans barre de progression."))

    def handle(self, *args, output, project, no_progress, **options):
        plans = CommunicationPlan.objects.select_related("project").order_by("pk")
        if project:
            plans = plans.filter(project__name=project)
        plans = list(tqdm(plans, desc=_("Plans"), unit=_(" plan"), disable=no_progress, file=sys.stderr))
        if not plans:
            raise CommandError(_("Aucun plan de communication à exporter."))
        data = build_activities(plans)
        path = Path(output)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(path)  # publication atomique : jamais de fichier à moitié écrit
        self.stdout.write(self.style.SUCCESS(_("%(n)s activité(s) IATI écrite(s) dans %(path)s.") % {"n": len(plans), "path": path}))
