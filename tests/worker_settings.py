"""Réglages des travailleurs lancés par tests/test_task_queue_postgres.py : ceux des tests, plus la vraie
file en base (django-tasks-db) et des délais courts de signe de vie."""

from paroles.settings.test import *  # noqa: F401,F403

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "media", "transcription"],
    }
}
PAROLES_WORKER_HEARTBEAT = 1
PAROLES_WORKER_DEAD_AFTER = 4
