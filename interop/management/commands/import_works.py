"""Importe des œuvres et leurs fichiers depuis un CSV. Voir le README (« Import en masse »)."""

import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from media_library.flows.import_works import ALL_COLUMNS, LIST_SEPARATOR, CsvError, import_csv


class Command(BaseCommand):
    help = _(
        "Importe des œuvres depuis un CSV (UTF-8, séparateur , ou ;). Colonnes : %(cols)s. "
        "Listes séparées par « %(sep)s ». Chemins des fichiers relatifs au dossier du CSV."
    ) % {"cols": ", ".join(ALL_COLUMNS), "sep": LIST_SEPARATOR}

    def add_arguments(self, parser):
        parser.add_argument("csv_file", help=_("Le CSV, ou le dossier d'un sac BagIt écrit par export_works."))
        parser.add_argument("--dry-run", action="store_true", help=_("Tout vérifier sans rien enregistrer."))
        parser.add_argument("--no-progress", action="store_true", help=_("Sans barre de progression."))

    def handle(self, *args, csv_file, dry_run, no_progress, **options):
        def progress(rows):
            return tqdm(rows, desc=_("Import des œuvres"), unit=_(" ligne"), disable=no_progress, file=sys.stderr)

        try:
            from interop.bagit.importer import import_bag, is_bag

            if is_bag(csv_file):  # un sac BagIt écrit par export_works
                report = import_bag(csv_file, dry_run=dry_run, progress=progress)
            else:
                report = import_csv(csv_file, dry_run=dry_run, progress=progress)
        except CsvError as exc:
            raise CommandError(str(exc)) from exc

        for result in report.results:
            line = _("ligne %(line)s") % {"line": result.line}
            if result.status == "error":
                self.stderr.write(self.style.ERROR(f"{line} [{result.external_id or '?'}] : {result.message}"))
            elif options["verbosity"] >= 2 or dry_run:
                self.stdout.write(f"{line} [{result.external_id}] : {result.message}")
        summary = _(
            "%(created)s importée(s), %(skipped)s déjà présente(s), %(valid)s valide(s) (essai), %(errors)s en erreur."
        ) % {
            "created": report.count("created"),
            "skipped": report.count("skipped"),
            "valid": report.count("valid"),
            "errors": len(report.errors),
        }
        if dry_run:
            summary = _("Essai à blanc, rien n'a été enregistré. ") + summary
        self.stdout.write(self.style.SUCCESS(summary) if not report.errors else self.style.WARNING(summary))
        if report.errors:
            raise CommandError(_("%(n)s ligne(s) refusée(s) ; les autres ont été traitées.") % {"n": len(report.errors)})
