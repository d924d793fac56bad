"""Cas 3 (suite) : une tâche qui bute sur une base verrouillée est remise en file un peu plus tard, pas
marquée en échec ; au-delà de PAROLES_TASK_LOCK_RETRIES essais, elle échoue avec sa raison."""

import pytest
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from paroles.taskqueue import make_worker_class

pytestmark = [pytest.mark.faults, pytest.mark.django_db]

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "media", "transcription"]}}


def _run_batch():
    worker = make_worker_class()(queue_names=["default"], interval=0, batch=True, backend_name="default",
                                 startup_delay=False, max_tasks=None, worker_id="essai", excluded_queue_names=[])
    worker.run()


@override_settings(TASKS=DB_TASKS)
def test_task_hitting_a_lock_is_requeued_then_succeeds(tmp_path):
    from tests.task_probes import locked_first_time

    result = locked_first_time.enqueue(str(tmp_path / "marque"))
    _run_batch()
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == "READY" and row.run_after > timezone.now()  # remise en file, avec un délai
    DBTaskResult.objects.filter(pk=row.pk).update(run_after=timezone.now())
    _run_batch()
    row.refresh_from_db()
    assert row.status == "SUCCESSFUL" and row.return_value == "fini"


@override_settings(TASKS=DB_TASKS, PAROLES_TASK_LOCK_RETRIES=2)
def test_lock_retries_are_bounded(tmp_path):
    from tests.task_probes import locked_first_time

    result = locked_first_time.enqueue(str(tmp_path / "marque"))
    (tmp_path / "marque").unlink(missing_ok=True)
    for _ in range(3):
        (tmp_path / "marque").unlink(missing_ok=True)  # verrouillée à chaque essai
        DBTaskResult.objects.filter(pk=result.id).update(run_after=timezone.now())
        _run_batch()
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == "FAILED" and "database is locked" in row.traceback
