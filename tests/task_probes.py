"""Tâches-sondes pour les tests de la file (importées par les travailleurs lancés en sous-processus)."""

import os
import time
from pathlib import Path

from django_tasks import task


@task()
def record_run(log_path, index, sleep=0.0):
    """Note « index pid » dans un journal (ajout atomique O_APPEND), après une courte attente."""
    time.sleep(sleep)
    fd = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, f"{index} {os.getpid()}\n".encode())
    finally:
        os.close(fd)
    return index


@task()
def slow_first_time(marker_path, log_path):
    """Premier passage : marque le début puis dort longtemps (le test tue le travailleur). Ensuite : finit vite."""
    marker = Path(marker_path)
    if not marker.exists():
        marker.write_text(str(os.getpid()))
        time.sleep(120)
    with open(log_path, "a") as fh:
        fh.write(f"done {os.getpid()}\n")
    return "fini"


@task()
def locked_first_time(marker_path):
    """Premier passage : la base est « verrouillée » (comme SQLite sous charge). Ensuite : réussit."""
    from django.db import OperationalError

    marker = Path(marker_path)
    if not marker.exists():
        marker.write_text("verrou")
        raise OperationalError("database is locked")
    return "fini"
