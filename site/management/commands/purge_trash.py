"""Purge les œuvres à la corbeille depuis plus de PAROLES_TRASH_DAYS jours (originaux mis de côté)."""

from django.core.management.base import BaseCommand
from tqdm import tqdm

from paroles import trash


class Command(BaseCommand):
    help = ("Supprime définitivement les œuvres à la corbeille depuis plus de 30 jours. Leurs originaux "
            "sont d'abord copiés (empreinte vérifiée) dans PAROLES_BACKUP_DIR/purged/.")

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Affiche ce qui serait purgé, sans rien faire.")
        parser.add_argument("--destination", help="Dossier où mettre les originaux purgés.")

    def handle(self, *args, dry_run=False, destination=None, **options):
        works = list(trash.expired_works())
        if dry_run:
            for work in works:
                self.stdout.write(f"- {work.pk} « {work.title_fr} » (corbeille depuis {work.trashed_at:%Y-%m-%d})")
            self.stdout.write(f"{len(works)} œuvre(s) seraient purgées.")
            return
        bar = tqdm(total=len(works), desc="Purge", unit="œuvre", disable=not works)
        report = trash.purge_expired(destination=destination, progress=lambda _w: bar.update(1))
        bar.close()
        for work, reason in report.kept:
            self.stdout.write(self.style.WARNING(f"Gardée : {work.pk} « {work.title_fr} » — {reason}"))
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(report.purged)} œuvre(s) purgée(s) ; {len(report.moved_files)} original(aux) mis de côté "
                f"dans {report.destination}."
            )
        )
