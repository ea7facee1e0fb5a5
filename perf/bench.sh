#!/usr/bin/env bash
# make bench: 200,000 generated partnerships in the local PostgreSQL (kept between runs),
# gunicorn as in production, measured from outside by perf/bench.py.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${PARTNERSHIPS:-200000}
DB=twinning_bench
export QUERY_COUNT_HEADER=true
pid=$(perf/serve.sh "$DB" "$N" 8002)
trap 'kill "$pid" 2>/dev/null || true' EXIT
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
published = Partnership.objects.published()
busiest = max(
    list(published.values('city_a').annotate(n=Count('pk')).order_by('-n')[:1])
    + list(published.values('city_b').annotate(n=Count('pk')).order_by('-n')[:1]),
    key=lambda row: row['n'],
)
city = City.objects.get(pk=busiest.get('city_a') or busiest.get('city_b'))
print(city.slug, published.order_by('?').values_list('slug', flat=True)[0])
")
echo "Most connected city: $city; $(nproc) cores; $(grep MemTotal /proc/meminfo)"
.venv/bin/python perf/bench.py --base-url http://127.0.0.1:8002 --city "$city" \
  --partnership "$partnership" --user bench --password "$PASSWORD" --gunicorn-pid "$pid" \
  --combinations "${COMBINATIONS:-200}" --json perf/results.json
