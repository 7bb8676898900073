"""Fault drills against real services: `make check-faults` (bin/check-faults runs this).

Everything runs against services the drill starts and owns, so nothing shared is touched:

* a throwaway PostgreSQL cluster (initdb in a temporary directory, port 5440 by default),
* its own Redis (port 6390 by default, no persistence),
* gunicorn with DEBUG=0 (port 8307) and real Celery workers, all pointed at those two.

Drills (each prints PASS/FAIL lines saying what was checked; the exit status is 1 on any FAIL):

redis     Redis stopped: pages answer 200, saves work (customer, project move, activity, CSV import
          request), /healthz says degraded; Redis back: the beat sweep geocodes what was not queued.
worker    A CSV import is running on a real worker; the worker is SIGKILLed in the middle of
          writing; a new worker picks the task up again and the import ends done, without
          duplicates.
postgres  PostgreSQL restarted under a running gunicorn: the next requests succeed without
          restarting the app.

Usage: bench/faults.py [--drills redis,worker,postgres] [--rows 20000] [--keep]
"""

from __future__ import annotations

import argparse
import glob
import http.client
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
SCHEMA, DOMAIN = "faults", "faults.localhost"
ADMIN, PASSWORD = "admin@faults.test", "crm-faults-drill-2026"  # noqa: S105 - a throwaway tenant
WORKER_VISIBILITY_TIMEOUT = 10  # seconds; see worker_main()

RESULTS: list[tuple[str, bool, str]] = []


def check(name: str, ok: bool, detail: str = "") -> bool:
    RESULTS.append((name, ok, detail))
    print(f"{'PASS' if ok else 'FAIL'}  {name}" + (f"  ({detail})" if detail else ""), flush=True)
    return ok


def say(text: str) -> None:
    print(f"..    {text}", flush=True)


def wait_until(predicate, timeout: float, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)


# --- services the drill owns ---------------------------------------------------------------------


def _pg_bindir() -> Path:
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(p.split("/")[4])
    )
    if found:
        return Path(found[-1]).parent
    import pgserver  # the embedded PostgreSQL's own binaries

    return Path(pgserver.__file__).parent / "pginstall" / "bin"


class Postgres:
    """A throwaway cluster in ``base``; runs as the postgres user when we are root (initdb refuses
    root)."""

    def __init__(self, base: Path, port: int):
        self.bin, self.port = _pg_bindir(), port
        self.data, self.sock, self.log = base / "pg", base / "pgsock", base / "pg.log"
        self.as_root = os.geteuid() == 0

    def _run(self, *args: str) -> None:
        cmd = [str(self.bin / args[0]), *args[1:]]
        if self.as_root:
            cmd = [shutil.which("runuser") or "/usr/sbin/runuser", "-u", "postgres", "--", *cmd]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)  # noqa: S603

    def init(self) -> None:
        for path in (self.data, self.sock):
            path.mkdir()
        self.log.touch()
        if self.as_root:
            for path in (self.data, self.sock, self.log):
                shutil.chown(path, "postgres", "postgres")
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync",
        )
        self.start()

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.sock} "
            "-c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
        )
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start")

    def restart(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "restart")

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        except subprocess.CalledProcessError:
            pass


REDIS_CLI = shutil.which("redis-cli") or "/usr/bin/redis-cli"


class Redis:
    def __init__(self, base: Path, port: int):
        self.port, self.pidfile = port, base / "redis.pid"

    def start(self) -> None:
        subprocess.run(  # noqa: S603
            [
                shutil.which("redis-server") or "/usr/bin/redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "yes",
                "--pidfile",
                str(self.pidfile),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        if not wait_until(self.up, 10):
            raise RuntimeError(f"redis-server did not start on port {self.port}")

    def up(self) -> bool:
        result = subprocess.run(  # noqa: S603 - our own redis-cli
            [REDIS_CLI, "-p", str(self.port), "ping"], capture_output=True, text=True
        )
        return result.stdout.strip() == "PONG"

    def stop(self) -> None:
        subprocess.run([REDIS_CLI, "-p", str(self.port), "shutdown", "nosave"], capture_output=True)  # noqa: S603
        wait_until(lambda: not self.up(), 10)


class Proc:
    """A child process in its own process group (so SIGKILL reaches its children too)."""

    def __init__(self, name: str, cmd: list[str], log: Path, env: dict):
        self.name, self.log = name, log
        self.out = open(log, "a")  # noqa: SIM115 - closed in stop()
        self.p = subprocess.Popen(  # noqa: S603 - our own commands
            cmd,
            cwd=ROOT,
            env=env,
            stdout=self.out,
            stderr=subprocess.STDOUT,  # noqa: S603
            start_new_session=True,
        )

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def kill(self, sig=signal.SIGKILL) -> None:
        try:
            os.killpg(self.p.pid, sig)
        except ProcessLookupError:
            pass

    def stop(self) -> None:
        if self.p.poll() is None:
            self.kill(signal.SIGTERM)
            try:
                self.p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
                self.p.wait(timeout=10)
        self.out.close()


def start_gunicorn(env: dict, port: int, log: Path) -> Proc:
    gunicorn = Proc(
        "gunicorn",
        [
            str(Path(PY).parent / "gunicorn"),
            "crm.wsgi:application",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "2",
            "--timeout",
            "60",
            "--graceful-timeout",
            "5",
        ],
        log,
        env,
    )
    if (
        not wait_until(lambda: _port_open(port) or gunicorn.p.poll() is not None, 60)
        or gunicorn.p.poll() is not None
    ):
        raise RuntimeError("gunicorn did not start:\n" + gunicorn.text()[-3000:])
    return gunicorn


def start_worker(env: dict, log: Path, name: str) -> Proc:
    cmd = [
        PY,
        "-c",
        f"import sys; sys.path.insert(0, {str(ROOT)!r}); from bench.faults import worker_main; "
        "worker_main()",
        "-n",
        f"{name}@%h",
    ]
    worker = Proc(name, cmd, log, env)
    if (
        not wait_until(lambda: " ready." in worker.text() or worker.p.poll() is not None, 90)
        or worker.p.poll() is not None
    ):
        raise RuntimeError(f"{name} did not start:\n" + worker.text()[-3000:])
    return worker


def worker_main() -> None:
    """A Celery worker of the app, with a short visibility timeout so that a message whose worker
    was killed is handed out again within seconds (in production: CELERY_BROKER_TRANSPORT_OPTIONS, 1
    hour)."""
    from crm.celery import app

    app.conf.broker_transport_options = {"visibility_timeout": WORKER_VISIBILITY_TIMEOUT}
    app.worker_main(
        [
            "worker",
            "-l",
            "info",
            "-c",
            "1",
            "-P",
            "prefork",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            *sys.argv[1:],
        ]
    )


def _port_open(port: int) -> bool:
    import socket

    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


# --- HTTP
# ----------------------------------------------------------------------------------------------


class Client:
    """A small HTTP client for 127.0.0.1 with the tenant's Host header, cookies and the CSRF
    token."""

    def __init__(self, port: int, host: str = DOMAIN):
        self.port, self.host, self.cookies = port, host, {}

    def request(self, method: str, path: str, data: dict | None = None, timeout: float = 60):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        headers = {
            "Host": self.host,
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        body = None
        if data is not None:
            body = urllib.parse.urlencode(
                {"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **data}, doseq=True
            )
            headers.update(
                {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Referer": f"http://{self.host}{path}",
                    "X-CSRFToken": self.cookies.get("csrftoken", ""),
                }
            )
        try:
            conn.request(method, path, body=body, headers=headers)
            resp = conn.getresponse()
            content = resp.read()
        finally:
            conn.close()
        for header, value in resp.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";")[0]
        return resp.status, resp.getheader("Location") or "", content

    def get(self, path: str):
        return self.request("GET", path)

    def post(self, path: str, data: dict):
        return self.request("POST", path, data)

    def login(self, email: str = ADMIN, password: str = PASSWORD) -> int:
        self.get("/login/")
        status, _, _ = self.post("/login/", {"email": email, "password": password})
        return status


def created_id(location: str, prefix: str) -> int | None:
    match = re.match(rf"^(?:https?://[^/]+)?{re.escape(prefix)}(\d+)/", location)
    return int(match.group(1)) if match else None


# --- the environment
# -------------------------------------------------------------------------------


def drill_env(base: Path, pg_port: int, redis_port: int) -> dict:
    env = {
        k: v for k, v in os.environ.items() if k not in ("TEST_DATABASE_NAME", "BENCH_INSTRUMENT")
    }
    env.update(
        {
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{pg_port}/crm_faults",
            "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
            "DEBUG": "0",
            "SECURE_SSL_REDIRECT": "0",
            "SECRET_KEY": "faults-drill-only-" + uuid.uuid4().hex * 2,
            "MEDIA_ROOT": str(base / "media"),
            "GEOCODER": "offline",
            "DB_CONN_MAX_AGE": "60",
            "PYTHONUNBUFFERED": "1",
            "LOG_LEVEL": "INFO",
        }
    )
    return env


def setup_database(customers: int) -> None:
    """Schemas, the public tenant and the drill tenant with seeded sample data."""
    import psycopg
    from django.core.management import call_command

    with psycopg.connect(
        os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres", autocommit=True
    ) as conn:
        conn.execute("CREATE DATABASE crm_faults")
    from tenants.services import tenant_ensure_public, tenant_provision

    started = time.monotonic()
    call_command("collectstatic", interactive=False, verbosity=0)  # DEBUG=0 serves the manifest
    call_command("migrate_schemas", executor="standard", verbosity=0)
    tenant_ensure_public(domain="localhost")
    tenant_provision(
        schema=SCHEMA,
        name="Faults GmbH",
        domain=DOMAIN,
        admin_email=ADMIN,
        admin_password=PASSWORD,
        lead_function_enabled=True,
    )
    call_command("seed_demo", schema=SCHEMA, customers=customers)
    say(
        f"database ready: tenant {SCHEMA} with {customers} customers "
        f"({time.monotonic() - started:.0f} s)"
    )


def _close_db() -> None:
    from django.db import connections

    connections.close_all()


# --- drill: Redis down ----------------------------------------------------------------------------


MAIN_PAGES = [
    "/",
    "/customers/",
    "/customers/?q=a&status=customer",
    "/customers/contacts/",
    "/sales/projects/board/",
    "/sales/projects/",
    "/sales/leads/",
    "/sales/groups/",
    "/activity/",
    "/map/",
    "/map/data/?bbox=5,45,17,56&zoom=6",
]


def _movable_project():
    """An open sales project and another open phase of its process it can move to."""
    from sales.models import Phase, Process, SalesProject

    for project in (
        SalesProject.objects.filter(
            phase__outcome=Phase.Outcome.OPEN,
            process__kind=Process.Kind.SALES,
            phase__parks=False,
            phase__locked=False,
        )
        .select_related("phase")
        .order_by("pk")[:50]
    ):
        target = (
            Phase.objects.filter(
                process_id=project.process_id, outcome=Phase.Outcome.OPEN, parks=False, locked=False
            )
            .exclude(pk=project.phase_id)
            .order_by("order")
            .first()
        )
        if target:
            return project, target
    raise RuntimeError("no movable project in the seeded tenant")


def drill_redis(ctx: dict) -> None:
    from django.utils import timezone
    from django_tenants.utils import schema_context

    from activity.models import Activity
    from crm.celery import app
    from crm.models import User
    from customers.models import Customer, ImportJob

    redis, port = ctx["redis"], ctx["http_port"]
    client = Client(port)
    check("redis: log in while Redis is up", client.login() == 302)
    redis.stop()
    say("Redis stopped")
    try:
        status, _, body = client.get("/healthz")
        check(
            "redis: /healthz reports the outage",
            status == 503 and b"redis" in body,
            f"HTTP {status}",
        )
        fresh = Client(port)
        check("redis: logging in works without Redis (rate limit fails open)", fresh.login() == 302)
        for path in MAIN_PAGES:
            started = time.monotonic()
            status, _, _ = client.get(path)
            check(
                f"redis: GET {path} answers 200",
                status == 200,
                f"HTTP {status}, {time.monotonic() - started:.2f} s",
            )

        tag = uuid.uuid4().hex[:6]
        started = time.monotonic()
        status, location, _ = client.post(
            "/customers/new/",
            {
                "kind": "company",
                "name": f"Drill Wien {tag}",
                "status": "customer",
                "street": "Stephansplatz 1",
                "postal_code": "1010",
                "city": "Wien",
                "country": "AT",
                "save_anyway": "1",
            },
        )
        customer_id = created_id(location, "/customers/")
        check(
            "redis: creating a customer with an address saves it",
            status == 302 and customer_id is not None,
            f"HTTP {status} -> {location}, {time.monotonic() - started:.2f} s",
        )
        with schema_context(SCHEMA):
            customer = Customer.objects.filter(pk=customer_id).first()
            check(
                "redis: the new customer is in the database, marked for geocoding later",
                customer is not None and customer.geocode_status == Customer.GeocodeStatus.PENDING,
                f"geocode_status={getattr(customer, 'geocode_status', None)}",
            )
            project, target = _movable_project()
        status, location, _ = client.post(
            f"/sales/projects/{project.pk}/move/",
            {
                "process": project.process_id,
                "phase": target.pk,
                "version": project.version,
                "owner": "",
                "lost_reason": "",
                "park_until": "",
                "park_return_phase": "",
            },
        )
        with schema_context(SCHEMA):
            project.refresh_from_db()
        check(
            "redis: moving a project saves the new phase",
            status == 302 and project.phase_id == target.pk,
            f"HTTP {status}, phase {project.phase_id} (wanted {target.pk})",
        )
        status, location, _ = client.post(
            "/activity/new/",
            {
                "customer": customer_id,
                "kind": "call",
                "subject": f"Drill call {tag}",
                "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
                "duration_minutes": "10",
                "text": "",
            },
        )
        activity_id = created_id(location, "/activity/")
        with schema_context(SCHEMA):
            logged = Activity.objects.filter(pk=activity_id, subject=f"Drill call {tag}").exists()
        check(
            "redis: logging an activity saves it",
            status == 302 and logged,
            f"HTTP {status} -> {location}",
        )
        for path in (f"/customers/{customer_id}/", f"/sales/projects/{project.pk}/"):
            status, _, _ = client.get(path)
            check(f"redis: GET {path} answers 200", status == 200, f"HTTP {status}")

        # A CSV import asked for while the broker is down: a clear message, the job not stuck.
        from django.core.files.uploadedfile import SimpleUploadedFile

        from customers import imports

        with schema_context(SCHEMA):
            admin = User.objects.get(email=ADMIN)
            job = imports.import_job_create(
                user=admin,
                upload=SimpleUploadedFile(
                    "drill.csv", f"Name;PLZ;Ort\nDrill Import {tag};1010;Wien\n".encode()
                ),
            )
        status, location, _ = client.post(
            f"/customers/import/{job.pk}/mapping/",
            {
                "col_0": "name",
                "col_1": "postal_code",
                "col_2": "city",
                "default_owner": admin.pk,
                "skip_existing": "on",
            },
        )
        with schema_context(SCHEMA):
            job.refresh_from_db()
        check(
            "redis: asking for a CSV import does not fail and leaves the job retryable",
            status in (200, 302)
            and job.state in (ImportJob.State.UPLOADED, ImportJob.State.CHECKING),
            f"HTTP {status}, state {job.state}, message {job.message!r}",
        )
    finally:
        redis.start()
        say("Redis started again")

    status, _, _ = client.get("/")
    check("redis: pages answer 200 after Redis is back", status == 200, f"HTTP {status}")
    # The beat task mapview-geocode-pending would run within 5 minutes and skips customers changed
    # in the last 2 minutes (their own task may still be on its way): age the customer and send the
    # task now.
    with schema_context(SCHEMA):
        Customer.objects.filter(pk=customer_id).update(
            updated_at=timezone.now() - timedelta(minutes=3)
        )
    worker = start_worker(ctx["env"], ctx["base"] / "worker-redis.log", "drill-redis")
    try:
        app.send_task("mapview.tasks.geocode_pending_all_tenants")
        say("sent the beat task mapview.tasks.geocode_pending_all_tenants to a real worker")

        def geocoded():
            with schema_context(SCHEMA):
                row = (
                    Customer.objects.filter(pk=customer_id)
                    .values("geocode_status", "latitude", "longitude")
                    .first()
                )
            return row if row and row["geocode_status"] != Customer.GeocodeStatus.PENDING else None

        row = wait_until(geocoded, 60, 0.5)
        check(
            "redis: the customer saved during the outage gets its coordinates once Redis is back",
            bool(row)
            and row["geocode_status"] == "found"
            and round(row["latitude"]) == 48
            and round(row["longitude"]) == 16,
            f"{row}",
        )
    finally:
        worker.stop()
        _close_db()


# --- drill: worker killed mid-task
# ------------------------------------------------------------------


def _csv(rows: int, tag: str) -> bytes:
    cities = [
        ("10115", "Berlin"),
        ("80331", "München"),
        ("50667", "Köln"),
        ("20095", "Hamburg"),
        ("1010", "Wien"),
    ]
    lines = ["Firma;Strasse;PLZ;Ort;Land;Vorname;Nachname;Mitarbeiter"]
    for n in range(rows):
        postal, city = cities[n % len(cities)]
        country = "AT" if city == "Wien" else "DE"
        lines.append(
            f"Killtest {tag} {n:06d} GmbH;Hauptstr. "
            f"{n % 200 + 1};{postal};{city};{country};Eva;Muster{n};{n % 400}"
        )
    return ("\n".join(lines) + "\n").encode()


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def drill_worker(ctx: dict) -> None:
    """Two ways a worker dies mid-import: the whole worker (a machine or container gone), and only
    the pool process running the task (the kernel's OOM killer picks the biggest process)."""
    _kill_mid_import(ctx, whole_worker=True)
    _kill_mid_import(ctx, whole_worker=False)


def _kill_mid_import(ctx: dict, *, whole_worker: bool) -> None:
    from django.core.cache import cache
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django_tenants.utils import schema_context

    from crm.models import User
    from customers import imports
    from customers.models import ContactPerson, Customer, ImportJob

    rows, tag = ctx["rows"], uuid.uuid4().hex[:6]
    env, base = ctx["env"], ctx["base"]
    what = "worker" if whole_worker else "worker pool process"
    first = start_worker(env, base / f"worker-{tag}-1.log", f"drill-{tag}-1")
    second = None
    try:
        with schema_context(SCHEMA):
            admin = User.objects.get(email=ADMIN)
            job = imports.import_job_create(
                user=admin, upload=SimpleUploadedFile("kill.csv", _csv(rows, tag))
            )
            imports.import_job_map(
                job=job, mapping=job.mapping, default_owner=admin, skip_existing=True
            )

        def state():
            with schema_context(SCHEMA):
                return ImportJob.objects.filter(pk=job.pk).values_list("state", flat=True).get()

        checked = wait_until(lambda: (s := state()) != "checking" and s, 180, 0.3)
        check(
            f"{what}: the dry run of the import ran on the real worker",
            checked == "checked",
            f"{rows} rows, state {checked}",
        )
        with schema_context(SCHEMA):
            imports.import_job_start(job=ImportJob.objects.get(pk=job.pk), user=admin)

        def writing():
            with schema_context(SCHEMA):
                progress = cache.get(f"customers:import-progress:{job.pk}") or {}
            return progress if progress.get("phase") == "write" else None

        progress = wait_until(writing, 180, 0.02)
        if whole_worker:
            first.kill(signal.SIGKILL)
            first.p.wait(timeout=10)
            say(
                f"SIGKILLed the worker (main process and its pool) while it was writing: {progress}"
            )
        else:
            pool = _children(first.p.pid)
            for pid in pool:
                os.kill(pid, signal.SIGKILL)
            say(
                f"SIGKILLed the pool process {pool} running the task while it was writing: "
                f"{progress}"
            )
        check(f"{what}: killed in the middle of writing the import", bool(progress), f"{progress}")
        with schema_context(SCHEMA):
            left = Customer.objects.filter(name__startswith=f"Killtest {tag} ").count()
        check(
            f"{what}: nothing half-written after the kill (the import is one transaction)",
            left == 0,
            f"{left} customers, job {state()}",
        )

        if whole_worker:
            second = start_worker(env, base / f"worker-{tag}-2.log", f"drill-{tag}-2")
            say(
                "started a new worker; the unacknowledged task is handed out again after the "
                "visibility timeout "
                f"({WORKER_VISIBILITY_TIMEOUT} s in this drill)"
            )
        else:
            say(
                "the worker's main process saw its pool process die and gave the task back "
                "(reject_on_worker_lost)"
            )
        final = wait_until(
            lambda: (s := state()) != "importing" and s, WORKER_VISIBILITY_TIMEOUT + 180, 0.5
        )
        with schema_context(SCHEMA):
            job = ImportJob.objects.get(pk=job.pk)
            names = Customer.objects.filter(name__startswith=f"Killtest {tag} ")
            total, distinct = names.count(), names.values("name").distinct().count()
            contacts = ContactPerson.objects.filter(
                customer__name__startswith=f"Killtest {tag} "
            ).count()
        check(
            f"{what}: the task ran again and the import ended done",
            final == "done",
            f"state {final}, message {job.message!r}",
        )
        check(
            f"{what}: every row imported exactly once (no duplicates, counts right)",
            total == distinct == rows == job.created_customers and contacts == rows,
            f"{total} customers, {distinct} distinct names, {contacts} contacts, "
            f"job says {job.created_customers}",
        )
        log = (second or first).text()
        succeeded = len(re.findall(r"Task customers\.import_job_run\[[^\]]+\] succeeded", log))
        if whole_worker:
            check(
                f"{what}: the new worker ran the redelivered task",
                succeeded == 1,
                f"{succeeded} succeeded in its log",
            )
        else:
            lost = "signal 9" in log or "WorkerLostError" in log
            check(
                f"{what}: the worker noticed the lost process and ran the task again in a new one",
                lost and succeeded == 1,
                f"lost process logged: {lost}, {succeeded} succeeded",
            )
    finally:
        first.stop()
        if second:
            second.stop()
        _close_db()


# --- drill: PostgreSQL restarted ------------------------------------------------------------------


def drill_postgres(ctx: dict) -> None:
    from django_tenants.utils import schema_context

    from customers.models import Customer

    pg, client = ctx["pg"], Client(ctx["http_port"])
    check("postgres: log in", client.login() == 302)
    before = [
        client.get(path)[0] for path in ("/", "/customers/", "/sales/projects/board/", "/activity/")
    ]
    check(
        "postgres: pages answer 200 before the restart (persistent connections in both gunicorn "
        "workers)",
        all(s == 200 for s in before),
        f"{before}",
    )
    _close_db()
    started = time.monotonic()
    pg.restart()
    say(
        "PostgreSQL restarted (pg_ctl restart -m fast: every open connection was cut) in "
        f"{time.monotonic() - started:.1f} s"
    )
    statuses = []
    for path in (
        "/",
        "/customers/",
        "/sales/projects/board/",
        "/activity/",
        "/",
        "/customers/contacts/",
    ):
        statuses.append(client.get(path)[0])
    check(
        "postgres: the requests after the restart succeed without restarting gunicorn",
        all(s == 200 for s in statuses),
        f"{statuses}",
    )
    tag = uuid.uuid4().hex[:6]
    status, location, _ = client.post(
        "/customers/new/",
        {
            "kind": "company",
            "name": f"After restart {tag}",
            "status": "customer",
            "postal_code": "",
            "city": "",
            "country": "DE",
            "save_anyway": "1",
        },
    )
    with schema_context(SCHEMA):
        saved = Customer.objects.filter(name=f"After restart {tag}").exists()
    check("postgres: a save after the restart works", status == 302 and saved, f"HTTP {status}")
    _close_db()


def _geocoded_via_worker(client: Client, name: str) -> str | None:
    from django_tenants.utils import schema_context

    from customers.models import Customer

    status, location, _ = client.post(
        "/customers/new/",
        {
            "kind": "company",
            "name": name,
            "status": "customer",
            "postal_code": "80331",
            "city": "München",
            "country": "DE",
            "save_anyway": "1",
        },
    )
    pk = created_id(location, "/customers/")
    if status != 302 or pk is None:
        return f"HTTP {status}"

    def done():
        with schema_context(SCHEMA):
            value = Customer.objects.filter(pk=pk).values_list("geocode_status", flat=True).first()
        return value if value != "pending" else None

    result = wait_until(done, 60, 0.3)
    _close_db()
    return result


def drill_postgres_worker(ctx: dict) -> None:
    """The Celery worker too keeps working across a PostgreSQL restart (Django's health check runs
    before each task, as before each request)."""
    pg, client = ctx["pg"], Client(ctx["http_port"])
    client.login()
    worker = start_worker(ctx["env"], ctx["base"] / "worker-pg.log", "drill-pg")
    try:
        before = _geocoded_via_worker(client, f"Before restart {uuid.uuid4().hex[:6]}")
        check(
            "postgres: the worker geocodes a new customer before the restart",
            before == "found",
            f"{before}",
        )
        pg.restart()
        say("PostgreSQL restarted again, with the worker's connection open")
        after = _geocoded_via_worker(client, f"After restart {uuid.uuid4().hex[:6]}")
        check(
            "postgres: the same worker geocodes the next customer after the restart",
            after == "found",
            f"{after}",
        )
    finally:
        worker.stop()
        _close_db()


DRILLS = {
    "redis": [drill_redis],
    "worker": [drill_worker],
    "postgres": [drill_postgres, drill_postgres_worker],
}


# --- main
# ---------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--drills", default="redis,worker,postgres")
    parser.add_argument(
        "--rows", type=int, default=20000, help="rows of the CSV import killed mid-way"
    )
    parser.add_argument(
        "--customers", type=int, default=300, help="seeded customers of the drill tenant"
    )
    parser.add_argument(
        "--pg-port", type=int, default=int(os.environ.get("FAULTS_PG_PORT", "5440"))
    )
    parser.add_argument(
        "--redis-port", type=int, default=int(os.environ.get("FAULTS_REDIS_PORT", "6390"))
    )
    parser.add_argument(
        "--http-port", type=int, default=int(os.environ.get("FAULTS_HTTP_PORT", "8307"))
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary directory (logs) at the end"
    )
    args = parser.parse_args()
    drills = [d.strip() for d in args.drills.split(",") if d.strip()]
    for port in (args.pg_port, args.redis_port, args.http_port):
        if _port_open(port):
            print(
                f"port {port} is in use; pick others with --pg-port/--redis-port/--http-port",
                file=sys.stderr,
            )
            return 2

    base = Path(tempfile.mkdtemp(prefix="crm-faults-"))
    base.chmod(0o755)  # the postgres user must reach its data directory
    (base / "media").mkdir()
    env = drill_env(base, args.pg_port, args.redis_port)
    os.environ.clear()
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "crm.settings"
    sys.path.insert(0, str(ROOT))
    pg, redis = Postgres(base, args.pg_port), Redis(base, args.redis_port)
    gunicorn = None
    ctx = {
        "base": base,
        "env": env,
        "pg": pg,
        "redis": redis,
        "http_port": args.http_port,
        "rows": args.rows,
    }
    say(
        f"working directory {base}; PostgreSQL {pg.bin} on {args.pg_port}, "
        f"Redis on {args.redis_port}, "
        f"gunicorn on {args.http_port}"
    )
    try:
        pg.init()
        redis.start()
        import django

        django.setup()
        setup_database(args.customers)
        _close_db()
        gunicorn = start_gunicorn(env, args.http_port, base / "gunicorn.log")
        for name in drills:
            say(f"--- drill: {name}")
            try:
                for drill in DRILLS[name]:
                    drill(ctx)
            except Exception as exc:  # noqa: BLE001 - a crashed drill is a failed drill
                check(
                    f"{name}: the drill ran to the end", False, f"{exc.__class__.__name__}: {exc}"
                )
                _close_db()
    finally:
        if gunicorn:
            gunicorn.stop()
            errors = [
                line
                for line in gunicorn.text().splitlines()
                if "Traceback" in line or " 500 " in line
            ]
            if errors:
                say(f"gunicorn log has {len(errors)} error lines, see {base / 'gunicorn.log'}")
                args.keep = True
        _close_db()
        redis.stop()
        pg.stop()
        if args.keep or any(not ok for _, ok, _ in RESULTS):
            say(f"logs kept in {base}")
            shutil.rmtree(base / "pg", ignore_errors=True)
        else:
            shutil.rmtree(base, ignore_errors=True)
    failed = [name for name, ok, _ in RESULTS if not ok]
    print(f"\n{len(RESULTS) - len(failed)} passed, {len(failed)} failed", flush=True)
    return 1 if failed or not RESULTS else 0


if __name__ == "__main__":
    sys.exit(main())
