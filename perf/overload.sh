#!/usr/bin/env bash
# make overload: gunicorn as in production (gunicorn.conf.py) on the local PostgreSQL with the
# German twin-town list, six clients sending cache-busting requests to the heaviest pages for
# DURATION seconds, and /robots.txt timed meanwhile (perf/overload.py). Traffic to 127.0.0.1 only.
#   perf/overload.sh            — EXPENSIVE_CONCURRENCY=0 EXPENSIVE_RATE=off perf/overload.sh: no limits
set -euo pipefail
cd "$(dirname "$0")/.."
DB=${DB:-twinning_overload}
PORT=${PORT:-8002}
DATA=${DATA:-data/twintowns-de/TwinTowns_clean.csv}
BIN=.venv/bin
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB"
export SECRET_KEY=perf-only-not-secret DEBUG=false ALLOWED_HOSTS=127.0.0.1,localhost
export SECURE_SSL_REDIRECT=false SECURE_COOKIES=false STATIC_ROOT=.perf-static LOG_LEVEL=WARNING
export PORT WEB_CONCURRENCY=${WEB_CONCURRENCY:-3}
psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1 \
  || createdb -h 127.0.0.1 -U postgres "$DB"
$BIN/python manage.py migrate --noinput -v0
have=$($BIN/python manage.py shell --no-imports -v 0 -c "from agreements.models import Partnership; print(Partnership.objects.count())")
if [ "$have" -lt 1000 ]; then
  $BIN/python manage.py loaddata fixtures/seed.json -v0
  $BIN/python manage.py import_cities >/dev/null
  report=$(mktemp -d)/report.csv
  $BIN/python manage.py import_partnerships "$DATA" --profile twintowns-de --publish --report "$report" >/dev/null
  psql -h 127.0.0.1 -U postgres -d "$DB" -qc "VACUUM ANALYZE"
fi
$BIN/python manage.py collectstatic --noinput -v0
$BIN/gunicorn --config gunicorn.conf.py --bind "127.0.0.1:$PORT" --daemon \
  --pid ".perf-gunicorn-$PORT.pid" --access-logfile /dev/null --error-logfile ".perf-gunicorn-$PORT.log" \
  twinning.wsgi:application
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/health/" >/dev/null && break; sleep 0.2; done
pid=$(cat ".perf-gunicorn-$PORT.pid")
trap 'kill "$pid" 2>/dev/null || true' EXIT
$BIN/python perf/overload.py --base-url "http://127.0.0.1:$PORT" --duration "${DURATION:-20}" --attackers "${ATTACKERS:-6}"
