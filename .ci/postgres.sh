#!/usr/bin/env bash
# Démarre un PostgreSQL jetable (paquets Debian) sur 127.0.0.1:55432 (ou $PAROLES_PG_PORT) et relance la suite dessus
# (sans les tests navigateur ni Whisper, déjà passés sur SQLite), y compris les tests @postgres
# (deux travailleurs de tâches concurrents, travailleur tué).
set -euo pipefail
cd "$(dirname "$0")/.."
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
PGDATA=$(mktemp -d /tmp/paroles-pg.XXXXXX)
PGSOCK=$(mktemp -d /tmp/paroles-pgsock.XXXXXX)
as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
if [ "$(id -u)" = 0 ]; then chown postgres "$PGDATA" "$PGSOCK"; fi
as_postgres "$PGBIN/initdb" -D "$PGDATA" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >/dev/null
# Réglages de vitesse pour une base jetable (jamais en production).
as_postgres "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" \
  -o "-p ${PAROLES_PG_PORT:-55432} -k $PGSOCK -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100" \
  -w start >/dev/null
trap 'as_postgres "$PGBIN/pg_ctl" -D "$PGDATA" -m fast stop >/dev/null 2>&1 || true; rm -rf "$PGDATA" "$PGSOCK"' EXIT
export DATABASE_URL="postgres://postgres@127.0.0.1:${PAROLES_PG_PORT:-55432}/paroles"
# tests/faults/test_postgres_restart.py redémarre cette grappe (pg_ctl restart) au milieu d'un travail.
export PAROLES_PG_DATA="$PGDATA" PAROLES_PG_BIN="$PGBIN"
# pytest-django crée et détruit test_paroles ; la base « paroles » sert de base de connexion.
as_postgres "$PGBIN/createdb" -h 127.0.0.1 -p ${PAROLES_PG_PORT:-55432} -U postgres paroles
# La suite de pannes (-m faults) a tourné sur SQLite ; ici seulement ses cas propres à PostgreSQL.
.venv/bin/python -m pytest -q -p no:cacheprovider --durations=10 -m "not browser and not whisper and (not faults or postgres)" "$@"
