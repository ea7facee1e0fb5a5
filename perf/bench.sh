#!/usr/bin/env bash
# make bench: 200,000 generated partnerships in the local PostgreSQL (kept between runs),
# gunicorn as in production, measured from outside by perf/bench.py. The server is started
# twice on the same database: first with the whole-page cache off (every page is built),
# then with it on and empty; the bitmaps' memory is measured in a process of its own
# (perf/bitmap_memory.py) once both servers are gone. perf/bench.py --report prints both
# columns beside the targets and writes perf/results.json.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${PARTNERSHIPS:-200000}
DB=twinning_bench
PORT=${BENCH_PORT:-8092}  # not 8002, the port make overload uses by default
export QUERY_COUNT_HEADER=true
# The overload guard (common/overload.py) would answer most of the benchmark's filtered
# pages with 429 (30 a minute per address) and, under 16 connections, some with 503:
# the benchmark measures what a page costs, not the guard (make overload does).
export EXPENSIVE_RATE=off EXPENSIVE_CONCURRENCY=0
# Each run's figures are kept (the report can be printed again from them).
work=${BENCH_WORK:-${TMPDIR:-/tmp}/twinning-bench}
mkdir -p "$work"
pid=""
redis_pid=""
stop_server() {
  if [ -n "$pid" ]; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    pid=""
  fi
}
trap 'stop_server; [ -n "$redis_pid" ] && kill "$redis_pid" 2>/dev/null' EXIT
# Several gunicorn workers share one cache in production (Redis). When redis-server is
# installed, the benchmark starts a private one, emptied before each server; otherwise each
# worker keeps its own local-memory cache and cached figures are lower.
if [ -z "${REDIS_URL:-}" ] && command -v redis-server >/dev/null; then
  redis-server --port 6392 --save "" --appendonly no --daemonize yes \
    --pidfile "$PWD/.perf-redis.pid" --logfile "$PWD/.perf-redis.log"
  for _ in $(seq 50); do [ -s .perf-redis.pid ] && break; sleep 0.1; done
  redis_pid=$(cat .perf-redis.pid)
  export REDIS_URL=redis://127.0.0.1:6392/0
fi
flush() { if [ -n "$redis_pid" ]; then redis-cli -p 6392 flushall >/dev/null; fi; }
echo "Cache: ${REDIS_URL:-local memory per worker}"
flush
pid=$(PUBLIC_PAGE_CACHE=false perf/serve.sh "$DB" "$N" "$PORT")
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB" SECRET_KEY=perf-only-not-secret DEBUG=false
PASSWORD=bench-only-$RANDOM$RANDOM
read -r city partnership < <(.venv/bin/python manage.py shell --no-imports -v 0 -c "
import random
from django.contrib.auth.models import Group, User
from django.db.models import Count
from agreements.models import Partnership
from cities.models import City
user, _ = User.objects.get_or_create(username='bench', defaults={'is_staff': True})
user.set_password('$PASSWORD'); user.is_staff = True; user.save()
user.groups.add(Group.objects.get(name='Curators'))
from collections import Counter
published = Partnership.objects.published()
partners = Counter()
for side in ('city_a', 'city_b'):
    for city_id, n in published.values_list(side).annotate(n=Count('pk')).order_by():
        partners[city_id] += n
ranked = partners.most_common()
# City pages: cities with partners, drawn at random (seeded) but weighted by nothing.
sample = random.Random(7).sample([pk for pk, _ in ranked[1:]], 200)
with open('$work/cities.txt', 'w') as out:
    out.write('\n'.join(City.objects.filter(pk__in=sample).values_list('slug', flat=True)))
city = City.objects.get(pk=ranked[0][0])
print(city.slug, published.order_by('?').values_list('slug', flat=True)[0])
")
echo "Most connected city: $city; $(nproc) cores; $(grep MemTotal /proc/meminfo)"
# The admin changelist for comparison (ADMIN_URLS=50: 50 URLs of each of three kinds, about
# 3 minutes). The "SIGTERM of unknown origin" that stopped the server after the admin login
# was this script's own exit trap: perf/bench.py had failed on a keep-alive connection that
# gunicorn closed while it was idle (it now retries on a new one).
bench() {
  .venv/bin/python perf/bench.py --mode "$1" --base-url "http://127.0.0.1:$PORT" \
    --city "$city" --cities-file "$work/cities.txt" --partnership "$partnership" \
    --user bench --password "$PASSWORD" --gunicorn-pid "$pid" \
    --combinations "${COMBINATIONS:-200}" --admin-urls "${ADMIN_URLS:-50}" --out "$work/$1.json"
}
echo "Page cache off:"
bench uncached
stop_server
flush
echo "Page cache on (empty at the start):"
pid=$(PUBLIC_PAGE_CACHE=true perf/serve.sh "$DB" "$N" "$PORT")
bench cached
stop_server
rm -f "$work/memory.json"
STATIC_ROOT=.perf-static .venv/bin/python perf/bitmap_memory.py --json "$work/memory.json" \
  || echo "bitmap memory not measured" >&2
.venv/bin/python perf/bench.py --report "$work/uncached.json" "$work/cached.json" \
  "$work/memory.json" --json perf/results.json
