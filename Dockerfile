FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY crm crm
COPY tenants tenants
COPY customers customers
COPY sales sales
COPY activity activity
COPY mapview mapview
RUN pip install --no-cache-dir .
COPY . .
RUN DEBUG=0 SECRET_KEY=collectstatic-only DATABASE_URL=postgres://x@localhost/x python manage.py collectstatic --noinput -v 0
EXPOSE 8000
CMD ["gunicorn", "crm.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
