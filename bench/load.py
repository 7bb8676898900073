"""Load test: `make load` (LOAD_ARGS="--users 10 --seconds 30" for a quick run).

1. Creates the tenant ``loadtest`` (loadtest.localhost) in the configured database: 50 salespeople
   and managers of its own, then seed_demo with 5,000 customers spread over them.
2. Serves the app the way production does: gunicorn, DEBUG off, on 127.0.0.1, with a Celery
   worker when REDIS_URL is set (geocoding after each new customer goes through the broker).
3. Runs locust headless (this file is also the locustfile): each simulated user logs in as a
   different person and, with 1-3 s of think time, opens the main pages (dashboard, customer
   overview with filters and search, contacts, kanban, project list, leads, groups, activity log,
   map data, customer and project pages) and saves things (customers, contacts, activities,
   projects, moves between phases). A POST that does not redirect counts as an error.
4. Checks that nothing was lost: every record a user was told was created is in the database with
   its name, and every project stands in the phase of its last successful move.
5. Writes errors, requests/s and p50/p95 per endpoint into the "Load test" section of
   docs/reliability.md, then drops the tenant (--keep leaves it).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCHEMA, DOMAIN = "loadtest", "loadtest.localhost"
PASSWORD = "crm-load-test-2026"  # noqa: S105 - a throwaway tenant's users
DOC = ROOT / "docs" / "reliability.md"
BEGIN, END = "<!-- load-results:begin -->", "<!-- load-results:end -->"


# ==== the locust side (this module imported by locust)
# ===============================================

if __name__ != "__main__":
    import itertools
    import json
    import random
    import re
    import time
    import uuid

    from locust import HttpUser, between, task

    PLAN = json.loads(Path(os.environ["LOAD_PLAN"]).read_text())
    RECORD = open(os.environ["LOAD_RECORD"], "a", buffering=1)  # noqa: SIM115 - one file for the whole run
    _next_user = itertools.count()
    CITIES = [
        ("10115", "Berlin"),
        ("80331", "München"),
        ("50667", "Köln"),
        ("20095", "Hamburg"),
        ("60311", "Frankfurt am Main"),
        ("70173", "Stuttgart"),
        ("04109", "Leipzig"),
        ("1010", "Wien"),
    ]
    PREFIXES = ["Mü", "Sch", "Ber", "Ho", "We", "Kl", "Ma", "Ge", "Ba", "Fi"]

    def record(**entry) -> None:
        RECORD.write(json.dumps({**entry, "t": time.time()}) + "\n")

    class CrmUser(HttpUser):
        wait_time = between(1, 3)

        def on_start(self):
            self.me = PLAN["users"][next(_next_user) % len(PLAN["users"])]
            self.jar: dict[str, str] = {}
            self.n = 0
            self._get("/login/", "login form")
            with self._request(
                "POST",
                "/login/",
                "log in",
                data={
                    "csrfmiddlewaretoken": self.jar.get("csrftoken", ""),
                    "email": self.me["email"],
                    "password": PASSWORD,
                },
            ) as resp:
                if resp.status_code != 302 or "/login/" in resp.headers.get("Location", ""):
                    resp.failure(f"login as {self.me['email']}: HTTP {resp.status_code}")

        def _request(self, method: str, path: str, label: str, **kwargs):
            """One request with our own cookie header: DEBUG=0 marks the cookies Secure, and a
            client's cookie jar would not send them back over plain-HTTP loopback."""
            headers = {"Host": DOMAIN, "Cookie": "; ".join(f"{k}={v}" for k, v in self.jar.items())}
            resp = self.client.request(
                method,
                path,
                name=label,
                headers=headers,
                allow_redirects=False,
                catch_response=True,
                **kwargs,
            )
            for cookie in resp.cookies:
                self.jar[cookie.name] = cookie.value
            return resp  # a context manager: `with` it to mark failures

        def _get(self, path: str, label: str):
            """GET a page; being sent to the login page or any other status than 200 is an error."""
            with self._request("GET", path, label) as resp:
                if resp.status_code != 200:
                    resp.failure(
                        f"HTTP {resp.status_code} {resp.headers.get('Location', '')} "
                        f"{resp.error or ''}"
                    )
                return resp

        def _post(self, path: str, data: dict, label: str, prefix: str, **entry):
            """POST a form; success means a redirect to the new or changed object's page."""
            self.n += 1
            with self._request(
                "POST",
                path,
                label,
                data={"csrfmiddlewaretoken": self.jar.get("csrftoken", ""), **data},
            ) as resp:
                location = resp.headers.get("Location", "")
                match = re.search(rf"{re.escape(prefix)}(\d+)/", location) if prefix else None
                if resp.status_code != 302 or (prefix and not match):
                    snippet = re.sub(r"\s+", " ", resp.text)
                    found = re.search(
                        r"(invalid-feedback|alert-danger|errorlist)[^>]*>([^<]{0,160})", snippet
                    )
                    resp.failure(
                        f"HTTP {resp.status_code} -> {location!r} "
                        f"{found.group(2) if found else ''} "
                        f"{resp.error or ''}"
                    )
                    return None
                pk = int(match.group(1)) if match else None
                record(user=self.me["email"], **entry, id=pk)
                return pk or True

        def _customer(self) -> int:
            return random.choice(self.me["customers"])

        def _tag(self) -> str:
            return f"{self.me['id']}-{self.n}-{uuid.uuid4().hex[:6]}"

        # --- pages ---------------------------------------------------------------------------
        @task(5)
        def dashboard(self):
            self._get("/", "dashboard")

        @task(4)
        def customer_overview(self):
            params = random.choice(
                [
                    "",
                    f"?q={random.choice(PREFIXES)}",
                    "?status=customer",
                    "?status=lead",
                    "?size_class=A&size_class=B",
                    f"?owner={self.me['id']}",
                    f"?q={random.choice(CITIES)[1]}&status=customer",
                    "?page=3",
                ]
            )
            self._get(f"/customers/{params}", "customer overview (filters, search)")

        @task(2)
        def contacts(self):
            self._get(
                random.choice(
                    ["/customers/contacts/", f"/customers/contacts/?q={random.choice(PREFIXES)}"]
                ),
                "contacts",
            )

        @task(3)
        def kanban(self):
            self._get("/sales/projects/board/", "kanban")

        @task(2)
        def project_list(self):
            self._get(
                random.choice(["/sales/projects/", f"/sales/projects/?owner={self.me['id']}"]),
                "sales projects list",
            )

        @task(1)
        def leads(self):
            self._get("/sales/leads/", "leads")

        @task(1)
        def groups(self):
            self._get("/sales/groups/", "project groups")

        @task(2)
        def activity_log(self):
            self._get(random.choice(["/activity/", "/activity/?kind=call"]), "activity log")

        @task(2)
        def map_data(self):
            west, south = random.uniform(5, 13), random.uniform(47, 53)
            size = random.choice([1, 3, 8])
            self._get(
                f"/map/data/?bbox={west:.3f},{south:.3f},{west + size:.3f},{south + size / 2:.3f}"
                f"&zoom={random.choice([6, 8, 10])}",
                "map data",
            )

        @task(3)
        def customer_detail(self):
            self._get(f"/customers/{self._customer()}/", "customer detail")

        @task(2)
        def project_detail(self):
            self._get(
                f"/sales/projects/{random.choice(self.me['projects'])['id']}/", "project detail"
            )

        # --- actions -------------------------------------------------------------------------
        @task(1)
        def create_customer(self):
            postal, city = random.choice(CITIES)
            name = f"Load {self._tag()} GmbH"
            self._post(
                "/customers/new/",
                {
                    "kind": "company",
                    "name": name,
                    "status": "customer",
                    "street": f"Hauptstr. {random.randint(1, 99)}",
                    "postal_code": postal,
                    "city": city,
                    "country": "AT" if city == "Wien" else "DE",
                    "owner": self.me["id"],
                    "employees": random.randint(1, 500),
                    "save_anyway": "1",
                },
                "create customer",
                "/customers/",
                kind="customer",
                name=name,
            )

        @task(1)
        def create_contact(self):
            last = f"Kontakt {self._tag()}"
            self._post(
                "/customers/contacts/new/",
                {
                    "customer": self._customer(),
                    "first_name": "Eva",
                    "last_name": last,
                    "position": "Einkauf",
                },
                "create contact",
                "/customers/contacts/",
                kind="contact",
                name=last,
            )

        @task(1)
        def log_activity(self):
            subject = f"Call {self._tag()}"
            self._post(
                "/activity/new/",
                {
                    "customer": self._customer(),
                    "kind": random.choice(["call", "meeting", "email", "note"]),
                    "subject": subject,
                    "occurred_at": time.strftime("%Y-%m-%dT%H:%M"),
                    "duration_minutes": "15",
                },
                "log activity",
                "/activity/",
                kind="activity",
                name=subject,
            )

        @task(1)
        def create_project(self):
            title = f"Project {self._tag()}"
            self._post(
                "/sales/projects/new/",
                {
                    "customer_mode": "existing",
                    "customer": self._customer(),
                    "title": title,
                    "process": PLAN["sales_process"],
                    "phase": "",
                    "owner": self.me["id"],
                    "volume": random.randint(1, 90) * 1000,
                },
                "create project",
                "/sales/projects/",
                kind="project",
                name=title,
            )

        @task(2)
        def move_project(self):
            project = random.choice(self.me["projects"])
            resp = self._get(f"/sales/projects/{project['id']}/move/", "move dialog")
            version = re.search(r'name="version" value="(\d+)"', resp.text or "")
            if not version:
                return
            phases = [
                p for p in PLAN["phases"][str(project["process"])] if p != project.get("phase")
            ]
            target = random.choice(phases)
            moved = self._post(
                f"/sales/projects/{project['id']}/move/",
                {
                    "process": project["process"],
                    "phase": target,
                    "version": version.group(1),
                    "owner": "",
                    "lost_reason": "",
                    "park_until": "",
                    "park_return_phase": "",
                },
                "move project",
                "",
                kind="move",
                project=project["id"],
                phase=target,
            )
            if moved:
                project["phase"] = target


# ==== the driver (python bench/load.py)
# ===============================================================


def _setup_env(args) -> None:
    os.environ["DEBUG"] = "0"
    os.environ["SECURE_SSL_REDIRECT"] = "0"
    os.environ.setdefault(
        "SECRET_KEY", "load-test-only-secret-key-not-for-production-0123456789abcdef"
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
    os.environ.pop("BENCH_INSTRUMENT", None)
    sys.path.insert(0, str(ROOT))


def build_tenant(users: int, customers: int) -> dict:
    """The loadtest tenant with its users and seeded data; returns the plan the locust users
    follow."""
    import random
    import time

    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django_tenants.utils import schema_context

    from crm.models import Team, User
    from customers.models import Customer
    from sales.models import Phase, Process, SalesProject
    from tenants.services import tenant_ensure_public, tenant_provision

    drop_tenant()
    started = time.monotonic()
    call_command("collectstatic", interactive=False, verbosity=0)
    tenant_ensure_public(domain="localhost")
    tenant_provision(
        schema=SCHEMA,
        name="Loadtest GmbH",
        domain=DOMAIN,
        admin_email="admin@loadtest.test",
        admin_password=PASSWORD,
        lead_function_enabled=True,
    )
    with schema_context(SCHEMA):
        root, _ = Team.objects.get_or_create(name="Sales")
        teams = [
            Team.objects.get_or_create(name=f"Sales {n}", defaults={"parent": root})[0]
            for n in ("North", "South", "East", "West", "Central")
        ]
        password = make_password(PASSWORD)
        User.objects.bulk_create(
            [
                User(
                    email=f"load.{i + 1}@loadtest.test",
                    first_name="Load",
                    last_name=f"User {i + 1}",
                    password=password,
                    role=User.Role.MANAGER if i < len(teams) else User.Role.SALESPERSON,
                    team=teams[i % len(teams)],
                )
                for i in range(users)
            ]
        )
    call_command("seed_demo", schema=SCHEMA, customers=customers)
    print(
        f"tenant {SCHEMA}: {users} users, {customers} customers ({time.monotonic() - started:.0f} "
        "s)",
        flush=True,
    )

    rng = random.Random(7)
    with schema_context(SCHEMA):
        sales = Process.objects.filter(kind=Process.Kind.SALES).order_by("pk")
        phases = {
            str(p.pk): list(
                Phase.objects.filter(
                    process=p, outcome=Phase.Outcome.OPEN, parks=False, locked=False
                ).values_list("pk", flat=True)
            )
            for p in sales
        }
        plan = {"sales_process": sales[0].pk, "phases": phases, "users": []}
        for user in User.objects.filter(
            email__endswith="@loadtest.test", email__startswith="load."
        ).order_by("pk"):
            own_customers = list(
                Customer.objects.filter(owner=user).values_list("pk", flat=True)[:300]
            )
            projects = list(
                SalesProject.objects.filter(
                    owner=user,
                    process__in=sales,
                    phase__outcome=Phase.Outcome.OPEN,
                    phase__parks=False,
                    phase__locked=False,
                ).values("id", "process", "phase")[:40]
            )
            if not own_customers or not projects:
                continue
            rng.shuffle(own_customers)
            plan["users"].append(
                {
                    "id": user.pk,
                    "email": user.email,
                    "customers": own_customers,
                    "projects": projects,
                }
            )
    if len(plan["users"]) < users:
        print(
            f"note: only {len(plan['users'])} of {users} users own customers and open projects",
            flush=True,
        )
    return plan


def drop_tenant() -> None:
    from django.db import connection

    from tenants.models import Tenant

    connection.set_schema_to_public()
    existing = Tenant.objects.filter(schema_name=SCHEMA).first()
    if existing:
        existing.delete(force_drop=True)


def verify(record_path: Path) -> dict:
    """Every record a user was told was created exists; every project is in its last move's
    phase."""
    import json

    from django_tenants.utils import schema_context

    from activity.models import Activity
    from customers.models import ContactPerson, Customer
    from sales.models import SalesProject

    entries = [json.loads(line) for line in record_path.read_text().splitlines() if line.strip()]
    models = {
        "customer": (Customer, "name"),
        "contact": (ContactPerson, "last_name"),
        "activity": (Activity, "subject"),
        "project": (SalesProject, "title"),
    }
    report: dict = {}
    with schema_context(SCHEMA):
        for kind, (model, field) in models.items():
            wanted = {e["id"]: e["name"] for e in entries if e["kind"] == kind}
            found = dict(model.objects.filter(pk__in=wanted).values_list("pk", field))
            missing = [pk for pk, name in wanted.items() if found.get(pk) != name]
            report[kind] = {
                "reported": len(wanted),
                "found": len(wanted) - len(missing),
                "missing": missing[:20],
            }
        last_move: dict[int, dict] = {}
        for entry in sorted((e for e in entries if e["kind"] == "move"), key=lambda e: e["t"]):
            last_move[entry["project"]] = entry
        current = dict(SalesProject.objects.filter(pk__in=last_move).values_list("pk", "phase_id"))
        wrong = [pk for pk, entry in last_move.items() if current.get(pk) != entry["phase"]]
        report["move"] = {
            "reported": sum(1 for e in entries if e["kind"] == "move"),
            "projects": len(last_move),
            "found": len(last_move) - len(wrong),
            "missing": wrong[:20],
        }
    return report


def _machine() -> str:
    import platform
    import re

    cpu = ""
    try:
        cpu = (
            re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text()).group(1).strip()
        )
    except (OSError, AttributeError):
        cpu = platform.processor()
    mem = ""
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        mem = f", {kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, AttributeError):
        pass
    system = f"{platform.system()} {platform.release()}"
    return f"{system}, {os.cpu_count()} CPU ({cpu}){mem}, Python {platform.python_version()}"


def _stats(prefix: Path) -> list[dict]:
    import csv

    with open(f"{prefix}_stats.csv", newline="") as handle:
        return list(csv.DictReader(handle))


def _failures(prefix: Path) -> list[dict]:
    import csv

    path = Path(f"{prefix}_failures.csv")
    if not path.exists():
        return []
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


def write_doc(
    *, args, stats: list[dict], failures: list[dict], report: dict, notes: list[str]
) -> str:
    import datetime

    rows = [s for s in stats if s["Name"] != "Aggregated"]
    total = next(s for s in stats if s["Name"] == "Aggregated")
    lost = sum(len(v["missing"]) for v in report.values())
    lines = [
        BEGIN,
        f"Run of {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}: {args.users} users for "
        f"{args.seconds} s, "
        f"{args.customers:,} seeded customers, gunicorn {args.workers} workers x {args.threads} "
        "threads on 127.0.0.1, "
        "DEBUG=0"
        + (
            ", Celery worker on Redis"
            if os.environ.get("REDIS_URL")
            else ", no Redis (tasks in-process)"
        )
        + ".",
        "",
        f"Machine: {_machine()}.",
        *(f"{note}" for note in notes),
        "",
        f"**{int(total['Request Count']):,} requests, {int(total['Failure Count'])} errors, "
        f"{float(total['Requests/s']):.1f} requests/s, p50 {total['50%']} ms, "
        f"p95 {total['95%']} ms; "
        f"{lost} records lost.**",
        "",
        "| endpoint | method | requests | errors | p50 ms | p95 ms | max ms |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for s in sorted(rows, key=lambda s: (s["Type"], s["Name"])):
        lines.append(
            f"| {s['Name']} | {s['Type']} | {s['Request Count']} | {s['Failure Count']} | "
            f"{s['50%']} | "
            f"{s['95%']} | {float(s['Max Response Time']):.0f} |"
        )
    lines += [
        "",
        "Nothing lost (what the users were told was saved, checked in the database afterwards):",
        "",
        "| record | reported by the users | found in the database |",
        "|---|---:|---:|",
    ]
    labels = {
        "customer": "customers",
        "contact": "contacts",
        "activity": "activities",
        "project": "projects",
    }
    for kind, value in report.items():
        missing = (
            ""
            if not value["missing"]
            else " (wrong or missing: " + ", ".join(map(str, value["missing"])) + ")"
        )
        if kind == "move":
            lines.append(
                f"| moves: {value['reported']} on {value['projects']} projects, "
                "each in the phase of its last "
                f"move | {value['projects']} | {value['found']}{missing} |"
            )
        else:
            lines.append(f"| {labels[kind]} | {value['reported']} | {value['found']}{missing} |")
    if failures:
        lines += ["", "Errors:", ""]
        lines += [
            f"- {f['Method']} {f['Name']}: {f['Error']} ({f['Occurrences']}x)"
            for f in failures[:20]
        ]
    lines.append(END)
    block = "\n".join(lines)
    if DOC.exists() and BEGIN in DOC.read_text():
        text = DOC.read_text()
        text = text[: text.index(BEGIN)] + block + text[text.index(END) + len(END) :]
        DOC.write_text(text)
    return block


def main() -> int:
    import argparse
    import shutil
    import subprocess
    import tempfile
    import time

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--customers", type=int, default=5000)
    parser.add_argument("--spawn-rate", type=float, default=5)
    parser.add_argument("--port", type=int, default=int(os.environ.get("LOAD_PORT", "8308")))
    parser.add_argument("--workers", type=int, default=5, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=2, help="threads per gunicorn worker")
    parser.add_argument("--keep", action="store_true", help="keep the loadtest tenant afterwards")
    parser.add_argument(
        "--no-doc", action="store_true", help="do not rewrite the results in docs/reliability.md"
    )
    parser.add_argument(
        "--note", action="append", default=[], help="a line for the results (e.g. other load)"
    )
    args = parser.parse_args()
    _setup_env(args)

    import json

    import django

    django.setup()
    from django.db import connections

    work = Path(tempfile.mkdtemp(prefix="crm-load-"))
    procs: list[subprocess.Popen] = []
    code = 1
    try:
        plan = build_tenant(args.users, args.customers)
        (work / "plan.json").write_text(json.dumps(plan))
        connections.close_all()
        bindir = Path(sys.executable).parent
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        log = open(work / "gunicorn.log", "w")  # noqa: SIM115 - closed with the process
        procs.append(
            subprocess.Popen(  # noqa: S603 - our own venv's gunicorn
                [
                    str(bindir / "gunicorn"),
                    "crm.wsgi:application",
                    "-b",
                    f"127.0.0.1:{args.port}",
                    "-w",
                    str(args.workers),
                    "--threads",
                    str(args.threads),
                    "--timeout",
                    "60",
                    # Keep idle connections longer than the users' think time: with gunicorn's
                    # default of 2 s, a client reusing a connection the server is just closing gets
                    # a reset.
                    "--keep-alive",
                    "10",
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
        if os.environ.get("REDIS_URL"):
            procs.append(
                subprocess.Popen(  # noqa: S603
                    [
                        str(bindir / "celery"),
                        "-A",
                        "crm",
                        "worker",
                        "-l",
                        "warning",
                        "-c",
                        "1",
                        "--without-gossip",
                        "--without-mingle",
                        "-n",
                        f"load-{os.getpid()}@%h",
                    ],
                    cwd=ROOT,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
        time.sleep(3)
        load_before = os.getloadavg()
        print(
            f"locust: {args.users} users for {args.seconds} s against http://127.0.0.1:{args.port} "
            f"(Host {DOMAIN}); load average before {load_before[0]:.1f}",
            flush=True,
        )
        prefix = work / "locust"
        locust_env = {
            **env,
            "LOAD_PLAN": str(work / "plan.json"),
            "LOAD_RECORD": str(work / "records.jsonl"),
        }
        subprocess.run(  # noqa: S603
            [
                str(bindir / "locust"),
                "-f",
                __file__,
                "--headless",
                "-u",
                str(args.users),
                "-r",
                str(args.spawn_rate),
                "-t",
                f"{args.seconds}s",
                "-H",
                f"http://127.0.0.1:{args.port}",
                "--csv",
                str(prefix),
                "--only-summary",
                "--stop-timeout",
                "30",
                "--exit-code-on-error",
                "0",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env=locust_env,
            check=True,
        )
        load_after = os.getloadavg()
        time.sleep(2)
        report = verify(work / "records.jsonl")
        stats, failures = _stats(prefix), _failures(prefix)
        notes = list(args.note)
        notes.append(
            f"Load average (1 min) {load_before[0]:.1f} before the run and {load_after[0]:.1f} at "
            "its end "
            f"(locust, gunicorn, PostgreSQL and the worker share the machine)."
        )
        block = (
            write_doc(args=args, stats=stats, failures=failures, report=report, notes=notes)
            if not args.no_doc
            else ""
        )
        print(block or json.dumps(report, indent=1))
        total = next(s for s in stats if s["Name"] == "Aggregated")
        lost = sum(len(v["missing"]) for v in report.values())
        code = 0 if int(total["Failure Count"]) == 0 and lost == 0 else 1
        print(
            f"\n{'OK' if code == 0 else 'FAILED'}: {total['Failure Count']} errors, "
            f"{lost} records lost",
            flush=True,
        )
        for proc in procs:
            proc.terminate()
        gunicorn_errors = [
            line
            for line in (work / "gunicorn.log").read_text(errors="replace").splitlines()
            if "Traceback" in line
        ]
        if gunicorn_errors:
            print(
                f"gunicorn/worker log has {len(gunicorn_errors)} tracebacks: "
                f"{work / 'gunicorn.log'}",
                flush=True,
            )
            code = 1
    finally:
        for proc in procs:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        connections.close_all()
        if not args.keep:
            drop_tenant()
            print(f"dropped the {SCHEMA} tenant", flush=True)
        if code == 0:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"files kept in {work}", flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
