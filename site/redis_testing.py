"""Un vrai `redis-server` (paquet Debian) pour les tests du cache des pages sur Redis.

`redis_server` (fixture de session) lance `redis-server` sans disque ni configuration sur le loopback, au port
`PAROLES_TEST_REDIS_PORT` (sinon un port libre), attend qu'il réponde, donne son URL et l'arrête à la fin.
Binaire absent : le test est sauté avec la raison, sauf en CI (`CI=true`), où il échoue.
"""

import os
import shutil
import socket
import subprocess
import time

import pytest


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _in_ci():
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def redis_binary():
    binary = shutil.which("redis-server")
    if binary:
        return binary
    reason = "redis-server absent (paquet Debian redis-server : apt-get install -y redis-server)"
    if _in_ci():
        pytest.fail(f"{reason} : la CI doit l'installer (.ci/run)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    """L'URL d'un redis-server neuf, propre à la session de tests."""
    pytest.importorskip("redis", reason="client redis absent : pip install -e '.[test]'")
    binary = redis_binary()
    port = int(os.environ.get("PAROLES_TEST_REDIS_PORT") or _free_port())
    workdir = tmp_path_factory.mktemp("redis")
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(workdir), "--protected-mode", "yes"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    import redis

    client = redis.Redis(host="127.0.0.1", port=port, socket_timeout=1)
    deadline = time.monotonic() + 20
    try:
        while True:
            try:
                if client.ping():
                    break
            except redis.exceptions.ConnectionError:
                pass
            if proc.poll() is not None:
                raise AssertionError(f"redis-server s'est arrêté : {proc.stdout.read()[-2000:]}")
            if time.monotonic() > deadline:
                raise AssertionError("redis-server ne répond pas après 20 s")
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        client.close()
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
