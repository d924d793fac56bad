"""Recompte les cumuls du tableau de bord depuis les fiches (après un chargement en masse), ou les vérifie."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from communication import rollups


class Command(BaseCommand):
    help = _("Recompte les cumuls du tableau de bord depuis les fiches de projection (ou les vérifie : --check).")

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true",
                            help=_("Compare seulement les cumuls au recomptage complet ; code 1 s'ils diffèrent."))

    def handle(self, *args, check=False, **options):
        progress = options.get("verbosity", 1) >= 1
        if check:
            result = rollups.check()
            for name, (rows, bad) in result.items():
                self.stdout.write(_("%(name)s : %(n)d lignes, %(bad)d différence(s).") % {"name": name, "n": rows, "bad": bad})
            bad = sum(b for _rows, b in result.values())
            if bad:
                raise CommandError(_("%(n)d cumul(s) diffèrent du recomptage : lancez rebuild_rollups.") % {"n": bad})
            self.stdout.write(_("Cumuls exacts."))
            return
        counts = rollups.rebuild(progress=progress)
        self.stdout.write(_("Cumuls recomptés : %(rows)s.")
                          % {"rows": ", ".join(f"{name} {n}" for name, n in counts.items())})
