"""`manage.py restore ARCHIVE` : restaure une sauvegarde dans une base neuve (juste migrée), puis vérifie."""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from paroles import backup


class Command(BaseCommand):
    help = "Restaure une archive de `backup` dans une base vide et vérifie lignes et empreintes."

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument("--identity", default=None, metavar="FICHIER",
                            help="Clé secrète age d'une archive chiffrée (défaut : PAROLES_BACKUP_AGE_IDENTITY_FILE).")

    def handle(self, *args, archive, identity=None, **options):
        try:
            manifest = backup.read_manifest(archive, identity)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        except (FileNotFoundError, KeyError, OSError) as exc:
            raise CommandError(f"Archive illisible : {exc}") from exc
        total = sum(f["size"] for f in manifest["files"])
        bar = tqdm(total=total, unit="o", unit_scale=True, desc="Restauration", disable=options["verbosity"] == 0)
        try:
            manifest = backup.restore_backup(archive, progress=bar.update, identity=identity)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            bar.close()
        problems = backup.verify_restore(manifest)
        if problems:
            raise CommandError("Restauration incomplète :\n- " + "\n- ".join(problems))
        self.stdout.write(self.style.SUCCESS(
            f"Restauration vérifiée : {sum(manifest['counts'].values())} lignes, {len(manifest['files'])} fichiers "
            "(empreintes SHA-256 identiques). Lancez ensuite `manage.py update_index`."
        ))
