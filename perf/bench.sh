#!/usr/bin/env bash
# make bench: 200,000 generated partnerships in the local PostgreSQL (kept between runs),
# gunicorn as in production, measured from outside by perf/bench.py.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${PARTNERSHIPS:-200000}
DB=twinning_bench
export QUERY_COUNT_HEADER=true
# Several gunicorn workers share one cache in production (Redis). When redis-server is
# installed, the benchmark starts a private, empty one; otherwise each worker keeps its own
# local-memory cache and cached figures are lower.
redis_pid=""
if [ -z "${REDIS_URL:-}" ] && command -v redis-server >/dev/null; then
  redis-server --port 6392 --save "" --appendonly no --daemonize yes \
    --pidfile "$PWD/.perf-redis.pid" --logfile "$PWD/.perf-redis.log"
  for _ in $(seq 50); do [ -s .perf-redis.pid ] && break; sleep 0.1; done
  redis_pid=$(cat .perf-redis.pid)
  export REDIS_URL=redis://127.0.0.1:6392/0
fi
echo "Cache: ${REDIS_URL:-local memory per worker}"
pid=$(perf/serve.sh "$DB" "$N" 8002)
trap 'kill "$pid" $redis_pid 2>/dev/null || true' EXIT
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB" SECRET_KEY=perf-only-not-secret DEBUG=false
PASSWORD=bench-only-$RANDOM$RANDOM
read -r city partnership < <(.venv/bin/python manage.py shell --no-imports -v 0 -c "
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
city = City.objects.get(pk=partners.most_common(1)[0][0])
print(city.slug, published.order_by('?').values_list('slug', flat=True)[0])
")
echo "Most connected city: $city; $(nproc) cores; $(grep MemTotal /proc/meminfo)"
.venv/bin/python perf/bench.py --base-url http://127.0.0.1:8002 --city "$city" \
  --partnership "$partnership" --user bench --password "$PASSWORD" --gunicorn-pid "$pid" \
  --combinations "${COMBINATIONS:-200}" --json perf/results.json
