#!/usr/bin/env bash
# Start one process of the deployment: web, worker or beat. Runs under the New Relic agent
# when NEW_RELIC_LICENSE_KEY is set, otherwise exactly as is.
set -euo pipefail
role="${1:?usage: scripts/start.sh web|worker|beat}"
case "$role" in
  web) cmd=(gunicorn bds.wsgi) ;;  # settings in gunicorn.conf.py (PORT, WEB_CONCURRENCY, WEB_THREADS)
  worker) cmd=(celery -A bds worker --loglevel=INFO --concurrency "${WORKER_CONCURRENCY:-2}") ;;
  beat) cmd=(celery -A bds beat --loglevel=INFO) ;;
  *) echo "unknown role: $role" >&2; exit 2 ;;
esac
if [ -n "${NEW_RELIC_LICENSE_KEY:-}" ]; then
  export NEW_RELIC_APP_NAME="${NEW_RELIC_APP_NAME:-Boston Drone School ($role)}"
  exec newrelic-admin run-program "${cmd[@]}"
fi
exec "${cmd[@]}"
