"""Refaire les rendus : `manage.py rebuild_renditions [--kind phone] [--work ID] [--force] [--enqueue]`.

Par défaut, seuls les rendus manquants ou périmés (préréglage modifié) sont refaits, dans ce
processus, avec une barre de progression. Relance d'abord les travaux interrompus (travailleur tué).
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from media_library.models import MediaFile, ProcessingJob, RenditionKind
from media_library.processing.jobs import run_job, sweep_orphan_files, sweep_stale_jobs
from media_library.processing.presets import kinds_for
from media_library.flows.request_renditions import request_renditions

BASE_KINDS = [k for k in RenditionKind.values if not k.startswith("clip_")]


class Command(BaseCommand):
    help = "Refait les rendus (web, téléphone, audio, affiches…) des originaux, avec une barre de progression."

    def add_arguments(self, parser):
        parser.add_argument("--kind", action="append", choices=BASE_KINDS, dest="kinds",
                            help="Type de rendu à refaire (répétable). Par défaut : tous.")
        parser.add_argument("--work", type=int, action="append", dest="works", help="Identifiant d'œuvre (répétable).")
        parser.add_argument("--force", action="store_true", help="Refaire même les rendus à jour.")
        parser.add_argument("--enqueue", action="store_true",
                            help="Mettre les travaux en file pour le travailleur au lieu de les exécuter ici.")

    def handle(self, *args, kinds=None, works=None, force=False, enqueue=False, verbosity=1, **options):
        requeued, failed = sweep_stale_jobs()
        if requeued or failed:
            self.stdout.write(_("Travaux interrompus : %(r)s relancé(s), %(f)s marqué(s) en échec.") % {"r": requeued, "f": failed})
        removed = sweep_orphan_files()
        if removed:
            self.stdout.write(_("%(n)s fichier(s) de rendu orphelin(s) supprimé(s).") % {"n": removed})

        files = MediaFile.objects.select_related("work").order_by("pk")
        if works:
            files = files.filter(work_id__in=works)
            if not files.exists():
                raise CommandError(_("Aucun fichier pour l'œuvre ou les œuvres %(ids)s.") % {"ids": ", ".join(map(str, works))})
        if kinds:
            files = [m for m in files if set(kinds) & set(kinds_for(m.media_type))]

        done = failed_count = 0
        outer = tqdm(files, desc=_("Fichiers"), unit=_("fichier"), disable=verbosity == 0, file=self.stderr)
        for media in outer:
            outer.set_postfix_str(media.original_filename[:40])
            job = request_renditions(media, kinds=kinds, force=force, enqueue=enqueue)
            if enqueue:
                continue
            with tqdm(total=100, desc=f"  {media.original_filename[:30]}", unit="%", leave=False,
                      disable=verbosity == 0, file=self.stderr, bar_format="{l_bar}{bar}| {n:.0f}% {postfix}") as bar:
                def progress(pct, step, bar=bar):
                    bar.n = pct
                    bar.set_postfix_str(step, refresh=False)
                    bar.refresh()

                job = run_job(job.pk, on_progress=progress)
            if job.status == ProcessingJob.Status.DONE:
                done += 1
            else:
                failed_count += 1
                self.stderr.write(_("Échec pour « %(name)s » : %(err)s") % {"name": media.original_filename, "err": job.error})
        if enqueue:
            self.stdout.write(_("%(n)s travail(s) mis en file.") % {"n": len(files)})
        else:
            self.stdout.write(_("Rendus refaits : %(ok)s fichier(s) réussi(s), %(ko)s en échec.") % {"ok": done, "ko": failed_count})
        if failed_count:
            raise CommandError(_("%(n)s fichier(s) en échec : voir les messages ci-dessus.") % {"n": failed_count})
