#!/usr/bin/env bash
# The seed's migration command, a thin wrapper over manage.py:
#   scripts/run_migrations.sh up                    apply every pending migration
#   scripts/run_migrations.sh status                list migrations and whether they are applied
#   scripts/run_migrations.sh down APP MIGRATION    migrate APP back to MIGRATION (e.g. courses 0001)
set -euo pipefail
cd "$(dirname "$0")/.."
python="${PYTHON:-$( [ -x .venv/bin/python ] && echo .venv/bin/python || echo python )}"
case "${1:-}" in
  up) exec "$python" manage.py migrate --no-input ;;
  status) exec "$python" manage.py showmigrations ;;
  down)
    [ $# -eq 3 ] || { echo "usage: $0 down APP MIGRATION" >&2; exit 2; }
    exec "$python" manage.py migrate "$2" "$3" --no-input ;;
  *) echo "usage: $0 up | status | down APP MIGRATION" >&2; exit 2 ;;
esac
