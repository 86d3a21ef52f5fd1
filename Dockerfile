# The portal's image: web, worker and beat all run from it (see docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 MALLOC_ARENA_MAX=2
# WeasyPrint needs Pango; PDFs need fonts for Latin, Cyrillic and Chinese; gettext compiles translations.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core fonts-noto-cjk gettext \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt requirements.lock ./
RUN pip install -r requirements.txt -c requirements.lock
COPY . .
RUN DEBUG=False SECRET_KEY=build-only python manage.py compilemessages -v 0 \
 && DEBUG=False SECRET_KEY=build-only python manage.py collectstatic --noinput -v 0

RUN useradd --create-home portal && mkdir -p /app/media /app/var && chown -R portal /app/media /app/var
USER portal
EXPOSE 8000
# One ASGI application: the pages over HTTP and the live chat over WebSockets (portal/asgi.py).
CMD ["gunicorn", "portal.asgi:application", "-k", "uvicorn_worker.UvicornWorker", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
