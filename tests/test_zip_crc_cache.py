"""Le CRC des fichiers du zip de la boîte à outils est gardé dans le cache partagé, en base : un autre
processus (un autre worker gunicorn, ou le même après redémarrage) le relit sans relire le fichier."""

import zlib

import pytest
from django.core.cache import caches
from django.db import connection

from exhibitions.zipstream import ZipEntry, crc_cache

pytestmark = pytest.mark.django_db


def test_crc_is_stored_in_the_database_cache_shared_by_all_processes(settings):
    from paroles.settings.base import CACHES

    settings.CACHES = {**settings.CACHES, "shared": CACHES["shared"]}  # la configuration de production
    data = "ne bɛ ji ta".encode() * 1000
    assert crc_cache() is caches["shared"]
    assert ZipEntry("a.txt", len(data), data=data, cache_key="cle-a").compute_crc() == zlib.crc32(data)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM paroles_cache")
        assert cursor.fetchone()[0] == 1  # en base, pas dans la mémoire de ce processus
    caches["default"].clear()

    def never_read():
        raise AssertionError("le fichier ne doit pas être relu : son CRC est en cache")

    again = ZipEntry("a.txt", len(data), opener=never_read, cache_key="cle-a")
    assert again.compute_crc() == zlib.crc32(data)
