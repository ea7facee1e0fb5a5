"""gunicorn as in production (Dockerfile, perf/overload.sh): read from the working directory.

gthread workers: each process runs ``GUNICORN_THREADS`` requests at once. At most
``EXPENSIVE_CONCURRENCY`` of them (one) may be an expensive page (common/overload.py), so
the other threads of every worker stay free for /robots.txt, /health/ and cached pages,
whatever a few visitors ask for. With sync workers, three slow requests held all three.
"""

import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# A request may take this long before its worker is restarted (a download of every record
# takes several seconds).
timeout = 60
graceful_timeout = 30
keepalive = 5
accesslog = "-"


def post_worker_init(worker: object) -> None:
    """Each new worker reads its bitmaps and derived sets in the background before its first
    visitor asks (publishing.bitmaps.warm); meanwhile it answers from the database."""
    from publishing.bitmaps import warm

    warm()
