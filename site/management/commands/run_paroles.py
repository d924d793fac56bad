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


class Supervisor:
    """Lance le serveur web et le travailleur, et relance celui qui meurt, sans toucher à l'autre.

    Un travailleur tué (kill -9, mémoire) est déclaré mort aussitôt (paroles.taskqueue.expire_worker) :
    son remplaçant reprend tout de suite la tâche interrompue. Un processus qui meurt plus de MAX_RESTARTS
    fois en WINDOW secondes arrête tout (une erreur de configuration ne tourne pas en boucle).
    """

    MAX_RESTARTS = 5
    WINDOW = 60

    def __init__(self, commands, env, stderr, poll=0.5):
        self.commands = commands
        self.env = env
        self.stderr = stderr
        self.poll = poll
        self.procs = {}
        self.restarts = {name: [] for name in commands}
        self.stopping = False

    def start(self, name):
        self.procs[name] = subprocess.Popen(self.commands[name], env=self.env)

    def stop(self, *_args):
        self.stopping = True
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs.values():
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        sys.exit(0)

    def run(self):
        signal.signal(signal.SIGINT, self.stop)
        signal.signal(signal.SIGTERM, self.stop)
        for name in self.commands:
            self.start(name)
        while not self.stopping:
            for name, proc in list(self.procs.items()):
                code = proc.poll()
                if code is None:
                    continue
                now = time.monotonic()
                recent = [t for t in self.restarts[name] if now - t < self.WINDOW]
                label = _("serveur web") if name == "web" else _("travailleur")
                if len(recent) >= self.MAX_RESTARTS:
                    self.stderr.write(_("Le %(label)s s'est arrêté %(n)s fois en %(s)s s (dernier code %(code)s) ; "
                                        "arrêt.") % {"label": label, "n": len(recent) + 1, "s": self.WINDOW,
                                                     "code": code})
                    self.stop()
                self.stderr.write(_("Le %(label)s s'est arrêté (code %(code)s) ; redémarrage, l'autre processus "
                                    "continue.") % {"label": label, "code": code})
                if name == "worker":
                    self.expire(proc.pid)
                self.restarts[name] = [*recent, now]
                self.start(name)
            time.sleep(self.poll)

    @staticmethod
    def expire(pid):
        from django.db import connection

        from paroles.taskqueue import expire_worker

        try:
            expire_worker(pid=pid)
        except Exception as exc:  # noqa: BLE001 - sans cela, la reprise attend PAROLES_WORKER_DEAD_AFTER
            sys.stderr.write(f"{exc}\n")
        finally:
            connection.close()


class Command(BaseCommand):
    help = _("Démarre le serveur web et un travailleur de tâches (django-tasks-db).")

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")
        parser.add_argument("--no-worker", action="store_true", help=_("Ne pas démarrer de travailleur."))
        parser.add_argument("--no-static", action="store_true", help=_("Ne pas rassembler les fichiers statiques."))

    def handle(self, *args, host, port, no_worker, no_static=False, **options):
        password = self.reset_admin_password()
        if not no_static:
            call_command("collectstatic", interactive=False, verbosity=0)
        base = f"http://{host}:{port}"
        self.stdout.write(self.style.SUCCESS("\n  Paroles est prêt.\n"))
        self.stdout.write(f"  Site public      : {base}/")
        self.stdout.write(f"  Administration   : {base}/admin/")
        self.stdout.write(f"  Identifiant      : admin")
        self.stdout.write(f"  Mot de passe     : {password}   (nouveau à chaque démarrage)\n")
        env = os.environ.copy()
        commands = {"web": [sys.executable, "manage.py", "runserver", f"{host}:{port}", "--noreload"]}
        if not no_worker:
            commands["worker"] = [sys.executable, "manage.py", "paroles_worker", "--queue-name", "*", "--interval", "1",
                                  "--no-reload"]
        Supervisor(commands, env, self.stderr).run()

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
