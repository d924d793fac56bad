"""Transcrire une œuvre ou un fichier et afficher (ou écrire) les sous-titres.

    python manage.py transcribe 12                      # œuvre n° 12, VTT sur la sortie standard
    python manage.py transcribe capsule.mp4 --format srt --output capsule.fr.srt
    python manage.py transcribe 12 --save               # enregistre aussi le brouillon dans l'archive

Une barre de progression (tqdm) suit la durée traitée, sur la sortie d'erreur.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _


class Command(BaseCommand):
    help = "Transcrit une œuvre (numéro) ou un fichier audio/vidéo avec Whisper et produit des sous-titres."

    def add_arguments(self, parser):
        parser.add_argument("target", help=_("numéro d'œuvre ou chemin d'un fichier"))
        parser.add_argument("--language", default=None, help=_("langue parlée (fr par défaut : détectée)"))
        parser.add_argument("--format", choices=["vtt", "srt"], default="vtt")
        parser.add_argument("--output", default=None, help=_("fichier de sortie (sinon la sortie standard)"))
        parser.add_argument("--save", action="store_true",
                            help=_("pour une œuvre : enregistrer la transcription et le brouillon de sous-titres"))

    def handle(self, *args, target, language, format, output, save, **options):
        from tqdm import tqdm

        from transcription import subtitles as subs
        from transcription.audio import AudioError
        from transcription.engine import transcribe_file
        from transcription.whisper_store import ModelError

        work = None
        if target.isdigit() and not Path(target).exists():
            from media_library.models import Work
            from transcription.flows.transcribe import transcribable_file, work_language

            work = Work.objects.filter(pk=int(target)).first()
            if work is None:
                raise CommandError(_("Aucune œuvre n° %(pk)s.") % {"pk": target})
            media = transcribable_file(work)
            if media is None:
                raise CommandError(_("Cette œuvre n'a aucun fichier audio ou vidéo à transcrire."))
            if save:
                return self._save(work, media, language)
            path = media.file.path
            duration = media.duration
            language = language or work_language(work)
        else:
            path = Path(target)
            if not path.is_file():
                raise CommandError(_("Fichier introuvable : %(path)s") % {"path": target})
            from transcription.audio import probe_duration

            duration = probe_duration(path)

        bar = tqdm(total=100, unit="%", desc=_("Transcription"), bar_format="{l_bar}{bar}| {n:.0f}/100 %")

        def progress(p):
            bar.update(max(0.0, p - bar.n))

        try:
            result = transcribe_file(str(path), language=language, duration=duration, on_progress=progress)
        except (ModelError, AudioError) as exc:
            raise CommandError(str(exc)) from exc
        finally:
            bar.close()
        if not result.speech_found:
            raise CommandError(_("Aucune parole détectée."))
        if result.passages:
            cues = subs.cues_from_spans(result.passages, result.segments)
            todo = sum(1 for c in cues if c.origin == subs.ORIGIN_TODO)
            if todo:
                self.stderr.write(_("%(n)d réplique(s) vide(s) « à transcrire (bambara ?) » : passages qui ne "
                                    "sont pas en français, à écrire par une personne.") % {"n": todo})
        else:
            cues = subs.cues_from_segments(result.segments, language or result.language or "fr")
        text = subs.to_srt(cues) if format == "srt" else subs.to_vtt(cues)
        issues = subs.validate(cues, language or result.language or "fr")
        if output:
            Path(output).write_text(text, encoding="utf-8")
            self.stderr.write(_("Écrit : %(path)s") % {"path": output})
        else:
            self.stdout.write(text)
        self.stderr.write(
            _("Langue %(lang)s (%(p).2f) · %(n)d répliques · %(i)d écarts aux normes (brouillon à relire) · %(t).1f s")
            % {"lang": result.language, "p": result.language_probability, "n": len(cues), "i": len(issues),
               "t": result.elapsed}
        )

    def _save(self, work, media, language):
        from transcription.models import TranscriptionJob
        from transcription.jobs import run_job

        job = TranscriptionJob.objects.create(work=work, media_file=media, language=language or "")
        run_job(job.pk)
        job.refresh_from_db()
        self.stdout.write(f"{job.get_status_display()} : {job.message}")
        if job.status == TranscriptionJob.Status.FAILED:
            raise CommandError(job.message)
