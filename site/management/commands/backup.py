"""`manage.py backup [--output DIR]` : la base et tous les fichiers dans une archive tar (voir paroles.backup)."""

from django.conf import settings
from django.core.management.base import BaseCommand
from tqdm import tqdm

from paroles import backup


class Command(BaseCommand):
    help = "Sauvegarde la base (JSON portable) et tous les fichiers du stockage dans une archive tar."

    def add_arguments(self, parser):
        parser.add_argument("--output", default=None, help="Dossier de destination (défaut : PAROLES_BACKUP_DIR).")

    def handle(self, *args, output=None, **options):
        names = list(backup.storage_files())
        total = sum(backup.default_storage.size(n) for n in names)
        bar = tqdm(total=total, unit="o", unit_scale=True, desc="Sauvegarde", disable=options["verbosity"] == 0)
        path = backup.create_backup(output or settings.PAROLES_BACKUP_DIR, progress=bar.update)
        bar.close()
        self.stdout.write(self.style.SUCCESS(f"Sauvegarde écrite : {path} ({len(names)} fichiers)."))
        self.stdout.write(str(path))
