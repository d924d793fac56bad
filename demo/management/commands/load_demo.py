"""Charge l'archive de démonstration : `python manage.py load_demo [--if-empty] [--quick]`.

Appelle, dans l'ordre, `build(ctx)` des modules de l'application demo : catalogue (œuvres, comptes,
médias), consentements, sous-titres, expositions, journal des projections (liste `STEPS`, explicite). Tout se fait dans une transaction : si une
application échoue, la commande échoue bruyamment et rien n'est enregistré (les fichiers déjà rangés
dans le stockage privé pendant ce passage sont retirés). Une deuxième exécution ne crée rien de nouveau.
"""

import logging
import sys
import time

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models.signals import post_save
from django.utils.translation import gettext as _

from demo import catalogue, communication, consent, exhibitions, transcription
from media_library.models import MediaFile, Work

# Les étapes, dans l'ordre où elles dépendent les unes des autres (nom affiché, module qui a build(ctx)).
STEPS = [
    ("media_library", catalogue),
    ("consent", consent),
    ("transcription", transcription),
    ("exhibitions", exhibitions),
    ("communication", communication),
]


def demo_modules():
    """Les étapes de la démonstration (nom, module), dans l'ordre où elles sont appelées."""
    return list(STEPS)


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
        }
        modules = demo_modules()
        stored = []

        def remember_stored_file(sender, instance, created, **kwargs):
            if created and instance.file:
                stored.append(instance.file.name)

        # Les originaux rangés pendant ce passage, pour les retirer si la transaction est annulée.
        post_save.connect(remember_stored_file, sender=MediaFile, weak=False, dispatch_uid="load_demo_stored")
        ingest_logger = logging.getLogger("media_library.flows.ingest")
        previous_level = ingest_logger.level
        ingest_logger.setLevel(logging.WARNING)  # une ligne par fichier noierait la progression
        try:
            with transaction.atomic():
                for index, (app, module) in enumerate(modules, start=1):
                    self.run_app(index, len(modules), app, module, ctx)
        except BaseException:
            # Rien à moitié : la base est revenue en arrière, on retire les fichiers rangés entre-temps.
            for name in stored:
                try:
                    default_storage.delete(name)
                except Exception:  # noqa: BLE001 - le nettoyage ne doit pas masquer l'erreur d'origine
                    pass
            raise
        finally:
            post_save.disconnect(sender=MediaFile, dispatch_uid="load_demo_stored")
            ingest_logger.setLevel(previous_level)
        self.stdout.write(
            self.style.SUCCESS(
                _("Archive de démonstration prête : %(works)d œuvres, %(projects)d projets (%(s).0f s).")
                % {"works": len(ctx["works"]), "projects": len(ctx["projects"]), "s": time.monotonic() - started}
            )
        )

    def run_app(self, index, total, app, module, ctx):
        step_start = time.monotonic()
        self.stdout.write(_("[%(i)d/%(n)d] Démonstration de %(app)s…") % {"i": index, "n": total, "app": app})
        build = getattr(module, "build", None)
        if build is None:
            raise CommandError(_("%(module)s n'a pas de fonction build(ctx).") % {"module": module.__name__})
        try:
            build(ctx)
        except CommandError:
            raise
        except Exception as exc:
            raise CommandError(_("La démonstration de %(app)s a échoué : %(err)s") % {"app": app, "err": exc}) from exc
        self.stdout.write(_("      terminé en %(s).1f s") % {"s": time.monotonic() - step_start})
