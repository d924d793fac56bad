"""Charge l'archive de démonstration : `python manage.py load_demo [--if-empty] [--quick]`.

Appelle, dans l'ordre, `build(ctx)` de media_library, consent, transcription, exhibitions et
communication (chaque module `demo.py` qui existe). Tout se fait dans une transaction : si une
application échoue, la commande échoue bruyamment et rien n'est enregistré (les fichiers déjà rangés
dans le stockage privé pendant ce passage sont retirés). Une deuxième exécution ne crée rien de nouveau.
"""

import importlib
import importlib.util
import sys
import time

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from media_library.models import Work

DEMO_APPS = ["media_library", "consent", "transcription", "exhibitions", "communication"]


def demo_modules():
    """Les modules `<app>.demo` présents, dans l'ordre où ils doivent être appelés."""
    modules = []
    for app in DEMO_APPS:
        name = f"{app}.demo"
        if importlib.util.find_spec(name) is not None:
            modules.append((app, importlib.import_module(name)))
    return modules


class Command(BaseCommand):
    help = _("Construit une archive de démonstration (œuvres, médias générés, consentements, expositions…).")

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help=_("Ne rien faire si l'archive contient déjà des œuvres (utilisé par « make run »)."),
        )
        parser.add_argument(
            "--quick",
            action="store_true",
            help=_("Médias plus petits (vidéos 240p, images réduites), même structure : pour les tests."),
        )

    def handle(self, *args, if_empty=False, quick=False, **options):
        if if_empty and Work.all_objects.exists():
            self.stdout.write(_("L'archive contient déjà des œuvres : démonstration non chargée."))
            return
        started = time.monotonic()
        ctx = {
            "projects": {},
            "partners": {},
            "works": {},
            "users": {},
            "stdout": self.stdout,
            "quick": quick,
            "progress_file": sys.stderr,
            "stored_files": [],
        }
        modules = demo_modules()
        try:
            with transaction.atomic():
                for index, (app, module) in enumerate(modules, start=1):
                    step_start = time.monotonic()
                    self.stdout.write(
                        _("[%(i)d/%(n)d] Démonstration de %(app)s…") % {"i": index, "n": len(modules), "app": app}
                    )
                    build = getattr(module, "build", None)
                    if build is None:
                        raise CommandError(_("%(module)s n'a pas de fonction build(ctx).") % {"module": module.__name__})
                    try:
                        build(ctx)
                    except CommandError:
                        raise
                    except Exception as exc:
                        raise CommandError(
                            _("La démonstration de %(app)s a échoué : %(err)s") % {"app": app, "err": exc}
                        ) from exc
                    self.stdout.write(
                        _("      terminé en %(s).1f s") % {"s": time.monotonic() - step_start}
                    )
        except BaseException:
            # Rien à moitié : la base est revenue en arrière, on retire les fichiers rangés entre-temps.
            for name in ctx.get("stored_files", []):
                try:
                    default_storage.delete(name)
                except Exception:  # noqa: BLE001 - le nettoyage ne doit pas masquer l'erreur d'origine
                    pass
            raise
        self.stdout.write(
            self.style.SUCCESS(
                _("Archive de démonstration prête : %(works)d œuvres, %(projects)d projets (%(s).0f s).")
                % {"works": len(ctx["works"]), "projects": len(ctx["projects"]), "s": time.monotonic() - started}
            )
        )
