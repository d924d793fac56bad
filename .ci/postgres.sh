#!/usr/bin/env bash
# Démarre un PostgreSQL local (paquets Debian) et relance la suite dessus.
set -euo pipefail
cd "$(dirname "$0")/.."
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
PGDATA=$(mktemp -d /tmp/paroles-pg.XXXXXX)
chown postgres "$PGDATA"
runuser -u postgres -- "$PGBIN/initdb" -D "$PGDATA" -A trust -U postgres >/dev/null
runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" -o "-p 55432 -k /tmp -c listen_addresses=127.0.0.1" -w start >/dev/null
trap 'runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" -m fast stop >/dev/null || true' EXIT
export DATABASE_URL="postgres://postgres@127.0.0.1:55432/paroles"
.venv/bin/python -m pytest -q -p no:cacheprovider -m "not browser and not whisper"
