"""`manage.py backup [--output DIR] [--compression gz|xz|none] [--encrypt-to age1…] [--keep N]` : la base
et tous les fichiers dans une archive (voir paroles.backup)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from paroles import backup


class Command(BaseCommand):
    help = "Sauvegarde la base (JSON portable) et tous les fichiers du stockage dans une archive tar."

    def add_arguments(self, parser):
        parser.add_argument("--output", default=None, help="Dossier de destination (défaut : PAROLES_BACKUP_DIR).")
        parser.add_argument("--compression", choices=sorted(backup.COMPRESSIONS), default=None,
                            help="Compression (défaut : PAROLES_BACKUP_COMPRESSION).")
        parser.add_argument("--encrypt-to", action="append", default=None, metavar="AGE1…",
                            help="Clé publique age d'un destinataire (répétable ; défaut : PAROLES_BACKUP_AGE_RECIPIENTS).")
        parser.add_argument("--keep", type=int, default=None,
                            help="Archives gardées dans le dossier (défaut : PAROLES_BACKUP_KEEP ; 0 = toutes).")

    def handle(self, *args, output=None, compression=None, encrypt_to=None, keep=None, **options):
        names = list(backup.storage_files())
        total = sum(backup.default_storage.size(n) for n in names)
        bar = tqdm(total=total, unit="o", unit_scale=True, desc="Sauvegarde", disable=options["verbosity"] == 0)
        try:
            path = backup.create_backup(output or settings.PAROLES_BACKUP_DIR, progress=bar.update,
                                        compression=compression, recipients=encrypt_to, keep=keep)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            bar.close()
        self.stdout.write(self.style.SUCCESS(f"Sauvegarde écrite : {path} ({len(names)} fichiers)."))
        self.stdout.write(str(path))
