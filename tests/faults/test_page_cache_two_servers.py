"""Deux serveurs web (deux gunicorn, deux processus, même base) partagent le cache des pages sur un vrai
redis-server (PAROLES_REDIS_URL) : un retrait enregistré par le formulaire de l'administration sur l'un vaut dès
la requête suivante sur l'autre, qui servait la page depuis le cache une seconde plus tôt."""

import http.client
import re
from urllib.parse import urlencode

import pytest

from paroles.redis_testing import redis_server  # noqa: F401 (fixture)

from .conftest import free_port, wait_for

pytestmark = [pytest.mark.slow]

SETUP = """
from django.conf import settings
from django.test import Client
from django.urls import reverse

from consent.testing import CONSENT_OFFICER, grant, publish, user_with_role
from media_library.models import Project
from media_library.tests.factories import WorkFactory

project = Project.objects.create(name="Deux serveurs")
work = WorkFactory(project=project, title_fr="Capsule deuxserveurs")
record = grant(work)
publish(work)
officer = user_with_role("responsable.deux", CONSENT_OFFICER)
client = Client()
client.force_login(officer)
result = {"work": work.get_absolute_url(), "withdraw": reverse("consent_withdraw", args=[record.participant.pk]),
          "session": f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"}
"""


def request(port, method, path, cookie="", body=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Cookie": cookie} if cookie else {}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["Referer"] = f"http://127.0.0.1:{port}{path}"
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, response.msg, data.decode("utf-8", "replace")


def _up(port):
    try:
        return request(port, "GET", "/archives/")[0] == 200
    except OSError:
        return False


def test_a_withdrawal_through_one_server_is_effective_on_the_next_request_to_the_other(site, redis_server):  # noqa: F811
    import redis

    redis.Redis.from_url(redis_server).flushdb()
    instance = site(PAROLES_REDIS_URL=redis_server, PAROLES_PAGE_CACHE="1", DJANGO_ALLOWED_HOSTS="*")
    urls = instance.py(SETUP)
    ports = free_port(), free_port()
    for port in ports:
        instance.start("-m", "gunicorn", "paroles.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "1",
                       "--worker-class", "gthread", "--threads", "2")
    for port in ports:
        wait_for(lambda port=port: _up(port), 120, f"gunicorn répond sur {port}")
    one, other = ports

    for path in ("/archives/", urls["work"]):
        request(other, "GET", path)
        status, headers, body = request(other, "GET", path)
        assert status == 200 and headers["X-Paroles-Cache"] == "HIT" and "deuxserveurs" in body, path
    # Le premier serveur lit la même entrée (rendue par l'autre processus) : le cache est partagé.
    status, headers, _body = request(one, "GET", "/archives/")
    assert status == 200 and headers["X-Paroles-Cache"] == "HIT"

    # Le retrait, par le formulaire de l'administration, sur le premier serveur.
    status, headers, form = request(one, "GET", urls["withdraw"], urls["session"])
    assert status == 200, form[-2000:]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    csrf_cookie = re.search(r"csrftoken=([^;]+)", headers.get("Set-Cookie", "")).group(1)
    cookie = f"{urls['session']}; csrftoken={csrf_cookie}"
    body = urlencode({"csrfmiddlewaretoken": token, "effective_on": instance.py(
        "from django.utils import timezone\nresult = timezone.localdate().isoformat()"), "reason": "essai"})
    status, headers, page = request(one, "POST", urls["withdraw"], cookie, body)
    assert status == 302, page[-2000:]

    # La requête suivante à l'autre serveur : plus la page gardée, plus l'œuvre.
    status, headers, body = request(other, "GET", "/archives/")
    assert status == 200 and headers["X-Paroles-Cache"] == "MISS"
    assert "deuxserveurs" not in body
    status, headers, _body = request(other, "GET", urls["work"])
    assert status == 404
