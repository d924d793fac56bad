"""Application WSGI nue : la référence du banc `bench/pages.py` (même gunicorn, même générateur)."""

BODY = b"<!DOCTYPE html><html lang=fr><title>ok</title><p>bonjour</p></html>"


def application(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(BODY)))])
    return [BODY]
