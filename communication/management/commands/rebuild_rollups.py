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
        if check:
            counted, stored = rollups.recount(), rollups.stored()
            bad = sum(1 for a, b in zip(counted, stored) for k in set(a) | set(b) if a.get(k) != b.get(k))
            if bad:
                raise CommandError(_("%(n)d cumul(s) diffèrent du recomptage : lancez rebuild_rollups.") % {"n": bad})
            self.stdout.write(_("Cumuls exacts (%(n)d lignes, %(m)d par support).")
                              % {"n": len(stored[0]), "m": len(stored[1])})
            return
        n, m = rollups.rebuild()
        self.stdout.write(_("Cumuls recomptés : %(n)d lignes, %(m)d par support.") % {"n": n, "m": m})
