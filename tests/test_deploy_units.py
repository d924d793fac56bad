"""Les unités systemd de deploy/ lancent des commandes qui existent, avec des options acceptées, et chaque
service planifié a son minuteur (sauvegarde, corbeille, ménage des résultats de tâches)."""

import configparser
import shlex
from pathlib import Path

import pytest
from django.core.management import call_command, get_commands, load_command_class

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "media", "transcription"]}}
UNITS = Path(__file__).resolve().parent.parent / "deploy" / "systemd"


def _exec_lines(service):
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    text = service.read_text()
    parser.read_string("\n".join(line for line in text.splitlines() if not line.startswith("#")))
    return [line for line in text.splitlines() if line.startswith("ExecStart=")]


@pytest.mark.parametrize("name", ["paroles-backup", "paroles-purge-trash", "paroles-prune-tasks"])
def test_each_scheduled_service_has_a_timer_and_a_valid_command(name, settings):
    settings.TASKS = DB_TASKS  # comme en production : la file en base
    timer = UNITS / f"{name}.timer"
    assert timer.exists() and "OnCalendar=" in timer.read_text() and "Persistent=true" in timer.read_text()
    for line in _exec_lines(UNITS / f"{name}.service"):
        argv = shlex.split(line.split("=", 1)[1])
        assert argv[1] == "manage.py"
        command, args = argv[2], argv[3:]
        app = get_commands()[command]
        load_command_class(app, command).create_parser("manage.py", command).parse_args(args)


@pytest.mark.django_db
def test_prune_task_results_runs_on_every_queue(settings):
    settings.TASKS = DB_TASKS
    from datetime import timedelta

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    line = _exec_lines(UNITS / "paroles-prune-tasks.service")[0]
    args = shlex.split(line.split("=", 1)[1])[3:]
    old = timezone.now() - timedelta(days=30)
    common = {"args_kwargs": {"args": [], "kwargs": {}}, "backend_name": "default", "run_after": old,
              "enqueued_at": old, "finished_at": old, "priority": 0, "task_path": "x.y"}
    DBTaskResult.objects.create(status="SUCCESSFUL", queue_name="media", **common)
    DBTaskResult.objects.create(status="FAILED", queue_name="transcription", **common)
    DBTaskResult.objects.create(status="READY", queue_name="media", **{**common, "finished_at": None})
    call_command("prune_db_task_results", *args)
    assert sorted(DBTaskResult.objects.values_list("status", flat=True)) == ["FAILED", "READY"]
