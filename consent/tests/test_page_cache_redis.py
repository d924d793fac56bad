"""Les tests du cache des pages (test_page_cache, dont « un retrait vaut dès la requête suivante ») une seconde
fois, le cache `pages` sur un vrai `redis-server` (RedisCache de Django, comme avec PAROLES_REDIS_URL).

Sans le binaire : sautés, avec la raison ; en CI (`CI=true`) : échec (.ci/run installe redis-server).
"""

import pytest
from django.test import Client, override_settings

from consent.testing import grant
from media_library.tests.factories import WorkFactory
from paroles.redis_testing import redis_server  # noqa: F401 (fixture)

from .test_page_cache import *  # noqa: F401,F403 (les mêmes tests, recueillis ici une seconde fois)

pytestmark = [pytest.mark.django_db]


@pytest.fixture(autouse=True)
def pages_on_redis(redis_server):  # noqa: F811
    import redis

    client = redis.Redis.from_url(redis_server)
    client.flushdb()
    caches = {**base_caches(), "pages": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                         "LOCATION": redis_server, "KEY_PREFIX": "paroles", "TIMEOUT": 600}}
    with override_settings(CACHES=caches):
        yield client
    client.flushdb()
    client.close()


def base_caches():
    from django.conf import settings

    return {name: dict(conf) for name, conf in settings.CACHES.items()}


def test_entries_and_epoch_live_in_redis(pages_on_redis, project):
    """Pas un cache du processus : l'époque et la page gardée sont des clés du serveur Redis."""
    from consent import epoch

    work = WorkFactory(project=project, title_fr="Capsule jetonredis1")
    grant(work)
    client = Client()
    assert client.get("/archives/")["X-Paroles-Cache"] == "MISS"
    assert client.get("/archives/")["X-Paroles-Cache"] == "HIT"
    keys = {k.decode() for k in pages_on_redis.keys("*")}
    assert f"paroles:1:{epoch.KEY}" in keys
    assert any(k.startswith("paroles:1:paroles:page:w:") for k in keys), keys
    pages_on_redis.flushdb()  # le serveur vidé : plus rien à servir
    assert client.get("/archives/")["X-Paroles-Cache"] == "MISS"

