"""Compile les catalogues du projet (.po → .mo) en Python pur (polib) : aucun besoin de GNU gettext."""

from django.core.management.base import BaseCommand

from paroles import translations


class Command(BaseCommand):
    help = "Compile les catalogues de traduction de site/locale (sans GNU gettext)."

    def handle(self, *args, **options):
        compiled = translations.compile_all(stdout=self.stdout if options["verbosity"] > 1 else None)
        if options["verbosity"]:
            self.stdout.write(f"Catalogues compilés : {len(compiled)}.")
