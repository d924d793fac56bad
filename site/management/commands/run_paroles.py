"""Démarre le site et un travailleur de tâches, et affiche l'adresse et un mot de passe admin neuf."""

import os
import secrets
import signal
import subprocess
import sys
import time

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _


class Command(BaseCommand):
    help = _("Démarre le serveur web et un travailleur de tâches (django-tasks-db).")

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")
        parser.add_argument("--no-worker", action="store_true", help=_("Ne pas démarrer de travailleur."))

    def handle(self, *args, host, port, no_worker, **options):
        password = self.reset_admin_password()
        call_command("collectstatic", interactive=False, verbosity=0)
        base = f"http://{host}:{port}"
        self.stdout.write(self.style.SUCCESS("\n  Paroles est prêt.\n"))
        self.stdout.write(f"  Site public      : {base}/")
        self.stdout.write(f"  Administration   : {base}/admin/")
        self.stdout.write(f"  Identifiant      : admin")
        self.stdout.write(f"  Mot de passe     : {password}   (nouveau à chaque démarrage)\n")
        env = os.environ.copy()
        procs = [subprocess.Popen([sys.executable, "manage.py", "runserver", f"{host}:{port}", "--noreload"], env=env)]
        if not no_worker:
            procs.append(
                subprocess.Popen(
                    [sys.executable, "manage.py", "paroles_worker", "--queue-name", "*", "--interval", "1", "--no-reload"], env=env
                )
            )

        def stop(*_args):
            for proc in procs:
                if proc.poll() is None:
                    proc.terminate()
            for proc in procs:
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
            sys.exit(0)

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        while True:
            for proc in procs:
                if proc.poll() is not None:
                    self.stderr.write(_("Un processus s'est arrêté (code %(code)s) ; arrêt.") % {"code": proc.returncode})
                    stop()
            time.sleep(1)

    def reset_admin_password(self):
        User = get_user_model()
        password = secrets.token_urlsafe(12)
        user, created = User.objects.get_or_create(
            username="admin", defaults={"email": "admin@paroles.local", "is_staff": True, "is_superuser": True}
        )
        user.is_staff = user.is_superuser = user.is_active = True
        user.set_password(password)
        user.save()
        return password
