#!/bin/sh
# The container's entry point: bring the database to the code's schema and load the
# catalogue (`credentials init`, idempotent), then replace this shell with the production
# server, so it gets the signals (SIGTERM stops gunicorn gracefully).
#
# With arguments it runs those instead, without init, e.g.
#   docker compose run --rm credentials credentials org add kringloop-x --name "Kringloop X"
set -eu

if [ "$#" -gt 0 ]; then
    exec "$@"
fi

credentials init
exec credentials serve --production --host 0.0.0.0 --workers "${WORKERS:-2}"
