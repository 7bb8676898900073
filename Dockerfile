FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY crm crm
COPY tenants tenants
COPY customfields customfields
COPY customers customers
COPY sales sales
COPY activity activity
COPY mapview mapview
RUN pip install --no-cache-dir .
COPY . .
# The translations: .po -> .mo with Babel (the .mo files are not in the repository).
RUN python -m crm.lib.i18n
RUN DEBUG=0 SECRET_KEY=collectstatic-only DATABASE_URL=postgres://x@localhost/x python manage.py collectstatic --noinput -v 0
# Build the offline gazetteer (from installed package data, no network) into the image.
RUN DEBUG=0 SECRET_KEY=build-only DATABASE_URL=postgres://x@localhost/x GEOCODER_CACHE_DIR=/app/.data/gazetteer \
    python -c "import django; django.setup(); from mapview.geocoding.offline import gazetteer; gazetteer()"
ENV GEOCODER_CACHE_DIR=/app/.data/gazetteer
EXPOSE 8000
CMD ["gunicorn", "crm.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
