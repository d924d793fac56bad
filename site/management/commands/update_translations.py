"""Extrait les textes du projet (makemessages, pour Python, gabarits et JavaScript) et complète le
catalogue français (les textes sources sont en français). Demande GNU gettext (xgettext)."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from paroles import translations

IGNORE = [".venv/*", "var/*", "test-artifacts/*", "node_modules/*", "bench/*", "docs/*", "deploy/*",
          "*/tests/*", "tests/*", "media_library/fixtures/*", "conftest.py", "*/migrations/*", "build/*"]


class Command(BaseCommand):
    help = "Met à jour site/locale/fr (django.po, djangojs.po) depuis le code, les gabarits et les scripts."

    def handle(self, *args, **options):
        common = {"locale": [translations.SOURCE_LANGUAGE], "ignore_patterns": IGNORE, "no_obsolete": True,
                  "verbosity": 0}
        call_command("makemessages", domain="django", extensions=["html", "txt", "py"], **common)
        call_command("makemessages", domain="djangojs", extensions=["js"],
                     **{**common, "ignore_patterns": IGNORE + ["*/templates/*"]})
        for po in translations.catalogues(translations.SOURCE_LANGUAGE):
            filled = translations.fill_source_language(po)
            self.stdout.write(f"{po} : {filled} texte(s) ajouté(s).")
        translations.compile_all()
