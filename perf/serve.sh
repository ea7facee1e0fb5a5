#!/usr/bin/env bash
# Serve Twinning as in production (gunicorn, production settings) on the local PostgreSQL,
# with the seed, the gazetteer and N generated partnerships (reused when already there).
#   perf/serve.sh DBNAME N PORT   — prints the gunicorn PID; stop it with kill.
set -euo pipefail
cd "$(dirname "$0")/.."
DB=${1:-twinning_load}
PARTNERSHIPS=${2:-20000}
PORT=${3:-8001}
BIN=.venv/bin
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB"
export SECRET_KEY=perf-only-not-secret DEBUG=false ALLOWED_HOSTS=127.0.0.1,localhost
export SECURE_SSL_REDIRECT=false SECURE_COOKIES=false STATIC_ROOT=.perf-static
export API_ANON_RATE=1000000/min LOG_LEVEL=WARNING
psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1 \
  || createdb -h 127.0.0.1 -U postgres "$DB"
$BIN/python manage.py migrate --noinput -v0
have=$($BIN/python manage.py shell --no-imports -v 0 -c "from cities.models import Source; from agreements.models import Partnership; print(Partnership.objects.filter(citations__source__title='Generated demonstration data').count())")
if [ "$have" -lt "$PARTNERSHIPS" ]; then
  $BIN/python manage.py loaddata fixtures/seed.json -v0
  $BIN/python manage.py import_cities >/dev/null
  $BIN/python manage.py generate_demo --partnerships $((PARTNERSHIPS - have)) --seed 1 >&2
  psql -h 127.0.0.1 -U postgres -d "$DB" -qc "VACUUM ANALYZE" >&2
fi
$BIN/python manage.py collectstatic --noinput -v0
# No control socket: gunicorn's default one (~/.gunicorn/gunicorn.ctl) is one path for every
# gunicorn of the user, so a command meant for another instance could reach this one (a
# benchmark server was stopped mid-run by a signal from elsewhere once; only its PID stops it now).
$BIN/gunicorn twinning.wsgi:application --bind "127.0.0.1:$PORT" --no-control-socket \
  --workers "${WEB_CONCURRENCY:-5}" --daemon --pid ".perf-gunicorn-$PORT.pid" \
  --access-logfile /dev/null --error-logfile ".perf-gunicorn-$PORT.log"
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/health/" >/dev/null && break; sleep 0.2; done
cat ".perf-gunicorn-$PORT.pid"
