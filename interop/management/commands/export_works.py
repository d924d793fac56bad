"""Écrit toutes les œuvres (ou celles d'un projet) dans un sac BagIt, que `import_works` sait relire."""

import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from interop.bagit.export import ExportError, export_works
from media_library.models import Work


class Command(BaseCommand):
    help = _("Écrit les œuvres dans un sac BagIt : originaux, sous-titres approuvés, works.csv, Dublin Core, "
             "résumé de consentement (sans nom, contact ni attribut sensible).")

    def add_arguments(self, parser):
        parser.add_argument("directory", help=_("Dossier du sac (neuf ou vide)."))
        parser.add_argument("--user", required=True,
                            help=_("Compte au nom duquel exporter : seules les œuvres que ce compte peut obtenir sur "
                                   "l'archive interne entrent dans le sac."))
        parser.add_argument("--project", help=_("Seulement les œuvres de ce projet (nom)."))
        parser.add_argument("--no-progress", action="store_true", help=_("Sans barre de progression."))

    def handle(self, *args, directory, user, project, no_progress, **options):
        import logging

        logging.getLogger("bagit").setLevel(logging.WARNING)  # une ligne par fichier : la barre suffit
        from django.contrib.auth import get_user_model

        account = get_user_model().objects.filter(username=user, is_active=True).first()
        if account is None:
            raise CommandError(_("Compte inconnu ou inactif : « %(user)s ».") % {"user": user})
        works = Work.objects.all()
        if project:
            works = works.filter(project__name=project)

        def progress(items):
            return tqdm(items, desc=_("Export des œuvres"), unit=_(" œuvre"), disable=no_progress, file=sys.stderr)

        try:
            count = export_works(directory, user=account, works=works, progress=progress)
        except ExportError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(_("%(n)s œuvre(s) écrite(s) dans le sac %(path)s (vérifié).")
                                             % {"n": count, "path": directory}))
