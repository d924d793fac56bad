"""Remet en file les tâches « en cours » dont le travailleur est mort (voir paroles.taskqueue)."""

from django.core.management.base import BaseCommand

from paroles.taskqueue import requeue_stale_tasks


class Command(BaseCommand):
    help = "Remet en file (ou en échec) les tâches en cours dont le travailleur ne donne plus signe de vie."

    def handle(self, *args, **options):
        requeued, failed = requeue_stale_tasks()
        self.stdout.write(f"Tâches remises en file : {requeued} ; abandonnées : {failed}.")
