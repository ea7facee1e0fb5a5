# syntax=docker/dockerfile:1
# Build: install locked dependencies into a virtualenv, collect static files.
FROM python:3.11-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
WORKDIR /app
RUN python -m venv /venv
COPY requirements.lock .
RUN /venv/bin/pip install --no-cache-dir --require-hashes -r requirements.lock
COPY . .
RUN SECRET_KEY=collectstatic-only /venv/bin/python manage.py collectstatic --noinput

# Run: the virtualenv and the code, as an unprivileged user.
FROM python:3.11-slim
ENV PATH=/venv/bin:$PATH PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PORT=8000
RUN useradd --system --uid 10001 --home /app twinning
WORKDIR /app
COPY --from=build /venv /venv
COPY --from=build --chown=twinning:twinning /app /app
USER twinning
EXPOSE 8000
# Migrations are a separate step of a release, never run by the web process:
#   docker run --rm -e DATABASE_URL=... -e SECRET_KEY=... twinning python manage.py migrate
# gunicorn.conf.py: gthread workers (WEB_CONCURRENCY processes, GUNICORN_THREADS threads each)
# on ${PORT}, so that a few expensive requests never hold every worker.
CMD ["gunicorn", "--config", "gunicorn.conf.py", "twinning.wsgi:application"]
