"""Gunicorn pour Paroles (modèle) : `gunicorn -c deploy/gunicorn/gunicorn.conf.py paroles.wsgi`."""

import multiprocessing
import os

bind = os.environ.get("PAROLES_BIND", "127.0.0.1:8000")
# 2 × cœurs + 1, plafonné : les téléversements longs occupent un processus chacun.
workers = int(os.environ.get("PAROLES_WEB_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 9)))
threads = int(os.environ.get("PAROLES_WEB_THREADS", 2))
worker_class = "gthread"
timeout = int(os.environ.get("PAROLES_WEB_TIMEOUT", 300))  # téléversements de plusieurs Go
graceful_timeout = 30
keepalive = 5
max_requests = 2000
max_requests_jitter = 200
forwarded_allow_ips = os.environ.get("PAROLES_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
capture_output = True
limit_request_line = 8190
